"""The multi-year results index, shrinkage for small schools and the tie rules, on synthetic
data with a known truth (issue 16): a school with one bad year of a small cohort is not
listed; a steadily weak small school is; ties at a cut are settled by the methodology's rule
and reported."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from opora.identification.engine import (
    CONTEXT_SCHEMA,
    RESULT_SCHEMA,
    combined_index,
    component_scores,
    identify,
    results_indices,
    sampling_variance,
    usable_results,
)
from opora.identification.methodology import (
    MethodologyError,
    data_problems,
    default_params,
    parse_params,
)
from opora.identification.reasons import cut_warnings

YEARS = (2022, 2023, 2024, 2025)
PUPIL_SD = 12.0  # pupils' scores within a school
SCHOOL_SD = 4.0  # true school means
ONE_BAD_YEAR, STEADY_WEAK_SMALL = 0, 1


def panel(seed: int, schools: int = 400):
    """One work a year (mean score), 12–150 pupils a school; school 0 has a good record and
    one bad year of a cohort of 8 in 2025; school 1 has 10 pupils every year and is truly
    weak, every year."""
    rng = np.random.default_rng(seed)
    truth = rng.normal(0, SCHOOL_SD, schools)
    # Sizes as schools have them: from a dozen pupils to a hundred and fifty.
    size = np.round(np.exp(rng.uniform(np.log(12), np.log(150), schools)))
    truth[ONE_BAD_YEAR], size[ONE_BAD_YEAR] = 0.0, 100.0
    truth[STEADY_WEAK_SMALL], size[STEADY_WEAK_SMALL] = -3.0 * SCHOOL_SD, 10.0
    rows, context_rows = [], []
    for year in YEARS:
        shock = rng.normal(0, 1.0, schools)
        for school in range(schools):
            n = size[school]
            mean = 50 + truth[school] + shock[school] + rng.normal(0, PUPIL_SD / np.sqrt(n))
            if school == ONE_BAD_YEAR and year == 2025:
                n, mean = 8.0, 50 - 2.5 * SCHOOL_SD
            rows.append(
                (school, year, "vpr", "math", 5, n, float(mean), None, None, None, None, None, None)
            )
        for school in range(schools):
            context_rows.append((school, year, "ses-group", float(rng.integers(1, 6))))
    results = pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
    context = pl.DataFrame(context_rows, schema=CONTEXT_SCHEMA, orient="row")
    return pl.DataFrame({"school_id": list(range(schools))}), results, context


def params(**changes):
    """The first version's settings (one year, no shrinkage, every tie in), one work enough."""
    base = replace(
        default_params(),
        min_components=1,
        fail_min_assessments=0,
        index_years=1,
        year_weights=(),
        missing_years="available",
        shrinkage=False,
        tie_rule="all",
    )
    return replace(base, **changes)


def base_params():
    """The base methodology as shipped (three years, shrinkage), one work enough."""
    return replace(default_params(), min_components=1, fail_min_assessments=0)


MULTI_YEAR = {"index_years": 3, "year_weights": (3.0, 2.0, 1.0), "shrinkage": True}


def run(frames, p, year=2025):
    schools, results, context = frames
    return identify(
        schools=schools,
        results=results,
        context=context,
        directions={"ses-group": 1},
        params=p,
        year=year,
    )


def row(outcome, school):
    return outcome.table.filter(pl.col("school_id") == school).row(0, named=True)


@pytest.mark.parametrize(
    ("seed", "settings"),
    [(1, "base"), (2, "base"), (3, "base"), (1, "3:2:1"), (2, "3:2:1")],
)
def test_one_bad_year_is_not_listed_and_a_steadily_weak_small_school_is(seed, settings):
    frames = panel(seed)
    single = run(frames, params())
    # One year: the bad cohort puts the good school on the list.
    assert row(single, ONE_BAD_YEAR)["low_by_index"]
    multi = run(frames, base_params() if settings == "base" else params(**MULTI_YEAR))
    bad = row(multi, ONE_BAD_YEAR)
    assert not bad["low_by_index"]
    weak = row(multi, STEADY_WEAK_SMALL)
    assert weak["low_by_index"]
    # The small school's index is the least sure: its uncertainty is above every big school's.
    big = multi.table.filter(pl.col("school_id") > 1)
    assert weak["results_se"] > big.get_column("results_se").max()


def test_shrinkage_recovers_the_sampling_noise_and_moves_small_schools_most():
    schools, results, context = panel(5, schools=1500)
    p = params(shrinkage=True)
    outcome = run((schools, results, context), p)
    raw = run((schools, results, context), params())
    # In standard scores, a school's sampling variance is PUPIL_SD² / n over the spread of the
    # observed means of its year; the fitted σ² must find it (robust moments: within a fifth).
    spread = results.group_by("year").agg(pl.col("mean_score").var()).get_column("mean_score")
    indices = results_indices(component_scores(usable_results(results, p), p), p)
    assert sampling_variance(indices) == pytest.approx(PUPIL_SD**2 / spread.mean(), rel=0.2)
    moved = raw.table.select("school_id", pl.col("results_index").alias("raw")).join(
        outcome.table.select("school_id", "results_index", "results_se"), on="school_id"
    )
    moved = moved.with_columns((pl.col("raw") - pl.col("results_index")).abs().alias("shift"))
    sizes = results.filter(pl.col("year") == 2025).select("school_id", "participants")
    moved = moved.join(sizes, on="school_id")
    # Shrinking never pushes a school past the mean, and small schools move further.
    assert (moved.get_column("raw") * moved.get_column("results_index") >= 0).all()
    small = moved.filter(pl.col("participants") < 60).get_column("shift").mean()
    large = moved.filter(pl.col("participants") > 100).get_column("shift").mean()
    assert small > 1.5 * large


def test_without_participant_noise_nothing_is_shrunk():
    # Every school the same size: the noise is the same, its slope cannot be told from the
    # spread, and the index is left as it is.
    schools, results, context = panel(4)
    results = results.with_columns(pl.lit(60.0).alias("participants"))
    shrunk = run((schools, results, context), params(shrinkage=True)).table
    plain = run((schools, results, context), params()).table
    assert np.allclose(
        shrunk.get_column("results_index").to_numpy(), plain.get_column("results_index").to_numpy()
    )


def test_the_missing_years_rules():
    indices = pl.DataFrame(
        {
            "school_id": [1, 1, 1, 2, 2, 3, 3],
            "year": [2025, 2024, 2023, 2025, 2023, 2024, 2023],
            "year_index": [1.0, 2.0, 3.0, 1.0, 4.0, 2.0, 3.0],
            "noise": [0.1] * 7,
        }
    )
    window = [2025, 2024, 2023]

    def index(rule):
        p = params(index_years=3, year_weights=(3.0, 2.0, 1.0), missing_years=rule)
        frame = combined_index(indices, window, p)
        return dict(zip(frame["school_id"], frame["results_index"], strict=True))

    available = index("available")
    assert available[1] == pytest.approx((3 * 1 + 2 * 2 + 1 * 3) / 6)
    assert available[2] == pytest.approx((3 * 1 + 1 * 4) / 4)  # weights of the years it has
    assert available[3] == pytest.approx((2 * 2 + 1 * 3) / 3)
    assert set(index("latest")) == {1, 2}  # school 3 has no 2025
    assert set(index("all")) == {1}


def tied_frames():
    """20 schools; the context indicator takes five values, four schools each: the bottom
    15 % (3 schools) falls inside the four at the lowest value."""
    rows, context_rows = [], []
    for school in range(20):
        rows.append(
            (
                school,
                2025,
                "vpr",
                "math",
                5,
                50.0,
                40.0 + school,
                None,
                None,
                None,
                None,
                None,
                None,
            )
        )
        context_rows.append((school, 2025, "ses-group", float(school // 4 + 1)))
    results = pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")
    context = pl.DataFrame(context_rows, schema=CONTEXT_SCHEMA, orient="row")
    return pl.DataFrame({"school_id": list(range(20))}), results, context


@pytest.mark.parametrize(
    ("rule", "chosen"), [("all", {0, 1, 2, 3}), ("none", set()), ("secondary", {0, 1, 2})]
)
def test_ties_at_the_cut_follow_the_rule_and_are_reported(rule, chosen):
    outcome = run(tied_frames(), params(tie_rule=rule, unfavourable_percent=15.0))
    flagged = set(outcome.table.filter(pl.col("unfavourable")).get_column("school_id"))
    assert flagged == chosen
    report = outcome.cuts[1]
    assert (report.measure, report.schools, report.target) == ("context", 20, 3)
    assert report.selected == len(chosen) and report.tied == 4
    (warning,) = cut_warnings([report])
    assert "должно войти школ: 3 из 20, вошло: " in warning
    assert "одинаковое значение на пороге (−1,38) у школ: 4" in warning


def test_no_tie_no_warning_and_the_old_size():
    outcome = run(tied_frames(), params(unfavourable_percent=20.0))
    report = outcome.cuts[1]
    # Exactly the four lowest: nothing to settle.
    assert (report.target, report.selected, report.tied) == (4, 4, 0)
    assert cut_warnings([report]) == []


def test_bad_settings_are_refused_in_russian():
    with pytest.raises(MethodologyError) as error:
        parse_params(
            {
                **default_params().to_dict(),
                "index_years": 2,
                "year_weights": [0, 1],
                "missing_years": "maybe",
            }
        )
    text = " ".join(error.value.problems)
    assert "Вес года расчёта должен быть больше нуля" in text
    assert "«missing_years» = «maybe»" in text


def test_data_problems_name_what_is_missing():
    p = params(**MULTI_YEAR, tie_rule="secondary")
    problems = data_problems(p, 2016, data_years=[2015, 2016], without_participants=[("ЕГЭ", 2016)])
    assert len(problems) == 2
    assert "входят 3 года(лет) (веса 3, 2, 1)" in problems[0] and "2015 г., 2016 г." in problems[0]
    assert "«ЕГЭ» за 2016 г. нет числа участников" in problems[1]
    assert data_problems(p, 2025, data_years=[2023, 2024, 2025], without_participants=[]) == []


def test_a_tie_the_second_index_cannot_settle_enters_whole_and_is_reported():
    schools, results, context = tied_frames()
    # Ten schools share the lowest results and there is no context to order them by.
    results = results.with_columns(
        pl.when(pl.col("school_id") < 10).then(40.0).otherwise(50.0).alias("mean_score")
    )
    outcome = run((schools, results, context.clear()), params(tie_rule="secondary"))
    report = outcome.cuts[0]
    assert (report.target, report.tied, report.selected, report.unresolved) == (2, 10, 10, 10)
    assert (
        "Равных и по второму индексу (или без него) школ: 10 — они вошли все"
        in (cut_warnings([report])[0])
    )
