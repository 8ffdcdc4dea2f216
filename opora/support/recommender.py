"""«Похожие школы с лучшими результатами»: candidate mentor schools for a supported school.

A school on the latest approved identification list gets a ranked list of schools that work
in a similar context — the distance between their standardised context indicators, those the
run's methodology used, with its weights — and have clearly better results (a results index
at least `OPORA_MENTOR_RESULTS_GAP` above) or are resilient. A school of another municipality
gets `OPORA_MENTOR_MUNICIPALITY_PENALTY` added to its distance; schools on the list
themselves and schools already mentoring `OPORA_MENTOR_MAX_PAIRS` schools are skipped.

`rank` is pure NumPy over every school of the run's territory at once (no pair-by-pair loop):
`opora bench support-mentors` times it on 2,000 and 40,000 schools. `mentor_proposal` reads
the data: the whole territory's context enters the standard scores (as in the identification
itself), but only schools the user may see are proposed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from opora.core.access import UserLike, restrict, territory_ancestor_paths
from opora.identification.choices import RunStatus
from opora.identification.engine import CONTEXT_SCHEMA, context_for_year
from opora.identification.methodology import Params, parse_params
from opora.identification.models import IdentificationRun, SchoolIdentification
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Organization, Territory
from opora.results.models import ContextIndicator, ContextValue
from opora.support.selectors import mentor_loads

# --- network ---

# How many candidates the page shows.
CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class MentorParams:
    """The recommender's thresholds (settings `OPORA_MENTOR_*`)."""

    results_gap: float = 0.5
    municipality_penalty: float = 0.5
    max_pairs: int = 3
    limit: int = CANDIDATES_SHOWN
    # A candidate must share indicators carrying at least this share of the target's
    # weight: one indicator in common says little about the context as a whole.
    min_overlap: float = 0.5

    @classmethod
    def from_settings(cls) -> MentorParams:
        return cls(
            results_gap=float(settings.OPORA_MENTOR_RESULTS_GAP),
            municipality_penalty=float(settings.OPORA_MENTOR_MUNICIPALITY_PENALTY),
            max_pairs=int(settings.OPORA_MENTOR_MAX_PAIRS),
        )


def standardise(matrix: np.ndarray) -> np.ndarray:
    """Each column as standard scores over the schools that have a value; a column without
    spread (or values) becomes NaN: it cannot tell schools apart."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(matrix, axis=0)
        sd = np.nanstd(matrix, axis=0, ddof=1)
    sd = np.where(sd > 0, sd, np.nan)
    return (matrix - mean) / sd


def distances(z: np.ndarray, weights: np.ndarray, target: int, min_overlap: float) -> np.ndarray:
    """The weighted root-mean-square difference of every school's standard scores from the
    target's, over the indicators both have; infinite where they share too little."""
    own = z[target]
    present = ~np.isnan(z) & ~np.isnan(own)
    diff = np.where(present, z - np.nan_to_num(own), 0.0)
    diff = np.nan_to_num(diff)
    shared = present.astype(float) @ weights
    own_weight = float(weights[~np.isnan(own)].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.sqrt((diff * diff) @ weights / shared)
    enough = (shared > 0) & (shared >= min_overlap * own_weight) & (own_weight > 0)
    return np.where(enough, result, np.inf)


@dataclass(frozen=True)
class Ranked:
    """Candidate rows (indices into the inputs), best first, with their figures."""

    rows: np.ndarray
    distance: np.ndarray
    score: np.ndarray


def rank(
    *,
    z: np.ndarray,
    weights: np.ndarray,
    results: np.ndarray,
    resilient: np.ndarray,
    listed: np.ndarray,
    municipality: np.ndarray,
    load: np.ndarray,
    target: int,
    params: MentorParams,
    allowed: np.ndarray | None = None,
) -> Ranked:
    """Rank every school as a mentor for the school in row `target`.

    `z`: schools × indicators, standard scores (NaN: unknown); `weights`: per indicator;
    `results`: results index (NaN: none); `resilient`, `listed`: flags; `municipality`: an
    integer code per school; `load`: current pairs as mentor; `allowed`: schools that may be
    proposed (those the user sees), all when None.
    """
    distance = distances(z, weights, target, params.min_overlap)
    with np.errstate(invalid="ignore"):
        better = results >= results[target] + params.results_gap
    eligible = (
        np.isfinite(distance)
        & (np.nan_to_num(better, nan=0).astype(bool) | resilient)
        & ~listed
        & (load < params.max_pairs)
    )
    if allowed is not None:
        eligible &= allowed
    eligible[target] = False
    score = distance + params.municipality_penalty * (municipality != municipality[target])
    rows = np.flatnonzero(eligible)
    if rows.size > params.limit:
        rows = rows[np.argpartition(score[rows], params.limit - 1)[: params.limit]]
    # Ties (equal scores) keep the row order, so the same data give the same list.
    rows = rows[np.lexsort((rows, score[rows]))]
    return Ranked(rows=rows, distance=distance[rows], score=score[rows])


def context_matrix(
    values: pl.DataFrame, school_ids: np.ndarray, indicators: list[str]
) -> np.ndarray:
    """Long values (school_id, indicator, value; one per school and indicator) as a schools ×
    indicators matrix in the order of `school_ids` and `indicators`, NaN where missing."""
    if values.is_empty() or not indicators:
        return np.full((len(school_ids), len(indicators)), np.nan)
    wide = values.select("school_id", "indicator", "value").pivot(
        on="indicator", index="school_id", values="value", aggregate_function="first"
    )
    order = pl.DataFrame({"school_id": school_ids}, schema={"school_id": pl.Int64})
    wide = order.join(wide, on="school_id", how="left")
    columns = [
        wide.get_column(code).cast(pl.Float64).to_numpy()
        if code in wide.columns
        else np.full(len(school_ids), np.nan)
        for code in indicators
    ]
    return np.column_stack(columns).astype(float)


# --- Reading the data for one school ---------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    weight: float


@dataclass
class Candidate:
    """A proposed mentor with why: its context values and results beside the school's."""

    school: Organization
    distance: float
    score: float
    same_municipality: bool
    results_index: float | None
    results_gap: float | None
    resilient: bool
    load: int
    values: list[float | None]


@dataclass
class Proposal:
    """What the page shows for one supported school."""

    school: Organization
    params: MentorParams
    outcome: SchoolIdentification | None = None
    indicators: list[Indicator] = field(default_factory=list)
    own_values: list[float | None] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    # Why there is nothing to propose (Russian), empty when there are candidates.
    problem: str = ""

    @property
    def run(self) -> IdentificationRun | None:
        return self.outcome.run if self.outcome is not None else None


def supported_outcome(user: UserLike, school: Organization) -> SchoolIdentification | None:
    """The school's outcome in the newest approved list covering it that the user may see."""
    return (
        restrict(
            SchoolIdentification.objects.filter(school=school, run__status=RunStatus.APPROVED),
            user,
        )
        .select_related("run__version", "run__territory")
        .order_by("-run__year", "-run__pk")
        .first()
    )


def _municipality_codes(paths: list[str]) -> np.ndarray:
    """Per school territory path, an integer naming its municipality: the nearest ancestor
    (or itself) of the kind «municipality», else its own territory."""
    municipalities = sorted(
        Territory.objects.filter(kind=TerritoryKind.MUNICIPALITY)
        .filter(path__in=sorted(territory_ancestor_paths(set(paths), Territory.steplen)))
        .values_list("path", flat=True),
        key=len,
        reverse=True,
    )
    codes: dict[str, int] = {}
    result = np.empty(len(paths), dtype=np.int64)
    for index, path in enumerate(paths):
        key = next((m for m in municipalities if path.startswith(m)), path)
        result[index] = codes.setdefault(key, len(codes))
    return result


def _value(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def mentor_proposal(
    user: UserLike, school: Organization, params: MentorParams | None = None
) -> Proposal:
    """Candidate mentors for `school` that the user may see (the caller has checked that
    the user may open the recommender for this school). A constant number of queries."""
    params = params or MentorParams.from_settings()
    proposal = Proposal(school=school, params=params)
    outcome = supported_outcome(user, school)
    proposal.outcome = outcome
    if outcome is None:
        proposal.problem = _(
            "Школы нет в утверждённых списках выявления: наставника подбирают для школ из "
            "утверждённого списка ШНОР и ШНСУ."
        )
        return proposal
    run = outcome.run
    if not outcome.in_list:
        proposal.problem = _(
            "Школа не в утверждённом списке «%(run)s»: наставника подбирают для школ из списка."
        ) % {"run": run}
        return proposal
    methodology: Params = parse_params(run.version.params)
    weights_by_code = {
        c.indicator: float(c.weight) for c in methodology.context_components if c.weight
    }
    catalogue = {i.code: i for i in ContextIndicator.objects.filter(code__in=list(weights_by_code))}
    codes = [code for code in weights_by_code if code in catalogue]
    proposal.indicators = [
        Indicator(code, catalogue[code].name, catalogue[code].unit, weights_by_code[code])
        for code in codes
    ]
    in_territory = Organization.objects.filter(
        kind=OrganizationKind.SCHOOL,
        is_active=True,
        territory__path__startswith=run.territory.path,
    )
    schools = list(in_territory.order_by("pk").values_list("pk", "territory__path"))
    ids = np.array([pk for pk, _path in schools], dtype=np.int64)
    position = {int(pk): index for index, pk in enumerate(ids)}
    if school.pk not in position:
        proposal.problem = _("Школа не относится к территории списка «%(run)s».") % {"run": run}
        return proposal
    rows = ContextValue.objects.filter(
        school__in=in_territory,
        indicator__code__in=codes,
        year__lte=run.year,
        year__gte=run.year - methodology.context_max_age_years,
    ).values_list("school_id", "year", "indicator__code", "value")
    latest = context_for_year(
        pl.DataFrame(list(rows), schema=CONTEXT_SCHEMA, orient="row"), run.year, methodology
    )
    raw = context_matrix(latest, ids, codes)
    target = position[school.pk]
    results = np.full(len(ids), np.nan)
    resilient = np.zeros(len(ids), dtype=bool)
    listed = np.zeros(len(ids), dtype=bool)
    for school_id, index, is_resilient, in_list in SchoolIdentification.objects.filter(
        run=run
    ).values_list("school_id", "results_index", "resilient", "in_list"):
        row = position.get(school_id)
        if row is not None:
            results[row] = np.nan if index is None else index
            resilient[row] = is_resilient
            listed[row] = in_list
    loads = mentor_loads()
    load = np.array([loads.get(int(pk), 0) for pk in ids], dtype=np.int64)
    visible = set(restrict(in_territory, user).values_list("pk", flat=True))
    allowed = np.array([int(pk) in visible for pk in ids], dtype=bool)
    municipality = _municipality_codes([path for _pk, path in schools])
    proposal.own_values = [_value(x) for x in raw[target]]
    if all(v is None for v in proposal.own_values):
        proposal.problem = _(
            "О социальном контексте школы нет данных за %(year)s год: сравнить её не с чем."
        ) % {"year": run.year}
        return proposal
    ranked = rank(
        z=standardise(raw),
        weights=np.array([weights_by_code[c] for c in codes], dtype=float),
        results=results,
        resilient=resilient,
        listed=listed,
        municipality=municipality,
        load=load,
        target=target,
        params=params,
        allowed=allowed,
    )
    found = Organization.objects.select_related("territory", "school").in_bulk(
        [int(ids[row]) for row in ranked.rows]
    )
    own_results = _value(results[target])
    for row, distance, score in zip(ranked.rows, ranked.distance, ranked.score, strict=True):
        index = _value(results[row])
        proposal.candidates.append(
            Candidate(
                school=found[int(ids[row])],
                distance=float(distance),
                score=float(score),
                same_municipality=bool(municipality[row] == municipality[target]),
                results_index=index,
                results_gap=index - own_results
                if index is not None and own_results is not None
                else None,
                resilient=bool(resilient[row]),
                load=int(load[row]),
                values=[_value(x) for x in raw[row]],
            )
        )
    # An indicator neither the school nor any candidate has a value of explains nothing.
    keep = [
        i
        for i, value in enumerate(proposal.own_values)
        if value is not None or any(c.values[i] is not None for c in proposal.candidates)
    ]
    proposal.indicators = [proposal.indicators[i] for i in keep]
    proposal.own_values = [proposal.own_values[i] for i in keep]
    for candidate in proposal.candidates:
        candidate.values = [candidate.values[i] for i in keep]
    if not proposal.candidates:
        proposal.problem = _(
            "Подходящих школ не найдено: нет школ со сходным контекстом и заметно лучшими "
            "результатами (или устойчивых), которые не в списке сами и могут взять ещё одну "
            "школу."
        )
    return proposal
