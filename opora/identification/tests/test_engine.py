"""The identification engine on synthetic data with a known truth, and at its thresholds."""

from __future__ import annotations

import random
from dataclasses import replace

import polars as pl
import pytest

from opora.identification.bench import DIRECTIONS as BENCH_DIRECTIONS
from opora.identification.bench import generate
from opora.identification.bench_floor import compare, floor_identify
from opora.identification.engine import (
    CONTEXT_SCHEMA,
    RESULT_SCHEMA,
    component_scores,
    identify,
    results_indices,
    usable_results,
    year_indices,
)
from opora.identification.methodology import (
    BASE_METHODOLOGY,
    MethodologyError,
    default_params,
    parse_params,
)

YEARS = (2021, 2022, 2023, 2024, 2025)
DIRECTIONS = {"low-income": -1, "ses-group": 1}


def frames(rows, context_rows):
    results = pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
    context = pl.DataFrame(context_rows, schema=CONTEXT_SCHEMA, orient="row")
    return results, context


def result_row(
    school, year, subject, grade, mean, fail, participants=25.0, lower=None, raise_=None
):
    return (
        school,
        year,
        "vpr",
        subject,
        grade,
        participants,
        mean,
        fail,
        None,
        None,
        None,
        lower,
        raise_,
    )


def synthetic(seed=7, schools=120):
    """Results follow context; schools 0–3 are weak, 4–7 resilient (hard context, good results)."""
    rng = random.Random(seed)
    context_of = {s: rng.gauss(0, 1) for s in range(schools)}
    for s in range(4, 8):
        context_of[s] = -2.0 - 0.1 * s
    rows, context_rows = [], []
    for school in range(schools):
        c = context_of[school]
        quality = 0.6 * c + rng.gauss(0, 0.3)
        if school < 4:
            quality = 0.6 * c - 2.5
        elif school < 8:
            quality = 0.6 * c + 2.5
        for year in YEARS:
            level = quality + rng.gauss(0, 0.15)
            for subject in ("rus", "math"):
                for grade in (5, 6):
                    fail = max(0.0, min(100.0, 15 - 9 * level + rng.gauss(0, 2)))
                    rows.append(result_row(school, year, subject, grade, 12 + 3 * level, fail))
            context_rows.append((school, year, "low-income", 20 - 8 * c))
    return frames(rows, context_rows), schools


def run_engine(results, context, schools, params=None, year=2025):
    return identify(
        schools=pl.DataFrame({"school_id": list(range(schools))}),
        results=results,
        context=context,
        directions=DIRECTIONS,
        params=params or default_params(),
        year=year,
    )


def flags(outcome, column):
    return set(outcome.table.filter(pl.col(column)).get_column("school_id").to_list())


def test_planted_weak_and_resilient_schools_are_found():
    (results, context), n = synthetic()
    outcome = run_engine(results, context, n)
    assert {0, 1, 2, 3} <= flags(outcome, "low_results")
    assert {4, 5, 6, 7} <= flags(outcome, "resilient")
    assert {4, 5, 6, 7} <= flags(outcome, "unfavourable")
    assert not {4, 5, 6, 7} & flags(outcome, "low_results")
    # Context explains results: the slope of the regression is clearly positive.
    assert outcome.regression.slope > 0.3
    weak = outcome.table.filter(pl.col("school_id") == 0).row(0, named=True)
    assert weak["years_in_status"] == 5 and weak["change"] == "stayed"
    assert weak["residual_z"] < -1


def test_same_data_same_result_whatever_the_row_order():
    (results, context), n = synthetic()
    first = run_engine(results, context, n).table
    shuffled = results.sample(fraction=1.0, shuffle=True, seed=3)
    second = run_engine(shuffled.sort("school_id", "year", "subject", "grade"), context, n).table

    # Sums in another order differ in the last bits; stored figures are rounded (services).
    def rounded(frame):
        return frame.with_columns(pl.col(pl.Float64).round(9))

    assert rounded(first).equals(rounded(second))


def test_a_school_exactly_at_the_cut_is_in_the_list():
    # One work, eleven schools with means 0…10: the 10 % quantile (linear) is exactly 1.
    rows = [result_row(s, 2025, "math", 5, float(s), 0.0) for s in range(11)]
    results, context = frames(rows, [])
    params = replace(default_params(), min_components=1, fail_min_assessments=0)
    outcome = run_engine(results, context, 11, params)
    cut_school = outcome.table.filter(pl.col("school_id") == 1).row(0, named=True)
    assert outcome.results_cut == pytest.approx(cut_school["results_index"])
    assert flags(outcome, "low_by_index") == {0, 1}


def test_share_of_fails_exactly_at_the_threshold_counts():
    rows = []
    for year in (2024, 2025):
        for school, fail in ((0, 30.0), (1, 29.9), (2, 5.0), (3, 5.0)):
            for subject in ("rus", "math"):
                rows.append(result_row(school, year, subject, 5, 10.0 + school, fail))
    results, context = frames(rows, [])
    params = replace(default_params(), low_results_percent=0)
    outcome = run_engine(results, context, 4, params)
    assert flags(outcome, "low_by_fail") == {0}
    # One year is not two years running.
    only_one_year = run_engine(results.filter(pl.col("year") == 2025), context, 4, params)
    assert flags(only_one_year, "low_by_fail") == set()


def test_too_few_participants_is_no_data_not_zero():
    rows = [result_row(s, 2025, "math", 5, 10.0 + s, 10.0) for s in range(5)]
    rows += [result_row(s, 2025, "rus", 5, 10.0 + s, 10.0) for s in range(5)]
    rows += [
        result_row(5, 2025, subject, 5, 0.0, 90.0, participants=4.0) for subject in ("rus", "math")
    ]
    results, context = frames(rows, [])
    outcome = run_engine(results, context, 7)
    assert flags(outcome, "insufficient_data") == {5, 6}
    assert 5 not in flags(outcome, "low_results")


def test_risk_group_and_objectivity():
    (results, context), n = synthetic()
    # School 10 falls three years running; school 11 jumps; school 12's marks are raised.
    results = results.with_columns(
        pl.when(pl.col("school_id") == 10)
        .then(pl.col("mean_score") - (pl.col("year") - 2022).clip(0) * 2.5)
        .when((pl.col("school_id") == 11) & (pl.col("year") == 2025))
        .then(pl.col("mean_score") + 12)
        .otherwise(pl.col("mean_score"))
        .alias("mean_score"),
        pl.when((pl.col("school_id") == 12) & (pl.col("year") == 2025))
        .then(40.0)
        .otherwise(None)
        .alias("share_raise"),
    )
    outcome = run_engine(results, context, n)
    assert 10 in flags(outcome, "falling")
    assert 10 in flags(outcome, "risk") or 10 in flags(outcome, "low_results")
    assert {11, 12} <= flags(outcome, "objectivity")
    assert 12 in flags(outcome, "objectivity_marks") and 11 in flags(outcome, "jump")


def test_problem_types_from_context():
    (results, context), n = synthetic()
    context = pl.concat(
        [
            context,
            pl.DataFrame(
                [(0, 2025, "registered-deviant", 7.0), (1, 2025, "registered-deviant", 4.0)],
                schema=CONTEXT_SCHEMA,
                orient="row",
            ),
        ]
    )
    outcome = run_engine(results, context, n)
    types = dict(outcome.table.select("school_id", "problem_types").iter_rows())
    assert "high-deviation" in types[0]
    assert "high-deviation" not in types[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"results_components": [{"assessment": "vpr", "weight": 0}]},
            "Все веса индекса результатов",
        ),
        ({"low_results_percent": -5}, "от 0 до 100"),
        ({"min_participants": -1}, "не может быть отрицательным"),
        (
            {"context_components": [{"indicator": "no-such", "weight": 1}]},
            "«no-such» нет в справочнике",
        ),
        ({"results_components": [{"assessment": "vpr", "measure": "magic"}]}, "«magic» неизвестен"),
        ({"results_components": []}, "ни один показатель"),
        ({"unknown_knob": 1}, "Неизвестные параметры"),
    ],
)
def test_senseless_methodology_is_refused_with_a_reason(change, message):
    with pytest.raises(MethodologyError) as info:
        parse_params(
            {**BASE_METHODOLOGY, **change},
            indicators={"low-income", "ses-group"}
            | {c["indicator"] for c in BASE_METHODOLOGY["context_components"]}
            | {
                cond["indicator"]
                for t in BASE_METHODOLOGY["problem_types"]
                for cond in t["conditions"]
            },
        )
    assert any(message in p for p in info.value.problems), info.value.problems


def test_the_two_pass_index_equals_the_per_component_one():
    """`year_indices` (the engine's path) gives what the per-component path gives: with counts
    of participants missing (the work's median stands in), a work written by one school, a
    work where all schools are alike, a component limited to a subject and grade, and a
    weighted measure taken twice."""
    (results, _), _ = synthetic(schools=40)
    results = results.with_columns(
        participants=pl.when(pl.col("school_id") % 5 == 0).then(None).otherwise("participants"),
        share_good=pl.when(pl.col("subject") == "math").then(50.0).otherwise(pl.col("mean_score")),
    )
    lonely = pl.DataFrame([result_row(3, 2025, "bio", 7, 14.0, 10.0)], RESULT_SCHEMA, orient="row")
    results = pl.concat([results, lonely])
    data = dict(BASE_METHODOLOGY)
    data["results_components"] = [
        *BASE_METHODOLOGY["results_components"],
        {"assessment": "vpr", "subject": "rus", "grade": 5, "measure": "mean_score", "weight": 2},
        {"assessment": "*", "subject": "*", "grade": 0, "measure": "share_good", "weight": 0.5},
    ]
    params = replace(parse_params(data), min_components=3)
    expected = results_indices(component_scores(usable_results(results, params), params), params)
    got = year_indices(results, params)
    assert got.schema == expected.schema
    both = expected.join(got, on=["school_id", "year"], how="full", coalesce=True)
    assert both.height == expected.height == got.height
    assert both.filter(pl.col("components") != pl.col("components_right")).is_empty()
    for name in ("year_index", "noise"):
        assert both.filter(pl.col(name).is_null() != pl.col(f"{name}_right").is_null()).is_empty()
        assert both.select((pl.col(name) - pl.col(f"{name}_right")).abs().max()).item() < 1e-12


def test_the_bench_floor_computes_what_the_engine_does():
    """The floor of `opora bench identify` is only a floor if it gives the engine's flags and
    indices for every school; the bench refuses to report a floor that differs."""
    school_frame, results, context = generate(300)
    arguments = {
        "schools": school_frame,
        "results": results,
        "context": context,
        "directions": BENCH_DIRECTIONS,
        "params": default_params(),
        "year": 2025,
    }
    table = identify(**arguments).table
    floor = floor_identify(**arguments)
    assert compare(table, floor) == []
    assert table.get_column("low_results").sum() and table.get_column("risk").sum()
    # A floor that missed one flag is caught.
    assert compare(table, floor.with_columns(~pl.col("resilient"))) == [
        "resilient: различается у 300 школ"
    ]
