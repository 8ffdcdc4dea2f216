"""Reads of the reports, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from opora.core import dates
from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    Reach,
    UserLike,
    get_for_user,
    own_organizations,
    permits,
    reach,
    restrict,
)
from opora.core.choices import JobStatus
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Programme, Territory
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.kinds import ReportParams
from opora.reports.models import Report, ReportRecommendation, ReportTemplate
from opora.reports.region import RegionRow, totals
from opora.results.models import Assessment, SchoolResult
from opora.roadmaps.models import Deadline

# The states of a report whose build is not over: the same report may not be asked again.
IN_PROGRESS = (ReportStatus.QUEUED, ReportStatus.BUILDING)
# A list's runs that count as data: computed ones, whatever their way to approval.
COMPUTED_RUNS = (RunStatus.DRAFT, RunStatus.SENT, RunStatus.APPROVED)
REPORTS_PER_PAGE = 25

# --- reports ---


def report_list(
    user: UserLike, *, kind: str = "", year: Any = None, status: str = ""
) -> QuerySet[Report]:
    """The reports the user may read, newest first, filtered by kind, year and state."""
    qs = restrict(Report.objects.all(), user).select_related(
        "owner", "territory", "school", "programme", "job"
    )
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    if str(year or "").isdigit():
        qs = qs.filter(year=int(year))
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def report_years(user: UserLike) -> list[int]:
    """The years of the reports the user may read (the list's filter), newest first."""
    years = restrict(Report.objects.all(), user).values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def report_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Report:
    """A report the user may read (or, with CHANGE, edit and publish); 404 otherwise."""
    qs = Report.objects.select_related(
        "owner__territory", "territory", "school", "programme", "assessment", "template", "job"
    )
    return get_for_user(qs, user, pk, action)


def report_for_job(job: Any) -> Report | None:
    """The report a build job fills (the job is the core's; the report knows its job)."""
    return Report.objects.select_related("owner__territory", "template").filter(job=job).first()


def report_may_change(user: UserLike, report: Report) -> bool:
    return permits(user, report, Action.CHANGE)


def report_may_build(user: UserLike) -> bool:
    """Whether the user builds reports at all: an analyst or a coordinator of an authority
    or a methodical centre (a territory role with CHANGE)."""
    return bool(own_organizations(user, Action.CHANGE, territory_roles=True))


def report_owner_for(user: UserLike, territory: Territory) -> Organization | None:
    """The organisation a new report over `territory` belongs to: the nearest of the user's
    own organisations (territory roles with CHANGE) whose territory covers it."""
    best: Organization | None = None
    for organization in own_organizations(user, Action.CHANGE, territory_roles=True):
        path = organization.territory.path
        if territory.path.startswith(path) and (
            best is None or len(path) > len(best.territory.path)
        ):
            best = organization
    return best


def _same(params: ReportParams) -> dict[str, Any]:
    """The lookups of a report with the same kind and parameters."""
    return {
        "kind": params.kind,
        "year": params.year,
        "territory_id": params.territory_id,
        "school_id": params.school_id,
        "programme_id": params.programme_id,
        "assessment_id": params.assessment_id,
    }


def report_in_progress(params: ReportParams, owner: Organization) -> Report | None:
    """The same report (kind and parameters) of the same owner still queued or building."""
    return (
        Report.objects.filter(owner=owner, status__in=IN_PROGRESS, **_same(params))
        .exclude(job__status=JobStatus.FAILED)
        .first()
    )


def report_params(report: Report) -> ReportParams:
    return ReportParams(
        kind=report.kind,
        year=report.year,
        territory_id=report.territory_id,
        school_id=report.school_id,
        programme_id=report.programme_id,
        assessment_id=report.assessment_id,
    )


def report_newest(user: UserLike, report: Report) -> Report | None:
    """The newest built report of the same kind and parameters the user may read (to tell
    whether this one's data version is still the current one)."""
    return (
        restrict(Report.objects.all(), user)
        .filter(
            owner_id=report.owner_id,
            status__in=(ReportStatus.DRAFT, ReportStatus.PUBLISHED),
            **_same(report_params(report)),
        )
        .order_by("-built_at", "-pk")
        .first()
    )


def report_tracked(user: UserLike, report: Report) -> list[ReportRecommendation]:
    """The published report's recommendations as tracked items, with their states."""
    return list(
        ReportRecommendation.objects.filter(report=report)
        .select_related("recommendation__school", "recommendation__organization")
        .order_by("position")
    )


def reports_in_work(user: UserLike) -> QuerySet[Report]:
    """The reports of the user's own organisations being built or waiting as drafts (the
    analyst's home card)."""
    owners = [o.pk for o in own_organizations(user, Action.CHANGE, territory_roles=True)]
    return (
        restrict(Report.objects.filter(owner__in=owners), user)
        .filter(status__in=(*IN_PROGRESS, ReportStatus.DRAFT))
        .select_related("job")
        .order_by("-created_at", "-pk")
    )


# --- what a report may be built over ---


def territory_choices(user: UserLike) -> QuerySet[Territory]:
    """The territories the user may build reports over (their territory roles' reach)."""
    paths = reach(user, Action.CHANGE, roles=TERRITORY_ROLES).territory_paths
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Territory.objects.filter(q).order_by("path")


def school_choices(user: UserLike) -> QuerySet[Organization]:
    r = reach(user, Action.CHANGE, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return (
        Organization.objects.filter(r.organization_q(), kind=OrganizationKind.SCHOOL)
        .select_related("territory")
        .order_by("short_name", "name")
    )


def programme_choices(user: UserLike) -> QuerySet[Programme]:
    r = reach(user, Action.CHANGE, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Programme.objects.none()
    return (
        Programme.objects.filter(r.organization_q("owner__"))
        .select_related("owner__territory")
        .order_by("-starts_on", "name")
    )


def assessment_choices() -> QuerySet[Assessment]:
    return Assessment.objects.order_by("kind", "name")


def template_choices(user: UserLike) -> QuerySet[ReportTemplate]:
    """The active templates of the user's own organisations (a report uses its owner's)."""
    return restrict(ReportTemplate.objects.filter(is_active=True), user, Action.CHANGE)


def _runs(territory: Territory) -> QuerySet[IdentificationRun]:
    return IdentificationRun.objects.filter(territory=territory, status__in=COMPUTED_RUNS)


def report_year_has_data(params: ReportParams) -> bool:
    """Whether Opora holds data for the report's year (the parameters are already checked to
    be in the user's reach): results, computed lists or roadmap due dates of that year."""
    year = params.year
    if params.kind == ReportKind.YEAR_RESULTS:
        territory = Territory.objects.get(pk=params.territory_id or 0)
        return _runs(territory).filter(year=year).exists()
    if params.kind == ReportKind.MUNICIPAL:
        programme = Programme.objects.select_related("owner__territory").get(
            pk=params.programme_id or 0
        )
        start, end = dates.academic_year_bounds(year)
        if Deadline.objects.filter(
            roadmap__programme=programme, due_on__gte=start, due_on__lte=end
        ).exists():
            return True
        return _runs(programme.owner.territory).filter(year__in=(year, year + 1)).exists()
    if params.kind == ReportKind.SCHOOL:
        return SchoolResult.objects.filter(school_id=params.school_id or 0, year=year).exists()
    territory = Territory.objects.get(pk=params.territory_id or 0)
    return SchoolResult.objects.filter(
        school__territory__path__startswith=territory.path,
        assessment_id=params.assessment_id or 0,
        year=year,
    ).exists()


# --- templates ---


def template_list(user: UserLike) -> QuerySet[ReportTemplate]:
    """The templates of the organisations whose reports the user reads."""
    return (
        restrict(ReportTemplate.objects.all(), user)
        .select_related("owner")
        .order_by("owner__name", "kind", "name", "pk")
    )


def template_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> ReportTemplate:
    """A template the user may read (or, with CHANGE, replace and switch off); 404 otherwise."""
    return get_for_user(ReportTemplate.objects.select_related("owner"), user, pk, action)


def template_changeable_ids(user: UserLike) -> set[int]:
    """The templates the user may switch on and off (their own organisations')."""
    return set(
        restrict(ReportTemplate.objects.all(), user, Action.CHANGE).values_list("pk", flat=True)
    )


def template_owner_choices(user: UserLike) -> list[Organization]:
    return own_organizations(user, Action.CHANGE, territory_roles=True)


def addressee_choices(user: UserLike) -> QuerySet[Organization]:
    """The organisations a report's recommendation may be addressed to: the schools, the
    methodical centres and the authorities in the user's territory roles' reach."""
    r = reach(user, Action.VIEW, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return (
        Organization.objects.filter(
            r.organization_q(),
            kind__in=(
                OrganizationKind.SCHOOL,
                OrganizationKind.METHODICAL_CENTRE,
                OrganizationKind.EDUCATION_AUTHORITY,
            ),
            is_active=True,
        )
        .select_related("territory")
        .order_by("kind", "short_name", "name")
    )


def region_reach(user: UserLike) -> Reach:
    """Who may open the regional page and on what: the territory-wide roles (coordinators,
    analysts, council members) on their territories; everyone else has an empty reach (404)."""
    return reach(user, Action.VIEW, roles=TERRITORY_ROLES)


def region_may_view(user: UserLike) -> bool:
    return not region_reach(user).is_empty


def region_root(user: UserLike) -> Any:
    """The region the user's page compares the municipalities of: the region (or the top
    territory) above the territories in the user's reach; 404 without a reach."""
    from opora.registry.choices import TerritoryKind
    from opora.registry.models import Territory

    r = region_reach(user)
    if r.is_empty:
        raise Http404
    regions = Territory.objects.filter(kind=TerritoryKind.REGION).order_by("path")
    if not r.everything:
        path = min(r.territory_paths)
        ancestors = [path[:n] for n in range(Territory.steplen, len(path) + 1, Territory.steplen)]
        regions = regions.filter(path__in=ancestors)
    region = regions.first() or Territory.get_first_root_node()
    if region is None:
        raise Http404
    return region


def region_territory_get(user: UserLike, pk: Any) -> Any:
    """A territory below the region whose figures the user may see whole (a municipality in
    reach); 404 for any other, as for a missing one."""
    from opora.registry.models import Territory

    r = region_reach(user)
    territory = Territory.objects.filter(pk=pk, depth__gt=1).first() if str(pk).isdigit() else None
    if territory is None or not r.covers_territory(territory):
        raise Http404
    return territory


def region_table(
    user: UserLike, parent: Any, *, on: datetime.date | None = None
) -> tuple[list[RegionRow], RegionRow]:
    """The territories right below `parent` the user may see whole, with their figures, and
    the totals row; a fixed number of aggregate queries (grouped by the prefix of the
    territory's materialised path), however many schools and territories there are."""
    from opora.identification.choices import RunStatus
    from opora.identification.models import IdentificationRun, SchoolIdentification
    from opora.monitoring.choices import Light
    from opora.monitoring.models import Checkpoint, Rollup
    from opora.monitoring.selectors import programme_light
    from opora.registry.choices import OrganizationKind
    from opora.registry.models import Organization, Programme, ProgrammeSchool, Territory
    from opora.roadmaps.choices import RoadmapStatus
    from opora.roadmaps.models import Deadline
    from opora.support.selectors import engagement_signals

    on = on or dates.today()
    r = region_reach(user)
    inside = parent.path
    width = (parent.depth + 1) * Territory.steplen
    children = [
        t
        for t in Territory.objects.filter(path__startswith=inside, depth=parent.depth + 1).order_by(
            "name"
        )
        if r.covers_territory(t)
    ]
    rows = {t.path: RegionRow(territory=t, name=t.name) for t in children}
    own = RegionRow(territory=parent, name=parent.name)  # what sits on `parent` itself

    def row_of(path: str | None) -> RegionRow | None:
        if path is None:
            return None
        if len(path) < width:
            return own if path.startswith(inside) else None
        return rows.get(path[:width])

    schools = Organization.objects.filter(
        kind=OrganizationKind.SCHOOL, territory__path__startswith=inside
    )
    for prefix, n in (
        schools.annotate(prefix=Substr("territory__path", 1, width))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
        .order_by()
    ):
        if (row := row_of(prefix)) is not None:
            row.schools += n

    taking_part = ProgrammeSchool.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=on),
        Q(left_on__isnull=True) | Q(left_on__gt=on),
        school=OuterRef("pk"),
    )
    supported = schools.filter(Exists(taking_part))
    path_of: dict[int, str] = dict(supported.values_list("pk", "territory__path"))
    for path in path_of.values():
        if (row := row_of(path)) is not None:
            row.supported += 1
    for school_id in engagement_signals(supported, on):
        if (row := row_of(path_of.get(school_id))) is not None:
            row.not_engaging += 1

    # Lists: for each territory, the latest approved list of a territory covering it (its
    # municipality's) or lying within it, and the approved list before it of the same territory.
    ancestors = [inside[:n] for n in range(Territory.steplen, len(inside), Territory.steplen)]
    runs = list(
        IdentificationRun.objects.filter(status=RunStatus.APPROVED)
        .filter(Q(territory__path__startswith=inside) | Q(territory__path__in=ancestors))
        .values_list("pk", "territory_id", "territory__path", "year")
        .order_by("-year", "-pk")
    )
    chosen: dict[str, tuple[int, int | None]] = {}
    for path in [*rows, inside]:
        mine = [run for run in runs if path.startswith(run[2]) or run[2].startswith(path)]
        if mine:
            newest = mine[0]
            before = next((run for run in mine[1:] if run[1] == newest[1]), None)
            chosen[path] = (newest[0], before[0] if before else None)
    listed: dict[int, list[tuple[int, str]]] = {}
    run_ids = {pk for pair in chosen.values() for pk in pair if pk is not None}
    for run_id, school_id, path in (
        SchoolIdentification.objects.filter(run_id__in=run_ids, in_list=True)
        .values_list("run_id", "school_id", "school__territory__path")
        .order_by()
    ):
        listed.setdefault(run_id, []).append((school_id, path))
    for path, (latest_id, before_id) in chosen.items():
        row = own if path == inside else rows[path]

        def here(school_path: str, path: str = path, row: RegionRow = row) -> bool:
            # `own` counts the schools right on `parent`; the rows below count their subtree.
            return school_path == path if row is own else school_path.startswith(path)

        now = {s for s, p in listed.get(latest_id, []) if here(p)}
        row.listed = len(now)
        row.runs = [latest_id]
        if before_id is not None:
            then = {s for s, p in listed.get(before_id, []) if here(p)}
            row.entered, row.left = len(now - then), len(then - now)

    # Roadmaps running: a school's by the school's territory, the programme's own by its owner's.
    where = Coalesce(
        "roadmap__school__territory__path", "roadmap__programme__owner__territory__path"
    )
    deadlines = (
        Deadline.objects.filter(roadmap__status=RoadmapStatus.EXECUTION)
        .filter(
            Q(roadmap__school__territory__path__startswith=inside)
            | Q(
                roadmap__school__isnull=True,
                roadmap__programme__owner__territory__path__startswith=inside,
            )
        )
        .annotate(prefix=Substr(where, 1, width))
        .values("prefix")
        .annotate(
            on_time=Count("pk", filter=Q(closed_on__isnull=False, closed_late=False)),
            late=Count("pk", filter=Q(closed_on__isnull=False, closed_late=True)),
            overdue=Count("pk", filter=Q(closed_on__isnull=True, due_on__lt=on)),
        )
        .values_list("prefix", "on_time", "late", "overdue")
        .order_by()
    )
    for prefix, on_time, late, overdue in deadlines:
        if (row := row_of(prefix)) is not None:
            row.done_on_time += on_time
            row.done_late += late
            row.overdue += overdue

    # Indicators: each programme's indicators against their targets at its latest checkpoint.
    programmes = {
        p.pk: p
        for p in Programme.objects.filter(owner__territory__path__startswith=inside).select_related(
            "owner__territory"
        )
    }
    latest: dict[int, Checkpoint] = {}
    for checkpoint in Checkpoint.objects.filter(programme_id__in=programmes).order_by(
        "held_on", "pk"
    ):
        latest[checkpoint.programme_id] = checkpoint
    rollups = Rollup.objects.filter(
        checkpoint__in=list(latest.values()), value__isnull=False
    ).select_related("programme_indicator__indicator")
    for rollup in rollups.prefetch_related("programme_indicator__targets"):
        checkpoint = latest[rollup.programme_indicator.programme_id]
        programme = programmes[checkpoint.programme_id]
        row = row_of(programme.owner.territory.path)
        found = programme_light(rollup.programme_indicator, rollup.value, checkpoint.year)
        if row is not None and found != Light.NONE:
            row.indicators_measured += 1
            row.indicators_reached += found == Light.REACHED
    for programme in programmes.values():
        if (row := row_of(programme.owner.territory.path)) is not None:
            row.programmes.append(programme)

    shown = sorted(rows.values(), key=lambda row: row.name)
    total = totals(shown, parent.name)
    # What belongs to `parent` itself (its own programme's indicators, schools right on it)
    # counts in the totals only.
    total.add(own)
    total.programmes, total.runs = own.programmes, own.runs
    return shown, total
