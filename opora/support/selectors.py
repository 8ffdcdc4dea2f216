"""Reads of the support network, each limited to what the user may see (`opora.core.access`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from opora.core import dates
from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    own_organizations,
    permits,
    reach,
    restrict,
    user_roles,
)
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Person, ProgrammeSchool
from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
from opora.roadmaps.execution import may_report
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.selectors import activity_get, roadmap_get
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate
from opora.support.scoping import VISIT_ACTION, visit_view_reach

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
    # A correlated count, not a JOIN with GROUP BY: the paginator's count then leaves it out.
    counts = (
        Recommendation.objects.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        restrict(Visit.objects.all(), user)
        .select_related("school", "lead")
        .annotate(recommendation_count=Coalesce(Subquery(counts), 0))
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
    qs = restrict(Recommendation.objects.all(), user).select_related("school", "visit")
    return _with_overdue(qs, dates.today()).order_by("due_on", "pk")


def recommendation_get(user: UserLike, pk: Any) -> Recommendation:
    """A recommendation the user may see, with its overdue flag; 404 otherwise."""
    qs = Recommendation.objects.select_related(
        "school__territory", "visit", "activity__roadmap", "answered_by"
    )
    return get_for_user(_with_overdue(qs, dates.today()), user, pk)


def recommendation_may_answer(user: UserLike, recommendation: Recommendation) -> bool:
    """A recommendation to the school is answered by its director; one to the curator, the
    methodical centre or the authority by those who conduct visits to the school."""
    if recommendation.status not in OPEN_RECOMMENDATION:
        return False
    if recommendation.addressee == Addressee.SCHOOL:
        directors = reach(user, Action.CHANGE, roles=frozenset({Role.SCHOOL_DIRECTOR}))
        return directors.covers(recommendation.school)
    return reach(user, VISIT_ACTION).covers(recommendation.school)


def recommendation_may_withdraw(user: UserLike, recommendation: Recommendation) -> bool:
    """The curator or methodist (those who conduct visits to the school) withdraw one still
    open."""
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


def evidence_activity_get(user: UserLike, pk: Any) -> Activity:
    """An activity the user may report on (its executor, or one who may change its roadmap),
    with its roadmap: the page that counts visits as its evidence; 404 otherwise."""
    activity = activity_get(user, pk)
    activity.roadmap = roadmap_get(user, activity.roadmap_id)
    if not may_report(user, activity):  # type: ignore[arg-type]
        raise Http404
    return activity


@dataclass(frozen=True)
class VisitEvidence:
    visit_id: int
    label: str
    url: str


def roadmap_visit_evidence(user: UserLike, roadmap: Roadmap) -> dict[int, list[VisitEvidence]]:
    """The visits each activity of the roadmap counts, those the user may see: one query."""
    through = Visit.activities.through
    seen = restrict(Visit.objects.all(), user).values("pk")
    rows = (
        through.objects.filter(activity__roadmap=roadmap, visit__in=seen)
        .select_related("visit__school")
        .order_by("visit__planned_on", "visit_id")
    )
    result: dict[int, list[VisitEvidence]] = {}
    for row in rows:
        visit = row.visit
        label = f"{VisitKind(visit.kind).label}, {dates.date_ru(visit.planned_on)} — "
        label += visit.school.short_name
        result.setdefault(row.activity_id, []).append(
            VisitEvidence(visit.pk, label, visit.get_absolute_url())
        )
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
    """The home page's block: four queries whatever the number of schools; None for those
    who neither conduct visits nor answer recommendations."""
    roles = user_roles(user)
    supporter = bool(roles & {Role.CURATOR, Role.ANALYST})
    director = Role.SCHOOL_DIRECTOR in roles
    if not (supporter or director):
        return None
    today = dates.today()
    visits = restrict(Visit.objects.filter(status=VisitStatus.PLANNED), user)
    if supporter:
        person = Person.objects.filter(user_id=user.pk or 0).values("pk")
        visits = visits.filter(Q(lead__in=person) | Q(team__in=person)).distinct()
    upcoming = list(
        visits.filter(planned_on__gte=today).select_related("school").order_by("planned_on")[:5]
    )
    to_close = visits.filter(planned_on__lt=today).count()
    open_recommendations = recommendation_list(user).filter(status__in=OPEN_RECOMMENDATION)
    counts = open_recommendations.aggregate(
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
    counts = (
        recommendation_list(user)
        .filter(school=school, status__in=OPEN_RECOMMENDATION)
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    visits = restrict(Visit.objects.filter(school=school), user)
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
