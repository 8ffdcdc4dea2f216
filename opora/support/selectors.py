"""Reads of the support network, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from opora.core import dates
from opora.core.access import Action, UserLike, get_for_user, permits, reach, restrict
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind
from opora.registry.models import CuratorAssignment, Membership, Organization, Person
from opora.registry.scoping import coordinator_reach
from opora.support.models import MentorPair, NetworkAgreement

# --- network ---

# Who opens «Похожие школы с лучшими результатами»: the territory's coordinators and
# analysts (methodists), not the school, its curator or the council.
RECOMMENDER_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.ANALYST})


def current_q(day: datetime.date, prefix: str = "") -> Q:
    """Periods (`since`, inclusive `until` or none) that run on `day`."""
    return Q(**{f"{prefix}since__lte": day}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": day})
    )


def network_may_manage(user: UserLike, organization: Organization | None = None) -> bool:
    """Whether `user` places curators and mentor schools and keeps agreements — for this
    organisation, or anywhere when it is None (coordinators of its territory)."""
    r = coordinator_reach(user)
    return r.covers(organization) if organization is not None else not r.is_empty


def recommender_may(user: UserLike, school: Organization | None = None) -> bool:
    """Whether `user` opens the mentor recommender for this school (or anywhere)."""
    r = reach(user, Action.CHANGE, roles=RECOMMENDER_ROLES)
    return r.covers(school) if school is not None else not r.is_empty


# Curators


def curator_school_choices(user: UserLike) -> QuerySet[Organization]:
    """Schools whose curators `user` may place: those of their coordinator territory, each
    with `has_curator` (a current assignment; one query)."""
    current = CuratorAssignment.objects.filter(school=OuterRef("pk")).filter(
        current_q(dates.today())
    )
    return (
        Organization.objects.filter(kind=OrganizationKind.SCHOOL, is_active=True)
        .filter(coordinator_reach(user).organization_q())
        .select_related("territory")
        .annotate(has_curator=Exists(current))
        .order_by("short_name", "pk")
    )


def curator_loads(person_ids: list[int] | None = None) -> dict[int, int]:
    """How many schools each curator has now (current assignments), by person id. A count
    per person, not a list of their schools."""
    qs = CuratorAssignment.objects.filter(current_q(dates.today()))
    if person_ids is not None:
        qs = qs.filter(curator_id__in=person_ids)
    return dict(
        qs.values("curator_id")
        .annotate(n=Count("school_id", distinct=True))
        .values_list("curator_id", "n")
    )


def curator_candidates(user: UserLike) -> QuerySet[Person]:
    """People with a current curator role in an organisation the user sees people of, each
    with `load` — the number of schools assigned to them now (one query)."""
    r = reach(user, Action.VIEW_PEOPLE)
    roles = Membership.objects.filter(
        person=OuterRef("pk"), role=Role.CURATOR, is_active=True
    ).filter(r.organization_q("organization__"))
    load = (
        CuratorAssignment.objects.filter(curator=OuterRef("pk"))
        .filter(current_q(dates.today()))
        .order_by()
        .values("curator")
        .annotate(n=Count("school", distinct=True))
        .values("n")
    )
    return (
        restrict(Person.objects.all(), user)
        .filter(Exists(roles))
        .annotate(load=Coalesce(Subquery(load, output_field=IntegerField()), 0))
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def curator_assignment_list(
    user: UserLike, action: Action = Action.VIEW
) -> QuerySet[CuratorAssignment]:
    """Curator assignments of schools the user may `action` (VIEW_PEOPLE: with the curator's
    name, which is personal data), newest first."""
    return restrict(CuratorAssignment.objects.all(), user, action).select_related(
        "curator", "school__territory"
    )


def curator_assignments_current(user: UserLike) -> QuerySet[CuratorAssignment]:
    """Assignments the user may end that have not ended (current or starting later), by
    school."""
    today = dates.today()
    return (
        curator_assignment_list(user, Action.CHANGE)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .order_by("school__short_name", "since", "pk")
    )


def curator_assignment_get(
    user: UserLike, pk: Any, action: Action = Action.VIEW
) -> CuratorAssignment:
    """An assignment the user may `action` (CHANGE: a coordinator of the school's
    territory); 404 otherwise."""
    return get_for_user(
        CuratorAssignment.objects.select_related("curator", "school__territory"), user, pk, action
    )


def curator_membership_school_ids(person: Person) -> set[int]:
    """The organisations where this person holds an active role (a curator may not curate a
    school they work at)."""
    return set(
        Membership.objects.filter(person=person, is_active=True).values_list(
            "organization_id", flat=True
        )
    )


# Mentor pairs


def mentor_pair_list(user: UserLike, *, current: bool = False) -> QuerySet[MentorPair]:
    """Mentor pairs the user may see (as the school's or the mentor's), optionally only
    those running today."""
    qs = restrict(MentorPair.objects.all(), user).select_related(
        "school__territory", "mentor__territory", "agreement"
    )
    if current:
        qs = qs.filter(current_q(dates.today()))
    return qs.order_by("school__short_name", "-since", "pk")


def mentor_pair_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> MentorPair:
    """A mentor pair the user may `action`; 404 otherwise."""
    return get_for_user(
        MentorPair.objects.select_related("school__territory", "mentor__territory", "agreement"),
        user,
        pk,
        action,
    )


def mentor_loads(mentor_ids: list[int] | None = None) -> dict[int, int]:
    """How many pairs each mentor school has now, by school id (a count, seen by all who
    choose a mentor: a mentor's limit concerns every territory)."""
    qs = MentorPair.objects.filter(current_q(dates.today()))
    if mentor_ids is not None:
        qs = qs.filter(mentor_id__in=mentor_ids)
    return dict(qs.values("mentor_id").annotate(n=Count("pk")).values_list("mentor_id", "n"))


def school_mentors(user: UserLike, school_ids: list[int]) -> dict[int, list[Organization]]:
    """The current mentor schools of these schools that the user may see, by school id (the
    school list and card; one query)."""
    found: dict[int, list[Organization]] = {}
    if not school_ids:
        return found
    for pair in mentor_pair_list(user, current=True).filter(school_id__in=school_ids):
        found.setdefault(pair.school_id, []).append(pair.mentor)
    return found


def school_mentor_links(user: UserLike, school_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """`core.hooks.school_mentors`: each school's current mentors as (name, address of the
    mentor's card, or "" where the user may not open it)."""
    visible = reach(user)
    return {
        school_id: [
            (m.short_name, m.get_absolute_url() if visible.covers(m) else "") for m in found
        ]
        for school_id, found in school_mentors(user, school_ids).items()
    }


def school_pairs(user: UserLike, school: Organization) -> list[MentorPair]:
    """The school's mentor pairs — as the supported school or as the mentor — the user may
    see, newest first."""
    return list(
        restrict(MentorPair.objects.filter(Q(school=school) | Q(mentor=school)), user)
        .select_related("school", "mentor", "agreement")
        .order_by("-since", "-pk")
    )


def mentor_choices(user: UserLike) -> QuerySet[Organization]:
    """Schools the user sees, possible mentors."""
    return restrict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL, is_active=True), user
    ).order_by("short_name", "pk")


# Agreements


def agreement_list(user: UserLike) -> QuerySet[NetworkAgreement]:
    """Network agreements the user may see, with their keeper and parties (two queries)."""
    return (
        restrict(NetworkAgreement.objects.all(), user)
        .select_related("owner")
        .prefetch_related("parties")
        .order_by("-since", "-pk")
    )


def agreement_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> NetworkAgreement:
    """An agreement the user may `action` (its signed file is served with VIEW); 404
    otherwise."""
    return get_for_user(
        NetworkAgreement.objects.select_related("owner", "created_by").prefetch_related(
            "parties__territory"
        ),
        user,
        pk,
        action,
    )


def agreement_ids_visible(user: UserLike, ids: list[int | None]) -> set[int]:
    """Which of these agreements the user may see (links only to what opens)."""
    wanted = [pk for pk in ids if pk is not None]
    if not wanted:
        return set()
    return set(agreement_choices(user).filter(pk__in=wanted).values_list("pk", flat=True))


def agreement_may_change(user: UserLike, agreement: NetworkAgreement) -> bool:
    """Whether the user may edit the agreement (a coordinator of its keeper's territory)."""
    return permits(user, agreement, Action.CHANGE)


def agreement_pairs(user: UserLike, agreement: NetworkAgreement) -> list[MentorPair]:
    """The mentor pairs working under the agreement that the user may see."""
    return list(
        restrict(MentorPair.objects.filter(agreement=agreement), user)
        .select_related("school", "mentor")
        .order_by("-since", "-pk")
    )


def organization_agreements(user: UserLike, organization: Organization) -> list[NetworkAgreement]:
    """The agreements this organisation is a party to (or keeps) that the user may see."""
    return list(
        agreement_list(user)
        .filter(Q(parties=organization) | Q(owner=organization))
        .distinct()
        .order_by("-since", "-pk")
    )


def agreement_owner_choices(user: UserLike) -> QuerySet[Organization]:
    """Who may keep an agreement the user records: authorities and methodical centres of
    their coordinator territory."""
    return (
        Organization.objects.filter(
            kind__in=[OrganizationKind.EDUCATION_AUTHORITY, OrganizationKind.METHODICAL_CENTRE]
        )
        .filter(coordinator_reach(user).organization_q())
        .order_by("kind", "short_name", "pk")
    )


def agreement_party_choices(user: UserLike) -> QuerySet[Organization]:
    """Organisations the user sees that may be parties: schools, partners, authorities,
    methodical centres."""
    return (
        restrict(Organization.objects.filter(is_active=True), user)
        .select_related("territory")
        .order_by("kind", "short_name", "pk")
    )


def agreement_choices(user: UserLike) -> QuerySet[NetworkAgreement]:
    """Agreements a mentor pair may refer to: those the user may see."""
    return restrict(NetworkAgreement.objects.all(), user).order_by("-since", "-pk")


def partner_list(user: UserLike) -> QuerySet[Organization]:
    """Partner organisations the user sees."""
    return (
        restrict(Organization.objects.filter(kind=OrganizationKind.PARTNER), user)
        .select_related("territory")
        .order_by("short_name", "pk")
    )


def network_summary(user: UserLike) -> dict[str, int]:
    """The counts the «Поддержка» landing shows (a few queries)."""
    today = dates.today()
    return {
        "curated_schools": curator_assignment_list(user)
        .filter(current_q(today))
        .values("school")
        .distinct()
        .count(),
        "pairs": mentor_pair_list(user, current=True).count(),
        "agreements": agreement_list(user).count(),
        "partners": partner_list(user).count(),
    }
