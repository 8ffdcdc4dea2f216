"""The effectiveness estimator: matched difference in differences with a cluster bootstrap.

Pure functions of NumPy arrays, no Django: the same panel, parameters and seed give the same
numbers, and the benchmark runs them on generated panels of any size.

The design, in the order it is computed:

1. **Cohorts.** A treated school's first post year is the first results year after support
   began (support from the 2024/25 academic year → the 2025 results). Its *anchor* is the year
   before that (the last year before support). Schools are matched within their cohort, so a
   programme whose schools joined in different years is handled as stacked cohorts.
2. **Matching.** Covariates measured before support — the mean outcome over the pre years,
   the outcome of the anchor year and the context index — are standardised (pooled SD of the
   treated and the candidates); each treated school gets its `k` nearest candidates
   (Euclidean distance) **with replacement**, only those within `caliper` SD. With replacement
   because the pool of never-supported schools with similar (low) results is small — often
   smaller than the treated group — and greedy matching without replacement would give the
   last treated schools poor matches and depend on their order; the price (a comparison school
   counted for several treated ones) is paid in the bootstrap, which resamples treated schools
   together with their matched sets. A treated school with no candidate within the caliper is
   left unmatched and reported.
3. **Per-school gaps.** For every matched treated school i and year t, the gap
   g_i(t) = Y_i(t) − mean of Y_j(t) over its matched comparisons. The event-study coefficient
   at event time e (years after the anchor) is the mean over schools of g_i(anchor + e) −
   g_i(anchor); the overall difference in differences is the mean over schools of (mean gap
   after − mean gap before); the pre-trend is the mean over schools of the slope of the gap
   over the pre years (the difference between the groups' slopes).
4. **Intervals.** Every figure is a mean of per-school statistics, so one matrix of weights
   (B replications × n treated schools, multinomial counts) resamples them all at once —
   treated schools with their matched comparisons, the cluster being the treated school. The
   95 % interval is the 2.5–97.5 percentile of the B means. Missing cells are weighted out.

What this cannot do is said in `reading.py`: matching on observed data leaves unobserved
differences; the bootstrap holds the matching fixed (it measures sampling of schools, not the
uncertainty of who was matched).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

MIN_TREATED = 10  # matched treated schools below which no estimate is shown
MIN_PRE_YEARS = 2  # the anchor and at least one year before it (for the pre-trend check)
DEFAULT_K = 3
# In standard deviations of the covariates (Euclidean distance over the three). Narrow: a
# wider caliper (1.0) lets regression to the mean in through poorly matched pre-support
# results and the interval's coverage fell to 88 % on synthetic panels (98 % at 0.5); the page
# reports who was left unmatched instead.
DEFAULT_CALIPER = 0.5
DEFAULT_REPLICATIONS = 1000
DEFAULT_SEED = 20240902
COVARIATES = ("pre_mean", "anchor", "context")

# Reasons why no estimate can be shown (codes; `reading.py` words them in Russian).
NO_TREATED = "no_treated"
NO_COMPARISON = "no_comparison"
TOO_FEW_TREATED = "too_few_treated"
TOO_FEW_MATCHED = "too_few_matched"
TOO_FEW_PRE_YEARS = "too_few_pre_years"
NO_POST_YEARS = "no_post_years"


@dataclass
class Panel:
    """An outcome by school × year, who was treated from when, and each school's context.

    `first_post` is the first results year after support began for a treated school and 0
    for a candidate comparison school; `context` may hold NaN (filled with the pool's mean).
    """

    school_ids: np.ndarray  # (N,) int
    years: np.ndarray  # (T,) int, ascending, consecutive or not
    outcome: np.ndarray  # (N, T) float, NaN where unknown
    first_post: np.ndarray  # (N,) int
    context: np.ndarray  # (N,) float

    def __post_init__(self) -> None:
        self.school_ids = np.asarray(self.school_ids, dtype=np.int64)
        self.years = np.asarray(self.years, dtype=np.int64)
        self.outcome = np.asarray(self.outcome, dtype=np.float64).reshape(
            len(self.school_ids), len(self.years)
        )
        self.first_post = np.asarray(self.first_post, dtype=np.int64)
        self.context = np.asarray(self.context, dtype=np.float64)


@dataclass
class Interval:
    estimate: float
    low: float
    high: float
    n: int = 0

    @property
    def covers_zero(self) -> bool:
        return self.low <= 0 <= self.high


@dataclass
class Result:
    """What an estimate found (or why it could not be made); `to_json` for storage."""

    reasons: list[str] = field(default_factory=list)
    n_treated: int = 0  # treated schools with usable data
    n_candidates: int = 0
    n_matched: int = 0
    n_unmatched: int = 0
    n_comparison: int = 0  # distinct comparison schools used
    pre_years: int = 0
    post_years: int = 0
    start_year: int | None = None  # the earliest first post year
    sd: float | None = None  # SD of the outcome in the anchor year (matched sample)
    balance: list[dict[str, Any]] = field(default_factory=list)
    means: list[dict[str, Any]] = field(default_factory=list)  # by calendar year
    did: Interval | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    pretrend: Interval | None = None
    pretrend_differs: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.reasons and self.did is not None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return _rounded(data)


def _rounded(value: Any) -> Any:
    """Six decimals: the stored figures do not depend on floating-point summation noise."""
    if isinstance(value, float):
        return None if not np.isfinite(value) else round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _rounded(float(value))
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _nanmean_rows(values: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN; NaN for a row without values (no warning)."""
    mask = ~np.isnan(values)
    count = mask.sum(axis=1)
    total = np.where(mask, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _smd(treated: np.ndarray, comparison: np.ndarray, scale: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (treated.mean(axis=0) - comparison.mean(axis=0)) / scale


@dataclass
class _Matched:
    treated: np.ndarray  # (n,) row index of each matched treated school
    comparisons: np.ndarray  # (n, k) row index of its comparisons, -1 where none
    anchor_col: np.ndarray  # (n,) column of its anchor year


def _covariates(panel: Panel, rows: np.ndarray, anchor_col: int) -> np.ndarray:
    pre = panel.outcome[rows, : anchor_col + 1]
    return np.column_stack(
        [_nanmean_rows(pre), panel.outcome[rows, anchor_col], panel.context[rows]]
    )


def estimate(
    panel: Panel,
    *,
    k: int = DEFAULT_K,
    caliper: float = DEFAULT_CALIPER,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    min_treated: int = MIN_TREATED,
) -> Result:
    """Match, difference and bootstrap; a `Result` with its reasons when it cannot."""
    result = Result(params={"k": k, "caliper": caliper, "replications": replications, "seed": seed})
    years = panel.years
    treated_rows = np.flatnonzero(panel.first_post > 0)
    candidate_rows = np.flatnonzero(panel.first_post == 0)
    if treated_rows.size == 0:
        result.reasons.append(NO_TREATED)
        return result
    context = panel.context.copy()
    if np.isnan(context).all():
        context[:] = 0.0  # no context anywhere: the covariate carries no information
    else:
        context[np.isnan(context)] = np.nanmean(context)
    panel = Panel(panel.school_ids, years, panel.outcome, panel.first_post, context)

    starts = panel.first_post[treated_rows]
    result.start_year = int(starts.min())
    # Years of data before and after support, for the earliest cohort (the strictest limit is
    # taken per cohort below; a cohort without enough years is left out).
    result.pre_years = int((years < starts.min()).sum())
    result.post_years = int((years >= starts.max()).sum())
    if result.pre_years < MIN_PRE_YEARS:
        result.reasons.append(TOO_FEW_PRE_YEARS)
    if not (years >= starts.min()).any():
        result.reasons.append(NO_POST_YEARS)
    if candidate_rows.size == 0:
        result.reasons.append(NO_COMPARISON)
    result.n_candidates = int(candidate_rows.size)
    if result.reasons:
        result.n_treated = int(treated_rows.size)
        return result

    matched_treated: list[np.ndarray] = []
    matched_comparisons: list[np.ndarray] = []
    anchors: list[np.ndarray] = []
    cov_treated_all: list[np.ndarray] = []
    cov_candidates_all: list[np.ndarray] = []
    usable_treated = 0
    for start in np.unique(starts):
        anchor_col = int(np.searchsorted(years, start)) - 1
        if anchor_col + 1 < MIN_PRE_YEARS or years[anchor_col] != start - 1:
            continue  # the cohort lacks the year before support (or enough years before it)
        cohort = treated_rows[starts == start]
        # Usable: the anchor year known and at least one year after it.
        post = panel.outcome[:, anchor_col + 1 :]
        has_data = ~np.isnan(panel.outcome[:, anchor_col]) & (~np.isnan(post)).any(axis=1)
        cohort = cohort[has_data[cohort]]
        pool = candidate_rows[has_data[candidate_rows]]
        usable_treated += cohort.size
        if cohort.size == 0 or pool.size == 0:
            continue
        x_t = _covariates(panel, cohort, anchor_col)
        x_c = _covariates(panel, pool, anchor_col)
        cov_treated_all.append(x_t)
        cov_candidates_all.append(x_c)
        both = np.vstack([x_t, x_c])
        scale = both.std(axis=0)
        scale[~(scale > 0)] = 1.0
        centre = both.mean(axis=0)
        z_t = (x_t - centre) / scale
        z_c = (x_c - centre) / scale
        dist = np.sqrt(((z_t[:, None, :] - z_c[None, :, :]) ** 2).sum(axis=2))
        kk = min(k, pool.size)
        nearest = np.argsort(dist, axis=1, kind="stable")[:, :kk]
        near_dist = np.take_along_axis(dist, nearest, axis=1)
        within = near_dist <= caliper
        keep = within.any(axis=1)
        chosen = np.where(within, pool[nearest], -1)[keep]
        if kk < k:
            chosen = np.hstack([chosen, np.full((chosen.shape[0], k - kk), -1)])
        matched_treated.append(cohort[keep])
        matched_comparisons.append(chosen)
        anchors.append(np.full(int(keep.sum()), anchor_col))

    result.n_treated = int(usable_treated)
    if usable_treated < min_treated:
        result.reasons.append(TOO_FEW_TREATED)
        return result
    if not cov_candidates_all:
        result.reasons.append(NO_COMPARISON)
        return result
    matched = _Matched(
        np.concatenate(matched_treated),
        np.vstack(matched_comparisons),
        np.concatenate(anchors),
    )
    result.n_matched = int(matched.treated.size)
    result.n_unmatched = result.n_treated - result.n_matched
    used = matched.comparisons[matched.comparisons >= 0]
    result.n_comparison = int(np.unique(used).size)
    result.balance = _balance(panel, matched, cov_treated_all, cov_candidates_all)
    if result.n_matched < min_treated:
        result.reasons.append(TOO_FEW_MATCHED)
        return result
    _differences(panel, matched, result, replications=replications, seed=seed)
    return result


def _comparison_means(panel: Panel, comparisons: np.ndarray) -> np.ndarray:
    """(n, T) mean outcome of each treated school's matched comparisons, ignoring NaN."""
    safe = np.where(comparisons >= 0, comparisons, 0)
    values = panel.outcome[safe]  # (n, k, T)
    present = (comparisons >= 0)[:, :, None] & ~np.isnan(values)
    total = np.where(present, values, 0.0).sum(axis=1)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _balance(
    panel: Panel,
    matched: _Matched,
    cov_treated: list[np.ndarray],
    cov_candidates: list[np.ndarray],
) -> list[dict[str, Any]]:
    """Standardised mean differences of the covariates, before and after matching (the
    denominator is the before-matching pooled SD, so the two are comparable)."""
    x_t = np.vstack(cov_treated)
    x_c = np.vstack(cov_candidates)
    with np.errstate(invalid="ignore"):
        scale = np.sqrt((x_t.var(axis=0) + x_c.var(axis=0)) / 2)
    scale[~(scale > 0)] = np.nan
    before = _smd(x_t, x_c, scale)
    # After: each matched treated school against the mean of its comparisons' covariates.
    after_t = []
    after_c = []
    for anchor_col in np.unique(matched.anchor_col):
        sel = matched.anchor_col == anchor_col
        after_t.append(_covariates(panel, matched.treated[sel], int(anchor_col)))
        comps = matched.comparisons[sel]
        rows = np.where(comps >= 0, comps, 0)
        cov = _covariates(panel, rows.ravel(), int(anchor_col)).reshape(*comps.shape, 3)
        weight = (comps >= 0)[:, :, None]
        after_c.append(np.where(weight, cov, 0.0).sum(axis=1) / weight.sum(axis=1))
    if after_t:
        after = _smd(np.vstack(after_t), np.vstack(after_c), scale)
    else:
        after = np.full(len(COVARIATES), np.nan)
    return [
        {"covariate": name, "before": float(b), "after": float(a)}
        for name, b, a in zip(COVARIATES, before, after, strict=True)
    ]


def _school_stats(
    panel: Panel, rows: np.ndarray, anchor_cols: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """Per school (rows, each with its anchor column): the change after support (mean after −
    mean up to the anchor), the slope over the pre years, and the change from the anchor year
    to each event offset; NaN where the data are missing. Shape (len(rows), 2 + offsets)."""
    years = panel.years
    y = panel.outcome[rows]
    n, t = y.shape
    cols = np.arange(t)[None, :]
    pre = cols <= anchor_cols[:, None]
    change = _nanmean_rows(np.where(pre, np.nan, y)) - _nanmean_rows(np.where(pre, y, np.nan))
    tt = np.where(pre & ~np.isnan(y), years[None, :].astype(np.float64), np.nan)
    yy = np.where(np.isnan(tt), np.nan, y)
    dt = tt - _nanmean_rows(tt)[:, None]
    dy = yy - _nanmean_rows(yy)[:, None]
    sxx = np.where(np.isnan(dt), 0.0, dt * dt).sum(axis=1)
    sxy = np.where(np.isnan(dt), 0.0, dt * dy).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where((~np.isnan(tt)).sum(axis=1) >= 2, sxy / sxx, np.nan)
    anchor_y = y[np.arange(n), anchor_cols]
    events = np.full((n, offsets.size), np.nan)
    for j, offset in enumerate(offsets):
        target = anchor_cols + offset
        inside = (target >= 0) & (target < t)
        events[inside, j] = y[np.flatnonzero(inside), target[inside]] - anchor_y[inside]
    return np.column_stack([change, slope, events])


def _bootstrap(
    treated: np.ndarray,
    comparison: np.ndarray,
    comparison_ids: np.ndarray,
    universe: int,
    replications: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Differences of means of per-school statistics, treated minus their matched comparisons,
    with 2.5/97.5 percentiles over resamples of the schools.

    `treated` (n, m) holds each treated school's statistics, `comparison` (n, k, m) those of
    its matched comparisons (NaN where missing or no match), `comparison_ids` (n, k) their row
    in the panel (−1: none). Each replication draws the treated schools and, independently,
    the comparison schools with replacement (multinomial counts as weights): a comparison
    school used for several treated schools is one cluster, drawn once per replication — so
    the interval accounts for the reuse that matching with replacement brings.
    """
    n, _k, m = comparison.shape
    present = ~np.isnan(comparison) & (comparison_ids >= 0)[:, :, None]
    c_values = np.where(present, comparison, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        c_mean = c_values.sum(axis=1) / present.sum(axis=1)  # (n, m)
    diff = treated - c_mean
    valid = ~np.isnan(diff)
    count = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        point = np.where(valid, diff, 0.0).sum(axis=0) / count
    rng = np.random.default_rng(seed)
    w = _multinomial_weights(rng, replications, n)  # (B, n)
    v = _multinomial_weights(rng, replications, universe)  # (B, N) every panel row
    v_slots = v[:, np.where(comparison_ids >= 0, comparison_ids, 0)]  # (B, n, k)
    v_slots *= (comparison_ids >= 0)[None, :, :]
    low = np.full(m, np.nan)
    high = np.full(m, np.nan)
    t_values = np.where(np.isnan(treated), 0.0, treated)
    t_present = ~np.isnan(treated)
    for col in range(m):
        if count[col] == 0:
            continue
        weight = v_slots * present[None, :, :, col]
        with np.errstate(invalid="ignore", divide="ignore"):
            c_b = (weight * c_values[None, :, :, col]).sum(axis=2) / weight.sum(axis=2)
        ok = t_present[None, :, col] & ~np.isnan(c_b)
        w_ok = np.where(ok, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = (w_ok * (t_values[None, :, col] - np.where(ok, c_b, 0.0))).sum(
                axis=1
            ) / w_ok.sum(axis=1)
        low[col], high[col] = np.nanpercentile(means, [2.5, 97.5])
    return point, low, high, count


def _multinomial_weights(rng: np.random.Generator, replications: int, n: int) -> np.ndarray:
    """(replications, n) counts of how often each of n units is drawn in n draws."""
    draws = rng.integers(0, n, size=(replications, n))
    flat = (np.arange(replications)[:, None] * n + draws).ravel()
    counts = np.bincount(flat, minlength=replications * n).reshape(replications, n)
    return counts.astype(np.float64)


def _differences(
    panel: Panel, matched: _Matched, result: Result, *, replications: int, seed: int
) -> None:
    years = panel.years
    n, t = matched.treated.size, years.size
    k = matched.comparisons.shape[1]
    # Event time: years after the anchor year (0 is the anchor itself, the reference).
    event_offsets = np.arange(t)[None, :] - matched.anchor_col[:, None]
    offsets = np.unique(event_offsets)
    offsets = offsets[offsets != 0]
    treated_stats = _school_stats(panel, matched.treated, matched.anchor_col, offsets)
    slots = matched.comparisons.ravel()
    comparison_stats = _school_stats(
        panel, np.where(slots >= 0, slots, 0), np.repeat(matched.anchor_col, k), offsets
    ).reshape(n, k, -1)
    point, low, high, count = _bootstrap(
        treated_stats,
        comparison_stats,
        matched.comparisons,
        len(panel.school_ids),
        replications,
        seed,
    )
    result.did = Interval(float(point[0]), float(low[0]), float(high[0]), int(count[0]))
    result.pretrend = Interval(float(point[1]), float(low[1]), float(high[1]), int(count[1]))
    result.pretrend_differs = bool(count[1] > 0 and not result.pretrend.covers_zero)
    single_cohort = np.unique(matched.anchor_col).size == 1
    anchor_year = int(years[matched.anchor_col[0]])
    for j, offset in enumerate(offsets):
        if count[2 + j] == 0:
            continue
        result.events.append(
            {
                "offset": int(offset),
                "year": anchor_year + int(offset) if single_cohort else None,
                "after": bool(offset > 0),
                "estimate": float(point[2 + j]),
                "low": float(low[2 + j]),
                "high": float(high[2 + j]),
                "n": int(count[2 + j]),
            }
        )
    treated_y = panel.outcome[matched.treated]
    comparison_y = _comparison_means(panel, matched.comparisons)
    anchor_rows = np.arange(n)
    used = matched.comparisons >= 0
    anchor_values = np.concatenate(
        [
            treated_y[anchor_rows, matched.anchor_col],
            panel.outcome[
                matched.comparisons[used], np.repeat(matched.anchor_col, k)[used.ravel()]
            ],
        ]
    )
    anchor_values = anchor_values[~np.isnan(anchor_values)]
    result.sd = float(anchor_values.std(ddof=1)) if anchor_values.size > 1 else None
    treated_means = _nanmean_rows(treated_y.T)
    comparison_means = _nanmean_rows(comparison_y.T)
    result.means = [
        {
            "year": int(year),
            "treated": float(a),
            "comparison": float(b),
            "after": bool(result.start_year is not None and year >= result.start_year),
        }
        for year, a, b in zip(years, treated_means, comparison_means, strict=True)
    ]


def sd_units(value: float | None, sd: float | None) -> float | None:
    """`value` in standard deviations of the outcome (None when either is unknown or SD 0)."""
    if value is None or not sd:
        return None
    return value / sd


# --- Synthetic panels (tests and the benchmark) --------------------------------------------


def synthetic_panel(
    *,
    schools: int = 300,
    treated: int = 60,
    years: int = 6,
    first_post: int | None = None,
    effect: float = 0.0,
    pre_trend: float = 0.0,
    noise: float = 0.3,
    seed: int = 0,
) -> Panel:
    """A panel with a known answer: school levels tied to context, treated schools chosen
    among the lower levels, `effect` added to the treated schools' post years, and
    `pre_trend` per year added to the treated schools before support (diverging trends)."""
    rng = np.random.default_rng(seed)
    calendar = np.arange(2020, 2020 + years)
    start = int(calendar[-2]) if first_post is None else first_post
    context = rng.normal(0, 1, schools)
    level = 0.6 * context + rng.normal(0, 0.8, schools)
    year_effect = rng.normal(0, 0.2, years)
    outcome = level[:, None] + year_effect[None, :] + rng.normal(0, noise, (schools, years))
    post = calendar[None, :] >= start
    # Treated schools are chosen by their results before support (as the list of ШНОР is),
    # the lower the likelier: the selection the matching on pre-support results answers.
    pre_mean = np.where(post, np.nan, outcome)
    order = np.argsort(_nanmean_rows(pre_mean) + rng.normal(0, 0.3, schools))
    first = np.zeros(schools, dtype=np.int64)
    first[order[:treated]] = start
    is_treated = first > 0
    outcome += np.where(is_treated[:, None] & post, effect, 0.0)
    before = (calendar - start).astype(np.float64)[None, :]
    outcome += np.where(is_treated[:, None] & ~post, pre_trend * before, 0.0)
    return Panel(
        school_ids=np.arange(1, schools + 1),
        years=calendar,
        outcome=outcome,
        first_post=first,
        context=context,
    )
