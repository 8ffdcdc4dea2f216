"""Reads of the support network, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    organization_deciding_reach,
    own_organizations,
    permits,
    reach,
    restrict,
    restrict_within,
    restrict_within_each,
    role_organization_ids,
    role_organizations,
    user_roles,
)
from opora.core.choices import Role
from opora.core.queries import count_of, ids_compiled
from opora.registry.choices import OrganizationKind
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    ProgrammeSchool,
)
from opora.registry.scoping import coordinator_reach
from opora.registry.selectors import school_search
from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.progress import progress_refresh
from opora.support.choices import (
    Addressee,
    ConsultationStatus,
    EngagementSignal,
    RecommendationStatus,
    VisitKind,
    VisitStatus,
)
from opora.support.engagement import MonthWait, SchoolEngagement, Signal, month_waits
from opora.support.models import (
    Consultation,
    Escalation,
    MentorPair,
    NetworkAgreement,
    Recommendation,
    Visit,
    VisitPhoto,
    VisitTemplate,
)
from opora.support.scoping import (
    CONSULTATION_ASK_ROLES,
    CONSULTATION_HANDLER_ROLES,
    CONSULTATION_VIEW_ROLES,
    ENGAGEMENT_VIEW_ROLES,
    ESCALATE_ROLES,
    VISIT_ACTION,
    visit_view_reach,
)

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
    load = count_of(
        CuratorAssignment.objects.filter(current_q(dates.today())),
        "curator",
        of="school",
        distinct=True,
    )
    return (
        restrict(Person.objects.all(), user)
        .filter(Exists(roles))
        .annotate(load=load)
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def curator_assignment_list(
    user: UserLike, action: Action = Action.VIEW
) -> QuerySet[CuratorAssignment]:
    """Curator assignments of schools the user may `action` (VIEW_PEOPLE: with the curator's
    name, which is personal data), newest first."""
    return restrict(CuratorAssignment.objects.all(), user, action).select_related(
        "curator", "school__territory", "order"
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
    # Only the mentor (with its territory, for the reach check of its link) is read: this runs
    # for every page of the school list.
    pairs = restrict(
        MentorPair.objects.filter(current_q(dates.today()), school_id__in=school_ids), user
    )
    for pair in pairs.select_related("mentor__territory").order_by("-since", "pk"):
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
    """The agreements this organisation is a party to (or keeps) that the user may see; one
    query (the cards show neither the keeper nor the parties, so they are not loaded)."""
    return list(
        restrict(
            NetworkAgreement.objects.filter(Q(parties=organization) | Q(owner=organization)), user
        )
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


# --- engagement ---

# A consultation the school still waits for; the school may withdraw it.
CONSULTATION_OPEN = (
    ConsultationStatus.NEW,
    ConsultationStatus.TAKEN,
    ConsultationStatus.SCHEDULED,
)
# A recommendation the school has not answered with a result: overdue once its date passes.
RECOMMENDATION_PENDING = (RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED)


def consultation_may_view_any(user: UserLike) -> bool:
    """Whether the register opens for `user` at all (CONSULTATION_VIEW_ROLES somewhere)."""
    return not reach(user, Action.VIEW, roles=CONSULTATION_VIEW_ROLES).is_empty


def consultation_may_handle_any(user: UserLike) -> bool:
    """Whether `user` takes and answers consultations anywhere (methodists, coordinators)."""
    return not reach(user, Action.CHANGE, roles=CONSULTATION_HANDLER_ROLES).is_empty


def consultation_list(user: UserLike) -> QuerySet[Consultation]:
    """Consultations `user` may see, newest request first, with school and methodist."""
    return restrict(Consultation.objects.all(), user).select_related("school", "methodist")


def consultation_get(user: UserLike, pk: Any, action: Action | str = Action.VIEW) -> Consultation:
    """One consultation `user` may `action` (CHANGE: take, schedule, answer); 404 otherwise."""
    return get_for_user(
        Consultation.objects.select_related("school", "methodist"), user, pk, action
    )


def consultation_may_handle(user: UserLike, consultation: Consultation) -> bool:
    return permits(user, consultation, Action.CHANGE)


def consultation_ask_schools(user: UserLike) -> QuerySet[Organization]:
    """The schools `user` may ask a consultation for: where they are director or staff."""
    r = reach(user, Action.VIEW, roles=CONSULTATION_ASK_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return Organization.objects.filter(kind=OrganizationKind.SCHOOL).filter(r.organization_q())


def consultation_may_ask(user: UserLike, school: Organization) -> bool:
    """Whether `user` may ask a consultation for this school (as `consultation_ask_schools`,
    from the reach alone: no query)."""
    r = reach(user, Action.VIEW, roles=CONSULTATION_ASK_ROLES)
    return school.kind == OrganizationKind.SCHOOL and r.covers(school)


def consultation_may_withdraw(user: UserLike, consultation: Consultation) -> bool:
    """The school's administration may withdraw a request it still waits for."""
    return (
        consultation.status in CONSULTATION_OPEN
        and consultation_ask_schools(user).filter(pk=consultation.school_id).exists()
    )


def consultation_waits(
    consultations: QuerySet[Consultation], *, months: int | None = 12
) -> list[MonthWait]:
    """Median waiting times per month of request over `consultations` (a list the user
    sees, filtered), the newest month first: one query, whatever the number of schools.
    With `months`, only the requests of that many latest months are read."""
    rows = consultations.exclude(status=ConsultationStatus.CANCELLED)
    if months:
        first = dates.today().replace(day=1)
        for _ in range(months - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
        rows = rows.filter(requested_at__gte=start)
    return month_waits(rows.values_list("requested_at", "taken_at", "answered_at").order_by())


def consultation_school_search(
    consultations: QuerySet[Consultation], text: str
) -> QuerySet[Consultation]:
    """`consultations` of schools whose name, code or number matches `text`."""
    schools = school_search(Organization.objects.filter(kind=OrganizationKind.SCHOOL), text)
    return consultations.filter(school__in=schools.values("pk"))


def consultation_filter_methodists(consultations: QuerySet[Consultation]) -> QuerySet[Person]:
    """The methodists who took any of `consultations` (already limited to the user's reach):
    the name a school sees on its own consultation, nothing more."""
    return Person.objects.filter(pk__in=consultations.values("methodist")).order_by(
        "last_name", "first_name"
    )


def person_of(user: UserLike) -> Person | None:
    """The registry's person of this account (a methodist takes consultations as one)."""
    if not isinstance(user, User):
        return None
    return Person.objects.filter(user=user).first()


def consultation_recipients(consultation: Consultation) -> list[str]:
    """Where the school hears of an answer: who asked, and the school's own address."""
    addresses = []
    if consultation.requested_by_id:
        requester = User.objects.filter(pk=consultation.requested_by_id).first()
        if requester is not None and requester.is_active and requester.email:
            addresses.append(requester.email)
    if consultation.school.email:
        addresses.append(consultation.school.email)
    return list(dict.fromkeys(a.lower() for a in addresses))


def school_consultations(
    user: UserLike, school: Organization, limit: int = 5
) -> list[Consultation]:
    """The school's latest consultations for its card (which shows neither the school nor
    the methodist: they are not joined)."""
    return list(restrict_within(Consultation.objects.all(), user, school)[:limit])


# Engagement ---------------------------------------------------------------------------------


def engagement_may_view(user: UserLike) -> bool:
    """The engagement page is the territory's: coordinators, analysts; council reads it."""
    return not reach(user, Action.VIEW, roles=ENGAGEMENT_VIEW_ROLES).is_empty


def supported_schools(
    user: UserLike, *, programme: Any = None, on: datetime.date | None = None
) -> QuerySet[Organization]:
    """Schools on a support programme on `on` (joined, not left) within the territories of
    `user`'s ENGAGEMENT_VIEW_ROLES; with `programme`, on that one."""
    on = on or dates.today()
    r = reach(user, Action.VIEW, roles=ENGAGEMENT_VIEW_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    taking_part = ProgrammeSchool.objects.filter(school=OuterRef("pk")).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=on),
        Q(left_on__isnull=True) | Q(left_on__gt=on),
    )
    if programme is not None:
        taking_part = taking_part.filter(programme=programme)
    return (
        Organization.objects.filter(kind=OrganizationKind.SCHOOL)
        .filter(r.organization_q())
        .filter(Exists(taking_part))
    )


def engagement_signals(
    schools: QuerySet[Organization], on: datetime.date | None = None
) -> dict[int, SchoolEngagement]:
    """The signals of every school in `schools` (from `supported_schools`, the user's reach)
    that does not engage on `on`: one aggregate query per signal, none per school. Schools
    without a signal are absent."""
    on = on or dates.today()
    # Compiled once for the four queries below (the reach's filter and the programme
    # subquery, each compiled afresh otherwise).
    ids = ids_compiled(schools)
    found: dict[int, SchoolEngagement] = {}

    def add(school_id: int, signal: Signal) -> None:
        found.setdefault(school_id, SchoolEngagement(school_id)).signals.append(signal)

    # Recommendations addressed to the school, past their date and not answered with a result.
    overdue = (
        Recommendation.objects.filter(
            school__in=ids,
            addressee=Addressee.SCHOOL,
            status__in=RECOMMENDATION_PENDING,
            due_on__lt=on,
        )
        .values("school")
        .annotate(n=Count("pk"), oldest=Min("due_on"))
        .filter(n__gte=settings.OPORA_ENGAGEMENT_OVERDUE_RECOMMENDATIONS)
        .order_by()
    )
    for school_id, n, oldest in overdue.values_list("school", "n", "oldest"):
        add(school_id, Signal(EngagementSignal.OVERDUE_RECOMMENDATIONS, n, oldest))

    # Roadmaps in execution: the last report on any of their activities. A roadmap that has
    # had none counts from its start (order date or first day) so that a roadmap approved
    # last week is not flagged yet. The last report is read from the roadmaps' stored
    # counters, not from every report of the territory (which grows all year).
    cutoff = on - datetime.timedelta(days=settings.OPORA_ENGAGEMENT_REPORT_DAYS)
    running = Roadmap.objects.filter(school__in=ids, status=RoadmapStatus.EXECUTION)
    progress_refresh(running, dates.today())
    executing = (
        running.values("school")
        .annotate(
            started=Max(Coalesce("order__date", "starts_on")),
            last=Max("progress__last_report_at"),
        )
        .order_by()
    )
    for school_id, started, last in executing.values_list("school", "started", "last"):
        if last is not None:
            last_day = _local_day(last)
            if last_day <= cutoff:
                days = (on - last_day).days
                add(school_id, Signal(EngagementSignal.NO_ROADMAP_REPORT, 0, last_day, days))
        elif started is None or started <= cutoff:
            add(school_id, Signal(EngagementSignal.NO_ROADMAP_REPORT))

    since = on - datetime.timedelta(days=settings.OPORA_ENGAGEMENT_REFUSED_DAYS)
    refused = (
        Visit.objects.filter(
            school__in=ids, status=VisitStatus.REFUSED, planned_on__gte=since, planned_on__lte=on
        )
        .values("school")
        .annotate(n=Count("pk"), last=Max("planned_on"))
        .filter(n__gte=settings.OPORA_ENGAGEMENT_REFUSED_VISITS)
        .order_by()
    )
    for school_id, n, last_visit in refused.values_list("school", "n", "last"):
        add(school_id, Signal(EngagementSignal.REFUSED_VISITS, n, last_visit))
    return found


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def engagement_rows(
    user: UserLike,
    *,
    programme: Any = None,
    signal: str = "",
    on: datetime.date | None = None,
) -> list[SchoolEngagement]:
    """The supported schools in reach that do not engage, the weightiest first (most signals,
    then most overdue recommendations); with `signal`, only those showing it. Schools are
    not loaded: `engagement_page_fill` loads those of the page shown."""
    found = engagement_signals(supported_schools(user, programme=programme, on=on), on)
    rows = list(found.values())
    if signal:
        rows = [row for row in rows if any(s.code == signal for s in row.signals)]
    rows.sort(key=lambda row: (-row.weight[0], -row.weight[1], row.school_id))
    return rows


def engagement_page_fill(user: UserLike, rows: Iterable[SchoolEngagement]) -> None:
    """Load the schools of one page and their latest open escalation: two queries."""
    rows = list(rows)
    ids = [row.school_id for row in rows]
    schools = Organization.objects.select_related("territory").in_bulk(ids)
    open_escalations: dict[int, Escalation] = {}
    for escalation in restrict(
        Escalation.objects.filter(school_id__in=ids, resolved_at__isnull=True), user
    ).order_by("school_id", "-created_at"):
        open_escalations.setdefault(escalation.school_id, escalation)
    for row in rows:
        row.school = schools.get(row.school_id)
        row.escalation = open_escalations.get(row.school_id)


def school_signals(user: UserLike, school: Organization) -> list[Signal]:
    """The signals of one supported school in `user`'s reach (what an escalation records)."""
    schools = supported_schools(user).filter(pk=school.pk)
    found = engagement_signals(schools)
    return found[school.pk].signals if school.pk in found else []


def engagement_programmes(user: UserLike) -> QuerySet[Any]:
    """Programmes with supported schools in reach, for the page's filter."""
    from opora.registry.models import Programme

    return restrict(Programme.objects.all(), user).order_by("-starts_on", "name")


# Escalations -------------------------------------------------------------------------------


def escalation_list(user: UserLike) -> QuerySet[Escalation]:
    """Escalations `user` may see, newest first."""
    return restrict(Escalation.objects.all(), user).select_related("school", "created_by")


def escalation_get(user: UserLike, pk: Any, action: Action | str = Action.VIEW) -> Escalation:
    """One escalation `user` may `action` (CHANGE: the director answers it); 404 otherwise."""
    return get_for_user(
        Escalation.objects.select_related("school", "created_by", "resolved_by"), user, pk, action
    )


def escalation_may_answer(user: UserLike, escalation: Escalation) -> bool:
    return escalation.resolved_at is None and permits(user, escalation, Action.CHANGE)


def escalation_may_create_any(user: UserLike) -> bool:
    return not reach(user, Action.CHANGE, roles=ESCALATE_ROLES).is_empty


def escalation_may_create(user: UserLike, school: Organization) -> bool:
    """Whether `user` may escalate this school: a coordinator of its territory, and the
    school is on a support programme."""
    r = reach(user, Action.CHANGE, roles=ESCALATE_ROLES)
    return (
        not r.is_empty and supported_schools(user).filter(r.organization_q(), pk=school.pk).exists()
    )


def escalation_school_get(user: UserLike, pk: Any) -> Organization:
    """A supported school `user` may escalate (a coordinator of its territory); 404 otherwise."""
    r = reach(user, Action.CHANGE, roles=ESCALATE_ROLES)
    if r.is_empty:
        raise Http404
    school = get_for_user(
        supported_schools(user).filter(r.organization_q()).select_related("territory"), user, pk
    )
    return school


def school_escalations(user: UserLike, school: Organization) -> list[Escalation]:
    """The school's escalations `user` may see, open ones first, for its card (which shows
    neither the school nor the author: they are not joined)."""
    return list(
        restrict_within(Escalation.objects.all(), user, school).order_by(
            F("resolved_at").desc(nulls_first=True), "-created_at"
        )[:5]
    )


def director_emails(school: Organization) -> list[str]:
    """The addresses of the school's current directors' accounts (else their own e-mail)."""
    rows = Membership.objects.filter(
        organization=school, role=Role.SCHOOL_DIRECTOR, is_active=True
    ).values_list("person__user__email", "person__user__is_active", "person__email")
    addresses = []
    for account_email, active, own_email in rows:
        if account_email and active:
            addresses.append(account_email)
        elif own_email:
            addresses.append(own_email)
    return list(dict.fromkeys(a.lower() for a in addresses))


# Indicators (monitoring's computations read these; aggregates, no rows) --------------------


def half_year_start(on_date: datetime.date) -> datetime.date:
    """The day before the half-year that ends on `on_date` (182 days: a checkpoint in
    January covers the autumn, one in June the spring)."""
    return on_date - datetime.timedelta(days=182)


def schools_with_mentor(*, school_ids: list[int], on_date: datetime.date) -> set[int]:
    """Which of the schools have a mentor school on `on_date` (one query)."""
    current = Q(since__lte=on_date) & (Q(until__isnull=True) | Q(until__gte=on_date))
    return set(
        MentorPair.objects.filter(current, school_id__in=school_ids).values_list(
            "school_id", flat=True
        )
    )


def visits_held(*, school_ids: list[int], on_date: datetime.date) -> dict[int, int]:
    """Visits held (closed as done) at each school in the half-year up to `on_date`; every
    school is in the answer, with 0 when none was held (one query)."""
    held = dict(
        Visit.objects.filter(
            school_id__in=school_ids,
            status=VisitStatus.DONE,
            planned_on__gt=half_year_start(on_date),
            planned_on__lte=on_date,
        )
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
        .order_by()
    )
    return {s: held.get(s, 0) for s in school_ids}


def recommendations_on_time(
    *, school_ids: list[int], on_date: datetime.date
) -> dict[int, tuple[int, int]]:
    """Per school: (done on time, due) over the recommendations whose date fell in the
    half-year before `on_date` (a date of today may still be met, so it is left out;
    withdrawn ones do not count). «On time» is done with `done_on` on or before `due_on`.
    Schools with none due are absent (one query)."""
    rows = (
        Recommendation.objects.filter(
            school_id__in=school_ids, due_on__gt=half_year_start(on_date), due_on__lt=on_date
        )
        .exclude(status=RecommendationStatus.WITHDRAWN)
        .values("school_id")
        .annotate(
            due=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(
                    status=RecommendationStatus.DONE,
                    done_on__isnull=False,
                    done_on__lte=F("due_on"),
                ),
            ),
        )
        .values_list("school_id", "on_time", "due")
        .order_by()
    )
    return {school: (on_time, due) for school, on_time, due in rows}


# --- visits ---

# A recommendation still to be carried out: overdue once its due date has passed.
OPEN_RECOMMENDATION = (
    RecommendationStatus.OPEN,
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.DISPUTED,
)


def visit_template_list(
    user: UserLike, *, kind: str | None = None, action: Action = Action.VIEW
) -> QuerySet[VisitTemplate]:
    """Templates the user may `action`: shipped ones and their authorities' own copies."""
    qs = restrict(VisitTemplate.objects.all(), user, action).select_related("owner")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "owner_id", "name")


def visit_template_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> VisitTemplate:
    """A template the user may `action` (`CHANGE`: only an own authority's copy); 404 otherwise."""
    return get_for_user(VisitTemplate.objects.select_related("owner"), user, pk, action)


def visit_template_default(user: UserLike, kind: str) -> VisitTemplate | None:
    """The template a visit of `kind` is recorded from unless another is chosen: an
    authority's own active copy (the one nearest the user's territory), else the shipped one."""
    candidates = visit_template_list(user, kind=kind).filter(is_active=True)
    own = candidates.filter(owner__isnull=False).order_by("-owner__territory__depth", "pk")
    return own.first() or candidates.filter(owner__isnull=True).order_by("pk").first()


def visit_template_owners(user: UserLike) -> list[Organization]:
    """The organisations a copy of a template may belong to: the user's own, in a territory
    role that may change them (an authority, a methodical centre)."""
    return own_organizations(user, Action.CHANGE, territory_roles=True)


def visit_template_may_change(user: UserLike, template: VisitTemplate) -> bool:
    return template.owner_id is not None and permits(user, template, Action.CHANGE)


def visit_schools(user: UserLike) -> QuerySet[Organization]:
    """Schools the user may plan and record visits to: a curator's assigned schools, the
    schools in the territory of a methodist or coordinator."""
    return (
        restrict(Organization.objects.filter(kind=OrganizationKind.SCHOOL), user, VISIT_ACTION)
        .select_related("territory")
        .order_by("short_name", "pk")
    )


def visit_organisers(user: UserLike) -> list[Organization]:
    """Who a visit may be organised by: the user's own organisations (not schools) through
    which they conduct visits — a curator's methodical centre, a coordinator's department."""
    return [o for o in own_organizations(user, VISIT_ACTION) if o.kind != OrganizationKind.SCHOOL]


def visit_people(user: UserLike, organisers: list[Organization]) -> QuerySet[Person]:
    """The people of these organisations the user may see: the lead and team of a visit."""
    return restrict(
        Person.objects.filter(
            memberships__organization__in=[o.pk for o in organisers],
            memberships__is_active=True,
        ).distinct(),
        user,
        Action.VIEW_PEOPLE,
    ).order_by("last_name", "first_name", "pk")


def may_plan_visits(user: UserLike) -> bool:
    return bool(visit_organisers(user)) and visit_schools(user).exists()


def visit_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Visit:
    """A visit the user may `action` (`VISIT_ACTION` to conduct it); 404 otherwise."""
    return get_for_user(
        Visit.objects.select_related(
            "school__territory", "school__school", "organiser", "lead", "template"
        ),
        user,
        pk,
        action,
    )


def visit_list(user: UserLike) -> QuerySet[Visit]:
    """Visits the user may see, with what the list shows (one query whatever their number)."""
    return (
        restrict(Visit.objects.all(), user)
        .select_related("school", "lead")
        .annotate(recommendation_count=count_of(Recommendation.objects.all(), "visit"))
        .order_by("-planned_on", "-pk")
    )


def visit_may(user: UserLike, visit: Visit, action: Action = VISIT_ACTION) -> bool:
    """Whether the user may conduct the visit (plan, record, close, cancel it)."""
    return permits(user, visit, action)


def visit_team(visit: Visit) -> list[Person]:
    """The visit's team (a visit came from `visit_get`, which is the access)."""
    return list(visit.team.order_by("last_name", "first_name"))


def visit_photos(visit: Visit) -> list[VisitPhoto]:
    return list(VisitPhoto.objects.filter(visit=visit).order_by("pk"))


def visit_photo_get(user: UserLike, pk: Any) -> VisitPhoto:
    """A photo, to whoever may see its visit; 404 otherwise."""
    return get_for_user(VisitPhoto.objects.all(), user, pk)


def _with_overdue(qs: QuerySet[Recommendation], today: datetime.date) -> QuerySet[Recommendation]:
    return qs.annotate(
        is_overdue=Case(
            When(due_on__lt=today, status__in=OPEN_RECOMMENDATION, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def visit_recommendations(visit: Visit) -> list[Recommendation]:
    """The visit's recommendations with their overdue flag (the visit is the access)."""
    qs = Recommendation.objects.filter(visit=visit).select_related("activity__roadmap")
    return list(_with_overdue(qs, dates.today()).order_by("pk"))


def recommendation_list(user: UserLike) -> QuerySet[Recommendation]:
    """Recommendations the user may see with `is_overdue` (due date passed, not done or
    withdrawn) and what the list shows: one query whatever their number."""
    return _recommendation_rows(restrict(Recommendation.objects.all(), user))


def _recommendation_rows(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    qs = qs.select_related("school", "organization", "visit")
    return _with_overdue(qs, dates.today()).order_by("due_on", "pk")


def recommendation_get(user: UserLike, pk: Any) -> Recommendation:
    """A recommendation the user may see, with its overdue flag; 404 otherwise."""
    qs = Recommendation.objects.select_related(
        "school__territory", "organization", "visit", "activity__roadmap", "answered_by"
    )
    return get_for_user(_with_overdue(qs, dates.today()), user, pk)


def recommendation_may_answer(user: UserLike, recommendation: Recommendation) -> bool:
    """A recommendation to the school is answered by its director; one to the curator, the
    methodical centre or the authority by those who conduct visits to the school."""
    if recommendation.status not in OPEN_RECOMMENDATION:
        return False
    if recommendation.school is None:
        # A report's recommendation to an organisation: answered by its own people.
        return recommendation.organization_id in {
            o.pk for o in own_organizations(user, Action.CHANGE)
        }
    if recommendation.addressee == Addressee.SCHOOL:
        directors = reach(user, Action.CHANGE, roles=frozenset({Role.SCHOOL_DIRECTOR}))
        return directors.covers(recommendation.school)
    return reach(user, VISIT_ACTION).covers(recommendation.school)


def recommendation_may_withdraw(user: UserLike, recommendation: Recommendation) -> bool:
    """The curator or methodist (those who conduct visits to the school) withdraw one still
    open."""
    if recommendation.school is None:
        # A report's recommendation to an organisation: withdrawn by the report's side, who
        # may change the addressed organisation's records (its territory's coordinators).
        return recommendation.status in OPEN_RECOMMENDATION and reach(user, Action.CHANGE).covers(
            recommendation.organization
        )
    return recommendation.status in OPEN_RECOMMENDATION and reach(user, VISIT_ACTION).covers(
        recommendation.school
    )


def recommendation_roadmaps(user: UserLike, recommendation: Recommendation) -> list[Roadmap]:
    """The school's roadmaps, not completed, that the user may change (add an activity to)."""
    return list(
        restrict(
            Roadmap.objects.filter(school_id=recommendation.school_id).exclude(
                status=RoadmapStatus.COMPLETED
            ),
            user,
            Action.CHANGE,
        )
        .select_related("programme")
        .order_by("-pk")
    )


def roadmap_sections_of(roadmaps: list[Roadmap]) -> list[Section]:
    """The sections of these roadmaps (already in reach), for the activity form's select."""
    return list(
        Section.objects.filter(roadmap__in=roadmaps)
        .select_related("roadmap")
        .order_by("roadmap_id", "position")
    )


def recommendation_may_make_activity(
    user: UserLike, recommendation: Recommendation, roadmaps: list[Roadmap] | None = None
) -> bool:
    if recommendation.activity_id is not None:
        return False
    if recommendation.status == RecommendationStatus.WITHDRAWN:
        return False
    return bool(roadmaps if roadmaps is not None else recommendation_roadmaps(user, recommendation))


# Visits as evidence of roadmap activities.


def _activity_roadmaps_for(school: Organization) -> QuerySet[Roadmap]:
    """Running roadmaps a visit to `school` may be evidence for: the school's own and the
    municipal roadmaps of the programmes it takes part in."""
    programmes = ProgrammeSchool.objects.filter(school=school).values("programme_id")
    return Roadmap.objects.filter(status=RoadmapStatus.EXECUTION).filter(
        Q(school=school) | Q(school__isnull=True, programme_id__in=programmes)
    )


def visit_activity_choices(user: UserLike, visit: Visit) -> QuerySet[Activity]:
    """Activities the user may report (they may change the roadmap, or they are its
    executor) that this visit may count for, not linked yet."""
    roadmaps = _activity_roadmaps_for(visit.school)
    changeable = restrict(roadmaps, user, Action.CHANGE).values("pk")
    person = Person.objects.filter(user_id=user.pk or 0).values("pk")
    return (
        Activity.objects.filter(roadmap__in=roadmaps.values("pk"))
        .filter(Q(roadmap__in=changeable) | Q(executor__in=person))
        .exclude(status=ActivityStatus.CANCELLED)
        .exclude(visits=visit)
        .select_related("roadmap__school", "section")
        .order_by("roadmap__school_id", "roadmap_id", "position")
    )


def activity_visit_candidates(user: UserLike, activity: Activity) -> QuerySet[Visit]:
    """Visits (carried out, seen by the user) that may be evidence of `activity` (whose
    roadmap the caller has): to the roadmap's school, or for a municipal roadmap to any
    school of its programme."""
    roadmap = activity.roadmap
    qs = restrict(Visit.objects.filter(status=VisitStatus.DONE), user)
    if roadmap.school_id is not None:
        qs = qs.filter(school_id=roadmap.school_id)
    else:
        programme_schools = ProgrammeSchool.objects.filter(programme_id=roadmap.programme_id)
        qs = qs.filter(school_id__in=programme_schools.values("school_id"))
    linked = Visit.activities.through.objects.filter(visit=OuterRef("pk"), activity=activity)
    return (
        qs.select_related("school")
        .annotate(is_linked=Exists(linked))
        .order_by("-planned_on", "-pk")
    )


def activity_visit_search(user: UserLike, activity: Activity, text: str = "") -> QuerySet[Visit]:
    """The candidates of `activity_visit_candidates` whose school (name or number) or purpose
    matches `text` (all without it), those already counted first, then the newest: what the
    activity's visits page shows a page of."""
    qs = activity_visit_candidates(user, activity)
    text = text.strip()
    if text:
        schools = school_search(Organization.objects.filter(kind=OrganizationKind.SCHOOL), text)
        qs = qs.filter(Q(school__in=schools.values("pk")) | Q(purpose__icontains=text))
    return qs.order_by(F("is_linked").desc(), "-planned_on", "-pk")


@dataclass(frozen=True)
class VisitEvidence:
    visit_id: int
    label: str
    url: str


def roadmap_visit_evidence(user: UserLike, roadmap: Roadmap) -> dict[int, list[VisitEvidence]]:
    """The visits each activity of the roadmap counts, those the user may see: one query. A
    visit is seen exactly where its school is, so the reach decides on the rows read (a
    roadmap counts a few visits) rather than an access filter compiled into the query."""
    through = Visit.activities.through
    links = through.objects.filter(activity__roadmap=roadmap)
    sees = organization_deciding_reach(Visit, user)
    if sees is None:
        links = links.filter(visit__in=restrict(Visit.objects.all(), user).values("pk"))
    rows = links.order_by("visit__planned_on", "visit_id").values_list(
        "activity_id",
        "visit_id",
        "visit__kind",
        "visit__planned_on",
        "visit__school_id",
        "visit__school__short_name",
        "visit__school__territory__path",
    )
    result: dict[int, list[VisitEvidence]] = {}
    for activity_id, visit_id, kind, planned_on, school_id, school, path in rows:
        if sees is not None and not sees.covers_at(school_id, path):
            continue
        label = f"{VisitKind(kind).label}, {dates.date_ru(planned_on)} — {school}"
        url = reverse("support:visit", args=[visit_id])
        result.setdefault(activity_id, []).append(VisitEvidence(visit_id, label, url))
    return result


def visit_activities(user: UserLike, visit: Visit) -> list[Activity]:
    """The activities the visit counts for, in roadmaps the user may see."""
    roadmaps = restrict(Roadmap.objects.all(), user).values("pk")
    return list(
        visit.activities.filter(roadmap__in=roadmaps)
        .select_related("roadmap__school")
        .order_by("roadmap_id", "position")
    )


# The home page's block and the school card.


@dataclass
class VisitSummary:
    """«Мои выезды и рекомендации»: what a curator or methodist has to do, or what a school's
    director has to answer."""

    upcoming: list[Visit]
    to_close: int
    open_recommendations: int
    overdue_recommendations: int
    to_answer: int
    is_supporter: bool


def visit_summary(user: UserLike) -> VisitSummary | None:
    """The home page's block: four queries whatever the number of schools (one for a
    director: the block shows a school only its coming visits, so the counts stay 0); None
    for those who neither conduct visits nor answer recommendations."""
    roles = user_roles(user)
    supporter = bool(roles & {Role.CURATOR, Role.ANALYST})
    director = Role.SCHOOL_DIRECTOR in roles
    if not (supporter or director):
        return None
    today = dates.today()
    visits = restrict(Visit.objects.filter(status=VisitStatus.PLANNED), user)
    if supporter:
        # The user's person is read with their memberships (`registry.scoping.memberships_of`).
        person = getattr(user, "person", None)
        person_id = person.pk if person is not None else 0
        mine = visits.filter(Q(lead_id=person_id) | Q(team=person_id))
        # The access filter compiled once for the two queries below.
        visits = Visit.objects.filter(pk__in=ids_compiled(mine))
    upcoming = list(
        visits.filter(planned_on__gte=today).select_related("school").order_by("planned_on")[:5]
    )
    if not supporter:
        return VisitSummary(upcoming, 0, 0, 0, 0, is_supporter=False)
    to_close = visits.filter(planned_on__lt=today).count()
    # Counted straight on the restricted rows: `recommendation_list`'s joins, overdue flag and
    # order would make the count a query over a subquery.
    counts = restrict(
        Recommendation.objects.filter(status__in=OPEN_RECOMMENDATION), user
    ).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        to_answer=Count("pk", filter=Q(status=RecommendationStatus.OPEN)),
    )
    return VisitSummary(
        upcoming=upcoming,
        to_close=to_close,
        open_recommendations=counts["total"],
        overdue_recommendations=counts["overdue"],
        to_answer=counts["to_answer"],
        is_supporter=supporter,
    )


def school_visit_summary(user: UserLike, school: Organization) -> dict[str, Any] | None:
    """The school card's block: the last visits and the recommendations still open (three
    queries); None for those who may not see the school's visits (teachers)."""
    if not visit_view_reach(user).covers(school):
        return None
    today = dates.today()
    # Counted straight on the restricted rows: `recommendation_list`'s joins, overdue flag and
    # order would make the count a query over a subquery.
    counts = (
        restrict_within(Recommendation.objects.all(), user, school)
        .filter(status__in=OPEN_RECOMMENDATION)
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    visits = restrict_within(Visit.objects.all(), user, school)
    return {
        "visits": list(visits.select_related("lead").order_by("-planned_on", "-pk")[:5]),
        "open": counts["total"],
        "overdue": counts["overdue"],
        "may_plan": reach(user, VISIT_ACTION).covers(school),
    }


def visit_school_search(qs: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Visits or recommendations of the schools whose name or number matches `text`."""
    from opora.registry.selectors import school_search

    schools = school_search(Organization.objects.filter(kind=OrganizationKind.SCHOOL), text)
    return qs.filter(school__in=schools.values("pk"))


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 8
HOME_SCHOOL_ROLES = (Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF)
HOME_ANSWERED_DAYS = 30
HOME_ENGAGEMENT_ROLES = (Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR)


def home_recommendations_to_answer(user: UserLike) -> list[Recommendation] | None:
    """Recommendations to the user's own school still without an answer, the earliest due
    first (so the overdue ones lead); None for those outside a school. One query."""
    schools = role_organizations(user, HOME_SCHOOL_ROLES)
    if not schools:
        return None
    open_ = Recommendation.objects.filter(status=RecommendationStatus.OPEN)
    return list(
        _recommendation_rows(restrict_within_each(open_, user, schools)).order_by("due_on", "pk")[
            : HOME_ITEMS + 1
        ]
    )


def home_consultations_answered(user: UserLike) -> list[Consultation] | None:
    """The school's consultations answered in the last `HOME_ANSWERED_DAYS` days, the latest
    first; None for those outside a school. One query."""
    schools = role_organizations(user, HOME_SCHOOL_ROLES)
    if not schools:
        return None
    since = timezone.now() - datetime.timedelta(days=HOME_ANSWERED_DAYS)
    answered = Consultation.objects.filter(
        status=ConsultationStatus.ANSWERED, answered_at__gte=since
    )
    return list(
        restrict_within_each(answered, user, schools)
        .select_related("school", "methodist")
        .order_by("-answered_at")[:HOME_ITEMS]
    )


def home_engagement(user: UserLike) -> list[SchoolEngagement] | None:
    """For coordinators: the supported schools that do not engage, the weightiest first, the
    first few filled with their schools (a fixed number of queries); None for others."""
    if not role_organization_ids(user, HOME_ENGAGEMENT_ROLES) or not engagement_may_view(user):
        return None
    rows = engagement_rows(user)
    # The card names the schools only, not their open escalations (the page's second query).
    schools = Organization.objects.in_bulk([row.school_id for row in rows[:HOME_ITEMS]])
    for row in rows[:HOME_ITEMS]:
        row.school = schools.get(row.school_id)
    return rows
