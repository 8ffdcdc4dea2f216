"""Reading events, always through the access scoping (`opora.events.scoping`)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from opora.core.access import Action, UserLike, get_for_user, permits, reach, restrict
from opora.core.choices import Role
from opora.core.models import Job
from opora.core.queries import count_of
from opora.events.choices import EventKind, EventStatus, RegistrationStatus
from opora.events.models import CalendarFeed, Certificate, Event, Material, Registration
from opora.events.scoping import NOMINATE_ROLES, handler_reach
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization

REGISTERED = Q(registrations__status=RegistrationStatus.REGISTERED)


def _counted(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Events with their registered and attended counts (one query for the whole list)."""
    registered = Registration.objects.filter(status=RegistrationStatus.REGISTERED)
    return qs.select_related("organizer").annotate(
        registered_count=count_of(registered, "event"),
        attended_count=count_of(registered.filter(attended=True), "event"),
    )


def event_list(
    user: UserLike, *, kind: str = "", month: datetime.date | None = None
) -> QuerySet[Event]:
    """The events in the user's reach (organiser or audience), with counts; by kind and month."""
    qs = restrict(Event.objects.all(), user)
    if kind:
        qs = qs.filter(kind=kind)
    if month is not None:
        start, end = month_bounds(month)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return _counted(qs).order_by("starts_at", "pk")


def event_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Event:
    """An event the user may `action`; 404 otherwise."""
    qs = Event.objects.select_related(
        "organizer", "audience_territory", "activity__roadmap", "feedback_round"
    )
    return get_for_user(qs, user, pk, action)


def event_may(user: UserLike, event: Event, action: Action) -> bool:
    return permits(user, event, action)


def may_create_event(user: UserLike) -> bool:
    return not handler_reach(user).is_empty


def organizer_choices(user: UserLike) -> QuerySet[Organization]:
    """The organisations the user may hold events for: authorities, methodical centres and
    schools in their handler reach."""
    r = handler_reach(user)
    return (
        Organization.objects.filter(r.organization_q(), is_active=True)
        .filter(
            kind__in=[
                OrganizationKind.EDUCATION_AUTHORITY,
                OrganizationKind.METHODICAL_CENTRE,
                OrganizationKind.SCHOOL,
            ]
        )
        .order_by("kind", "short_name")
    )


def audience_school_choices(user: UserLike) -> QuerySet[Organization]:
    """The schools the user may invite: those in their handler reach."""
    return Organization.objects.filter(
        handler_reach(user).organization_q(), kind=OrganizationKind.SCHOOL, is_active=True
    ).order_by("short_name")


def activity_choices(user: UserLike) -> QuerySet[Any]:
    """The activities of municipal roadmaps (not a school's) the user may change: what an
    event may carry out."""
    from opora.roadmaps.models import Activity

    return (
        restrict(Activity.objects.filter(roadmap__school__isnull=True), user, Action.CHANGE)
        .select_related("roadmap")
        .order_by("roadmap__title", "position")
    )


def event_counts(event: Event) -> dict[str, int]:
    """How many registered and attended (counts are for everyone who sees the event)."""
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).aggregate(
        registered=Count("pk"),
        attended=Count("pk", filter=Q(attended=True)),
    )


def event_registrations(user: UserLike, event: Event) -> QuerySet[Registration]:
    """The registrations of `event` whose names the user may see (see scoping); a queryset,
    so that the event's page reads only the page of them it shows."""
    return (
        restrict(Registration.objects.filter(event=event), user)
        .filter(status=RegistrationStatus.REGISTERED)
        .select_related("school", "certificate")
    )


def event_attended(user: UserLike, event: Event) -> list[Registration]:
    """Who attended `event`, with their certificates, for its organiser's handlers."""
    return list(
        restrict(Registration.objects.filter(event=event), user, Action.CHANGE)
        .filter(status=RegistrationStatus.REGISTERED, attended=True)
        .select_related("certificate")
        .order_by("full_name", "pk")
    )


def registration_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Registration:
    """A registration the user may `action`; 404 otherwise."""
    qs = Registration.objects.select_related("event__organizer", "school")
    return get_for_user(qs, user, pk, action)


def own_registration(user: UserLike, event: Event) -> Registration | None:
    """The user's own active registration for `event`."""
    if not user.is_authenticated:
        return None
    return (
        restrict(Registration.objects.filter(event=event, person__user=user), user)
        .filter(status=RegistrationStatus.REGISTERED)
        .select_related("certificate")
        .first()
    )


def may_register_self(user: UserLike) -> bool:
    """Whether the user works at a school (the service checks the audience)."""
    from opora.core.access import user_roles

    return bool(user_roles(user) & {Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.TEACHER})


def nominee_choices(user: UserLike, event: Event) -> QuerySet[Any]:
    """The teachers the user (a director) may nominate: active teachers of their schools,
    not yet registered."""
    from opora.staff.models import Teacher

    r = reach(user, Action.CHANGE, roles=NOMINATE_ROLES)
    if r.is_empty:
        return Teacher.objects.none()
    taken = Registration.objects.filter(
        event=event, status=RegistrationStatus.REGISTERED, teacher__isnull=False
    ).values("teacher_id")
    return (
        Teacher.objects.filter(r.organization_q("school__"), is_active=True)
        .exclude(pk__in=taken)
        .select_related("school")
        .order_by("school__short_name", "last_name", "first_name")
    )


def materials(user: UserLike, event: Event) -> list[Material]:
    return list(restrict(Material.objects.filter(event=event), user))


def material_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Material:
    return get_for_user(Material.objects.select_related("event"), user, pk, action)


def certificate_for(user: UserLike, registration: Registration) -> Certificate | None:
    return restrict(Certificate.objects.filter(registration=registration), user).first()


def certificates_job(user: UserLike, event: Event) -> Job | None:
    """The latest certificates job of `event` the user may see."""
    from opora.events.services import CERTIFICATES_JOB

    return (
        restrict(Job.objects.filter(kind=CERTIFICATES_JOB, params__event_id=event.pk), user)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- Calendar ------------------------------------------------------------------------------


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of `month` and of the next, in the local time zone."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


@dataclass
class Day:
    day: datetime.date
    in_month: bool
    events: list[Event]


def month_calendar(user: UserLike, month: datetime.date, kind: str = "") -> list[list[Day]]:
    """The weeks (Monday first) of `month` with the user's events on each day: one query."""
    events = list(event_list(user, kind=kind, month=month))
    by_day: dict[datetime.date, list[Event]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [[Day(d, d.month == month.month, by_day.get(d, [])) for d in week] for week in weeks]


def feed_for(user: UserLike) -> CalendarFeed | None:
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user=user).first()


def feed_user(token: str) -> Any | None:
    """The active user whose .ics subscription this secret address is, or None."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user")
    found = feed.first()
    return found.user if found else None


def feed_events(user: UserLike) -> list[Event]:
    """The user's events for the feed: from a year back on, not cancelled."""
    since = timezone.now() - datetime.timedelta(days=365)
    return list(
        restrict(Event.objects.all(), user)
        .filter(starts_at__gte=since)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("organizer")
        .order_by("starts_at")
    )


# --- Elsewhere: roadmaps, development plans, monitoring ------------------------------------


def activity_event_evidence(user: UserLike, roadmap: Any) -> dict[int, list[tuple[int, str]]]:
    """The held events (id, title) that carried out each activity of the roadmap (one
    query, read as values: the roadmap page names and links them)."""
    found: dict[int, list[tuple[int, str]]] = {}
    qs = restrict(Event.objects.filter(activity__roadmap=roadmap), user).filter(
        status=EventStatus.HELD
    )
    for activity_id, pk, title in qs.order_by("starts_at").values_list(
        "activity_id", "pk", "title"
    ):
        found.setdefault(activity_id, []).append((pk, title))
    return found


def teacher_attended(user: UserLike, teacher: Any, start_year: int) -> list[Registration]:
    """The events a teacher attended in the academic year `start_year` (for their development
    plan), as far as the user may see the teacher's registrations."""
    from opora.core.dates import academic_year_bounds

    first, last = academic_year_bounds(start_year)
    return list(
        restrict(
            Registration.objects.filter(
                Q(teacher=teacher) | Q(person__isnull=False, person=teacher.person_id),
                attended=True,
                status=RegistrationStatus.REGISTERED,
                event__starts_at__date__gte=first,
                event__starts_at__date__lte=last,
            ),
            user,
        )
        .select_related("event__organizer")
        .order_by("-event__starts_at")
    )


def held_team_events_count(start: datetime.date, end: datetime.date, schools: Any = None) -> int:
    """Held events for school teams in [start, end] (the monitoring indicator; one query)."""
    qs = Event.objects.filter(
        status=EventStatus.HELD, starts_at__date__gte=start, starts_at__date__lte=end
    )
    return qs.count()


KIND_CHOICES = EventKind.choices


@dataclass
class Feedback:
    link: Any
    url: str
    responses: int
    minimum: int
    results: Any


def event_feedback(user: UserLike, event: Event) -> Feedback | None:
    """The feedback link of the event and its aggregated results (shown only from the
    questionnaire's minimum number of responses)."""
    from django.urls import reverse

    from opora.surveys.models import Response, SurveyLink
    from opora.surveys.selectors import results_for

    if event.feedback_round_id is None:
        return None
    link = (
        SurveyLink.objects.filter(round_id=event.feedback_round_id)
        .select_related("questionnaire")
        .first()
    )
    if link is None:
        return None
    count = Response.objects.filter(link=link).count()
    minimum = link.questionnaire.min_respondents
    results = results_for(link.questionnaire, [link.pk], count) if count >= minimum else None
    return Feedback(
        link, reverse("survey_public:answer", args=[link.token]), count, minimum, results
    )


def events_held_for_schools(
    *, school_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Per school: the held events in [start, end] whose audience included it (named, or a
    school of the audience territory); every school is in the answer (one query)."""
    from django.db.models import F, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce, Length, Substr

    matching = (
        Event.objects.filter(
            status=EventStatus.HELD,
            starts_at__date__gte=start,
            starts_at__date__lte=end,
        )
        .filter(
            Q(audience_schools=OuterRef("pk"))
            | Q(
                audience_territory__path=Substr(
                    OuterRef("territory__path"), 1, Length(F("audience_territory__path"))
                )
            )
        )
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    rows = Organization.objects.filter(pk__in=school_ids).annotate(
        n=Coalesce(Subquery(matching, output_field=IntegerField()), 0)
    )
    found = dict(rows.values_list("pk", "n"))
    return {s: found.get(s, 0) for s in school_ids}


def teachers_attended_counts(
    *, school_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[int, tuple[int, int]]:
    """Per school with active teachers in the staff registry: (teachers who attended at least
    one event in [start, end], active teachers) (one query)."""
    from django.db.models import Exists, OuterRef

    from opora.staff.models import Teacher

    attended = Registration.objects.filter(
        Q(teacher=OuterRef("pk")) | Q(person__isnull=False, person=OuterRef("person")),
        status=RegistrationStatus.REGISTERED,
        attended=True,
        event__starts_at__date__gte=start,
        event__starts_at__date__lte=end,
    )
    rows = (
        Teacher.objects.filter(school_id__in=school_ids, is_active=True)
        .values("school_id")
        .annotate(total=Count("pk"), went=Count("pk", filter=Q(Exists(attended))))
        .values_list("school_id", "went", "total")
        .order_by()
    )
    return {school: (went, total) for school, went, total in rows}


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 6


def home_registrations(user: UserLike) -> list[Registration] | None:
    """The user's own registrations for events still to come, the nearest first (one
    query); None for those who do not register themselves."""
    if not may_register_self(user):
        return None
    return list(
        restrict(
            Registration.objects.filter(
                person__user_id=user.pk or 0,
                status=RegistrationStatus.REGISTERED,
                event__ends_at__gte=timezone.now(),
            ).exclude(event__status=EventStatus.CANCELLED),
            user,
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")[:HOME_ITEMS]
    )
