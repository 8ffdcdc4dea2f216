"""Evidence of effect (pure functions with hand-computed numbers, the selector on factories,
its query count), «used by N schools, M like yours» and the constructor's proposals."""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.practices import effect
from opora.practices.choices import PracticeStatus
from opora.practices.effect import (
    VALUES_SCHEMA,
    Comparison,
    compare,
    comparison_notes,
    first_year_after,
    latest_context,
    nearest,
    practice_effect,
    practice_usage,
    usage_for_practices,
)
from opora.practices.models import Adoption
from opora.practices.selectors import practices_for_selection
from opora.practices.tests.factories_effect import (
    context,
    published_practice,
    results,
    similar_schools,
)
from opora.roadmaps.library import SECTIONS

DAY = datetime.date(2025, 9, 1)


def frame(rows):
    return pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row")


# --- Pure functions ---


def test_first_year_after_is_the_spring_of_the_starting_academic_year():
    assert first_year_after(datetime.date(2022, 9, 1)) == 2023
    assert first_year_after(datetime.date(2023, 2, 1)) == 2023
    assert first_year_after(datetime.date(2023, 9, 1)) == 2024


def test_compare_by_hand():
    values = frame(
        [
            # the school: before 2021 20, 2022 (two grades: 28 and 32 → 30); after 10, 14
            (1, 2021, 20.0),
            (1, 2022, 28.0),
            (1, 2022, 32.0),
            (1, 2023, 10.0),
            (1, 2024, 14.0),
            # group: school 2 before 10, after 12; school 3 before 30, after 26
            (2, 2021, 10.0),
            (2, 2023, 12.0),
            (3, 2022, 30.0),
            (3, 2024, 26.0),
            # school 4 has no «after»: left out of the group's means
            (4, 2022, 99.0),
            # school 5 is not in the group
            (5, 2021, 0.0),
            (5, 2023, 100.0),
        ]
    )
    c = compare(
        values,
        school_id=1,
        group_ids=[2, 3, 4],
        first_after=2023,
        label="доля «2»",
        higher_is_better=False,
    )
    assert (c.school_before, c.school_after) == (25.0, 12.0)
    assert (c.school_years_before, c.school_years_after) == (2, 2)
    assert (c.group_before, c.group_after) == (20.0, 19.0)
    assert c.group_schools == 2
    assert c.school_change == -13.0
    assert c.group_change == -1.0
    assert c.difference == -12.0
    # Two comparison schools are too few to state anything.
    assert any("меньше 5" in n for n in c.notes)
    assert c.verdict == ""


def test_notes_and_verdict():
    base = Comparison(
        label="x",
        unit="",
        higher_is_better=False,
        school_before=25.0,
        school_after=12.0,
        school_years_before=2,
        school_years_after=2,
        group_before=20.0,
        group_after=19.0,
        group_schools=6,
    )
    assert comparison_notes(base) == []
    # A lower share of «2» fell more than the group's: better.
    assert "лучшую" in base.verdict
    worse = Comparison(**{**base.__dict__, "higher_is_better": True})
    assert "хуже" in worse.verdict
    none_after = Comparison(
        **{**base.__dict__, "school_after": None, "school_years_after": 0, "small_cohorts": True}
    )
    notes = comparison_notes(none_after)
    assert any("после начала практики" in n for n in notes)
    assert any("малые группы" in n for n in notes)
    assert none_after.difference is None


def test_nearest_skips_target_excluded_and_unknown():
    z = np.array([[0.0], [1.0], [2.0], [10.0], [np.nan]])
    weights = np.array([1.0])
    assert nearest(z, weights, 0, 2).tolist() == [1, 2]
    exclude = np.array([False, True, False, False, False])
    assert nearest(z, weights, 0, 2, exclude=exclude).tolist() == [2, 3]
    assert nearest(z, weights, 3, 10).tolist() == [2, 1, 0]


def test_latest_context_takes_the_newest_value_within_age():
    values = pl.DataFrame(
        [(1, 2020, "a", 1.0), (1, 2022, "a", 2.0), (1, 2024, "a", 9.0), (2, 2019, "a", 5.0)],
        schema={"school_id": pl.Int64, "year": pl.Int32, "indicator": pl.Utf8, "value": pl.Float64},
        orient="row",
    )
    latest = latest_context(values, 2023)
    assert latest.select("school_id", "year", "value").rows() == [(1, 2022, 2.0)]


# --- The selector on factories ---


def _setup(world, similar=8):
    """School A (authors) with results before/after; `similar` schools like it; school B
    (same context) adopted the practice, so it is not compared with."""
    practice = published_practice(world.school_a)
    others = similar_schools(world.north, similar)
    context(
        [(world.school_a, 0.50), (world.school_b, 0.50)]
        + [(s, 0.40 + 0.01 * i) for i, s in enumerate(others)]
    )
    results(world.school_a, {2021: 20.0, 2022: 30.0, 2023: 10.0, 2024: 14.0})
    results(world.school_b, {2021: 50.0, 2023: 0.0})
    for s in others:
        results(s, {2021: 20.0, 2022: 20.0, 2023: 19.0, 2024: 19.0})
    Adoption.objects.create(
        practice=practice, school=world.school_b, adopted_on=datetime.date(2023, 9, 1)
    )
    return practice, others


@pytest.mark.django_db
def test_practice_effect_compares_with_similar_non_adopters(world):
    practice, _others = _setup(world)
    evidence = practice_effect(practice)
    assert evidence.problem == ""
    assert evidence.group_size == 8
    (share,) = evidence.measures
    assert share.label.startswith("ВПР, Математика: доля «2»")
    assert (share.school_before, share.school_after) == (25.0, 12.0)
    # School B (an adopter, 50 → 0) would change the group's means: it is left out.
    assert (share.group_before, share.group_after) == (20.0, 19.0)
    assert share.group_schools == 8
    assert share.difference == -12.0
    assert share.notes == ()
    assert "не доказывает" in evidence.caution


@pytest.mark.django_db
def test_practice_effect_says_why_not(world):
    practice = published_practice(world.school_a, started_on=None)
    assert "Не указано" in practice_effect(practice).problem
    practice = published_practice(world.school_a, title="Другая")
    assert "нет результатов" in practice_effect(practice).problem
    practice = published_practice(world.department, title="Городская")
    assert "не школа" in practice_effect(practice).problem


@pytest.mark.django_db
def test_effect_and_usage_queries_do_not_grow_with_schools(world):
    practice, _others = _setup(world, similar=6)
    director = world.user("director_b")
    practice_effect(practice)  # warm-up: caches that are not per request

    def count():
        user = User.objects.get(pk=director.pk)  # nothing cached on the object
        with CaptureQueriesContext(connection) as queries:
            practice_effect(practice)
            practice_usage(user, practice)
        return queries

    small = count()
    similar_schools(world.south, 30, start=500)
    context([(s, 0.45) for s in similar_schools(world.south, 30, start=600)])
    large = count()
    assert len(large) == len(small)


@pytest.mark.django_db
def test_usage_counts_authors_adopters_and_schools_like_yours(world):
    practice, others = _setup(world)
    later = published_practice(
        world.school_a, title="Версия 2", root=practice, version=2, status=PracticeStatus.DRAFT
    )
    Adoption.objects.create(practice=later, school=others[0], adopted_on=datetime.date(2024, 9, 1))
    # Director B's school: its nearest neighbours are school A and the similar schools.
    usage = practice_usage(world.user("director_b"), practice)
    assert usage.n == 3  # school A (authors), school B, the first similar school
    assert usage.m == 2  # school A and the first similar school are among B's 10 nearest
    # A coordinator has no school: only N.
    assert practice_usage(world.user("coordinator"), practice) == effect.Usage(n=3, m=None)
    page = usage_for_practices(world.user("coordinator"), [practice, later])
    assert page[later.pk].n == 3


# --- The constructor's proposals ---


@pytest.mark.django_db
def test_practices_for_selection_ranks_matches_then_adoptions(world):
    one = published_practice(world.school_a, title="А: один фактор")
    two = published_practice(
        world.school_a,
        title="Б: два фактора",
        risk_factors=["teacher-competence", "academic-failure"],
    )
    popular = published_practice(world.school_c, title="В: один фактор, внедряется")
    Adoption.objects.create(
        practice=popular, school=world.school_b, adopted_on=datetime.date.today()
    )
    published_practice(world.school_a, title="Г: другое", risk_factors=["equipment"])
    published_practice(world.school_a, title="Д: черновик", status=PracticeStatus.DRAFT)
    found = practices_for_selection(
        world.user("director_a"), ["teacher-competence", "academic-failure"], []
    )
    assert [p.practice for p in found] == [two, popular, one]
    assert found[0].section in SECTIONS
    assert found[1].adoptions == 1
    assert practices_for_selection(world.user("director_a"), [], []) == []


@pytest.mark.django_db
def test_effect_page_roles(world):
    practice, _others = _setup(world)
    url = reverse("practices:practice", args=[practice.pk])
    page = world.client("director_a").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Эффект по данным Опоры" in text
    assert "не доказывает" in text
    # Comparison schools are never named.
    assert "СОШ № 100" not in text
    # The adopting school is named for whoever reaches it, counted for the others.
    assert "Гимназия № 2" in world.client("coordinator").get(url).content.decode()
    assert "Гимназия № 2" not in world.client("outsider").get(url).content.decode()
    assert world.client("anonymous").get(url).status_code == 302
    # A draft is its authors' and their handlers' (the bank's access): no adoption offered,
    # nothing for anyone else.
    draft = published_practice(world.school_a, title="Черновик", status=PracticeStatus.DRAFT)
    draft_url = reverse("practices:practice", args=[draft.pk])
    own = world.client("director_a").get(draft_url)
    assert own.status_code == 200 and "Внедрить в школе" not in own.content.decode()
    assert world.client("outsider").get(draft_url).status_code == 404
    assert (
        world.client("director_a").get(reverse("practices:adopt", args=[draft.pk])).status_code
        == 404
    )
