"""Reads of roadmaps; callers pass roadmaps the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from opora.core.access import (
    Action,
    UserLike,
    can,
    get_for_user,
    permits,
    restrict,
    restrict_within,
    restrict_within_each,
    role_organization_ids,
    role_organizations,
)
from opora.core.choices import Role
from opora.core.queries import ids_compiled
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import (
    Activity,
    Deadline,
    Evidence,
    ExecutionReport,
    ReviewComment,
    Roadmap,
    RoadmapProgress,
    RoadmapUpload,
    RoadmapVersion,
    Section,
)
from opora.roadmaps.progress import COUNTERS, progress_is_stale, progress_refresh
from opora.roadmaps.scoping import roadmap_deciding_organization


def roadmap_draft(roadmap: Roadmap) -> DraftRoadmap:
    """The roadmap's current text as a draft (for versions, diffs and exports): two queries
    whatever its size."""
    sections = list(Section.objects.filter(roadmap=roadmap).select_related("parent"))
    activities = Activity.objects.filter(roadmap=roadmap).order_by("position")
    drafts = {
        s.pk: DraftSection(
            number=s.number, title=s.title, parent=s.parent.number if s.parent else ""
        )
        for s in sections
    }
    for activity in activities:
        drafts[activity.section_id].activities.append(
            DraftActivity(
                number=activity.number,
                text=activity.text,
                schedule=activity.schedule_text,
                responsible=activity.responsible,
                result=activity.result,
                document=activity.document,
                levels=list(activity.levels),
                year_results=dict(activity.year_results),
                indicators=list(activity.indicators),
                measure=activity.measure,
            )
        )
    return DraftRoadmap(
        title=roadmap.title,
        result_years=list(roadmap.result_years),
        sections=[drafts[s.pk] for s in sections],
    )


def roadmap_export_draft(roadmap: Roadmap) -> DraftRoadmap:
    """The text to export, with the approving order when there is one."""
    draft = roadmap_draft(roadmap)
    if roadmap.order_number and roadmap.order_date:
        draft.approval = _("приказом от %(d)s № %(n)s") % {
            "d": roadmap.order_date.strftime("%d.%m.%Y"),
            "n": roadmap.order_number,
        }
        draft.authority = roadmap.programme.owner.name
    return draft


def programme_roadmaps(user: UserLike, programme: Programme) -> QuerySet[Roadmap]:
    """The programme's roadmaps `user` may see: its own first, then the schools'."""
    return (
        restrict(Roadmap.objects.filter(programme=programme), user)
        .select_related("school")
        .annotate(activity_count=Count("activities"))
        .order_by(F("school__name").asc(nulls_first=True), "title")
    )


def roadmap_list(user: UserLike) -> QuerySet[Roadmap]:
    """The roadmaps the user may see, with their programme and its owner."""
    return restrict(Roadmap.objects.all(), user).select_related("programme__owner", "school")


def roadmap_get(user: UserLike, pk: int, action: Action = Action.VIEW) -> Roadmap:
    """The roadmap if `user` may `action` it; 404 otherwise."""
    return get_for_user(
        Roadmap.objects.select_related("programme__owner__territory", "school__territory", "order"),
        user,
        pk,
        action,
    )


def school_roadmaps(
    user: UserLike, school: Organization, action: Action = Action.VIEW
) -> QuerySet[Roadmap]:
    """The school's roadmaps `user` may `action`, decided from the reach (no join)."""
    return restrict_within(Roadmap.objects.all(), user, school, action)


def school_roadmaps_progress(
    user: UserLike, school: Organization, today: datetime.date
) -> list[tuple[Roadmap, Progress | None]]:
    """The school's roadmaps the user may see, each with its execution read from the stored
    counters (None when it is not under execution or has no due dates yet): the school card's
    one query, where counting the due dates was a second, grouped one. Counters the date has
    made stale are refreshed first, as every reader of them does (`progress_refresh`)."""
    roadmaps = list(school_roadmaps(user, school).select_related("programme", "progress"))
    stale = [
        r.pk
        for r in roadmaps
        if r.status == RoadmapStatus.EXECUTION
        and progress_is_stale(getattr(r, "progress", None), today)
    ]
    if stale:
        progress_refresh(Roadmap.objects.filter(pk__in=stale), today)
        fresh = RoadmapProgress.objects.in_bulk(stale)
        for roadmap in roadmaps:
            if roadmap.pk in fresh:
                roadmap.progress = fresh[roadmap.pk]
    return [(r, _stored_progress(r)) for r in roadmaps]


def _stored_progress(roadmap: Roadmap) -> Progress | None:
    stored = getattr(roadmap, "progress", None)
    if roadmap.status != RoadmapStatus.EXECUTION or stored is None:
        return None
    progress = _progress(roadmap.title, vars(stored), key=roadmap.pk)
    return progress if progress.due or progress.upcoming else None


def activity_get(
    user: UserLike, pk: Any, action: Action = Action.VIEW, *, roadmap: Roadmap | None = None
) -> Activity:
    """An activity whose roadmap the user may `action` (of `roadmap`, when given, as its page
    address says); 404 otherwise. Its roadmap is the one passed, not fetched again."""
    qs = Activity.objects.select_related("executor", "section")
    if roadmap is not None:
        qs = qs.filter(roadmap=roadmap)
    activity = get_for_user(qs, user, pk, action)
    if roadmap is not None:
        activity.roadmap = roadmap
    return activity


def evidence_get(user: UserLike, pk: Any) -> Evidence:
    """An evidence file, to whoever may see its activity; 404 otherwise."""
    return get_for_user(Evidence.objects.all(), user, pk)


def programme_for_roadmaps(user: UserLike, pk: Any) -> Programme:
    """A programme in which the user may create roadmaps (its own, as one who may change its
    owner, or a school's, as one who may change the school); 404 otherwise."""
    from opora.registry.selectors import programme_get

    programme = programme_get(user, pk)
    if not may_create_roadmap(user, programme):
        raise Http404
    return programme


def roadmap_upload_get(user: UserLike, pk: int, action: Action = Action.VIEW) -> RoadmapUpload:
    """A file recognised and waiting in the preview, for its uploader only; 404 otherwise."""
    return get_for_user(
        RoadmapUpload.objects.select_related("programme", "school"), user, pk, action
    )


def roadmap_schools(user: UserLike, programme: Programme) -> QuerySet[Organization]:
    """The programme's schools for which `user` may create a roadmap."""
    ids = ProgrammeSchool.objects.filter(programme=programme).values("school_id")
    return restrict(Organization.objects.filter(pk__in=ids), user, Action.CHANGE).order_by("name")


def may_create_roadmap(user: UserLike, programme: Programme) -> bool:
    return can(user, Action.CHANGE, programme.owner) or roadmap_schools(user, programme).exists()


def roadmap_may(user: UserLike, roadmap: Roadmap, action: Action) -> bool:
    """Whether `user` may `action` this roadmap (one query)."""
    return permits(user, roadmap, action)


# What the roadmap page shows of each activity (`views._activity_rows`), with its executor's
# name: read as values, not as an Activity and a Person per row — building the instances
# was a fifth of the page's CPU at 60 activities (issue 17).
ACTIVITY_ROW_FIELDS = (
    "pk",
    "section_id",
    "number",
    "text",
    "levels",
    "year_results",
    "schedule_text",
    "schedule_kind",
    "responsible",
    "result",
    "document",
    "status",
    "executor_id",
    "executor__last_name",
    "executor__first_name",
    "executor__middle_name",
)


def roadmap_sections(roadmap: Roadmap) -> list[tuple[Section, list[dict[str, Any]]]]:
    """Sections with their activities (`ACTIVITY_ROW_FIELDS`), for the roadmap page: two
    queries whatever its size."""
    sections = list(Section.objects.filter(roadmap=roadmap))
    by_section: dict[int, list[dict[str, Any]]] = {s.pk: [] for s in sections}
    activities = Activity.objects.filter(roadmap=roadmap).order_by("position")
    for activity in activities.values(*ACTIVITY_ROW_FIELDS):
        by_section[activity["section_id"]].append(activity)
    return [(s, by_section[s.pk]) for s in sections]


def roadmap_comments(roadmap: Roadmap) -> list[ReviewComment]:
    return list(
        ReviewComment.objects.filter(roadmap=roadmap)
        .select_related("author")
        .order_by("created_at")
    )


def roadmap_versions(roadmap: Roadmap, *, with_text: bool = False) -> list[RoadmapVersion]:
    """The roadmap's approved versions with their orders; `with_text` reads their snapshots
    too (the changes page compares them; the roadmap page only names the versions, and a
    snapshot is the whole roadmap — some 30 KB of JSON each)."""
    versions = RoadmapVersion.objects.filter(roadmap=roadmap).select_related("order")
    if not with_text:
        versions = versions.defer("snapshot")
    return list(versions.order_by("number"))


ROADMAP_ACTIONS = (Action.CHANGE, Action.REVIEW, Action.APPROVE)


def roadmap_actions(user: UserLike, roadmap: Roadmap) -> frozenset[Action]:
    """What `user` may do with the roadmap (change, review, approve), read once per page from
    the user's reach — what restricting the roadmap for each action (`roadmap_may`) says."""
    # Acting on a roadmap (anything but viewing it) is decided by its school, or by the
    # programme's owner for the programme's own (`scoping.roadmap_q`): the reach decides, no
    # query (the roadmap is read with `school__territory` and `programme__owner__territory`).
    organization = roadmap_deciding_organization(roadmap)
    return frozenset(a for a in ROADMAP_ACTIONS if can(user, a, organization))


def may_comment(roadmap: Roadmap, actions: frozenset[Action]) -> bool:
    """Reviewers and authors discuss a roadmap while it is reviewed and while it runs (the
    curator comments on execution)."""
    if roadmap.status not in (
        RoadmapStatus.SUBMITTED,
        RoadmapStatus.REVIEW,
        RoadmapStatus.EXECUTION,
    ):
        return False
    return bool(actions & {Action.REVIEW, Action.CHANGE})


DUE_SOON_DAYS = 14


def deadlines_visible(user: UserLike) -> QuerySet[Deadline]:
    """Due dates of activities in roadmaps under execution that `user` may see. Access is
    decided once per roadmap (a subquery), not once per due date. A cancelled activity has
    no open due dates (cancelling deletes them), so no join to activities is needed."""
    running = restrict(Roadmap.objects.filter(status=RoadmapStatus.EXECUTION), user)
    return Deadline.objects.filter(roadmap__in=running.values("pk"))


def deadlines_filtered(
    user: UserLike,
    *,
    today: datetime.date,
    tab: str,
    programme_id: int | None = None,
    school_id: int | None = None,
    person_id: int | None = None,
) -> QuerySet[Deadline]:
    """Overdue ("overdue"), due within two weeks ("soon") or closed late ("late") due dates."""
    qs = deadlines_visible(user)
    if programme_id:
        qs = qs.filter(roadmap__programme_id=programme_id)
    if school_id:
        qs = qs.filter(roadmap__school_id=school_id)
    if person_id:
        qs = qs.filter(activity__executor_id=person_id)
    if tab == "soon":
        return qs.filter(
            closed_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        ).order_by("due_on", "roadmap_id", "activity_id")
    if tab == "late":
        return qs.filter(closed_late=True).order_by("-due_on")
    return qs.filter(closed_on__isnull=True, due_on__lt=today).order_by(
        "due_on", "roadmap_id", "activity_id"
    )


ROADMAPS_PER_PAGE = 50


def _running(user: UserLike, programme_id: int | None = None) -> QuerySet[Roadmap]:
    qs = Roadmap.objects.filter(status=RoadmapStatus.EXECUTION)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return restrict(qs, user)


def not_reported(
    user: UserLike, *, today: datetime.date, programme_id: int | None = None
) -> QuerySet[Roadmap]:
    """Who has not reported: the roadmaps (schools) with overdue due dates, most overdue first,
    read from their stored counters (refreshed for the day first) so that a page of them costs
    the same in a district and in a region. `not_reported_fill` splits a page by executor."""
    roadmaps = _running(user, programme_id)
    progress_refresh(roadmaps, today)
    return (
        roadmaps.filter(progress__overdue__gt=0)
        .select_related("school", "progress")
        .order_by("-progress__overdue", F("school__short_name").asc(nulls_first=True), "title")
    )


def not_reported_fill(page: Any, today: datetime.date) -> Any:
    """The page of roadmaps (`not_reported`) turned into rows roadmap × executor with the
    overdue count and the oldest due date (one grouped query over the page's roadmaps)."""
    roadmaps = list(page.object_list)
    rows = (
        Deadline.objects.filter(
            roadmap_id__in=[r.pk for r in roadmaps], closed_on__isnull=True, due_on__lt=today
        )
        .values(
            "roadmap_id",
            "activity__executor__last_name",
            "activity__executor__first_name",
        )
        .annotate(overdue=Count("pk"), oldest=Min("due_on"))
        .order_by("-overdue", "activity__executor__last_name", "activity__executor__first_name")
    )
    by_roadmap: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_roadmap.setdefault(row["roadmap_id"], []).append(dict(row))
    page.object_list = [(roadmap, by_roadmap.get(roadmap.pk, [])) for roadmap in roadmaps]
    return page


def activity_reports(roadmap: Roadmap) -> dict[int, list[dict[str, Any]]]:
    """Reports by activity, newest first, as values (pk, outcome, done_on, text) with their
    `files` (pk, original_name, kind): two queries whatever the roadmap's size. Values, not
    instances: the roadmap page shows every report of every activity (a hundred and more)."""
    rows = list(
        ExecutionReport.objects.filter(activity__roadmap=roadmap).values(
            "pk", "activity_id", "outcome", "done_on", "text"
        )
    )
    files: dict[int, list[dict[str, Any]]] = {}
    # No reports, no files to look for (a roadmap not yet executed).
    if rows:
        for evidence in (
            Evidence.objects.filter(report__activity__roadmap=roadmap)
            .order_by("pk")
            .values("pk", "report_id", "original_name", "kind")
        ):
            files.setdefault(evidence["report_id"], []).append(dict(evidence))
    reports: dict[int, list[dict[str, Any]]] = {}
    for report in rows:
        reports.setdefault(report["activity_id"], []).append(
            {**report, "files": files.get(report["pk"], [])}
        )
    return reports


def next_deadlines(roadmap: Roadmap) -> dict[int, Deadline]:
    """Each activity's earliest open due date (one query)."""
    result: dict[int, Deadline] = {}
    for deadline in Deadline.objects.filter(roadmap=roadmap, closed_on__isnull=True).order_by(
        "due_on"
    ):
        result.setdefault(deadline.activity_id, deadline)
    return result


@dataclass
class Progress:
    """Due dates that have come, by how they went: on time, late, overdue; and still to come."""

    label: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    upcoming: int = 0
    key: Any = None

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    def share(self, part: int) -> float | None:
        return round(100 * part / self.due, 1) if self.due else None

    @property
    def on_time_share(self) -> float | None:
        return self.share(self.on_time)

    @property
    def late_share(self) -> float | None:
        return self.share(self.late)

    @property
    def overdue_share(self) -> float | None:
        return self.share(self.overdue)


def _progress(label: str, row: Any, key: Any = None) -> Progress:
    return Progress(
        label,
        on_time=row["on_time"],
        late=row["late"],
        overdue=row["overdue"],
        upcoming=row["upcoming"],
        key=key,
    )


def _progress_counts(today: datetime.date) -> dict[str, Any]:
    closed = Q(closed_on__isnull=False)
    return {
        "on_time": Count("pk", filter=closed & Q(closed_late=False)),
        "late": Count("pk", filter=closed & Q(closed_late=True)),
        "overdue": Count("pk", filter=Q(closed_on__isnull=True, due_on__lt=today)),
        "upcoming": Count("pk", filter=Q(closed_on__isnull=True, due_on__gte=today)),
    }


DASHBOARD_TABS = ("roadmaps", "sections", "executors")
DASHBOARD_SORTS = ("overdue", "name")


def _roadmap_label(roadmap: Roadmap) -> str:
    return roadmap.school.short_name if roadmap.school else roadmap.title


def programme_roadmaps_progress(
    user: UserLike, programme: Programme, today: datetime.date, *, sort: str = "overdue"
) -> QuerySet[Roadmap]:
    """The programme's roadmaps under execution that `user` may see, with their stored
    counters (refreshed for the day first): most overdue first, or by school and title.
    Page it, then `progress_page_fill` makes the page's rows."""
    roadmaps = _running(user, programme.pk)
    progress_refresh(roadmaps, today)
    by_name = (F("school__short_name").asc(nulls_first=True), "title", "pk")
    order = by_name if sort == "name" else (F("progress__overdue").desc(nulls_last=True), *by_name)
    return roadmaps.select_related("school", "progress").order_by(*order)


def programme_total(roadmaps: QuerySet[Roadmap]) -> Progress:
    """The sum of the roadmaps' counters (`programme_roadmaps_progress`): one aggregate."""
    sums = roadmaps.order_by().aggregate(
        **{name: Coalesce(Sum(f"progress__{name}"), 0) for name in COUNTERS}
    )
    return _progress(str(_("Всего")), sums)


def progress_page_fill(page: Any) -> Any:
    """A page of roadmaps with counters turned into progress rows linking to each roadmap."""
    rows = []
    for roadmap in page.object_list:
        counters = getattr(roadmap, "progress", None)
        values = {name: getattr(counters, name, 0) for name in COUNTERS}
        rows.append(_progress(_roadmap_label(roadmap), values, key=roadmap.pk))
    page.object_list = rows
    return page


def programme_breakdown(
    user: UserLike, programme: Programme, today: datetime.date, *, by: str
) -> QuerySet[Any]:
    """The programme's due dates grouped by section title ("sections") or by executor
    ("executors"), most overdue first: one grouped query that the paginator limits (these
    cut across roadmaps, so no roadmap's counters hold them)."""
    qs = deadlines_visible(user).filter(roadmap__programme=programme)
    keys: tuple[str, ...] = ("activity__section__title",)
    if by == "executors":
        keys = (
            "activity__executor__last_name",
            "activity__executor__first_name",
            "activity__executor_id",
        )
    return qs.values(*keys).annotate(**_progress_counts(today)).order_by("-overdue", *keys)


def breakdown_page_fill(page: Any, *, by: str) -> Any:
    """A page of `programme_breakdown` rows turned into progress rows."""
    unassigned = str(_("исполнитель не назначен"))
    rows = []
    for row in page.object_list:
        if by == "sections":
            label = row["activity__section__title"]
        else:
            label = " ".join(
                filter(
                    None,
                    [row["activity__executor__last_name"], row["activity__executor__first_name"]],
                )
            )
        rows.append(_progress(label or unassigned, row))
    page.object_list = rows
    return page


def school_progress(user: UserLike, school: Organization, today: datetime.date) -> list[Progress]:
    """Each of the school's roadmaps under execution with its progress (one query)."""
    qs = deadlines_visible(user).filter(roadmap__school=school).order_by()
    counts = _progress_counts(today)
    return [
        _progress(row["roadmap__title"], row, key=row["roadmap_id"])
        for row in qs.values("roadmap_id", "roadmap__title")
        .annotate(**counts)
        .order_by("roadmap__title")
    ]


def school_identification(user: UserLike, school: Organization) -> Any | None:
    """The school's outcome in the latest approved identification list the user may see."""
    from opora.identification.choices import RunStatus
    from opora.identification.models import SchoolIdentification

    return (
        restrict(SchoolIdentification.objects.filter(school=school), user)
        .filter(run__status=RunStatus.APPROVED)
        .select_related("run")
        .order_by("-run__year", "-run__pk")
        .first()
    )


DEADLINES_PER_PAGE = 100


def deadline_ids(deadlines: QuerySet[Deadline]) -> QuerySet[Any]:
    """The due dates' ids to page on: the ordering and the count run on the ids alone (sorting
    tens of thousands of rows wide with the activity's and roadmap's text spilled to disk on
    PostgreSQL); `deadlines_page_fill` then reads only the page's rows in full."""
    return deadlines.values_list("pk", flat=True)


def deadlines_page_fill(deadlines: QuerySet[Deadline], page: Any) -> Any:
    """The page of ids (`deadline_ids`) turned into a page of due dates with what the list
    shows (two queries). The page's roadmaps are read by their ids in a query of their own:
    joined to the due dates, PostgreSQL hashes every roadmap of the region to find the
    page's few dozen, which grows with the region."""
    roadmaps = Prefetch("roadmap", queryset=Roadmap.objects.select_related("school", "programme"))
    by_pk = (
        deadlines.model.objects.select_related("activity__section", "activity__executor")
        .prefetch_related(roadmaps)
        .in_bulk(list(page.object_list))
    )
    rows: Any = [by_pk[pk] for pk in page.object_list]
    page.object_list = rows
    return page


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 8
SCHOOL_ROLES = (Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF)
APPROVER_ROLES = (Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR)
AWAITING_APPROVAL = (RoadmapStatus.SUBMITTED, RoadmapStatus.REVIEW, RoadmapStatus.RECOMMENDED)


@dataclass
class HomeDeadlines:
    """The school's due dates for the home page: the first few (overdue first) and counts."""

    items: list[Deadline]
    overdue: int
    soon: int
    reportable: set[int]  # activities the user may report on (others link to the roadmap)


def home_deadlines(user: UserLike, today: datetime.date) -> HomeDeadlines | None:
    """Overdue and next-two-weeks due dates of the roadmaps of the user's own school (for its
    director and staff; three queries whatever the number of activities); None for others."""
    own = role_organizations(user, SCHOOL_ROLES)
    if not own:
        return None
    # The roadmaps of one's own schools, decided by the reach: no access filter over all the
    # roadmaps of the territory to compile into the two queries below.
    running = Roadmap.objects.filter(status=RoadmapStatus.EXECUTION)
    open_dates = Deadline.objects.filter(
        roadmap__in=restrict_within_each(running, user, own).values("pk"),
        closed_on__isnull=True,
        due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
    )
    counts = open_dates.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count("pk", filter=Q(due_on__gte=today)),
    )
    items = list(
        open_dates.select_related("activity__executor", "roadmap__school__territory").order_by(
            "due_on", "activity_id"
        )[:HOME_ITEMS]
    )
    # Who may report: the executor, or those who may change the roadmap (a school's roadmap:
    # decided from the reach, `roadmap_actions`, without a query).
    changeable = {
        roadmap.pk
        for roadmap in {d.roadmap for d in items}
        if Action.CHANGE in roadmap_actions(user, roadmap)
    }
    reportable = {
        d.activity_id
        for d in items
        if d.roadmap_id in changeable
        or (d.activity.executor is not None and d.activity.executor.user_id == user.pk)
    }
    return HomeDeadlines(items, counts["overdue"], counts["soon"], reportable)


def home_roadmaps_awaiting(user: UserLike) -> list[Roadmap] | None:
    """Roadmaps sent for approval that the user (a coordinator) may decide on; None for
    those who approve nothing. Two queries."""
    if not role_organization_ids(user, APPROVER_ROLES):
        return None
    return list(
        restrict(Roadmap.objects.filter(status__in=AWAITING_APPROVAL), user, Action.APPROVE)
        .select_related("school", "programme")
        .order_by("updated_at", "pk")[: HOME_ITEMS + 1]
    )


def programmes_execution(
    user: UserLike, programme_ids: list[int], today: datetime.date
) -> dict[int, Progress]:
    """Each programme's execution over the roadmaps the user may see, summed from their stored
    counters (one grouped query once they are fresh): the coordinator's traffic lights on the
    home page. Programmes without due dates are left out."""
    # Compiled once for the refresh and the sums (the roadmaps' access filter is the costly
    # part of both).
    in_reach = _running(user).filter(programme_id__in=programme_ids)
    roadmaps = Roadmap.objects.filter(pk__in=ids_compiled(in_reach))
    progress_refresh(roadmaps, today)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in roadmaps.values("programme_id")
        .annotate(**{name: Coalesce(Sum(f"progress__{name}"), 0) for name in COUNTERS})
        .order_by()
    ]
    return {
        row["programme_id"]: _progress("", row)
        for row in rows
        if any(row[name] for name in COUNTERS)
    }
