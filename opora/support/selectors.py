"""Reads of the support network, each through `opora.core.access`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from opora.core import dates
from opora.core.access import Action, UserLike, get_for_user, permits, reach, restrict
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind
from opora.registry.models import (
    Membership,
    Organization,
    Person,
    ProgrammeSchool,
)
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
from opora.support.models import Consultation, Escalation, MentorPair, Recommendation, Visit
from opora.support.scoping import (
    CONSULTATION_ASK_ROLES,
    CONSULTATION_HANDLER_ROLES,
    CONSULTATION_VIEW_ROLES,
    ENGAGEMENT_VIEW_ROLES,
    ESCALATE_ROLES,
)

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
