"""«Качество методики» on small synthetic frames with answers worked out by hand."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from opora.identification.engine import CONTEXT_SCHEMA, RESULT_SCHEMA
from opora.identification.methodology import ContextComponent, Params, ResultComponent
from opora.identification.quality import QualityFigures, auc, auc_against, quality_figures

SCHOOLS = list(range(1, 21))
DIRECTIONS = {"ses": 1}


def params(**changes):
    """One work (ВПР, русский, 5 класс) and one context indicator; the marks rule off."""
    base = Params(
        results_components=(ResultComponent("vpr", "rus", 5, "mean_score", 1.0),),
        context_components=(ContextComponent("ses", 1.0),),
        min_components=1,
        fail_min_assessments=0,
        low_results_percent=10.0,
        unfavourable_percent=15.0,
    )
    return Params(**{**base.__dict__, **changes})


def frames(scores, years=(2023, 2024, 2025)):
    """`scores(school, year)` → mean score (None: no result). Context 100 − school: the
    highest-numbered schools are the least favoured, the lowest-numbered the weakest."""
    rows, context = [], []
    for year in years:
        for school in SCHOOLS:
            score = scores(school, year)
            if score is not None:
                rows.append(
                    (school, year, "vpr", "rus", 5, 25.0, score, None, None, None, None, None, None)
                )
            context.append((school, year, "ses", 100.0 - school))
    return (
        pl.DataFrame({"school_id": SCHOOLS}, schema={"school_id": pl.Int64}),
        pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row"),
        pl.DataFrame(context, schema=CONTEXT_SCHEMA, orient="row"),
    )


def compute(scores, years=(2023, 2024, 2025), **changes):
    schools, results, context = frames(scores, years)
    return quality_figures(
        schools=schools,
        results=results,
        context=context,
        directions=DIRECTIONS,
        params=params(**changes),
        year=years[-1],
    )


def test_auc_by_hand():
    # Pairs (bottom, not bottom): (1,2) yes, (1,4) yes, (3,2) no, (3,4) yes → 3/4.
    assert auc(np.array([1, 2, 3, 4]), np.array([True, False, True, False])) == 0.75
    # A tie counts half: (1 vs 1) ½, (1 vs 2) 1 → 0.75.
    assert auc(np.array([1, 1, 2]), np.array([True, False, False])) == 0.75
    assert auc(np.array([1, 2, 3]), np.array([True, False, False])) == 1.0
    assert auc(np.array([1, 2, 3]), np.array([False, False, True])) == 0.0
    assert auc(np.array([1, 2, 3]), np.array([False, False, False])) is None


def test_a_perfectly_stable_list():
    figures = compute(lambda school, year: float(school))
    # Bottom 10 % of 1…20: the cut 2.9 takes schools 1, 2; bottom 15 % of the context 3
    # schools (18, 19, 20): five in the list every year.
    assert [y.in_list for y in figures.years] == [5, 5, 5]
    assert [(p.listed, p.stayed) for p in figures.pairs] == [(5, 5), (5, 5)]
    assert figures.stability == 1.0 and figures.low_stability == 1.0
    assert figures.auc == 1.0
    assert figures.missing_share == 0.0 and figures.list_size == 5
    assert figures.data_years == [2023, 2024, 2025]


def test_stability_and_auc_when_the_bottom_changes():
    # In 2024 schools 1 and 2 jump to the top: the new bottom is 3, 4.
    def scores(school, year):
        if year == 2024 and school in (1, 2):
            return 20.0 + school
        return float(school)

    figures = compute(scores, years=(2023, 2024))
    (pair,) = figures.pairs
    # Listed in 2023: 1, 2 (ШНОР) and 18–20 (ШНСУ); in 2024 only 18–20 remain.
    assert (pair.listed, pair.stayed, pair.stability) == (5, 3, 0.6)
    assert (pair.low_listed, pair.low_stayed, pair.low_stability) == (2, 0, 0.0)
    # The bottom of 2024 (3, 4) ranks 3rd and 4th by the 2023 index: each is below 16 of
    # the 18 others → 32 / 36.
    assert pair.auc == pytest.approx(32 / 36, abs=1e-4)
    assert (pair.auc_schools, pair.auc_bottom) == (20, 2)


def test_sensitivity_counts_the_schools_each_step_moves():
    figures = compute(lambda school, year: float(school))
    moved = {(s.name, s.value): (s.entered, s.left) for s in figures.sensitivity}
    # 11 %: the cut 3.09 takes school 3 too; 9 %: 2.71, the same two schools.
    assert moved[("low_results_percent", 11.0)] == (1, 0)
    assert moved[("low_results_percent", 9.0)] == (0, 0)
    # 16 % of the context: a fourth school (17).
    assert moved[("unfavourable_percent", 16.0)] == (1, 0)
    # Two results wanted of a school that has one: no index, the two ШНОР leave.
    assert moved[("min_components", 2.0)] == (0, 2)
    # Outside the valid range: no step.
    assert ("min_components", 0.0) not in moved and ("fail_min_assessments", -1.0) not in moved
    assert figures.sensitivity_max == 2 and figures.sensitivity_share == 0.4


def test_missing_data_share_per_year():
    figures = compute(lambda school, year: None if school == 7 and year == 2025 else float(school))
    assert [y.missing_share for y in figures.years] == [0.0, 0.0, 0.05]
    assert figures.missing_share == 0.05


def test_one_data_year_has_no_pairs_and_says_why():
    figures = compute(lambda school, year: float(school), years=(2025,))
    assert figures.pairs == [] and figures.stability is None and figures.auc is None
    assert "двух лет" in figures.reasons["stability"]
    assert figures.sensitivity_max is not None


def test_json_round_trip_and_auc_against_a_reference():
    figures = compute(lambda school, year: float(school))
    again = QualityFigures.from_json(figures.to_json())
    assert again == figures
    assert again.sensitivity[0].changed == figures.sensitivity[0].changed
    # Against its own outcome the AUC is its own; against a reversed one it is 0.
    assert auc_against(figures, figures) == [p.auc for p in figures.pairs]
    reversed_ = compute(lambda school, year: float(-school))
    assert auc_against(figures, reversed_) == [0.0, 0.0]


def test_the_sensitivity_window_gives_the_same_steps_as_all_years(monkeypatch):
    from opora.identification import quality

    def scores(school, year):
        return float(school) + (3.0 if (school + year) % 4 == 0 else 0.0)

    years = (2021, 2022, 2023, 2024, 2025)
    _schools, results, _context = frames(scores, years)
    window = quality.sensitivity_window(results, list(years), params())
    assert window is not None and window.get_column("year").unique().sort().to_list() == [
        2023,
        2024,
        2025,
    ]
    windowed = compute(scores, years=years)
    monkeypatch.setattr(quality, "sensitivity_window", lambda *args: None)
    full = compute(scores, years=years)
    assert windowed.sensitivity == full.sensitivity
