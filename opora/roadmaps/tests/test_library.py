"""The measure library: coverage of the 500+ risk factors, problem types and topics, the shape of
every measure and the selection the programme constructor makes with ``measures_for``.

Pure data tests: no database, no Django setup beyond importing the choices.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from opora.roadmaps.choices import MeasureTopic
from opora.roadmaps.library import MEASURES, PROBLEM_TYPES, SECTIONS, Measure, measures_for
from opora.surveys.choices import RiskFactor

BASELINE = [m for m in MEASURES if m.baseline]
SECTION_INDEX = {section: index for index, section in enumerate(SECTIONS)}
LIBRARY_INDEX = {m.code: index for index, m in enumerate(MEASURES)}
TEXT_FIELDS = ("code", "section", "text", "schedule", "responsible", "result", "document")
# What follows the last comma of an indicator: the unit it is measured in.
UNITS = {"%", "чел.", "ед.", "да/нет", "тыс. руб.", "Мбит/с", "ставок"}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _is_in_library_order(measures: list[Measure]) -> bool:
    """Sections in SECTIONS order; within a section baseline first, then the library's order."""
    keys = [(SECTION_INDEX[m.section], not m.baseline, LIBRARY_INDEX[m.code]) for m in measures]
    return keys == sorted(keys)


# --- size, identity -------------------------------------------------------------------------


def test_the_library_has_at_least_64_measures():
    assert len(MEASURES) >= 64
    assert all(isinstance(m, Measure) for m in MEASURES)


def test_codes_are_unique_stable_slugs():
    codes = [m.code for m in MEASURES]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code


def test_texts_are_unique():
    texts = [m.text for m in MEASURES]
    assert len(set(texts)) == len(texts)
    normalised = {" ".join(t.lower().split()) for t in texts}
    assert len(normalised) == len(texts)


def test_measures_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MEASURES[0].text = "другое"


# --- sections -------------------------------------------------------------------------------


def test_sections_are_six_to_nine_numbered_in_order():
    assert 6 <= len(SECTIONS) <= 9
    assert len(set(SECTIONS)) == len(SECTIONS)
    for number, section in enumerate(SECTIONS, start=1):
        assert section.startswith(f"{number}. "), section
        assert CYRILLIC.search(section), section


def test_every_measure_is_in_a_section_and_every_section_has_measures():
    assert all(m.section in SECTIONS for m in MEASURES)
    assert {m.section for m in MEASURES} == set(SECTIONS)


# --- every field ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_every_text_field_is_filled(field):
    empty = [m.code for m in MEASURES if not getattr(m, field).strip()]
    assert not empty, f"{field} empty in {empty}"


@pytest.mark.parametrize("field", ("text", "schedule", "responsible", "result", "document"))
def test_the_wording_is_russian(field):
    latin_only = [m.code for m in MEASURES if not CYRILLIC.search(getattr(m, field))]
    assert not latin_only, f"{field} not in Russian in {latin_only}"


def test_every_measure_has_one_to_three_measurable_indicators():
    for measure in MEASURES:
        assert isinstance(measure.indicators, tuple), measure.code
        assert 1 <= len(measure.indicators) <= 3, measure.code
        assert len(set(measure.indicators)) == len(measure.indicators), measure.code
        for indicator in measure.indicators:
            assert indicator.strip() and CYRILLIC.search(indicator), measure.code
            unit = indicator.rsplit(", ", 1)[-1] if ", " in indicator else ""
            assert unit in UNITS, f"{measure.code}: no unit in «{indicator}»"


def test_tags_are_known_and_not_repeated():
    for measure in MEASURES:
        assert all(isinstance(f, RiskFactor) for f in measure.risk_factors), measure.code
        assert all(isinstance(t, MeasureTopic) for t in measure.topics), measure.code
        assert set(measure.problem_types) <= set(PROBLEM_TYPES), measure.code
        for tags in (measure.risk_factors, measure.problem_types, measure.topics):
            assert len(set(tags)) == len(tags), measure.code


def test_every_measure_can_be_proposed():
    """A measure that is neither baseline nor tagged would never reach a programme."""
    unreachable = [
        m.code
        for m in MEASURES
        if not (m.baseline or m.risk_factors or m.problem_types or m.topics)
    ]
    assert not unreachable


# --- coverage -------------------------------------------------------------------------------


def test_problem_types_are_the_six_of_seed_004():
    assert PROBLEM_TYPES == {
        "social-institution": "Школа с признаками социального учреждения",
        "depressed-territory": "Школа на территории с признаками депрессивности",
        "low-staff-potential": "Школа с низким уровнем кадрового потенциала",
        "ineffective-management": "Школа с признаками неэффективного управления",
        "high-deviation": "Школа с высоким уровнем девиации детей",
        "parental-deprivation": "Школа с высоким уровнем депривации родителей",
    }


@pytest.mark.parametrize("factor", list(RiskFactor))
def test_every_risk_factor_has_at_least_4_measures(factor):
    assert sum(factor in m.risk_factors for m in MEASURES) >= 4


@pytest.mark.parametrize("problem_type", list(PROBLEM_TYPES))
def test_every_problem_type_has_at_least_3_measures(problem_type):
    assert sum(problem_type in m.problem_types for m in MEASURES) >= 3


@pytest.mark.parametrize(
    "topic", [MeasureTopic.STAFF_DEVELOPMENT, MeasureTopic.PARENTS, MeasureTopic.OBJECTIVITY]
)
def test_staff_parents_and_objectivity_have_at_least_4_measures(topic):
    assert sum(topic in m.topics for m in MEASURES) >= 4


def test_four_to_six_baseline_measures():
    assert 4 <= len(BASELINE) <= 6


def test_baseline_covers_the_start_and_the_end_of_a_programme():
    """Working group, self-diagnostics, approval by order, analysis of results, self-analysis."""
    texts = " ".join(m.text.lower() for m in BASELINE)
    documents = " ".join(m.document.lower() for m in BASELINE)
    for word in ("рабочей группы", "самодиагностика", "утверждение", "анализ", "самоанализ"):
        assert word in texts, word
    assert "приказ" in documents


# --- measures_for ---------------------------------------------------------------------------


def test_nothing_chosen_gives_only_the_baseline():
    chosen = measures_for()
    assert {m.code for m in chosen} == {m.code for m in BASELINE}
    assert len(chosen) == len(BASELINE)
    assert _is_in_library_order(chosen)


def test_unknown_codes_give_only_the_baseline():
    chosen = measures_for(risk_factors=["no-such"], problem_types=["nope"], topics=["x"])
    assert [m.code for m in chosen] == [m.code for m in measures_for()]


@pytest.mark.parametrize("factor", list(RiskFactor))
def test_one_factor_gives_the_baseline_and_its_measures(factor):
    chosen = measures_for(risk_factors=[factor])
    expected = {m.code for m in MEASURES if m.baseline or factor in m.risk_factors}
    assert {m.code for m in chosen} == expected
    assert len(chosen) == len(expected)
    assert _is_in_library_order(chosen)


@pytest.mark.parametrize("problem_type", list(PROBLEM_TYPES))
def test_one_problem_type_gives_the_baseline_and_its_measures(problem_type):
    chosen = measures_for(problem_types=[problem_type])
    expected = {m.code for m in MEASURES if m.baseline or problem_type in m.problem_types}
    assert {m.code for m in chosen} == expected
    assert _is_in_library_order(chosen)


@pytest.mark.parametrize("topic", list(MeasureTopic))
def test_one_topic_gives_the_baseline_and_its_measures(topic):
    chosen = measures_for(topics=[topic])
    expected = {m.code for m in MEASURES if m.baseline or topic in m.topics}
    assert {m.code for m in chosen} == expected
    assert _is_in_library_order(chosen)


def test_criteria_are_combined_with_or():
    chosen = measures_for(
        risk_factors=[RiskFactor.EQUIPMENT],
        problem_types=["high-deviation"],
        topics=[MeasureTopic.OBJECTIVITY],
    )
    expected = {
        m.code
        for m in MEASURES
        if m.baseline
        or RiskFactor.EQUIPMENT in m.risk_factors
        or "high-deviation" in m.problem_types
        or MeasureTopic.OBJECTIVITY in m.topics
    }
    assert {m.code for m in chosen} == expected


def test_a_measure_matching_several_criteria_comes_once():
    # The first measure tagged with two risk factors and two problem types.
    multi = next(m for m in MEASURES if len(m.risk_factors) >= 2 and len(m.problem_types) >= 2)
    chosen = measures_for(
        risk_factors=[*multi.risk_factors, *multi.risk_factors],
        problem_types=multi.problem_types,
        topics=multi.topics,
    )
    codes = [m.code for m in chosen]
    assert codes.count(multi.code) == 1
    assert len(codes) == len(set(codes))


def test_baseline_measures_are_never_duplicated_when_also_matched():
    tagged_baseline = next(m for m in BASELINE if m.risk_factors or m.topics)
    chosen = measures_for(risk_factors=tagged_baseline.risk_factors, topics=tagged_baseline.topics)
    codes = [m.code for m in chosen]
    assert codes.count(tagged_baseline.code) == 1


def test_everything_chosen_gives_the_whole_library_in_section_order():
    chosen = measures_for(
        risk_factors=list(RiskFactor), problem_types=list(PROBLEM_TYPES), topics=list(MeasureTopic)
    )
    assert len(chosen) == len(MEASURES)
    assert {m.code for m in chosen} == {m.code for m in MEASURES}
    assert _is_in_library_order(chosen)
    sections = [SECTION_INDEX[m.section] for m in chosen]
    assert sections == sorted(sections)


def test_plain_strings_and_enum_members_select_the_same():
    by_enum = measures_for(risk_factors=[RiskFactor.SPECIAL_NEEDS], topics=[MeasureTopic.PARENTS])
    by_string = measures_for(risk_factors=["special-needs"], topics=["parents"])
    assert [m.code for m in by_enum] == [m.code for m in by_string]


def test_one_shot_iterables_are_accepted():
    by_list = measures_for(risk_factors=["academic-failure", "school-climate"])
    by_generator = measures_for(risk_factors=(f for f in ["academic-failure", "school-climate"]))
    assert [m.code for m in by_generator] == [m.code for m in by_list]


def test_measures_for_does_not_change_the_library():
    before = list(MEASURES)
    measures_for(risk_factors=list(RiskFactor))
    assert list(MEASURES) == before
