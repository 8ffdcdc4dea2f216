"""Aggregated results: the minimum, who sees what, the territory roll-up, exports, and query
counts that do not grow with responses or schools."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from opora.registry.tests.factories import SchoolFactory
from opora.surveys.tests.helpers import answer, builtin, link_of, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    questionnaire = builtin("satisfaction-parents")
    survey_round = open_round(world, [questionnaire])
    a = link_of(survey_round, world.school_a, questionnaire)
    b = link_of(survey_round, world.school_b, questionnaire)
    answer(
        a,
        times=4,
        **{
            "p-quality": 5,
            "p-conditions": ["1", "2"],
            "p-children": 2,
            "p-wishes": "Больше кружков",
        },
    )
    answer(a, times=2, **{"p-quality": 2, "p-info": "3", "p-children": 1})
    answer(b, times=3)
    return survey_round, questionnaire, a, b


def test_results_are_shown_only_from_the_minimum(world, survey):
    _survey_round, _questionnaire, a, b = survey
    client = world.client("analyst")
    page = client.get(reverse("surveys:link-results", args=[b.pk])).content.decode()
    assert "Недостаточно ответов: 3 из минимальных 5 — результаты не показываются" in page
    assert "Объём домашних заданий" not in page
    response = client.get(reverse("surveys:link-results", args=[a.pk]))
    results = response.context["results"]
    assert results.respondents == 6
    by_code = {r.question.code: r for _s, rows in results.sections for r in rows}
    quality = by_code["p-quality"]
    assert quality.mean == pytest.approx((4 * 5 + 2 * 2) / 6)
    assert {o.value: o.count for o in quality.options} == {"1": 0, "2": 2, "3": 0, "4": 0, "5": 4}
    conditions = by_code["p-conditions"]
    assert conditions.answered == 6
    assert [(o.value, o.count) for o in conditions.options][:3] == [("1", 4), ("2", 4), ("3", 0)]
    assert by_code["p-children"].mean == pytest.approx((4 * 2 + 2 * 1) / 6)
    assert by_code["p-wishes"].texts == ["Больше кружков"] * 4
    assert {o.value: o.count for o in by_code["p-info"].options}["3"] == 2
    page = response.content.decode()
    assert "Ответили: 6" in page and "Больше кружков" in page
    # A school's results reach the minimum as soon as enough people have answered.
    answer(b, times=2)
    page = client.get(reverse("surveys:link-results", args=[b.pk])).content.decode()
    assert "Ответили: 5" in page


def test_who_sees_a_schools_results(world, survey):
    survey_round, _questionnaire, a, b = survey
    url = reverse("surveys:link-results", args=[a.pk])
    for persona in ("analyst", "coordinator", "council", "curator", "director_a", "teacher"):
        assert world.client(persona).get(url).status_code == 200, persona
    for persona in ("director_b", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    assert world.client("anonymous").get(url).status_code == 302  # to the login page
    # The curator's centre runs the round, yet the curator sees only the assigned school.
    curator = world.client("curator")
    assert curator.get(reverse("surveys:link-results", args=[b.pk])).status_code == 404
    page = curator.get(reverse("surveys:round-results", args=[survey_round.pk]))
    assert [school for school, _cells in page.context["table"]] == [world.school_a]
    # Director B sees the round with only school B's link; the outsider not at all.
    page = world.client("director_b").get(survey_round.get_absolute_url())
    assert [link.school for link in page.context["links"]] == [world.school_b]
    assert world.client("outsider").get(survey_round.get_absolute_url()).status_code == 404
    assert (
        world.client("outsider")
        .get(reverse("surveys:round-results", args=[survey_round.pk]))
        .status_code
        == 404
    )
    # Only the round's owner changes it.
    dates = reverse("surveys:round-dates", args=[survey_round.pk])
    form = {"opens_on": "2024-09-01", "closes_on": "2024-09-30"}
    assert world.client("director_a").post(dates, form).status_code == 404
    assert world.client("analyst").post(dates, form).status_code == 302


def test_the_roll_up_counts_only_schools_at_the_minimum(world, survey):
    survey_round, questionnaire, _a, b = survey
    url = reverse("surveys:round-rollup", args=[survey_round.pk, questionnaire.pk])
    response = world.client("coordinator").get(url)
    rollup = response.context["rollup"]
    assert (rollup.schools_counted, rollup.schools_below, rollup.results.respondents) == (1, 1, 6)
    assert "не учтены из-за недостатка ответов: 1" in response.content.decode()
    answer(b, times=3, **{"p-quality": 1})
    rollup = world.client("coordinator").get(url).context["rollup"]
    assert (rollup.schools_counted, rollup.results.respondents) == (2, 12)
    by_code = {r.question.code: r for _s, rows in rollup.results.sections for r in rows}
    assert {o.value: o.count for o in by_code["p-quality"].options}["1"] == 3
    # Director A's roll-up is school A alone: nothing of school B leaks through it.
    rollup = world.client("director_a").get(url).context["rollup"]
    assert rollup.results.respondents == 6


def test_links_and_results_export(world, survey):
    survey_round, questionnaire, a, b = survey
    client = world.client("analyst")
    data = client.get(reverse("surveys:round-links-export", args=[survey_round.pk, "csv"])).content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Код ОО", "Школа", "Респонденты"]
    assert {r[4] for r in rows[1:]} == {
        f"http://testserver/s/{a.token}/",
        f"http://testserver/s/{b.token}/",
    }
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("surveys:round-links-export", args=[survey_round.pk, "xlsx"])
            ).content
        )
    )
    assert book.active.max_row == 3
    book = load_workbook(
        io.BytesIO(client.get(reverse("surveys:round-export", args=[survey_round.pk])).content)
    )
    summary = list(book["Число ответов"].iter_rows(values_only=True))
    assert (
        "SCH-B",
        "Гимназия № 2",
        questionnaire.title,
        3,
        5,
        "недостаточно ответов — не показываются",
    ) in summary
    sheet = list(book.worksheets[1].iter_rows(values_only=True))
    schools = {row[0] for row in sheet[2:]}
    assert schools == {"Все школы (1)", "СОШ № 1"}  # school B is below the minimum
    quality = [r for r in sheet if r[0] == "СОШ № 1" and r[3] == "p-quality" and r[5] == "5"]
    assert quality[0][6:] == (4, 66.7, 4.0)
    assert not any("Больше кружков" in str(cell) for row in sheet for cell in row)
    assert (
        world.client("outsider")
        .get(reverse("surveys:round-export", args=[survey_round.pk]))
        .status_code
        == 404
    )


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_query_counts_do_not_grow(world):
    questionnaire = builtin("risk500-teachers")
    small = open_round(world, [questionnaire], [world.school_a, world.school_b])
    for link in small.links.all():
        answer(link, times=5)
    more_schools = [world.school_a, world.school_b] + [
        SchoolFactory(territory=world.north) for _ in range(6)
    ]
    large = open_round(world, [questionnaire], more_schools)
    for link in large.links.all():
        answer(link, times=12, **{"t-difficulties": ["1", "3"], "t-comment": "Нужна помощь"})
    client = world.client("analyst")
    for name, args in (
        ("surveys:round-results", lambda r: [r.pk]),
        ("surveys:round", lambda r: [r.pk]),
        ("surveys:round-rollup", lambda r: [r.pk, questionnaire.pk]),
        ("surveys:link-results", lambda r: [r.links.get(school=world.school_a).pk]),
    ):
        few = _queries(client, reverse(name, args=args(small)))
        many = _queries(client, reverse(name, args=args(large)))
        assert few == many, (name, few, many)
    assert _queries(client, reverse("surveys:index")) <= 12


def test_round_links_and_results_are_paginated(world):
    """A round's links and its results by school show a page, with the same queries for 20
    schools as for 70 (issue 17)."""
    from opora.core.tests.rows import queries_and_rows

    questionnaire = builtin("risk500-teachers")
    client = world.client("analyst")
    sizes = {}
    for count in (20, 70):
        schools = SchoolFactory.create_batch(count, territory=world.north)
        survey_round = open_round(world, [questionnaire], schools, title=f"Анкетирование {count}")
        answer(survey_round.links.first(), times=2)
        sizes[count] = (
            queries_and_rows(client, reverse("surveys:round", args=[survey_round.pk])),
            queries_and_rows(client, reverse("surveys:round-results", args=[survey_round.pk])),
        )
    assert [q for q, _rows in sizes[70]] == [q for q, _rows in sizes[20]]
    assert [rows for _q, rows in sizes[20]] == [20, 20]
    assert [rows for _q, rows in sizes[70]] == [60, 50]
