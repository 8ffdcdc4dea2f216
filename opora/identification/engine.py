"""The identification computation: column-oriented (Polars), with NumPy for the regression.

Pure functions of data frames and a methodology, with no database: the same inputs give the
same output, and the benchmark runs them on generated data of any size.

Inputs
- `schools`: school_id — every school in the run's scope (schools without data are kept and
  reported as such);
- `results`: school_id, year, assessment, subject, grade, participants and the measures
  (mean_score, share_fail, share_good, share_below_min, share_confirm, share_lower,
  share_raise), nulls where a figure is unknown;
- `context`: school_id, year, indicator, value;
- `directions`: per indicator code, +1 when a higher value is more favourable, −1 otherwise.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from opora.identification.methodology import ANY, LOWER_IS_BETTER, Params

RESULT_SCHEMA: dict[str, Any] = {
    "school_id": pl.Int64,
    "year": pl.Int32,
    "assessment": pl.Utf8,
    "subject": pl.Utf8,
    "grade": pl.Int32,
    "participants": pl.Float64,
    "mean_score": pl.Float64,
    "share_fail": pl.Float64,
    "share_good": pl.Float64,
    "share_below_min": pl.Float64,
    "share_confirm": pl.Float64,
    "share_lower": pl.Float64,
    "share_raise": pl.Float64,
}
CONTEXT_SCHEMA: dict[str, Any] = {
    "school_id": pl.Int64,
    "year": pl.Int32,
    "indicator": pl.Utf8,
    "value": pl.Float64,
}
WORK = ["assessment", "subject", "grade"]
# «Near the threshold» with shrinkage: the cut lies within this many posterior standard
# deviations of the school's index (a two-sided 95 % interval).
NEAR_Z = 1.96


@dataclass
class Regression:
    intercept: float | None = None
    slope: float | None = None
    residual_sd: float | None = None
    schools: int = 0


@dataclass
class Outcome:
    """What a run computes for its year, plus what the reasons and the school card need."""

    year: int
    table: pl.DataFrame
    history: pl.DataFrame
    regression: Regression
    results_cut: float | None
    context_cut: float | None
    data_years: list[int]
    fail_rows: pl.DataFrame
    objectivity_rows: pl.DataFrame
    context_used: pl.DataFrame
    cuts: list[CutReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Shrinkage asked for but its σ² could not be measured (one data year, sizes all alike).
    shrinkage_unmeasured: bool = False
    # The data years whose results make the run year's index, the latest first.
    index_years: list[int] = field(default_factory=list)
    index_years_wanted: int = 1


def empty_results() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def empty_context() -> pl.DataFrame:
    return pl.DataFrame(schema=CONTEXT_SCHEMA)


def usable(params: Params) -> pl.Expr:
    """Figures from enough participants (an unknown count does not exclude a figure)."""
    return pl.col("participants").is_null() | (pl.col("participants") >= params.min_participants)


def usable_results(results: pl.DataFrame, params: Params) -> pl.DataFrame:
    return results.filter(usable(params))


def component_scores(results: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Each usable figure as a standard score within its work (year × assessment × subject ×
    grade), turned so that higher is better, with its component's weight."""
    frames = []
    for component in params.results_components:
        if float(component.weight) == 0:
            continue
        rows = results
        if component.assessment != ANY:
            rows = rows.filter(pl.col("assessment") == component.assessment)
        if component.subject != ANY:
            rows = rows.filter(pl.col("subject") == component.subject)
        if component.grade:
            rows = rows.filter(pl.col("grade") == component.grade)
        measure = pl.col(component.measure)
        rows = rows.filter(measure.is_not_null())
        group = ["year", *WORK]
        sign = -1.0 if component.measure in LOWER_IS_BETTER else 1.0
        z = (measure - measure.mean().over(group)) / measure.std().over(group) * sign
        # A figure without its count of participants is taken as from the work's median
        # school: its noise is unknown, not zero.
        participants = pl.col("participants").fill_null(pl.col("participants").median().over(group))
        frames.append(
            rows.select(
                "school_id",
                "year",
                z.alias("z"),
                pl.lit(float(component.weight)).alias("weight"),
                participants.alias("participants"),
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={
                "school_id": pl.Int64,
                "year": pl.Int32,
                "z": pl.Float64,
                "weight": pl.Float64,
                "participants": pl.Float64,
            }
        )
    # A work written by one school only (or all alike) has no spread: it cannot rank anyone.
    return pl.concat(frames).filter(pl.col("z").is_not_null() & pl.col("z").is_finite())


def results_indices(scores: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Each school's single-year index (`year_index`): the weighted mean of its standard
    scores; and its `noise`, Σ aₖ²/nₖ over its figures (aₖ the normalised weights, nₖ the
    participants) — the index's sampling variance up to a factor, which shrinkage estimates.
    """
    weight = pl.col("weight")
    return (
        scores.group_by("school_id", "year")
        .agg(
            ((pl.col("z") * weight).sum() / weight.sum()).alias("year_index"),
            pl.len().alias("components"),
            ((weight**2 / pl.col("participants")).sum() / weight.sum() ** 2).alias("noise"),
        )
        .with_columns(
            pl.when(pl.col("components") >= params.min_components)
            .then(pl.col(name))
            .otherwise(None)
            .alias(name)
            for name in ("year_index", "noise")
        )
    )


def year_indices(results: pl.DataFrame, params: Params) -> pl.DataFrame:
    """`results_indices(component_scores(usable_results(results)))` in two passes over the
    results instead of one per component, with no copy of them kept.

    A component's standard score depends only on its work's mean and spread, so the first pass
    reads, per work (year × assessment × subject × grade), the count, sum, sum of squares and
    range of each measure in use; the components that take the work are resolved on that small
    table into the total weight (Σw, Σw², how many) each measure gets there. The second pass
    turns each figure into Σw·z, Σw and Σw²/n and sums them by school and year. Same figures as
    the per-component path up to the order of summation (last bits)."""
    components = [c for c in params.results_components if float(c.weight) != 0]
    if not components:
        return results_indices(component_scores(usable_results(results, params), params), params)
    measures = sorted({c.measure for c in components})
    # One integer per work: grouping and joining on four columns, two of them text, costs
    # several times more.
    code = [
        pl.col(name).cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(2**20 - 1)
        for name in ("assessment", "subject")
    ]
    work = (
        (pl.col("year").cast(pl.Int64).fill_null(-1) * 1000 + pl.col("grade").fill_null(-1)) * 2**40
        + code[0] * 2**20
        + code[1]
    ).alias("work")
    rows = results.lazy().filter(usable(params)).with_columns(work)
    unknown_counts = results.get_column("participants").null_count() > 0
    stats = (
        rows.group_by("work")
        .agg(
            pl.col("assessment", "subject", "grade").first(),
            *(
                agg.alias(f"{m}:{name}")
                for m in measures
                for name, agg in (
                    ("n", pl.col(m).count()),
                    ("sum", pl.col(m).sum()),
                    ("squares", (pl.col(m) * pl.col(m)).sum()),
                    ("low", pl.col(m).min()),
                    ("high", pl.col(m).max()),
                    # A figure without its count of participants is taken as from the work's
                    # median school: its noise is unknown, not zero.
                    ("median", pl.col("participants").filter(pl.col(m).is_not_null()).median()),
                )
                if name != "median" or unknown_counts
            ),
        )
        .collect()
    )
    columns = [pl.col("work")]
    for m in measures:
        takes = [
            (
                (pl.lit(c.assessment == ANY) | (pl.col("assessment") == c.assessment))
                & (pl.lit(c.subject == ANY) | (pl.col("subject") == c.subject))
                & (pl.lit(not c.grade) | (pl.col("grade") == c.grade))
            ).fill_null(False)
            for c in components
            if c.measure == m
        ]
        weights = [float(c.weight) for c in components if c.measure == m]
        n, total = pl.col(f"{m}:n"), pl.col(f"{m}:sum")
        spread = (
            pl.when(n < 2)
            .then(None)
            .when(pl.col(f"{m}:low") == pl.col(f"{m}:high"))
            .then(0.0)
            .otherwise(((pl.col(f"{m}:squares") - total * total / n) / (n - 1)).clip(0).sqrt())
        )
        count = pl.sum_horizontal(t.cast(pl.Int32) for t in takes)
        columns += [
            pl.when(count > 0).then(total / n).alias(f"{m}:mean"),
            (spread * (-1.0 if m in LOWER_IS_BETTER else 1.0)).alias(f"{m}:sd"),
            pl.sum_horizontal(
                t.cast(pl.Float64) * w for t, w in zip(takes, weights, strict=True)
            ).alias(f"{m}:w"),
            pl.sum_horizontal(
                t.cast(pl.Float64) * w * w for t, w in zip(takes, weights, strict=True)
            ).alias(f"{m}:w2"),
            count.alias(f"{m}:k"),
        ]
        if unknown_counts:
            columns.append(pl.col(f"{m}:median"))
    stats = stats.select(columns)
    zw, ws, ks, noise = [], [], [], []
    for m in measures:
        z = (pl.col(m) - pl.col(f"{m}:mean")) / pl.col(f"{m}:sd")
        ok = z.is_finite().fill_null(False)
        participants = pl.col("participants")
        if unknown_counts:
            participants = participants.fill_null(pl.col(f"{m}:median"))
        zw.append(pl.when(ok).then(z * pl.col(f"{m}:w")).otherwise(0.0))
        ws.append(pl.when(ok).then(pl.col(f"{m}:w")).otherwise(0.0))
        ks.append(pl.when(ok).then(pl.col(f"{m}:k")).otherwise(0))
        noise.append(pl.when(ok).then(pl.col(f"{m}:w2") / participants).otherwise(0.0))
    return (
        rows.select("school_id", "year", "work", "participants", *measures)
        .join(stats.lazy(), on="work", how="inner")
        .select(
            "school_id",
            "year",
            pl.sum_horizontal(zw).alias("zw"),
            pl.sum_horizontal(ws).alias("ws"),
            pl.sum_horizontal(ks).alias("k"),
            pl.sum_horizontal(noise).alias("w2n"),
        )
        .group_by("school_id", "year")
        .agg(
            (pl.col("zw").sum() / pl.col("ws").sum()).alias("year_index"),
            pl.col("k").sum().cast(pl.UInt32).alias("components"),
            (pl.col("w2n").sum() / pl.col("ws").sum() ** 2).alias("noise"),
        )
        .filter(pl.col("components") > 0)
        .with_columns(
            pl.when(pl.col("components") >= params.min_components)
            .then(pl.col(name))
            .otherwise(None)
            .alias(name)
            for name in ("year_index", "noise")
        )
        .collect()
    )


def year_weights(params: Params) -> list[float]:
    """The weight of each year of the index, the run's year first."""
    return list(params.year_weights) or [1.0] * params.index_years


def index_window(data_years: list[int], year: int, params: Params) -> list[int]:
    """The data years whose results enter `year`'s index, the latest first (years without
    an assessment, such as SIMCE's 2019–2021, are not counted)."""
    earlier = [y for y in data_years if y <= year]
    return list(reversed(earlier[-params.index_years :]))


def combined_index(indices: pl.DataFrame, window: list[int], params: Params) -> pl.DataFrame:
    """The results index of the year that is the window's first: the years' indices weighted
    by the methodology, with its missing-years rule; `noise` combined the same way."""
    weights = dict(zip(window, year_weights(params), strict=False))
    rows = indices.filter(pl.col("year").is_in(window) & pl.col("year_index").is_not_null())
    weight = pl.col("year").replace_strict(weights, return_dtype=pl.Float64).alias("year_weight")
    frame = (
        rows.with_columns(weight)
        .filter(pl.col("year_weight") > 0)
        .group_by("school_id")
        .agg(
            (
                (pl.col("year_index") * pl.col("year_weight")).sum() / pl.col("year_weight").sum()
            ).alias("results_index"),
            (
                (pl.col("year_weight") ** 2 * pl.col("noise")).sum()
                / pl.col("year_weight").sum() ** 2
            ).alias("noise"),
            pl.len().alias("index_years_used"),
            (pl.col("year") == window[0]).any().alias("has_latest"),
        )
    )
    if params.missing_years == "latest":
        frame = frame.filter(pl.col("has_latest"))
    elif params.missing_years == "all":
        needed = sum(1 for y in window if weights.get(y, 0) > 0)
        frame = frame.filter(pl.col("index_years_used") == needed)
    return frame.drop("has_latest")


def sampling_variance(indices: pl.DataFrame) -> float | None:
    """σ², the sampling variance of a single-year index per unit of `noise` (Σ aₖ²/nₖ), by
    robust moments on the changes of each school's index from one data year to the next:
    what a school truly is cancels out of a change, so a change varies by the schools' year-
    to-year drift plus σ²·(noise of both years). The changes are put in up to twenty groups
    of similar noise, each group's variance is read robustly (the median absolute deviation,
    so that a school's one extraordinary year does not pass for noise), and σ² is the slope of
    those variances on the groups' noise (weighted least squares). Below zero: no measurable
    sampling noise. Fewer than 60 changes (three groups of 20), or all of one noise: None."""
    rows = (
        indices.filter(pl.col("year_index").is_not_null() & pl.col("noise").is_not_null())
        .sort("school_id", "year")
        .with_columns(
            (pl.col("year_index") - pl.col("year_index").shift().over("school_id")).alias("change"),
            (pl.col("noise") + pl.col("noise").shift().over("school_id")).alias("pair_noise"),
        )
        .filter(pl.col("change").is_not_null())
        .with_columns((pl.col("change") - pl.col("change").median().over("year")).alias("change"))
        .sort("pair_noise")
    )
    groups = min(20, rows.height // 20)
    if groups < 3:
        return None
    change = rows.get_column("change").to_numpy()
    noise = rows.get_column("pair_noise").to_numpy()
    parts = np.array_split(np.arange(rows.height), groups)
    x = np.array([noise[p].mean() for p in parts])
    y = np.array([robust_variance(change[p], centred=True) for p in parts])
    w = np.array([len(p) for p in parts], dtype=float)
    if float(np.ptp(x)) == 0:
        return None
    x_mean = float(np.average(x, weights=w))
    slope = float(
        np.sum(w * (x - x_mean) * (y - np.average(y, weights=w))) / np.sum(w * (x - x_mean) ** 2)
    )
    return max(slope, 0.0)


def shrink(frame: pl.DataFrame, sampling: float | None) -> pl.DataFrame:
    """Each index moves toward the year's mean by its unreliability: reliability
    τ² / (τ² + σ²·noise), where τ², the true spread between schools, is the index's robust
    variance less the median sampling variance (kept at least a tenth of the variance, so
    that a noisy year does not shrink every school onto the mean); each index gets its
    uncertainty `results_se`, the posterior standard deviation. Without σ² (shrinkage off,
    or not measurable) the index is left as it is, with no uncertainty."""
    both = frame.filter(pl.col("results_index").is_not_null() & pl.col("noise").is_not_null())
    if sampling is None or both.height < 3:
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("results_se"))
    index = both.get_column("results_index").to_numpy()
    variance = robust_variance(index)
    between = max(
        variance - sampling * float(np.median(both.get_column("noise").to_numpy())), variance / 10
    )
    if between <= 0:
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("results_se"))
    mean = float(index.mean())
    noise_variance = pl.col("noise") * sampling
    reliability = between / (between + noise_variance)
    return frame.with_columns(
        (mean + reliability * (pl.col("results_index") - mean)).alias("results_index"),
        (reliability * noise_variance).sqrt().alias("results_se"),
    )


def robust_variance(values: np.ndarray, *, centred: bool = False) -> float:
    """The variance a normal sample with these values' median absolute deviation has
    (`centred`: deviations from a known centre, not from their own median)."""
    deviation = np.abs(values if centred else values - np.median(values))
    return float((1.4826 * np.median(deviation)) ** 2)


def context_for_year(context: pl.DataFrame, year: int, params: Params) -> pl.DataFrame:
    """Each school's latest value of each indicator, no older than the allowed age."""
    return latest_values(context.sort("school_id", "indicator", "year"), year, params)


def latest_values(ordered: pl.DataFrame, year: int, params: Params) -> pl.DataFrame:
    """`context_for_year` of context already sorted by school, indicator and year: the last
    row of each school's indicator is the one whose next row is another's — a pass with no
    hashing, so that the run sorts its context once rather than once per data year."""
    keys = ("school_id", "indicator")
    return (
        ordered.lazy()
        .filter((pl.col("year") <= year) & (pl.col("year") >= year - params.context_max_age_years))
        .filter(pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(-1)) for k in keys))
        .select(*keys, pl.exclude(keys))
        .collect()
    )


def context_index(values: pl.DataFrame, params: Params, directions: dict[str, int]) -> pl.DataFrame:
    weights = {c.indicator: float(c.weight) for c in params.context_components if c.weight}
    rows = values.filter(pl.col("indicator").is_in(list(weights)))
    if rows.is_empty():
        return pl.DataFrame(schema={"school_id": pl.Int64, "context_index": pl.Float64})
    value = pl.col("value")
    z = (value - value.mean().over("indicator")) / value.std().over("indicator")
    orient = pl.col("indicator").replace_strict(directions, default=1, return_dtype=pl.Float64)
    weight = pl.col("indicator").replace_strict(weights, default=0.0, return_dtype=pl.Float64)
    return (
        rows.with_columns((z * orient).alias("z"), weight.alias("weight"))
        .filter(pl.col("z").is_not_null() & pl.col("z").is_finite())
        .group_by("school_id")
        .agg(
            ((pl.col("z") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("context_index")
        )
    )


def percentile(column: str) -> pl.Expr:
    """0 for the lowest school, 100 for the highest, among schools with a value."""
    col = pl.col(column)
    count = col.count()
    return (
        pl.when(col.is_null())
        .then(None)
        .when(count > 1)
        .then((col.rank("min") - 1) / (count - 1) * 100)
        .otherwise(50.0)
    )


def fail_counts(usable: pl.DataFrame | pl.LazyFrame, params: Params) -> pl.DataFrame:
    """Per school and year: how many works had a share of "2" at or above the threshold."""
    return (
        usable.lazy()
        .filter(pl.col("share_fail") >= params.fail_share_threshold)
        .group_by("school_id", "year")
        .agg(pl.struct(WORK).n_unique().alias("fail_works"))
        .collect()
    )


@dataclass(frozen=True)
class CutReport:
    """How a percentile cut came out: the size it aimed at and the size it gave, and why
    they differ (ties at the cut, schools without a value)."""

    measure: str  # "results" | "context"
    percent: float
    schools: int  # with a value: the base of the percentage
    missing: int  # in scope without a value
    target: int
    selected: int
    tied: int  # schools sharing the value at the cut when it falls inside them
    rule: str
    unresolved: int  # still tied after the secondary index
    cut: float | None  # the highest value selected
    tie_value: float | None = None  # the value the tied schools share


def bottom_select(
    frame: pl.DataFrame, column: str, secondary: str, percent: float, rule: str, measure: str
) -> tuple[pl.Series, CutReport]:
    """The schools in the bottom `percent` % of `column`: as many as have a percentile (see
    `percentile`) at or below `percent` when all values differ — ⌊percent·(N−1)/100⌋ + 1 of
    the N schools with a value. When the cut falls inside a group
    of equal values, `rule` decides: all of them in, none of them, or the lower `secondary`
    first (schools equal on both stay together, all in, and are counted as unresolved)."""
    values = frame.get_column(column)
    count = values.len() - values.null_count()
    target = int(percent * (count - 1) / 100 + 1e-9) + 1 if percent > 0 and count else 0
    nothing = pl.Series(column, [False] * frame.height)

    def report(selected: int, tied: int = 0, unresolved: int = 0, cut: Any = None) -> CutReport:
        return CutReport(
            measure, percent, count, frame.height - count, target, selected, tied, rule,
            unresolved, None if cut is None else float(cut),
            float(value) if tied and value is not None else None,
        )  # fmt: skip

    value = values.drop_nulls().sort()[target - 1] if count and target else None
    if value is None:
        return nothing, report(0)
    below = (values < value).fill_null(False)
    at = (values == value).fill_null(False)
    if int(below.sum()) + int(at.sum()) == target or rule == "all":
        tied = 0 if int(below.sum()) + int(at.sum()) == target else int(at.sum())
        chosen = below | at
        return chosen, report(int(chosen.sum()), tied, cut=value)
    tied = int(at.sum())
    if rule == "none":
        chosen = below
        cut = values.filter(chosen).max() if int(chosen.sum()) else None
        return chosen, report(int(chosen.sum()), tied, cut=cut)
    # The lower secondary first; a school without one cannot be ordered and comes last.
    slots = target - int(below.sum())
    other = frame.get_column(secondary).fill_nan(None)
    ranked = other.filter(at).sort(nulls_last=True)
    boundary = ranked[slots - 1]
    if boundary is None:
        # The slots reach the schools without a secondary: those with one are in, and the
        # rest cannot be ordered — all of them are in.
        takes = at
        unresolved = int((at & other.is_null()).sum())
    else:
        takes = at & (other <= boundary).fill_null(False)
        same = int((at & (other == boundary).fill_null(False)).sum())
        unresolved = same if int(takes.sum()) != slots else 0
    chosen = below | takes
    return chosen, report(int(chosen.sum()), tied, unresolved, cut=value)


def year_core(
    year: int,
    data_years: list[int],
    schools: pl.DataFrame,
    indices: pl.DataFrame,
    fails: pl.DataFrame,
    context: pl.DataFrame,
    params: Params,
    directions: dict[str, int],
    sampling: float | None = None,
    values: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, list[CutReport]]:
    """The year's indices, percentiles, ШНОР and ШНСУ flags for every school in scope
    (`values`: `context_for_year` of the year, when the caller has it already)."""
    window = index_window(data_years, year, params)
    combined = shrink(combined_index(indices, window, params), sampling)
    frame = schools.join(
        indices.filter(pl.col("year") == year).select("school_id", "year_index", "components"),
        on="school_id",
        how="left",
    ).join(combined, on="school_id", how="left")
    frame = frame.join(
        context_index(
            context_for_year(context, year, params) if values is None else values,
            params,
            directions,
        ),
        on="school_id",
        how="left",
    ).with_columns(
        percentile("results_index").alias("results_percentile"),
        percentile("context_index").alias("context_percentile"),
        pl.col("components").fill_null(0),
    )
    low_by_index, results_report = bottom_select(
        frame, "results_index", "context_index", params.low_results_percent, params.tie_rule,
        "results",
    )  # fmt: skip
    unfavourable, context_report = bottom_select(
        frame, "context_index", "results_index", params.unfavourable_percent, params.tie_rule,
        "context",
    )  # fmt: skip
    # The marks rule needs `fail_consecutive_years` data years ending with this one.
    position = data_years.index(year) if year in data_years else -1
    needed = params.fail_consecutive_years
    if params.fail_min_assessments > 0 and needed > 0 and position + 1 >= needed:
        fail_window = data_years[position + 1 - needed : position + 1]
        failing = (
            fails.filter(
                pl.col("year").is_in(fail_window)
                & (pl.col("fail_works") >= params.fail_min_assessments)
            )
            .group_by("school_id")
            .agg(pl.len().alias("fail_years"))
            .filter(pl.col("fail_years") == needed)
            .select("school_id", pl.lit(True).alias("low_by_fail"))
        )
        frame = frame.join(failing, on="school_id", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Boolean).alias("low_by_fail"))
    frame = (
        frame.with_columns(
            pl.col("low_by_fail").fill_null(False),
            low_by_index.alias("low_by_index"),
            unfavourable.alias("unfavourable"),
        )
        .with_columns(
            (pl.col("low_by_index") | pl.col("low_by_fail")).alias("low_results"),
        )
        .with_columns(
            (pl.col("low_results") | pl.col("unfavourable")).alias("in_list"),
            pl.lit(year, dtype=pl.Int32).alias("year"),
        )
    )
    return frame, [results_report, context_report]


def regression(frame: pl.DataFrame) -> Regression:
    both = frame.filter(
        pl.col("results_index").is_not_null() & pl.col("context_index").is_not_null()
    )
    if both.height < 3:
        return Regression(schools=both.height)
    x = both.get_column("context_index").to_numpy()
    y = both.get_column("results_index").to_numpy()
    if float(np.ptp(x)) == 0:
        return Regression(schools=both.height)
    design = np.column_stack([np.ones_like(x), x])
    (intercept, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - (intercept + slope * x)
    sd = float(np.std(residuals, ddof=2)) if both.height > 2 else 0.0
    return Regression(float(intercept), float(slope), sd or None, both.height)


def identify(
    *,
    schools: pl.DataFrame,
    results: pl.DataFrame,
    context: pl.DataFrame,
    directions: dict[str, int],
    params: Params,
    year: int,
) -> Outcome:
    """Every flag of every school in scope for `year`, and the history of its list status."""
    schools = schools.select(pl.col("school_id").cast(pl.Int64)).unique().sort("school_id")
    # The usable figures are read where they are needed, never copied whole.
    usable_rows = results.lazy().filter(usable(params))
    indices = year_indices(results, params)
    fails = fail_counts(usable_rows, params)
    sampling = sampling_variance(indices) if params.shrinkage else None
    data_years = sorted(
        {int(y) for y in results.get_column("year").unique().to_list() if y <= year}
    )
    if year not in data_years:
        data_years.append(year)
    history_frames = []
    current: pl.DataFrame | None = None
    cuts: list[CutReport] = []
    ordered = context.sort("school_id", "indicator", "year")
    values = {each: latest_values(ordered, each, params) for each in data_years}
    del ordered
    for each in data_years:
        frame, reports = year_core(
            each, data_years, schools, indices, fails, context, params, directions, sampling,
            values[each],
        )  # fmt: skip
        history_frames.append(
            frame.select(
                "school_id",
                "year",
                "results_index",
                "year_index",
                "context_index",
                "in_list",
                "low_results",
                "unfavourable",
            )
        )
        if each == year:
            current, cuts = frame, reports
    assert current is not None
    history = pl.concat(history_frames).sort("school_id", "year")
    fit = regression(current)
    if fit.slope is not None and fit.residual_sd:
        expected = pl.col("context_index") * fit.slope + fit.intercept
        current = (
            current.with_columns(expected.alias("expected"))
            .with_columns((pl.col("results_index") - pl.col("expected")).alias("residual"))
            .with_columns((pl.col("residual") / fit.residual_sd).alias("residual_z"))
        )
    else:
        current = current.with_columns(
            pl.lit(None, dtype=pl.Float64).alias(name)
            for name in ("expected", "residual", "residual_z")
        )
    current = current.with_columns(
        (pl.col("residual_z") <= params.below_expected_z).fill_null(False).alias("below_expected"),
        (
            (pl.col("residual_z") >= params.resilient_z)
            & (pl.col("context_percentile") <= params.resilient_context_percent)
        )
        .fill_null(False)
        .alias("resilient"),
        (pl.col("results_index").is_null()).alias("insufficient_data"),
    )
    results_cut = cuts[0].cut
    if params.shrinkage and results_cut is not None:
        # Near the threshold when the school's interval reaches the cut.
        near = pl.col("results_index") - results_cut <= NEAR_Z * pl.col("results_se")
    else:
        near = pl.col("results_percentile") < (
            params.low_results_percent + params.near_threshold_points
        )
    current = current.join(
        trend_and_jump(history, data_years, year, params), on="school_id", how="left"
    ).with_columns(
        pl.col("falling").fill_null(False),
        pl.col("jump").fill_null(False),
        (near & ~pl.col("low_by_index")).fill_null(False).alias("near_threshold"),
    )
    current = current.with_columns(
        (
            ~pl.col("low_results")
            & (pl.col("falling") | pl.col("near_threshold") | pl.col("below_expected"))
        ).alias("risk")
    )
    objectivity = objectivity_rows(usable_rows, year, params)
    marks_warned = (
        objectivity.select("school_id")
        .unique()
        .with_columns(pl.lit(True).alias("objectivity_marks"))
    )
    current = (
        current.join(marks_warned, on="school_id", how="left")
        .with_columns(
            pl.col("objectivity_marks").fill_null(False),
        )
        .with_columns((pl.col("objectivity_marks") | pl.col("jump")).alias("objectivity"))
    )
    current = current.join(streaks(history, data_years, year), on="school_id", how="left")
    context_used = values[year]
    current = current.join(
        problem_types(context_used, params), on="school_id", how="left"
    ).with_columns(pl.col("problem_types").fill_null([]))
    window = data_years[max(0, data_years.index(year) + 1 - params.fail_consecutive_years) :]
    fail_rows = (
        usable_rows.filter(
            pl.col("year").is_in(window) & (pl.col("share_fail") >= params.fail_share_threshold)
        )
        .join(
            current.lazy().filter(pl.col("low_by_fail")).select("school_id"),
            on="school_id",
            how="semi",
        )
        .collect()
    )
    return Outcome(
        year=year,
        table=current.sort("school_id"),
        history=history,
        regression=fit,
        results_cut=results_cut,
        context_cut=cuts[1].cut,
        cuts=cuts,
        shrinkage_unmeasured=params.shrinkage and sampling is None,
        index_years=index_window(data_years, year, params),
        index_years_wanted=params.index_years,
        data_years=data_years,
        fail_rows=fail_rows.sort("school_id", "year", *WORK),
        objectivity_rows=objectivity.sort("school_id", *WORK),
        context_used=context_used,
    )


def trend_and_jump(
    history: pl.DataFrame, data_years: list[int], year: int, params: Params
) -> pl.DataFrame:
    """Falling: the index fell in each of the last `trend_years` data years, by at least
    `trend_min_drop` in all. Jump: the index rose above the mean of up to three previous data
    years by at least `objectivity_jump`."""
    position = data_years.index(year)
    # A fall or a jump is a change of one year's results: the single-year index.
    wide = history.pivot(on="year", index="school_id", values="year_index")
    columns = [str(y) for y in data_years[: position + 1]]
    for name in columns:
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    falling = pl.lit(False)
    if params.trend_years >= 2 and len(columns) >= params.trend_years:
        span = columns[-params.trend_years :]
        falling = pl.lit(True)
        for earlier, later in itertools.pairwise(span):
            falling = falling & (pl.col(later) < pl.col(earlier))
        falling = falling & (pl.col(span[0]) - pl.col(span[-1]) >= params.trend_min_drop)
    jump = pl.lit(False)
    previous = columns[-4:-1]
    if previous:
        baseline = pl.mean_horizontal([pl.col(c) for c in previous])
        jump = pl.col(columns[-1]) - baseline >= params.objectivity_jump
    return wide.select(
        "school_id",
        falling.fill_null(False).alias("falling"),
        jump.fill_null(False).alias("jump"),
    )


def streaks(history: pl.DataFrame, data_years: list[int], year: int) -> pl.DataFrame:
    """Years in the list in a row up to `year`, and whether the school entered or left it."""
    years = data_years[: data_years.index(year) + 1]
    wide = history.pivot(on="year", index="school_id", values="in_list")
    streak = pl.lit(0)
    alive = pl.lit(True)
    for each in reversed(years):
        name = str(each)
        if name not in wide.columns:
            break
        alive = alive & pl.col(name).fill_null(False)
        streak = streak + alive.cast(pl.Int32)
    now = pl.col(str(year)).fill_null(False)
    change = pl.lit("")
    if len(years) >= 2 and str(years[-2]) in wide.columns:
        before = pl.col(str(years[-2])).fill_null(False)
        change = (
            pl.when(now & ~before)
            .then(pl.lit("entered"))
            .when(~now & before)
            .then(pl.lit("left"))
            .when(now & before)
            .then(pl.lit("stayed"))
            .otherwise(pl.lit(""))
        )
    return wide.select("school_id", streak.alias("years_in_status"), change.alias("change"))


def objectivity_rows(
    usable: pl.DataFrame | pl.LazyFrame, year: int, params: Params
) -> pl.DataFrame:
    """The year's works whose marks disagree with the register beyond the thresholds."""
    return (
        usable.lazy()
        .filter(
            (pl.col("year") == year)
            & (
                (pl.col("share_lower") >= params.objectivity_lower_share)
                | (pl.col("share_raise") >= params.objectivity_raise_share)
            )
        )
        .collect()
    )


def problem_types(values: pl.DataFrame, params: Params) -> pl.DataFrame:
    """The problem types (seed 004, table 2) whose conditions a school's context meets."""
    if not params.problem_types:
        return pl.DataFrame(schema={"school_id": pl.Int64, "problem_types": pl.List(pl.Utf8)})
    frames = []
    for problem in params.problem_types:
        condition = pl.lit(False)
        for c in problem.conditions:
            test = pl.col("value") >= c.value if c.op == ">=" else pl.col("value") <= c.value
            condition = condition | ((pl.col("indicator") == c.indicator) & test)
        frames.append(
            values.filter(condition)
            .select("school_id")
            .unique()
            .with_columns(pl.lit(problem.code).alias("problem_type"))
        )
    order = {p.code: i for i, p in enumerate(params.problem_types)}
    return (
        pl.concat(frames)
        .with_columns(
            pl.col("problem_type").replace_strict(order, return_dtype=pl.Int32).alias("order")
        )
        .sort("school_id", "order")
        .group_by("school_id", maintain_order=True)
        .agg(pl.col("problem_type").alias("problem_types"))
    )
