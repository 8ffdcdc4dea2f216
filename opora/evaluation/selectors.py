"""Reads of the evaluation: the programmes a user may evaluate, their estimates, and the
outcome panel (school × year) an estimate is computed from.

The panel is read in a fixed number of queries whatever the number of schools: the
territory's schools, the programmes' participations, the results and the context values
(each one query), the methodology in use, and one query per kind of support.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from opora.core.access import Action, UserLike, get_for_user, restrict
from opora.core.dates import academic_year_bounds, academic_year_of
from opora.core.models import Job
from opora.evaluation.estimator import Panel
from opora.evaluation.models import Estimate
from opora.evaluation.scoping import territory_reach
from opora.identification.choices import RunStatus
from opora.identification.engine import (
    CONTEXT_SCHEMA,
    RESULT_SCHEMA,
    component_scores,
    context_for_year,
    context_index,
    results_indices,
    usable_results,
)
from opora.identification.methodology import BASE_METHODOLOGY, Params, parse_params
from opora.identification.models import IdentificationRun, MethodologyVersion
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.results.choices import Direction
from opora.results.models import ContextIndicator, ContextValue, SchoolResult
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.models import Roadmap
from opora.support.choices import VisitStatus
from opora.support.models import MentorPair, Visit
from opora.surveys.choices import RiskFactor, RiskLevel
from opora.surveys.models import RiskProfile

# A supported school «with visits» had at least this many visits held since it joined.
MIN_VISITS = 3


def _programmes(user: UserLike, action: Action) -> QuerySet[Programme]:
    owners = territory_reach(user, action)
    return restrict(Programme.objects.all(), user, action).filter(owners.organization_q("owner__"))


def evaluation_programme_list(user: UserLike) -> QuerySet[Programme]:
    """Programmes whose owner is in the user's territory reach (the others' are absent)."""
    return (
        _programmes(user, Action.VIEW).select_related("owner").order_by("-starts_on", "name", "pk")
    )


def evaluation_programme_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Programme:
    """A programme the user may evaluate (VIEW: read its estimates; CHANGE: start one)."""
    return get_for_user(
        _programmes(user, action).select_related("owner__territory"), user, pk, action
    )


def evaluation_may_run(user: UserLike, programme: Programme) -> bool:
    """Whether the user may start an estimate (coordinators and analysts, not the council)."""
    return _programmes(user, Action.CHANGE).filter(pk=programme.pk).exists()


def estimate_latest(user: UserLike, programme: Programme) -> Estimate | None:
    """The programme's newest estimate the user may see (running, done or failed)."""
    return (
        restrict(Estimate.objects.all(), user)
        .filter(programme=programme)
        .select_related("job", "created_by")
        .first()
    )


def estimate_latest_done(user: UserLike, programme: Programme) -> Estimate | None:
    return (
        restrict(Estimate.objects.all(), user)
        .filter(programme=programme, status="done")
        .select_related("created_by")
        .first()
    )


def estimate_for_job(job: Job) -> Estimate:
    """The estimate a job computes, with the rights of the one who started it."""
    return get_for_user(
        Estimate.objects.select_related("programme__owner__territory"),
        job.created_by or AnonymousUser(),
        job.params["estimate_id"],
    )


# --- The panel ---------------------------------------------------------------------------


@dataclass
class PanelData:
    """What an estimate is computed from: the panel of the programme against the territory's
    never-supported schools, and for each kind of support the supported schools that had it
    (row indices into the panel's treated schools)."""

    panel: Panel
    methodology: str
    kinds: dict[str, list[int]] = field(default_factory=dict)
    kind_labels: dict[str, str] = field(default_factory=dict)

    @property
    def data_version(self) -> str:
        """A digest of everything the estimate reads: same digest, same numbers."""
        digest = hashlib.sha256()
        p = self.panel
        for array in (p.school_ids, p.years, p.first_post):
            digest.update(np.ascontiguousarray(array, dtype=np.int64).tobytes())
        for array in (p.outcome, p.context):
            digest.update(np.round(np.nan_to_num(array, nan=-1e9), 6).tobytes())
        for code in sorted(self.kinds):
            digest.update(code.encode() + np.asarray(self.kinds[code], np.int64).tobytes())
        digest.update(self.methodology.encode())
        return digest.hexdigest()


def _methodology(programme: Programme) -> tuple[Params, str]:
    """The methodology of the newest approved (else any) identification run of a territory
    holding the programme's owner; the shipped base methodology when there is none."""
    path = programme.owner.territory.path
    candidates = [path[:end] for end in range(4, len(path) + 1, 4)]
    run = (
        IdentificationRun.objects.filter(territory__path__in=candidates)
        .select_related("version__methodology")
        .order_by(
            # Approved lists first, then the newest.
            "-year",
            "-pk",
        )
    )
    chosen = None
    runs = list(run[:20])
    for each in runs:
        if each.status == RunStatus.APPROVED:
            chosen = each.version
            break
    if chosen is None and runs:
        chosen = runs[0].version
    codes = set(ContextIndicator.objects.values_list("code", flat=True))
    if chosen is None:
        return parse_params(BASE_METHODOLOGY, indicators=codes), "base"
    return _parse(chosen, codes), f"{chosen.methodology.name} v{chosen.number}"


def _parse(version: MethodologyVersion, codes: set[str]) -> Params:
    return parse_params(version.params, indicators=codes)


def _first_post(joined: datetime.date) -> int:
    """The first results year after support began: joining in the 2024/25 academic year
    makes the 2025 results the first ones after support."""
    return academic_year_of(joined) + 1


def outcome_panel(user: UserLike, programme: Programme) -> PanelData:
    """The results index by school and year for the programme's schools and the comparison
    pool: the schools of the owner's territory never in any programme during the years of
    data. The index is computed for every year in one pass of the identification engine."""
    params, methodology = _methodology(programme)
    territory = programme.owner.territory
    schools = restrict(
        Organization.objects.filter(
            kind=OrganizationKind.SCHOOL,
            is_active=True,
            territory__path__startswith=territory.path,
        ),
        user,
    )
    school_ids = sorted(schools.values_list("pk", flat=True))
    result_rows = SchoolResult.objects.filter(school_id__in=schools.values("pk")).values_list(
        "school_id",
        "year",
        "assessment__code",
        "subject__code",
        "grade",
        "participants",
        "mean_score",
        "share_fail",
        "share_good",
        "share_below_min",
        "share_confirm",
        "share_lower",
        "share_raise",
    )
    results = pl.DataFrame(list(result_rows), schema=RESULT_SCHEMA, orient="row").sort(
        "school_id", "year", "assessment", "subject", "grade"
    )
    # Each year's own results (the single-year index): an index over several years would
    # smear the change support makes across the years around it.
    indices = results_indices(component_scores(usable_results(results, params), params), params)
    years = sorted({int(y) for y in indices.get_column("year").unique().to_list()})
    if not years:
        years = []
    # Participations in any programme, to find the treated and the never-supported.
    participations = list(
        ProgrammeSchool.objects.filter(school_id__in=school_ids).values_list(
            "programme_id", "school_id", "joined_on", "left_on", "programme__starts_on"
        )
    )
    first_post: dict[int, int] = {}
    supported_in_window: set[int] = set()
    window_start = academic_year_bounds(years[0] - 1)[0] if years else datetime.date.min
    window_end = academic_year_bounds(years[-1] - 1)[1] if years else datetime.date.max
    for programme_id, school_id, joined, left, starts in participations:
        since = joined or starts
        if programme_id == programme.pk:
            first_post[school_id] = _first_post(since)
        if since <= window_end and (left is None or left >= window_start):
            supported_in_window.add(school_id)
    rows = [s for s in school_ids if s in first_post or s not in supported_in_window]
    index = {school_id: i for i, school_id in enumerate(rows)}
    outcome = np.full((len(rows), len(years)), np.nan)
    if years and rows:
        frame = indices.filter(pl.col("school_id").is_in(rows) & pl.col("year_index").is_not_null())
        r = np.array([index[s] for s in frame.get_column("school_id").to_list()], dtype=np.int64)
        c = np.searchsorted(years, frame.get_column("year").to_numpy())
        outcome[r, c] = frame.get_column("year_index").to_numpy()
    # The context index as it stood in the year before support (the earliest cohort's).
    anchor = min(first_post.values(), default=years[-1] if years else 0) - 1
    context_rows = ContextValue.objects.filter(
        school_id__in=schools.values("pk"), year__lte=anchor
    ).values_list("school_id", "year", "indicator__code", "value")
    context = pl.DataFrame(list(context_rows), schema=CONTEXT_SCHEMA, orient="row")
    directions = {
        code: 1 if direction == Direction.HIGHER_IS_BETTER else -1
        for code, direction in ContextIndicator.objects.values_list("code", "direction")
    }
    ctx = np.full(len(rows), np.nan)
    found = context_index(context_for_year(context, anchor, params), params, directions)
    for school_id, value in found.iter_rows():
        if school_id in index and value is not None:
            ctx[index[school_id]] = value
    panel = Panel(
        school_ids=np.array(rows, dtype=np.int64),
        years=np.array(years, dtype=np.int64),
        outcome=outcome,
        first_post=np.array([first_post.get(s, 0) for s in rows], dtype=np.int64),
        context=ctx,
    )
    data = PanelData(panel=panel, methodology=methodology)
    _support_kinds(data, programme, first_post)
    return data


def _support_kinds(data: PanelData, programme: Programme, first_post: dict[int, int]) -> None:
    """Which supported schools had each kind of support since they joined: a mentor school,
    at least MIN_VISITS visits held, an anti-risk programme — overall and by the risk factor
    their risk profile rated high."""
    treated = set(first_post)
    earliest = min((academic_year_bounds(y - 1)[0] for y in first_post.values()), default=None)
    if earliest is None:
        return
    mentored = set(
        MentorPair.objects.filter(school_id__in=treated)
        .filter(Q(until__isnull=True) | Q(until__gte=earliest))
        .values_list("school_id", flat=True)
    )
    visits: dict[int, int] = {}
    for school_id in Visit.objects.filter(
        school_id__in=treated, status=VisitStatus.DONE, planned_on__gte=earliest
    ).values_list("school_id", flat=True):
        visits[school_id] = visits.get(school_id, 0) + 1
    anti_risk = set(
        Roadmap.objects.filter(
            programme=programme, school_id__in=treated, kind=RoadmapKind.ANTI_RISK
        ).values_list("school_id", flat=True)
    )
    high: dict[str, set[int]] = {}
    for school_id, levels in (
        RiskProfile.objects.filter(school_id__in=treated, year__gte=earliest.year - 1)
        .order_by("school_id", "-year", "-computed_at")
        .values_list("school_id", "levels")
    ):
        for factor, level in (levels or {}).items():
            if level == RiskLevel.HIGH:
                high.setdefault(factor, set()).add(school_id)
    ids = data.panel.school_ids.tolist()
    groups: dict[str, tuple[str, set[int]]] = {
        "mentor": ("Со школой-наставником", mentored),
        "visits": (
            f"Не менее {MIN_VISITS} проведённых выездов",
            {s for s, n in visits.items() if n >= MIN_VISITS},
        ),
        "anti_risk": ("С антирисковой программой", anti_risk),
    }
    labels = dict(RiskFactor.choices)
    for factor, schools in sorted(high.items()):
        if factor in labels:
            groups[f"anti_risk:{factor}"] = (
                f"Антирисковая программа при высоком риске «{labels[factor]}»",
                anti_risk & schools,
            )
            # The comparison for a factor: schools with the same high risk, without a programme.
            groups[f"risk:{factor}"] = ("", schools)
    for code, (label, members) in groups.items():
        data.kinds[code] = [i for i, s in enumerate(ids) if s in members]
        data.kind_labels[code] = label
