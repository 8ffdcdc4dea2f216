"""The floor of `opora bench identify`: the same outputs as `engine.identify()` computed the
fastest plain way we know, with no reports, no history frame and none of the engine's generality.

It serves the base methodology only (version 2: three data years with equal weights, the run's
year required, shrinkage, ties at a cut settled by the other index; every component an
assessment with any subject and grade) and computes, for every school in scope and the run's
year, the indices (`year_index`, `results_index`, `results_se`, `context_index`) and every
flag: ШНОР by the index and by marks, ШНСУ, in the list, below expected, resilient, near the
threshold, falling, jump, objectivity, risk, insufficient data, years in the status and its
change, problem types. All data years are computed at once (the list status of earlier years
makes the streak), the results are read in two passes (each work's spread, then each school's
sums), and NumPy is used only where Polars has no expression (σ² and the regression).

Bench code, not product code: `compare()` checks it against the engine, and the bench fails
loudly when they differ — a floor that computed less would not be a floor.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import polars as pl

from opora.identification.methodology import ANY, LOWER_IS_BETTER, Params

FLAG_COLUMNS = (
    "low_by_index",
    "low_by_fail",
    "low_results",
    "unfavourable",
    "in_list",
    "below_expected",
    "resilient",
    "near_threshold",
    "falling",
    "jump",
    "objectivity_marks",
    "objectivity",
    "risk",
    "insufficient_data",
    "years_in_status",
    "change",
    "problem_types",
)
INDEX_COLUMNS = ("year_index", "results_index", "results_se", "context_index")


def floor_identify(
    *,
    schools: pl.DataFrame,
    results: pl.DataFrame,
    context: pl.DataFrame,
    directions: dict[str, int],
    params: Params,
    year: int,
) -> pl.DataFrame:
    p = params
    assert p.index_years >= 1 and not p.year_weights and p.missing_years == "latest"
    assert p.shrinkage and p.tie_rule == "secondary"
    assert all(c.subject == ANY and not c.grade for c in p.results_components)
    assert results.get_column("participants").null_count() == 0
    usable = results.lazy().filter(pl.col("participants") >= p.min_participants)
    years = sorted(y for y in results.get_column("year").unique().to_list() if y <= year)
    if year not in years:
        years.append(year)

    # 1. Each school's single-year index.
    weights: dict[tuple[str, str], float] = {}
    for c in p.results_components:
        if float(c.weight):
            key = (c.assessment, c.measure)
            weights[key] = weights.get(key, 0.0) + float(c.weight)
    measures = sorted({m for _, m in weights})
    code = [pl.col(n).cast(pl.Categorical).to_physical().cast(pl.Int64) for n in WORK_TEXT]
    work = ((pl.col("year").cast(pl.Int64) * 1000 + pl.col("grade")) * 2**40) + (
        code[0] * 2**20 + code[1]
    )
    keyed = usable.with_columns(work.alias("work"))
    spread = (
        keyed.group_by("work")
        .agg(
            pl.col("assessment").first(),
            *(pl.col(m).count().alias(f"{m}:n") for m in measures),
            *(pl.col(m).sum().alias(f"{m}:s") for m in measures),
            *((pl.col(m) * pl.col(m)).sum().alias(f"{m}:q") for m in measures),
            *((pl.col(m).max() == pl.col(m).min()).alias(f"{m}:flat") for m in measures),
        )
        .select(
            "work",
            *(
                item
                for m in measures
                for item in _work_terms(m, {a: w for (a, mm), w in weights.items() if mm == m})
            ),
        )
        .collect()  # a few hundred works: the build side of the join below
    )
    sums = [
        (pl.col(f"{m}:w") * (pl.col(m) - pl.col(f"{m}:mean")) / pl.col(f"{m}:sd")) for m in measures
    ]
    ok = [z.is_finite().fill_null(False) for z in sums]
    count = pl.sum_horizontal(
        o.cast(pl.Int32) * pl.col(f"{m}:k") for o, m in zip(ok, measures, strict=True)
    )
    index = (
        keyed.select("school_id", "year", "work", "participants", *measures)
        .join(spread.lazy(), on="work")
        .select(
            "school_id",
            "year",
            pl.sum_horizontal(
                pl.when(o).then(z).otherwise(0.0) for o, z in zip(ok, sums, strict=True)
            ).alias("zw"),
            pl.sum_horizontal(
                pl.when(o).then(pl.col(f"{m}:w")).otherwise(0.0)
                for o, m in zip(ok, measures, strict=True)
            ).alias("w"),
            pl.sum_horizontal(
                pl.when(o).then(pl.col(f"{m}:w2") / pl.col("participants")).otherwise(0.0)
                for o, m in zip(ok, measures, strict=True)
            ).alias("w2n"),
            count.alias("k"),
        )
        .group_by("school_id", "year")
        .agg(
            (pl.col("zw").sum() / pl.col("w").sum()).alias("year_index"),
            (pl.col("w2n").sum() / pl.col("w").sum() ** 2).alias("noise"),
            pl.col("k").sum().alias("k"),
        )
        .filter(pl.col("k") >= p.min_components)
        .drop("k")
        .collect()
    )
    sigma2 = _sampling_variance(index)

    # 2. The combined, shrunk index of every data year (its window: the last data years).
    pairs = pl.DataFrame(
        [(y, t) for i, t in enumerate(years) for y in years[max(0, i + 1 - p.index_years) : i + 1]],
        schema={"year": pl.Int32, "target": pl.Int32},
        orient="row",
    ).lazy()
    combined = (
        index.lazy()
        .join(pairs, on="year")
        .group_by("school_id", "target")
        .agg(
            pl.col("year_index").mean().alias("raw"),
            (pl.col("noise").sum() / pl.len().cast(pl.Float64) ** 2).alias("noise"),
            (pl.col("year") == pl.col("target")).any().alias("latest"),
        )
        .filter(pl.col("latest"))
    )
    if sigma2 is not None:
        raw = pl.col("raw")
        deviation = (raw - raw.median()).abs().median()
        variance = (1.4826 * deviation) ** 2
        between = pl.max_horizontal(variance - sigma2 * pl.col("noise").median(), variance / 10)
        noise = pl.col("noise") * sigma2
        reliability = (between / (between + noise)).over("target")
        mean = raw.mean().over("target")
        usable_shrink = (pl.len().over("target") >= 3) & (between.over("target") > 0)
        combined = combined.with_columns(
            pl.when(usable_shrink)
            .then(mean + reliability * (raw - mean))
            .otherwise(raw)
            .alias("results_index"),
            pl.when(usable_shrink).then((reliability * noise).sqrt()).alias("results_se"),
        )
    else:
        combined = combined.with_columns(
            pl.col("raw").alias("results_index"), pl.lit(None, pl.Float64).alias("results_se")
        )

    # 3. The context index of every data year.
    wanted = {c.indicator: float(c.weight) for c in p.context_components if c.weight}
    indicator = pl.col("indicator").cast(pl.Categorical).to_physical().cast(pl.Int64)
    # One integer per school's indicator, made once: the latest value of each is the row whose
    # year is the greatest of its key within the age limit.
    keyed_context = context.with_columns((pl.col("school_id") * 4096 + indicator).alias("key"))

    def latest(t: int) -> pl.LazyFrame:
        return (
            keyed_context.lazy()
            .filter(pl.col("year").is_between(t - p.context_max_age_years, t))
            .filter(pl.col("year") == pl.col("year").max().over("key"))
        )

    per_year = []
    for t in years:
        value = pl.col("value")
        z = (value - value.mean().over("indicator")) / value.std().over("indicator")
        z = z * pl.col("indicator").replace_strict(directions, default=1, return_dtype=pl.Float64)
        w = pl.col("indicator").replace_strict(wanted, default=0.0, return_dtype=pl.Float64)
        per_year.append(
            latest(t)
            .filter(pl.col("indicator").is_in(list(wanted)))
            .with_columns(z.alias("z"), w.alias("w"))
            .filter(pl.col("z").is_finite())
            .group_by("school_id")
            .agg(((pl.col("z") * pl.col("w")).sum() / pl.col("w").sum()).alias("context_index"))
            .with_columns(pl.lit(t, pl.Int32).alias("target"))
        )

    # 4. Marks: works with many «2» per school and year, and the years running that count.
    fail_years = (
        keyed.filter(pl.col("share_fail") >= p.fail_share_threshold)
        .group_by("school_id", "year")
        .agg(pl.col("work").n_unique().alias("works"))
        .filter(pl.col("works") >= p.fail_min_assessments)
    )
    needed = p.fail_consecutive_years
    fail_pairs = pl.DataFrame(
        [
            (y, t)
            for i, t in enumerate(years)
            if p.fail_min_assessments > 0 and needed > 0 and i + 1 >= needed
            for y in years[i + 1 - needed : i + 1]
        ],
        schema={"year": pl.Int32, "target": pl.Int32},
        orient="row",
    ).lazy()
    by_fail = (
        fail_years.join(fail_pairs, on="year")
        .group_by("school_id", "target")
        .agg((pl.len() == needed).alias("low_by_fail"))
    )

    # 5. Every school × data year: percentiles and the two cuts.
    grid = (
        schools.lazy()
        .select(pl.col("school_id").cast(pl.Int64))
        .unique()
        .join(pl.LazyFrame({"target": pl.Series(years, dtype=pl.Int32)}), how="cross")
        .join(
            combined.select("school_id", "target", "results_index", "results_se"),
            on=["school_id", "target"],
            how="left",
        )
        .join(pl.concat(per_year), on=["school_id", "target"], how="left")
        .join(by_fail, on=["school_id", "target"], how="left")
        .join(
            index.lazy().rename({"year": "target"}).select("school_id", "target", "year_index"),
            on=["school_id", "target"],
            how="left",
        )
        .with_columns(pl.col("low_by_fail").fill_null(False))
        .with_columns(
            *_bottom("results_index", "context_index", p.low_results_percent, "low_by_index"),
            *_bottom("context_index", "results_index", p.unfavourable_percent, "unfavourable"),
            _percentile("context_index").alias("context_percentile"),
            _percentile("results_index").alias("results_percentile"),
        )
        .with_columns((pl.col("low_by_index") | pl.col("low_by_fail")).alias("low_results"))
        .with_columns((pl.col("low_results") | pl.col("unfavourable")).alias("in_list"))
        .collect()
    )

    # 6. The run's year: regression, trends, streaks, objectivity, problem types.
    wide = grid.pivot(on="target", index="school_id", values=["year_index", "in_list"])
    now = grid.filter(pl.col("target") == year).drop("target").sort("school_id")
    both = now.filter(pl.col("results_index").is_not_null() & pl.col("context_index").is_not_null())
    x, y = both.get_column("context_index").to_numpy(), both.get_column("results_index").to_numpy()
    (intercept, slope), *_ = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), y, rcond=None)
    sd = float(np.std(y - (intercept + slope * x), ddof=2))
    expected = pl.col("context_index") * float(slope) + float(intercept)
    residual_z = (pl.col("results_index") - expected) / sd
    cut = now.get_column("cut_results_index")[0]
    shown = [str(t) for t in years[: years.index(year) + 1]]
    falling = pl.lit(False)
    if p.trend_years >= 2 and len(shown) >= p.trend_years:
        span = [pl.col(f"year_index_{t}") for t in shown[-p.trend_years :]]
        falling = pl.all_horizontal(later < earlier for earlier, later in itertools.pairwise(span))
        falling = falling & (span[0] - span[-1] >= p.trend_min_drop)
    jump = pl.lit(False)
    if len(shown) > 1:
        baseline = pl.mean_horizontal(pl.col(f"year_index_{t}") for t in shown[-4:-1])
        jump = pl.col(f"year_index_{shown[-1]}") - baseline >= p.objectivity_jump
    streak, alive = pl.lit(0), pl.lit(True)
    for t in reversed(shown):
        alive = alive & pl.col(f"in_list_{t}").fill_null(False)
        streak = streak + alive.cast(pl.Int32)
    change = pl.lit("")
    if len(shown) >= 2:
        was, is_ = (pl.col(f"in_list_{t}").fill_null(False) for t in shown[-2:])
        change = (
            pl.when(is_ & ~was)
            .then(pl.lit("entered"))
            .when(~is_ & was)
            .then(pl.lit("left"))
            .when(is_ & was)
            .then(pl.lit("stayed"))
            .otherwise(pl.lit(""))
        )
    trends = wide.select(
        "school_id",
        falling.fill_null(False).alias("falling"),
        jump.fill_null(False).alias("jump"),
        streak.alias("years_in_status"),
        change.alias("change"),
    )
    marked = (
        usable.filter(
            (pl.col("year") == year)
            & (
                (pl.col("share_lower") >= p.objectivity_lower_share)
                | (pl.col("share_raise") >= p.objectivity_raise_share)
            )
        )
        .select("school_id")
        .unique()
        .with_columns(pl.lit(True).alias("objectivity_marks"))
    )
    return (
        now.lazy()
        .join(trends.lazy(), on="school_id", how="left")
        .join(marked, on="school_id", how="left")
        .join(_problem_types(latest(year), p), on="school_id", how="left")
        .with_columns(
            (residual_z <= p.below_expected_z).fill_null(False).alias("below_expected"),
            (
                (residual_z >= p.resilient_z)
                & (pl.col("context_percentile") <= p.resilient_context_percent)
            )
            .fill_null(False)
            .alias("resilient"),
            (
                (pl.col("results_index") - cut <= 1.96 * pl.col("results_se"))
                & ~pl.col("low_by_index")
            )
            .fill_null(False)
            .alias("near_threshold"),
            pl.col("objectivity_marks").fill_null(False),
            pl.col("results_index").is_null().alias("insufficient_data"),
            pl.col("problem_types").fill_null([]),
        )
        .with_columns(
            (pl.col("objectivity_marks") | pl.col("jump")).alias("objectivity"),
            (
                ~pl.col("low_results")
                & (pl.col("falling") | pl.col("near_threshold") | pl.col("below_expected"))
            ).alias("risk"),
        )
        .select("school_id", *INDEX_COLUMNS, *FLAG_COLUMNS)
        .sort("school_id")
        .collect()
    )


WORK_TEXT = ("assessment", "subject")


def _work_terms(measure: str, by_assessment: dict[str, float]) -> list[pl.Expr]:
    """A work's mean and signed spread of `measure`, and the weight its components give it."""
    n, total, squares = (pl.col(f"{measure}:{s}") for s in "nsq")
    sign = -1.0 if measure in LOWER_IS_BETTER else 1.0
    sd = (
        pl.when(n < 2)
        .then(None)
        .when(pl.col(f"{measure}:flat"))
        .then(0.0)
        .otherwise(((squares - total * total / n) / (n - 1)).clip(0).sqrt())
    )
    weight = pl.col("assessment").replace_strict(
        by_assessment, default=0.0, return_dtype=pl.Float64
    )
    squared = {a: w * w for a, w in by_assessment.items()}
    return [
        pl.when(weight > 0).then(total / n).alias(f"{measure}:mean"),
        (sd * sign).alias(f"{measure}:sd"),
        weight.alias(f"{measure}:w"),
        pl.col("assessment")
        .replace_strict(squared, default=0.0, return_dtype=pl.Float64)
        .alias(f"{measure}:w2"),
        pl.when(weight > 0).then(1).otherwise(0).alias(f"{measure}:k"),
    ]


def _sampling_variance(index: pl.DataFrame) -> float | None:
    """σ² from the year-to-year changes of the index (the engine's robust-moments rule)."""
    rows = (
        index.lazy()
        .filter(pl.col("year_index").is_not_null())
        .sort("school_id", "year")
        .with_columns(
            (pl.col("year_index") - pl.col("year_index").shift().over("school_id")).alias("d"),
            (pl.col("noise") + pl.col("noise").shift().over("school_id")).alias("n"),
        )
        .filter(pl.col("d").is_not_null())
        .with_columns(pl.col("d") - pl.col("d").median().over("year"))
        .sort("n")
        .collect()
    )
    groups = min(20, rows.height // 20)
    if groups < 3:
        return None
    parts = np.array_split(np.arange(rows.height), groups)
    d, n = rows.get_column("d").to_numpy(), rows.get_column("n").to_numpy()
    x = np.array([n[part].mean() for part in parts])
    y = np.array([(1.4826 * np.median(np.abs(d[part]))) ** 2 for part in parts])
    w = np.array([len(part) for part in parts], dtype=float)
    if float(np.ptp(x)) == 0:
        return None
    xm = np.average(x, weights=w)
    slope = np.sum(w * (x - xm) * (y - np.average(y, weights=w))) / np.sum(w * (x - xm) ** 2)
    return max(float(slope), 0.0)


def _percentile(column: str) -> pl.Expr:
    col = pl.col(column)
    count = col.count().over("target")
    rank = col.rank("min").over("target")
    return (
        pl.when(col.is_null())
        .then(None)
        .when(count > 1)
        .then((rank - 1) / (count - 1) * 100)
        .otherwise(50.0)
    )


def _bottom(column: str, secondary: str, percent: float, name: str) -> list[pl.Expr]:
    """The bottom `percent` % of `column` in each data year; at a tie, the lower `secondary`
    first, and schools equal on both all in: the school at the cut's place in the order
    (value, secondary, nulls last) and everyone not after it."""
    value, other = pl.col(column), pl.col(secondary)
    count = value.count()  # of the data year: evaluated inside `over` below
    target = (percent * (count - 1) / 100 + 1e-9).floor().cast(pl.Int64) + 1
    target = pl.when((count > 0) & pl.lit(percent > 0)).then(target).otherwise(0)
    place = pl.when(target > 0).then(target - 1)
    cut = value.sort_by(value, other, nulls_last=True).get(place).over("target")
    cut_other = other.sort_by(value, other, nulls_last=True).get(place).over("target")
    chosen = (value < cut) | (
        (value == cut) & (cut_other.is_null() | (other <= cut_other).fill_null(False))
    )
    return [chosen.fill_null(False).alias(name), cut.alias(f"cut_{column}")]


def _problem_types(latest: pl.LazyFrame, p: Params) -> pl.LazyFrame:
    found = []
    for order, problem in enumerate(p.problem_types):
        condition = pl.lit(False)
        for c in problem.conditions:
            test = pl.col("value") >= c.value if c.op == ">=" else pl.col("value") <= c.value
            condition = condition | ((pl.col("indicator") == c.indicator) & test)
        found.append(
            latest.filter(condition)
            .select("school_id", pl.lit(order).alias("order"), pl.lit(problem.code).alias("code"))
            .unique()
        )
    return (
        pl.concat(found)
        .sort("school_id", "order")
        .group_by("school_id", maintain_order=True)
        .agg(pl.col("code").alias("problem_types"))
    )


def compare(table: pl.DataFrame, floor: pl.DataFrame) -> list[str]:
    """Where the engine's table and the floor differ: every flag of every school must be the
    same, and every index equal within 1e-9. Empty when they agree."""
    problems = []
    engine = table.sort("school_id")
    if engine.get_column("school_id").to_list() != floor.get_column("school_id").to_list():
        return ["разные школы в таблицах движка и «пола»"]
    for column in FLAG_COLUMNS:
        if not engine.get_column(column).equals(floor.get_column(column)):
            differ = int((engine.get_column(column) != floor.get_column(column)).sum())
            problems.append(f"{column}: различается у {differ} школ")
    for column in INDEX_COLUMNS:
        a, b = engine.get_column(column), floor.get_column(column)
        if not a.is_null().equals(b.is_null()):
            problems.append(f"{column}: пропуски у разных школ")
            continue
        gap: Any = (a - b).abs().max()
        if gap is not None and gap > 1e-9:
            problems.append(f"{column}: расхождение до {gap:.2e}")
    return problems
