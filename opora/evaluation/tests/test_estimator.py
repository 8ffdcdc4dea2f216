"""The estimator on synthetic panels with a known answer (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from opora.evaluation import estimator as est
from opora.evaluation.estimator import Panel, estimate, synthetic_panel

DELTA = 0.3


def test_a_planted_effect_is_recovered_within_the_interval() -> None:
    result = estimate(synthetic_panel(effect=DELTA, seed=3))
    assert result.ok, result.reasons
    assert result.did is not None
    assert result.did.low < DELTA < result.did.high
    # The interval excludes zero: an effect of 0.3 with 60 treated schools is detectable.
    assert result.did.low > 0
    # The post-support event-study rows carry the effect, the pre-support rows do not.
    after = [e for e in result.events if e["after"]]
    assert after and all(e["low"] < DELTA < e["high"] for e in after)
    assert not result.pretrend_differs
    # Matching balances the pre-support covariates that differed before.
    for row in result.balance:
        assert abs(row["after"]) < 0.2 * abs(row["before"]) or abs(row["before"]) < 0.25


def test_no_effect_gives_an_interval_covering_zero() -> None:
    result = estimate(synthetic_panel(effect=0.0, seed=3))
    assert result.did is not None and result.did.covers_zero


def test_the_interval_has_about_nominal_coverage() -> None:
    """Over 40 independent panels, the 95 % interval holds the planted δ about 95 % of the
    time (at least 34 of 40: the chance of fewer with true 95 % coverage is below 0.1 %)."""
    hits = 0
    for seed in range(40):
        panel = synthetic_panel(schools=200, treated=40, years=5, effect=DELTA, seed=100 + seed)
        result = estimate(panel, replications=200)
        assert result.did is not None
        hits += result.did.low <= DELTA <= result.did.high
    assert 34 <= hits <= 40


def test_diverging_pre_trends_are_flagged() -> None:
    result = estimate(synthetic_panel(effect=DELTA, pre_trend=0.15, seed=3))
    assert result.pretrend is not None and result.pretrend_differs
    assert result.pretrend.low > 0
    parallel = estimate(synthetic_panel(effect=DELTA, seed=3))
    assert not parallel.pretrend_differs


def test_too_few_schools_give_no_estimate_with_the_reason() -> None:
    result = estimate(synthetic_panel(schools=100, treated=6, seed=3))
    assert not result.ok and result.did is None
    assert result.reasons == [est.TOO_FEW_TREATED]


def test_no_comparison_schools() -> None:
    panel = synthetic_panel(schools=40, treated=40, seed=3)
    result = estimate(panel)
    assert result.reasons == [est.NO_COMPARISON]


def test_too_short_before_or_after() -> None:
    one_before = synthetic_panel(years=3, first_post=2021, seed=3)
    assert est.TOO_FEW_PRE_YEARS in estimate(one_before).reasons
    none_after = synthetic_panel(years=4, first_post=2025, seed=3)
    assert est.NO_POST_YEARS in estimate(none_after).reasons


def test_a_caliper_leaves_far_schools_unmatched() -> None:
    result = estimate(synthetic_panel(effect=DELTA, seed=3), caliper=0.2)
    assert result.n_unmatched > 0
    assert result.n_matched + result.n_unmatched == result.n_treated
    nobody = estimate(synthetic_panel(effect=DELTA, seed=3), caliper=0.0001)
    assert nobody.reasons == [est.TOO_FEW_MATCHED] and nobody.n_matched < est.MIN_TREATED


def test_the_same_data_and_seed_give_the_same_numbers() -> None:
    panel = synthetic_panel(effect=DELTA, seed=5)
    first = estimate(panel).to_json()
    # The same panel with its schools in another order: the same figures.
    order = np.random.default_rng(1).permutation(len(panel.school_ids))
    shuffled = Panel(
        panel.school_ids[order],
        panel.years,
        panel.outcome[order],
        panel.first_post[order],
        panel.context[order],
    )
    assert estimate(panel).to_json() == first
    again = estimate(shuffled).to_json()
    assert again["did"]["estimate"] == pytest.approx(first["did"]["estimate"], abs=1e-9)
    assert again["n_matched"] == first["n_matched"]


def test_missing_values_are_weighted_out() -> None:
    panel = synthetic_panel(effect=DELTA, seed=3)
    panel.outcome[::7, 0] = np.nan
    panel.context[::5] = np.nan
    result = estimate(panel)
    assert result.ok and result.did is not None
    assert result.did.low < DELTA < result.did.high


def test_staggered_cohorts_are_matched_within_their_year() -> None:
    early = synthetic_panel(schools=300, treated=40, years=6, first_post=2024, effect=DELTA)
    early.first_post[(early.first_post == 0)[:] & (np.arange(300) % 10 == 0)] = 2025
    result = estimate(early)
    assert result.ok
    assert {e["year"] for e in result.events} == {None}
