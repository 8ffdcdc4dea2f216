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
    notes: list[str] = field(default_factory=list)


def empty_results() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def empty_context() -> pl.DataFrame:
    return pl.DataFrame(schema=CONTEXT_SCHEMA)


def usable_results(results: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Figures from enough participants (an unknown count does not exclude a figure)."""
    return results.filter(
        pl.col("participants").is_null() | (pl.col("participants") >= params.min_participants)
    )


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
        frames.append(
            rows.select(
                "school_id",
                "year",
                z.alias("z"),
                pl.lit(float(component.weight)).alias("weight"),
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={"school_id": pl.Int64, "year": pl.Int32, "z": pl.Float64, "weight": pl.Float64}
        )
    # A work written by one school only (or all alike) has no spread: it cannot rank anyone.
    return pl.concat(frames).filter(pl.col("z").is_not_null() & pl.col("z").is_finite())


def results_indices(scores: pl.DataFrame, params: Params) -> pl.DataFrame:
    return (
        scores.group_by("school_id", "year")
        .agg(
            ((pl.col("z") * pl.col("weight")).sum() / pl.col("weight").sum()).alias(
                "results_index"
            ),
            pl.len().alias("components"),
        )
        .with_columns(
            pl.when(pl.col("components") >= params.min_components)
            .then(pl.col("results_index"))
            .otherwise(None)
            .alias("results_index")
        )
    )


def context_for_year(context: pl.DataFrame, year: int, params: Params) -> pl.DataFrame:
    """Each school's latest value of each indicator, no older than the allowed age."""
    return (
        context.filter(
            (pl.col("year") <= year) & (pl.col("year") >= year - params.context_max_age_years)
        )
        .sort("school_id", "indicator", "year")
        .group_by("school_id", "indicator", maintain_order=True)
        .last()
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


def cut(frame: pl.DataFrame, column: str, percent: float) -> float | None:
    values = frame.get_column(column).drop_nulls()
    if values.is_empty():
        return None
    return float(values.quantile(percent / 100, interpolation="linear"))  # type: ignore[arg-type]


def fail_counts(usable: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Per school and year: how many works had a share of "2" at or above the threshold."""
    return (
        usable.filter(pl.col("share_fail") >= params.fail_share_threshold)
        .group_by("school_id", "year")
        .agg(pl.struct(WORK).n_unique().alias("fail_works"))
    )


def year_core(
    year: int,
    data_years: list[int],
    schools: pl.DataFrame,
    indices: pl.DataFrame,
    fails: pl.DataFrame,
    context: pl.DataFrame,
    params: Params,
    directions: dict[str, int],
) -> tuple[pl.DataFrame, float | None, float | None]:
    """The year's indices, percentiles, ШНОР and ШНСУ flags for every school in scope."""
    frame = schools.join(
        indices.filter(pl.col("year") == year).drop("year"), on="school_id", how="left"
    )
    frame = frame.join(
        context_index(context_for_year(context, year, params), params, directions),
        on="school_id",
        how="left",
    ).with_columns(
        percentile("results_index").alias("results_percentile"),
        percentile("context_index").alias("context_percentile"),
        pl.col("components").fill_null(0),
    )
    results_cut = cut(frame, "results_index", params.low_results_percent)
    context_cut = cut(frame, "context_index", params.unfavourable_percent)
    # The marks rule needs `fail_consecutive_years` data years ending with this one.
    position = data_years.index(year) if year in data_years else -1
    needed = params.fail_consecutive_years
    if params.fail_min_assessments > 0 and needed > 0 and position + 1 >= needed:
        window = data_years[position + 1 - needed : position + 1]
        failing = (
            fails.filter(
                pl.col("year").is_in(window) & (pl.col("fail_works") >= params.fail_min_assessments)
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
            ((pl.col("results_index") <= results_cut) if results_cut is not None else pl.lit(False))
            .fill_null(False)
            .alias("low_by_index"),
            ((pl.col("context_index") <= context_cut) if context_cut is not None else pl.lit(False))
            .fill_null(False)
            .alias("unfavourable"),
        )
        .with_columns(
            (pl.col("low_by_index") | pl.col("low_by_fail")).alias("low_results"),
        )
        .with_columns(
            (pl.col("low_results") | pl.col("unfavourable")).alias("in_list"),
            pl.lit(year, dtype=pl.Int32).alias("year"),
        )
    )
    return frame, results_cut, context_cut


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
    usable = usable_results(results, params)
    indices = results_indices(component_scores(usable, params), params)
    fails = fail_counts(usable, params)
    data_years = sorted(
        {int(y) for y in results.get_column("year").unique().to_list() if y <= year}
    )
    if year not in data_years:
        data_years.append(year)
    history_frames = []
    current: pl.DataFrame | None = None
    results_cut = context_cut = None
    for each in data_years:
        frame, r_cut, c_cut = year_core(
            each, data_years, schools, indices, fails, context, params, directions
        )
        history_frames.append(
            frame.select(
                "school_id",
                "year",
                "results_index",
                pl.col("results_index").alias("year_index"),
                "context_index",
                "in_list",
                "low_results",
                "unfavourable",
            )
        )
        if each == year:
            current, results_cut, context_cut = frame, r_cut, c_cut
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
    current = current.join(
        trend_and_jump(history, data_years, year, params), on="school_id", how="left"
    ).with_columns(
        pl.col("falling").fill_null(False),
        pl.col("jump").fill_null(False),
        (pl.col("results_percentile") < params.low_results_percent + params.near_threshold_points)
        .fill_null(False)
        .alias("near_threshold"),
    )
    current = current.with_columns(
        (
            ~pl.col("low_results")
            & (pl.col("falling") | pl.col("near_threshold") | pl.col("below_expected"))
        ).alias("risk")
    )
    objectivity = objectivity_rows(usable, year, params)
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
    context_used = context_for_year(context, year, params)
    current = current.join(
        problem_types(context_used, params), on="school_id", how="left"
    ).with_columns(pl.col("problem_types").fill_null([]))
    window = data_years[max(0, data_years.index(year) + 1 - params.fail_consecutive_years) :]
    fail_rows = usable.filter(
        pl.col("year").is_in(window) & (pl.col("share_fail") >= params.fail_share_threshold)
    ).join(current.filter(pl.col("low_by_fail")).select("school_id"), on="school_id", how="semi")
    return Outcome(
        year=year,
        table=current.sort("school_id"),
        history=history,
        regression=fit,
        results_cut=results_cut,
        context_cut=context_cut,
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
    wide = history.pivot(on="year", index="school_id", values="results_index")
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


def objectivity_rows(usable: pl.DataFrame, year: int, params: Params) -> pl.DataFrame:
    """The year's works whose marks disagree with the register beyond the thresholds."""
    return usable.filter(
        (pl.col("year") == year)
        & (
            (pl.col("share_lower") >= params.objectivity_lower_share)
            | (pl.col("share_raise") >= params.objectivity_raise_share)
        )
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
