"""«Качество методики»: figures that say how good a methodology is on a territory's data.

Pure functions of data frames and a methodology, with no database, built on
`engine.identify()` (its `Outcome.history` per school and data year):

- stability: of the schools listed in year t−1, the share still listed in t (and the same for
  ШНОР alone), per pair of consecutive data years;
- predictive validity: how well the methodology's results index of t−1 ranks the schools that
  end up in the bottom `low_results_percent` % of the single-year index of t, as an AUC
  (Mann–Whitney by ranks: 1 is a perfect ranking, 0.5 is guessing);
- sensitivity: how many schools enter or leave the last year's list when each threshold moves
  by one step down or up;
- missing data: the share of schools in scope without a results index, per year.

A figure that cannot be computed is None, with the reason in Russian in `reasons`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.utils.translation import gettext as _

from opora.identification.engine import identify
from opora.identification.methodology import PARAM_DOCS, Params

# Each list threshold, its step and its valid range (as `parse_params` checks it).
SENSITIVITY_STEPS: tuple[tuple[str, float, float, float], ...] = (
    ("low_results_percent", 1.0, 0.0, 100.0),
    ("unfavourable_percent", 1.0, 0.0, 100.0),
    ("fail_share_threshold", 5.0, 0.0, 100.0),
    ("fail_min_assessments", 1, 0, 1_000),
    ("fail_consecutive_years", 1, 0, 1_000),
    ("min_participants", 1, 0, 1_000_000),
    ("min_components", 1, 1, 1_000),
)
# Stored values are rounded so that the same data give the same figures.
DIGITS = 4

Progress = Callable[[float, str], None]


@dataclass
class YearFigure:
    """One data year: the schools in scope, how many have an index, and the list's size."""

    year: int
    schools: int
    with_index: int
    missing_share: float | None
    in_list: int
    low_results: int
    unfavourable: int


@dataclass
class PairFigure:
    """Two consecutive data years: who stayed in the list, and the AUC of t−1 for t."""

    year_from: int
    year_to: int
    listed: int
    stayed: int
    stability: float | None
    low_listed: int
    low_stayed: int
    low_stability: float | None
    auc: float | None
    auc_schools: int
    auc_bottom: int


@dataclass
class SensitivityFigure:
    """One threshold moved one step: how many schools the last year's list gains or loses."""

    name: str
    label: str
    base: float
    value: float
    entered: int
    left: int

    @property
    def changed(self) -> int:
        return self.entered + self.left


@dataclass
class QualityFigures:
    """All figures of one methodology on one territory's data up to `year`."""

    year: int
    data_years: list[int]
    schools: int
    bottom_percent: float
    years: list[YearFigure] = field(default_factory=list)
    pairs: list[PairFigure] = field(default_factory=list)
    sensitivity: list[SensitivityFigure] = field(default_factory=list)
    stability: float | None = None
    low_stability: float | None = None
    auc: float | None = None
    sensitivity_max: int | None = None
    sensitivity_share: float | None = None
    missing_share: float | None = None
    list_size: int = 0
    # Why a headline figure is None (key: the figure's name), in Russian.
    reasons: dict[str, str] = field(default_factory=dict)
    # Per school and data year: the methodology's results index and whether the school is in
    # the bottom of the single-year index (1/0, None without one): what an AUC against another
    # methodology's outcome needs (`auc_against`).
    series: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QualityFigures:
        data = dict(data)
        data["years"] = [YearFigure(**y) for y in data.get("years", [])]
        data["pairs"] = [PairFigure(**p) for p in data.get("pairs", [])]
        data["sensitivity"] = [SensitivityFigure(**s) for s in data.get("sensitivity", [])]
        return cls(**data)


def auc(predictor: np.ndarray, outcome: np.ndarray) -> float | None:
    """P(a school with the outcome has a lower predictor than one without), ties counted ½:
    the Mann–Whitney U of the ranks. None when one of the two groups is empty."""
    predictor = np.asarray(predictor, dtype=float)
    outcome = np.asarray(outcome, dtype=bool)
    positives = int(outcome.sum())
    negatives = int(outcome.size - positives)
    if positives == 0 or negatives == 0:
        return None
    # Average ranks give ties half a pair each.
    ranks = pl.Series(predictor).rank("average").to_numpy()
    # U of the positives counts pairs where a positive ranks ABOVE a negative.
    above = float(ranks[outcome].sum()) - positives * (positives + 1) / 2
    return 1.0 - above / (positives * negatives)


def bottom_of_year(history: pl.DataFrame, percent: float) -> pl.DataFrame:
    """Per school and year: in the bottom `percent` % of that year's single-year index (among
    schools with one; the cut as the engine draws it: at or below the linear quantile)."""
    cuts = (
        history.filter(pl.col("year_index").is_not_null())
        .group_by("year")
        .agg(pl.col("year_index").quantile(percent / 100, interpolation="linear").alias("cut"))
    )
    return (
        history.select("school_id", "year", "year_index")
        .join(cuts, on="year", how="left")
        .select(
            "school_id",
            "year",
            pl.when(pl.col("year_index").is_null())
            .then(None)
            .otherwise(pl.col("year_index") <= pl.col("cut"))
            .alias("bottom"),
        )
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return _round(sum(known) / len(known)) if known else None


def series_of(history: pl.DataFrame, percent: float) -> dict[str, Any]:
    """The methodology's index and its own bottom outcome, per school and year (compact)."""
    frame = history.select("school_id", "year", "results_index").join(
        bottom_of_year(history, percent), on=["school_id", "year"], how="left"
    )
    years = sorted(int(y) for y in frame.get_column("year").unique().to_list())
    ids = sorted(int(s) for s in frame.get_column("school_id").unique().to_list())
    out: dict[str, Any] = {"school_ids": ids, "years": years, "results_index": [], "bottom": []}
    base = pl.DataFrame({"school_id": ids}, schema={"school_id": pl.Int64})
    for year in years:
        rows = base.join(frame.filter(pl.col("year") == year), on="school_id", how="left")
        out["results_index"].append([_round(v) for v in rows.get_column("results_index").to_list()])
        out["bottom"].append(
            [None if v is None else int(v) for v in rows.get_column("bottom").to_list()]
        )
    return out


def _series_frame(series: dict[str, Any], column: str) -> pl.DataFrame:
    ids = series.get("school_ids", [])
    frames = [
        pl.DataFrame(
            {"school_id": ids, "year": [year] * len(ids), column: values},
            schema={"school_id": pl.Int64, "year": pl.Int32, column: pl.Float64},
        )
        for year, values in zip(series.get("years", []), series.get(column, []), strict=True)
    ]
    if not frames:
        return pl.DataFrame(schema={"school_id": pl.Int64, "year": pl.Int32, column: pl.Float64})
    return pl.concat(frames)


def pair_aucs(predictors: pl.DataFrame, outcomes: pl.DataFrame) -> list[tuple[int, int, Any]]:
    """For each pair of consecutive years of `predictors`: (t−1, t, (auc, schools, bottom)).

    `predictors`: school_id, year, results_index; `outcomes`: school_id, year, bottom.
    """
    years = sorted(int(y) for y in predictors.get_column("year").unique().to_list())
    out = []
    for before, after in itertools.pairwise(years):
        pred = predictors.filter(pl.col("year") == before).select(
            "school_id", pl.col("results_index").alias("predictor")
        )
        outcome = outcomes.filter(pl.col("year") == after).select("school_id", "bottom")
        both = pred.join(outcome, on="school_id", how="inner").filter(
            pl.col("predictor").is_not_null() & pl.col("bottom").is_not_null()
        )
        flags = both.get_column("bottom").cast(pl.Boolean).to_numpy()
        value = auc(both.get_column("predictor").to_numpy(), flags)
        out.append((before, after, (_round(value), both.height, int(flags.sum()))))
    return out


def auc_against(figures: QualityFigures, reference: QualityFigures) -> list[float | None]:
    """AUC of `figures`' index per pair of years against `reference`'s outcome (its bottom of
    the single-year index): what makes two methodologies' AUCs comparable."""
    predictors = _series_frame(figures.series, "results_index")
    outcomes = _series_frame(reference.series, "bottom")
    found = {(a, b): value for a, b, (value, _n, _k) in pair_aucs(predictors, outcomes)}
    return [found.get((p.year_from, p.year_to)) for p in figures.pairs]


def auc_mean_against(figures: QualityFigures, reference: QualityFigures) -> float | None:
    return _mean(auc_against(figures, reference))


def sensitivity_window(
    results: pl.DataFrame, data_years: list[int], params: Params
) -> pl.DataFrame | None:
    """The results of the last data years that the last year's list can depend on, with a
    step up of the marks rule's years: None when that is all of them."""
    keep = max(params.index_years, params.fail_consecutive_years + 1, 1)
    if keep >= len(data_years):
        return None
    return results.filter(pl.col("year").is_in(data_years[-keep:]))


def _same_list(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    columns = ["school_id", "in_list"]
    return a.select(columns).sort("school_id").equals(b.select(columns).sort("school_id"))


def _list_changes(base: pl.DataFrame, other: pl.DataFrame) -> tuple[int, int]:
    joined = base.select("school_id", pl.col("in_list").alias("a")).join(
        other.select("school_id", pl.col("in_list").alias("b")), on="school_id", how="inner"
    )
    entered = joined.filter(~pl.col("a") & pl.col("b")).height
    left = joined.filter(pl.col("a") & ~pl.col("b")).height
    return entered, left


def quality_figures(
    *,
    schools: pl.DataFrame,
    results: pl.DataFrame,
    context: pl.DataFrame,
    directions: dict[str, int],
    params: Params,
    year: int,
    progress: Progress | None = None,
) -> QualityFigures:
    """Every quality figure of `params` on the data up to `year` (see the module docstring)."""

    def step(percent: float, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    def run(p: Params, rows: pl.DataFrame = results) -> Any:
        return identify(
            schools=schools,
            results=rows,
            context=context,
            directions=directions,
            params=p,
            year=year,
        )

    step(0, _("Расчёт списков по годам"))
    outcome = run(params)
    history = outcome.history
    figures = QualityFigures(
        year=year,
        data_years=list(outcome.data_years),
        schools=outcome.table.height,
        bottom_percent=float(params.low_results_percent),
    )
    for each in outcome.data_years:
        rows = history.filter(pl.col("year") == each)
        with_index = rows.filter(pl.col("results_index").is_not_null()).height
        figures.years.append(
            YearFigure(
                year=each,
                schools=rows.height,
                with_index=with_index,
                missing_share=_round(_share(rows.height - with_index, rows.height)),
                in_list=int(rows.get_column("in_list").sum()),
                low_results=int(rows.get_column("low_results").sum()),
                unfavourable=int(rows.get_column("unfavourable").sum()),
            )
        )
    last = figures.years[-1] if figures.years else None
    figures.list_size = last.in_list if last else 0
    figures.missing_share = last.missing_share if last else None
    if last is None or not last.schools:
        figures.reasons["missing_share"] = _("В расчёте нет школ.")

    step(20, _("Устойчивость и прогностическая сила"))
    status = history.select("school_id", "year", "in_list", "low_results")
    aucs = {
        (a, b): value
        for a, b, value in pair_aucs(
            history.select("school_id", "year", "results_index"),
            bottom_of_year(history, params.low_results_percent),
        )
    }
    for before, after in itertools.pairwise(outcome.data_years):
        pair = status.filter(pl.col("year") == before).join(
            status.filter(pl.col("year") == after), on="school_id", suffix="_next"
        )
        listed = pair.filter(pl.col("in_list"))
        low = pair.filter(pl.col("low_results"))
        stayed = int(listed.get_column("in_list_next").sum())
        low_stayed = int(low.get_column("low_results_next").sum())
        value, n, bottom = aucs.get((before, after), (None, 0, 0))
        figures.pairs.append(
            PairFigure(
                year_from=before,
                year_to=after,
                listed=listed.height,
                stayed=stayed,
                stability=_round(_share(stayed, listed.height)),
                low_listed=low.height,
                low_stayed=low_stayed,
                low_stability=_round(_share(low_stayed, low.height)),
                auc=value,
                auc_schools=n,
                auc_bottom=bottom,
            )
        )
    if not figures.pairs:
        reason = _("Нужны результаты хотя бы двух лет: с одним годом нет пары лет для сравнения.")
        figures.reasons.update(stability=reason, low_stability=reason, auc=reason)
    else:
        figures.stability = _mean([p.stability for p in figures.pairs])
        figures.low_stability = _mean([p.low_stability for p in figures.pairs])
        figures.auc = _mean([p.auc for p in figures.pairs])
        if figures.stability is None:
            figures.reasons["stability"] = _("Ни в одном году, кроме последнего, список не пуст.")
        if figures.low_stability is None:
            figures.reasons["low_stability"] = _("Ни в одном году, кроме последнего, нет ШНОР.")
        if figures.auc is None:
            figures.reasons["auc"] = _(
                "Ни в одной паре лет нет школ с индексом в обоих годах и внизу и не внизу "
                "рейтинга: AUC не из чего считать."
            )
    figures.series = series_of(history, params.low_results_percent)

    step(40, _("Чувствительность к порогам"))
    labels = {d.name: str(d.label) for d in PARAM_DOCS}
    base_table = outcome.table
    # Each step re-runs the identification, and only the last year's list matters: the data
    # years older than any rule looks back are left out, provided the base list computed on
    # that window is exactly the list computed on all years (else all years are used).
    window = sensitivity_window(results, outcome.data_years, params)
    if window is not None and not _same_list(base_table, run(params, window).table):
        window = None
    rows = results if window is None else window
    variants = []
    for name, delta, low, high in SENSITIVITY_STEPS:
        current = getattr(params, name)
        for sign in (-1, 1):
            value = current + sign * delta
            if not low <= value <= high:
                continue
            variants.append((name, current, type(current)(value)))
    for index, (name, current, value) in enumerate(variants):
        step(
            40 + 55 * index / max(1, len(variants)),
            _("Чувствительность: %(label)s = %(value)s")
            % {"label": labels.get(name, name), "value": value},
        )
        moved = run(dataclasses.replace(params, **{name: value}), rows)
        entered, left = _list_changes(base_table, moved.table)
        figures.sensitivity.append(
            SensitivityFigure(
                name=name,
                label=labels.get(name, name),
                base=float(current),
                value=float(value),
                entered=entered,
                left=left,
            )
        )
    if figures.sensitivity:
        figures.sensitivity_max = max(s.changed for s in figures.sensitivity)
        figures.sensitivity_share = _round(_share(figures.sensitivity_max, figures.list_size))
        if figures.sensitivity_share is None:
            figures.reasons["sensitivity_share"] = _("Список последнего года пуст.")
    else:
        figures.reasons["sensitivity_max"] = _(
            "Ни один порог нельзя сдвинуть в допустимых пределах."
        )
    step(100, _("Готово"))
    return figures
