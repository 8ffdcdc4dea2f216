"""Reads of the support network, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from opora.core import dates
from opora.core.access import Action, UserLike, get_for_user, permits, reach, restrict
from opora.core.choices import Role
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
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Roadmap
from opora.support.choices import (
    Addressee,
    ConsultationStatus,
    EngagementSignal,
    RecommendationStatus,
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
)
from opora.support.scoping import (
    CONSULTATION_ASK_ROLES,
    CONSULTATION_HANDLER_ROLES,
    CONSULTATION_VIEW_ROLES,
    ENGAGEMENT_VIEW_ROLES,
    ESCALATE_ROLES,
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
    """The school's latest consultations for its card."""
    return list(consultation_list(user).filter(school=school)[:limit])


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
    ids = schools.values("pk")
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
    # last week is not flagged yet.
    cutoff = on - datetime.timedelta(days=settings.OPORA_ENGAGEMENT_REPORT_DAYS)
    executing = (
        Roadmap.objects.filter(school__in=ids, status=RoadmapStatus.EXECUTION)
        .values("school")
        .annotate(
            started=Max(Coalesce("order_date", "starts_on")),
            last=Max("activities__reports__created_at"),
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
    """The school's escalations `user` may see, open ones first, for its card."""
    return list(
        escalation_list(user)
        .filter(school=school)
        .order_by(F("resolved_at").desc(nulls_first=True), "-created_at")[:5]
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
