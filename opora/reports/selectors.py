"""Reads of the reports."""

from __future__ import annotations

# --- region ---
import datetime as _datetime
from typing import Any as _Any

from django.db.models import Count as _Count
from django.db.models import Exists as _Exists
from django.db.models import IntegerField as _IntegerField
from django.db.models import OuterRef as _OuterRef
from django.db.models import Q as _Q
from django.db.models import Sum as _Sum
from django.db.models.functions import Coalesce as _Coalesce
from django.db.models.functions import Substr as _Substr
from django.http import Http404 as _Http404

from opora.core import dates as _dates
from opora.core.access import TERRITORY_ROLES as _TERRITORY_ROLES
from opora.core.access import Action as _Action
from opora.core.access import Reach as _Reach
from opora.core.access import UserLike as _UserLike
from opora.core.access import reach as _reach
from opora.reports.region import RegionRow as _RegionRow
from opora.reports.region import totals as _totals


def region_reach(user: _UserLike) -> _Reach:
    """Who may open the regional page and on what: the territory-wide roles (coordinators,
    analysts, council members) on their territories; everyone else has an empty reach (404)."""
    return _reach(user, _Action.VIEW, roles=_TERRITORY_ROLES)


def region_may_view(user: _UserLike) -> bool:
    return not region_reach(user).is_empty


def region_root(user: _UserLike) -> _Any:
    """The region the user's page compares the municipalities of: the region (or the top
    territory) above the territories in the user's reach; 404 without a reach."""
    from opora.registry.choices import TerritoryKind
    from opora.registry.models import Territory

    r = region_reach(user)
    if r.is_empty:
        raise _Http404
    regions = Territory.objects.filter(kind=TerritoryKind.REGION).order_by("path")
    if not r.everything:
        path = min(r.territory_paths)
        ancestors = [path[:n] for n in range(Territory.steplen, len(path) + 1, Territory.steplen)]
        regions = regions.filter(path__in=ancestors)
    region = regions.first() or Territory.get_first_root_node()
    if region is None:
        raise _Http404
    return region


def region_territory_get(user: _UserLike, pk: _Any) -> _Any:
    """A territory below the region whose figures the user may see whole (a municipality in
    reach); 404 for any other, as for a missing one."""
    from opora.registry.models import Territory

    r = region_reach(user)
    territory = Territory.objects.filter(pk=pk, depth__gt=1).first() if str(pk).isdigit() else None
    if territory is None or not r.covers_territory(territory):
        raise _Http404
    return territory


def region_table(
    user: _UserLike, parent: _Any, *, on: _datetime.date | None = None
) -> tuple[list[_RegionRow], _RegionRow]:
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

    on = on or _dates.today()
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
    rows = {t.path: _RegionRow(territory=t, name=t.name) for t in children}
    own = _RegionRow(territory=parent, name=parent.name)  # what sits on `parent` itself

    def row_of(path: str | None) -> _RegionRow | None:
        if path is None:
            return None
        if len(path) < width:
            return own if path.startswith(inside) else None
        return rows.get(path[:width])

    schools = Organization.objects.filter(
        kind=OrganizationKind.SCHOOL, territory__path__startswith=inside
    )
    for prefix, n in (
        schools.annotate(prefix=_Substr("territory__path", 1, width))
        .values("prefix")
        .annotate(n=_Count("pk"))
        .values_list("prefix", "n")
        .order_by()
    ):
        if (row := row_of(prefix)) is not None:
            row.schools += n

    taking_part = ProgrammeSchool.objects.filter(
        _Q(joined_on__isnull=True) | _Q(joined_on__lte=on),
        _Q(left_on__isnull=True) | _Q(left_on__gt=on),
        school=_OuterRef("pk"),
    )
    supported = schools.filter(_Exists(taking_part))
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
        .filter(_Q(territory__path__startswith=inside) | _Q(territory__path__in=ancestors))
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

        def here(school_path: str, path: str = path, row: _RegionRow = row) -> bool:
            # `own` counts the schools right on `parent`; the rows below count their subtree.
            return school_path == path if row is own else school_path.startswith(path)

        now = {s for s, p in listed.get(latest_id, []) if here(p)}
        row.listed = len(now)
        row.runs = [latest_id]
        if before_id is not None:
            then = {s for s, p in listed.get(before_id, []) if here(p)}
            row.entered, row.left = len(now - then), len(then - now)

    # Roadmaps running: a school's by the school's territory, the programme's own by its owner's.
    where = _Coalesce(
        "roadmap__school__territory__path", "roadmap__programme__owner__territory__path"
    )
    deadlines = (
        Deadline.objects.filter(roadmap__status=RoadmapStatus.EXECUTION)
        .filter(
            _Q(roadmap__school__territory__path__startswith=inside)
            | _Q(
                roadmap__school__isnull=True,
                roadmap__programme__owner__territory__path__startswith=inside,
            )
        )
        .annotate(prefix=_Substr(where, 1, width))
        .values("prefix")
        .annotate(
            on_time=_count_if(_Q(closed_on__isnull=False, closed_late=False)),
            late=_count_if(_Q(closed_on__isnull=False, closed_late=True)),
            overdue=_count_if(_Q(closed_on__isnull=True, due_on__lt=on)),
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
    total = _totals(shown, parent.name)
    # What belongs to `parent` itself (its own programme's indicators, schools right on it)
    # counts in the totals only.
    total.add(own)
    total.programmes, total.runs = own.programmes, own.runs
    return shown, total


def _count_if(condition: _Q) -> _Any:
    from django.db.models import Case, Value, When

    return _Coalesce(
        _Sum(Case(When(condition, then=Value(1)), default=Value(0))),
        0,
        output_field=_IntegerField(),
    )
