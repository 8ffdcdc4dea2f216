"""Pure helpers of the analytic reports (the school's справка and the analysis of one
assessment): result rows as a column-oriented frame, aggregates weighted by participants,
a school's standardised result, a straight-line fit, Russian numbers and due dates.

No database and no clock: the builders read the rows through the apps' selectors and pass
them in, so that the same rows always give the same figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import polars as pl

from opora.identification.methodology import Params
from opora.identification.reasons import fmt

# The identification methodology's defaults: a report judges cohorts, jumps and disagreement
# with the register by the same rules as the base methodology.
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Params)}
MIN_PARTICIPANTS: int = _DEFAULTS["min_participants"]
JUMP_Z: float = _DEFAULTS["objectivity_jump"]
LOWER_SHARE: float = _DEFAULTS["objectivity_lower_share"]
RAISE_SHARE: float = _DEFAULTS["objectivity_raise_share"]
# A school's standardised result this far from its result in another assessment of the same
# year (standard deviations) is a disagreement worth a check.
GAP_Z = 1.5
# Fewer participants than this: a share moves by several points by chance alone.
SMALL_COHORT = 15
# A school this far below what its context predicts (standard deviations of the residual).
BELOW_CONTEXT_Z: float = _DEFAULTS["below_expected_z"]

ROW_SCHEMA: dict[str, Any] = {
    "school_id": pl.Int64,
    "school": pl.Utf8,
    "path": pl.Utf8,
    "year": pl.Int32,
    "assessment_id": pl.Int64,
    "subject": pl.Utf8,
    "grade": pl.Int32,
    "participants": pl.Float64,
    "mean_score": pl.Float64,
    "share_fail": pl.Float64,
    "share_good": pl.Float64,
    "share_below_min": pl.Float64,
    "share_lower": pl.Float64,
    "share_raise": pl.Float64,
}
MEASURES = ("mean_score", "share_fail", "share_good", "share_below_min")
WORK = ["assessment_id", "subject", "grade"]


def results_frame(rows: Sequence[tuple[Any, ...]]) -> pl.DataFrame:
    """Result rows (`opora.results.selectors.RESULT_ROW_FIELDS`) as a frame."""
    return pl.DataFrame(list(rows), schema=ROW_SCHEMA, orient="row")


def weighted(column: str) -> pl.Expr:
    """The mean of `column` weighted by participants (a row without a count weighs one),
    over the rows where the figure is known; null where none is."""
    value = pl.col(column)
    weight = pl.col("participants").fill_null(1.0)
    total = weight.filter(value.is_not_null()).sum()
    return pl.when(total > 0).then((value * weight).sum() / total).otherwise(None)


def summarise(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Schools, participants and the weighted measures per group, sorted by the groups."""
    return (
        frame.group_by(by)
        .agg(
            pl.col("school_id").n_unique().alias("schools"),
            pl.col("participants").sum().alias("participants"),
            *(weighted(m).alias(m) for m in MEASURES),
        )
        .sort(by)
    )


def school_index(frame: pl.DataFrame) -> pl.DataFrame:
    """Each school's standardised result per year: the mean over its works (assessment ×
    subject × grade) of its mean score's standard score among the schools of the frame
    that wrote the work, from figures of at least `MIN_PARTICIPANTS` participants."""
    usable = frame.filter(
        pl.col("mean_score").is_not_null()
        & (pl.col("participants").is_null() | (pl.col("participants") >= MIN_PARTICIPANTS))
    )
    group = ["year", *WORK]
    score = pl.col("mean_score")
    z = (score - score.mean().over(group)) / score.std().over(group)
    return (
        usable.with_columns(z.alias("z"))
        # A work written by one school (or all alike) has no spread: it ranks nobody.
        .filter(pl.col("z").is_not_null() & pl.col("z").is_finite())
        .group_by("school_id", "year")
        .agg(pl.col("z").mean().alias("index"), pl.len().alias("works"))
        .sort("school_id", "year")
    )


@dataclass(frozen=True)
class Fit:
    intercept: float
    slope: float
    residual_sd: float
    r2: float
    count: int


def line_fit(x: Iterable[float], y: Iterable[float]) -> Fit | None:
    """The least-squares line of y on x; None when it says nothing (under three points, no
    spread of x, or a perfect fit with no residual spread)."""
    xs = np.asarray(list(x), dtype=float)
    ys = np.asarray(list(y), dtype=float)
    if len(xs) < 3 or float(np.ptp(xs)) == 0:
        return None
    design = np.column_stack([np.ones_like(xs), xs])
    (intercept, slope), *_ = np.linalg.lstsq(design, ys, rcond=None)
    residuals = ys - (intercept + slope * xs)
    sd = float(np.std(residuals, ddof=2)) if len(xs) > 2 else 0.0
    if sd == 0:
        return None
    total = float(np.sum((ys - ys.mean()) ** 2))
    r2 = 1 - float(np.sum(residuals**2)) / total if total else 0.0
    return Fit(float(intercept), float(slope), sd, r2, len(xs))


# --- Words and numbers ----------------------------------------------------------------------


def num(value: float | None, digits: int = 1) -> str:
    """A figure for a table: Russian decimal comma, «—» when unknown."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    return fmt(round(float(value), digits), digits)


def signed(value: float | None, digits: int = 1) -> str:
    """A change with its sign: «+1,2», «−0,4», «0»."""
    text = num(value, digits)
    if value is not None and text not in ("—", "0") and not text.startswith("−"):
        return "+" + text
    return text


def rounded(value: float | None, digits: int = 2) -> float | None:
    """A figure for `ReportContent.figures` (JSON: rounded, None when unknown)."""
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for `count` (1 школа, 2 школы, 5 школ)."""
    tail = count % 100
    if 11 <= tail <= 14:
        return many
    last = count % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


def schools_text(count: int) -> str:
    return f"{count} {plural(count, 'школа', 'школы', 'школ')}"


def schools_genitive(count: int) -> str:
    """«из 1 школы», «у 2 школ», «у 21 школы» (the genitive after a numeral)."""
    return f"{count} {plural(count, 'школы', 'школ', 'школ')}"


def sentence(text: str) -> str:
    """The text ending with one full stop (a list may end with «кл.» already)."""
    return text if text.endswith(".") else text + "."


def work_label(subject: str, grade: int) -> str:
    """«Математика, 5 кл.»; a result not per grade is named by its subject."""
    return f"{subject}, {grade} кл." if grade else subject


def names_text(names: Sequence[str], limit: int = 5) -> str:
    """«А, Б и В», or «А, Б, В и ещё 4» for a longer list."""
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" и ещё {len(names) - limit}"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " и " + names[-1]


# --- Due dates ------------------------------------------------------------------------------


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the calendar quarter of `day`."""
    month = ((day.month - 1) // 3 + 1) * 3
    following = datetime.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def due_this_quarter(day: datetime.date, min_days: int = 30) -> datetime.date:
    """The end of the current quarter, or of the next one when fewer than `min_days` remain:
    what a school can do by itself."""
    end = quarter_end(day)
    if (end - day).days < min_days:
        end = quarter_end(end + datetime.timedelta(days=1))
    return end


def due_next_quarter(day: datetime.date) -> datetime.date:
    """The end of the next quarter: what needs planning (seminars, checks)."""
    return quarter_end(quarter_end(day) + datetime.timedelta(days=1))
