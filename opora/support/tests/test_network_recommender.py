"""The mentor recommender ranks a designed case as intended: a school like the target with
clearly better results first, a school of another municipality after it, listed schools
and mentors at the limit skipped; the page opens for analysts and coordinators only."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.support.recommender import MentorParams, mentor_proposal, rank, standardise
from opora.support.tests.network_fixtures import approved_run, pair, school

pytestmark = pytest.mark.django_db


def test_rank_on_arrays():
    raw = np.array(
        [
            [40.0, 10.0],  # 0 target
            [39.0, 10.0],  # 1 close, better: first
            [40.0, 10.0],  # 2 identical, results not clearly better: skipped
            [41.0, 11.0],  # 3 listed itself: skipped
            [40.0, 10.5],  # 4 at the mentor limit: skipped
            [39.5, 10.0],  # 5 closer than 1 but another municipality: after 1
            [10.0, 1.0],  # 6 far, much better: last
            [42.0, 12.0],  # 7 results not better, but resilient
            [np.nan, np.nan],  # 8 no context: cannot be compared
        ]
    )
    results = np.array([-1.0, 0.5, -0.8, 1.0, 1.0, 1.0, 2.0, -0.9, 3.0])
    ranked = rank(
        z=standardise(raw),
        weights=np.array([1.0, 1.0]),
        results=results,
        resilient=np.array([False] * 7 + [True, False]),
        listed=np.array([True, False, False, True, False, False, False, False, False]),
        municipality=np.array([0, 0, 0, 0, 0, 1, 0, 0, 0]),
        load=np.array([0, 0, 0, 0, 3, 0, 0, 0, 0]),
        target=0,
        params=MentorParams(results_gap=0.5, municipality_penalty=0.5, max_pairs=3),
    )
    order = ranked.rows.tolist()
    assert order[0] == 1
    assert set(order) == {1, 5, 6, 7}
    assert order.index(5) > order.index(1)
    assert order[-1] == 6
    assert list(ranked.score) == sorted(ranked.score)


def test_standardise_leaves_a_column_without_spread_out():
    z = standardise(np.array([[1.0, 5.0], [3.0, 5.0], [np.nan, 5.0]]))
    assert np.allclose(z[:2, 0], [-0.70710678, 0.70710678])
    assert np.isnan(z[2, 0]) and np.isnan(z[:, 1]).all()


@pytest.fixture
def designed(world):
    """The target (school A, on the list) and schools around it in Город N and Другой город."""
    s = {
        "close": school(world, "Близкая"),
        "same_results": school(world, "Такая же"),
        "listed": school(world, "Сама в списке"),
        "busy": school(world, "Занятая"),
        "far_city": school(world, "Другой город, похожая", world.other_city),
        "different": school(world, "Непохожая"),
        "resilient": school(world, "Устойчивая", world.south),
    }
    rows = [
        {"school": world.school_a, "results": -1.0, "context": (40, 10), "in_list": True},
        {"school": s["close"], "results": 0.5, "context": (39, 10)},
        {"school": s["same_results"], "results": -0.8, "context": (40, 10)},
        {"school": s["listed"], "results": 1.0, "context": (41, 11), "in_list": True},
        {"school": s["busy"], "results": 1.0, "context": (40, 10.5)},
        {"school": s["far_city"], "results": 1.0, "context": (39.5, 10)},
        {"school": s["different"], "results": 2.0, "context": (10, 1)},
        {"school": s["resilient"], "results": -0.9, "context": (42, 12), "resilient": True},
        {"school": world.school_b, "results": 0.0, "context": (20, 3)},
        {"school": world.school_c, "results": 0.0, "context": (25, 4)},
    ]
    approved_run(world, rows)
    for n in range(3):
        pair(school(world, f"Подопечная {n}"), s["busy"])
    return s


def names(proposal):
    return [c.school.short_name for c in proposal.candidates]


def test_a_school_like_the_target_with_better_results_comes_first(world, designed):
    proposal = mentor_proposal(world.user("regional"), world.school_a)
    found = names(proposal)
    assert proposal.problem == ""
    assert found[0] == "Близкая"
    assert "Такая же" not in found  # results not clearly better
    assert "Сама в списке" not in found  # on the list itself
    assert "Занятая" not in found  # already mentors three schools
    assert "Устойчивая" in found  # resilient counts as better
    # Another municipality comes after the same municipality's close school, though closer.
    assert found.index("Другой город, похожая") > found.index("Близкая")
    assert found[-1] in ("Непохожая", "СОШ № 3", "Гимназия № 2")
    first = proposal.candidates[0]
    assert first.values == [39.0, 10.0] and proposal.own_values == [40.0, 10.0]
    assert first.results_gap == pytest.approx(1.5)
    assert first.same_municipality


def test_candidates_the_user_cannot_see_are_not_proposed(world, designed):
    found = names(mentor_proposal(world.user("coordinator"), world.school_a))
    assert "Другой город, похожая" not in found and "СОШ № 3" not in found
    assert found[0] == "Близкая"


def test_a_school_not_on_the_list_gets_a_reason(world, designed):
    proposal = mentor_proposal(world.user("regional"), designed["close"])
    assert proposal.candidates == []
    assert "не в утверждённом списке" in proposal.problem


def test_recommender_reads_a_constant_number_of_queries(world, designed):
    user = world.user("regional")
    mentor_proposal(user, world.school_a)  # the user's roles are read once and kept
    with CaptureQueriesContext(connection) as few:
        mentor_proposal(user, world.school_a)
    for n in range(30):
        school(world, f"Ещё одна {n}")
    with CaptureQueriesContext(connection) as many:
        mentor_proposal(user, world.school_a)
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("analyst", 200),
        ("superuser", 200),
        ("council", 404),
        ("curator", 404),
        ("director_a", 404),
        ("teacher", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_recommender_page_access(world, designed, persona, status):
    url = reverse("support:mentor-recommend", args=[world.school_a.pk])
    response = world.client(persona).get(url)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Близкая" in html and "Доля обучающихся из малоимущих семей" in html


def test_only_coordinators_see_the_pair_button(world, designed):
    url = reverse("support:mentor-recommend", args=[world.school_a.pk])
    make = reverse("support:mentor-pair-create", args=[world.school_a.pk])
    assert make in world.client("coordinator").get(url).content.decode()
    assert make not in world.client("analyst").get(url).content.decode()


def test_recommender_page_shows_the_best_ten_whatever_the_territory(world, designed):
    """The page's list does not grow with the territory: the best `CANDIDATES_SHOWN` (10)
    beside the school's own row, with the same queries for 20 more eligible schools as for
    60 (issue 17). It is a top ten, not a list to page through."""
    from opora.core.tests.rows import queries_and_rows
    from opora.identification.models import SchoolIdentification
    from opora.results.models import ContextIndicator, ContextValue
    from opora.support.recommender import CANDIDATES_SHOWN
    from opora.support.tests.network_fixtures import INDICATORS

    run = SchoolIdentification.objects.get(school=world.school_a).run
    indicators = ContextIndicator.objects.in_bulk(INDICATORS, field_name="code")
    grown = 0

    def grow(n):
        # Eligible (clearly better results) but less like the target than «Близкая».
        nonlocal grown
        for i in range(grown, grown + n):
            candidate = school(world, f"Кандидат {i:03d}")
            SchoolIdentification.objects.create(run=run, school=candidate, results_index=2.0)
            for code, value in zip(INDICATORS, (30 - i / 10, 6), strict=True):
                ContextValue.objects.create(
                    school=candidate, year=run.year, indicator=indicators[code], value=value
                )
        grown += n

    client = world.client("regional")
    url = reverse("support:mentor-recommend", args=[world.school_a.pk])
    grow(20)
    small = queries_and_rows(client, url)
    grow(40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0]
    assert small[1] == big[1] == CANDIDATES_SHOWN + 1  # the school's own row and ten
    html = client.get(url).content.decode()
    assert "Близкая" in html and "Кандидат 000" in html and "Кандидат 059" not in html
