"""The 500+ risk profile: scoring from aggregated answers, groups below the minimum left
out, factors without data never «низкий», direct entry by an analyst, the school card."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opora.core.models import TimelineEvent
from opora.surveys.choices import ProfileSource, QuestionKind
from opora.surveys.models import RiskProfile
from opora.surveys.scoring import (
    FactorPart,
    ItemRule,
    QuestionCounts,
    combine,
    item_score,
    items_to_lines,
    lines_to_items,
)
from opora.surveys.selectors import risk_profile_latest
from opora.surveys.services import risk_profile_compute, risk_profile_enter, risk_profiles_compute
from opora.surveys.tests.helpers import answer, builtin, link_of, open_round

pytestmark = pytest.mark.django_db

SLUGS = ("risk500-director", "risk500-teachers", "risk500-students", "risk500-parents")


@pytest.fixture
def risk_round(world):
    questionnaires = [builtin(s) for s in SLUGS]
    survey_round = open_round(world, questionnaires, title="500+")
    director, teachers, students, _parents = questionnaires
    a = world.school_a
    answer(
        link_of(survey_round, a, director),
        **{"d-computers": "1", "d-internet": 5, "d-labs": "1", "d-vacancies": 2},
    )
    answer(
        link_of(survey_round, a, teachers),
        times=5,
        **{"t-equipment": 1, "t-difficulties": ["1"], "t-load": 20},
    )
    # Three students of school A: below the minimum of ten, so they must not count.
    answer(link_of(survey_round, a, students), times=3, **{"u-computers": "4"})
    # School B: only students, enough of them.
    answer(
        link_of(survey_round, world.school_b, students),
        times=10,
        **{"u-computers": "4", "u-understand": "3"},
    )
    return survey_round


def test_item_scores_from_counts():
    single = ItemRule("q", points={"1": 0, "2": 1, "3": 2})
    assert item_score(single, QuestionCounts(QuestionKind.SINGLE, {"1": 2, "3": 2}), 4) == (0.5, 4)
    assert item_score(single, None, 4) is None
    multiple = ItemRule("m", points={"1": 1, "2": 1, "3": 0})
    # 10 respondents, 5 chose option 1 and 3 chose option 2: (5 + 3) / (10 × 2).
    assert item_score(multiple, QuestionCounts(QuestionKind.MULTIPLE, {"1": 5, "2": 3}), 10) == (
        0.4,
        10,
    )
    number = ItemRule("n", ranges=((None, 1, 0), (1, 3, 1), (3, None, 2)))
    counts = QuestionCounts(QuestionKind.NUMBER, numbers={0.0: 1, 2.0: 2, 7.0: 1})
    assert item_score(number, counts, 4) == ((0 + 2 * 1 + 2) / (4 * 2), 4)
    parts = [FactorPart("director", 0, 3, 35, 60, 1), FactorPart("teachers", 100, 2, 35, 60, 5)]
    assert combine(parts) == (40.0, "medium")
    assert combine([FactorPart("x", 59.9, 1, 35, 60, 1)]) == (59.9, "medium")
    assert combine([FactorPart("x", 60, 1, 35, 60, 1)]) == (60.0, "high")
    assert combine([]) is None


def test_the_form_lines_round_trip():
    items = [
        {"question": "a", "points": {"1": 0.0, "2": 1.5}, "weight": 2.0},
        {"question": "n", "ranges": [[None, 1.0, 0.0], [1.0, None, 2.0]], "weight": 1},
    ]
    text = items_to_lines(items)
    assert text == "a: 1=0, 2=1.5; вес 2\nn: ..1=0, 1..=2"
    assert lines_to_items(text, "X") == [items[0], {"question": "n", "ranges": items[1]["ranges"]}]


def test_the_profile_is_computed_from_groups_with_enough_answers(world, risk_round):
    profile = risk_profile_compute(school=world.school_a, year=2024, user=world.user("analyst"))
    assert profile.source == ProfileSource.QUESTIONNAIRES
    # Director (3 questions, 0 points) and teachers (2 questions, all risky); students ignored.
    assert profile.scores["equipment"] == 40.0
    assert profile.levels["equipment"] == "medium"
    assert {d["group"] for d in profile.details["equipment"]} == {"director", "teachers"}
    # d-vacancies 2 → 1 point of 2; d-nonspecialists «нет» → 0; teachers: 20 hours, one subject.
    assert profile.scores["staff-shortage"] == pytest.approx(round(100 * 0.5 / 5, 1))
    assert profile.levels["staff-shortage"] == "low"
    assert len(profile.levels) == 10  # the director's questionnaire covers every factor
    b = risk_profile_compute(school=world.school_b, year=2024, user=None)
    assert b.levels["equipment"] == "high" and b.scores["equipment"] == 100.0
    # u-interest 3 of 1–5 → 2 of 4 points; u-understand «часто» → 2 of 3.
    assert b.scores["academic-failure"] == pytest.approx(round(100 * (0.5 + 2 / 3) / 2, 1))
    assert b.levels["academic-failure"] == "medium"
    # Students say nothing about these: no data, not «низкий».
    for factor in ("teacher-competence", "no-internal-pd", "special-needs"):
        assert factor not in b.levels
    rows = {r["factor"]: r for r in b.rows()}
    assert rows["special-needs"]["level"] is None and rows["equipment"]["level_label"] == "высокий"
    assert risk_profile_latest(world.user("superuser"), world.school_b) == b


def test_no_profile_without_enough_answers(world, risk_round):
    with pytest.raises(ValidationError) as caught:
        risk_profile_compute(school=world.school_a, year=2023, user=None)
    assert "за 2023/24 учебный год нет анкет 500+" in caught.value.messages[0]
    assert risk_profiles_compute(schools=[world.school_c], year=2024, user=None) == []
    assert not RiskProfile.objects.exists()


def test_round_profiles_and_the_school_card(world, risk_round):
    client = world.client("analyst")
    response = client.post(reverse("surveys:round-profiles", args=[risk_round.pk]), follow=True)
    assert "Профили рисков рассчитаны: 2 из 2 школ" in response.content.decode()
    event = TimelineEvent.objects.get(object_id=str(risk_round.pk), verb="computed")
    assert event.message == "профили рисков 2024/25: 2 из 2 школ"
    assert (
        world.client("director_a")
        .post(reverse("surveys:round-profiles", args=[risk_round.pk]))
        .status_code
        == 404
    )
    card = (
        world.client("director_a").get(world.school_a.get_tab_url("diagnostics")).content.decode()
    )
    assert "Профиль рисков 500+" in card and "по анкетам 500+" in card
    assert 'data-factor="equipment"' in card and "средний" in card
    assert "Рассчитать по анкетам" not in card  # the school does not assess itself
    card = client.get(world.school_a.get_tab_url("diagnostics")).content.decode()
    assert "Рассчитать по анкетам" in card


def test_an_analyst_enters_or_corrects_a_profile(world, risk_round):
    risk_profile_compute(school=world.school_a, year=2024, user=None)
    url = reverse("surveys:profile-enter", args=[world.school_a.pk])
    assert world.client("director_a").get(url).status_code == 404
    assert world.client("curator").get(url).status_code == 404
    assert world.client("outsider").get(url).status_code == 404
    client = world.client("analyst")
    page = client.get(url)
    assert page.context["form"]["level-equipment"].value() == "medium"
    form = {
        "year": 2024,
        "comment": "По итогам выезда 12.11",
        "level-equipment": "high",
        "level-special-needs": "low",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    assert response["Location"] == world.school_a.get_tab_url("diagnostics") + "#risk-profile"
    profile = risk_profile_latest(world.user("superuser"), world.school_a)
    assert profile.source == ProfileSource.ANALYST
    assert profile.levels == {"equipment": "high", "special-needs": "low"}
    assert (
        profile.computed_by == world.user("analyst") and profile.comment == "По итогам выезда 12.11"
    )
    assert profile.scores["equipment"] == 40.0  # the computed figures stay for reference
    assert RiskProfile.objects.filter(school=world.school_a).count() == 2
    empty = client.post(url, {"year": 2024})
    assert "Укажите уровень хотя бы одного фактора риска" in empty.content.decode()
    with pytest.raises(ValidationError):
        risk_profile_enter(
            school=world.school_a, year=2024, levels={"equipment": "huge"}, user=None
        )


def test_computing_one_schools_profile_from_its_card(world, risk_round):
    url = reverse("surveys:profile-compute", args=[world.school_a.pk])
    assert world.client("director_a").post(url, {"year": 2024}).status_code == 404
    assert world.client("outsider").post(url, {"year": 2024}).status_code == 404
    client = world.client("coordinator")
    response = client.post(url, {"year": 2023}, follow=True)
    assert "нет анкет 500+ этой школы" in response.content.decode()
    assert not RiskProfile.objects.exists()
    response = client.post(url, {"year": 2024}, follow=True)
    assert "Профиль рисков рассчитан по анкетам" in response.content.decode()
    assert response.redirect_chain[-1][0] == world.school_a.get_tab_url("diagnostics") + (
        "#risk-profile"
    )
    assert risk_profile_latest(world.user("superuser"), world.school_a).computed_by == world.user(
        "coordinator"
    )
