"""«Анализ результатов оценочной процедуры»: figures by hand on a small territory, refusals,
determinism, a query count that does not grow with schools, and the demo."""

from __future__ import annotations

import json
import statistics
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.core import dates
from opora.registry.models import Territory
from opora.registry.tests.factories import SchoolFactory
from opora.reports.builders.assessment import build_assessment
from opora.reports.choices import ReportKind
from opora.reports.content import ReportContent
from opora.reports.kinds import ReportParams, builder_for
from opora.results.models import Assessment, SchoolResult, Subject

# (participants, mean score, share of «2») of ВПР mathematics, grade 5.
TABLE = {
    2025: {
        "A": (20, 10.0, 30.0),
        "B": (30, 14.0, 10.0),
        "D": (10, 12.0, 20.0),
        "E": (40, 16.0, 5.0),
    },
    2024: {
        "A": (20, 13.0, 15.0),
        "B": (30, 14.0, 12.0),
        "D": (10, 12.0, 20.0),
        "E": (40, 16.0, 6.0),
    },
}


def result(school: Any, year: int, participants: int, mean: float, fail: float, **more: Any):
    return SchoolResult(
        school=school,
        year=year,
        assessment=Assessment.objects.get(code="vpr"),
        subject=Subject.objects.get(code="math"),
        grade=5,
        participants=participants,
        mean_score=mean,
        share_fail=fail,
        **more,
    )


@pytest.fixture
def territory(world: Any) -> dict[str, Any]:
    schools = {
        "A": world.school_a,
        "B": world.school_b,
        "D": SchoolFactory(short_name="Школа Д", territory=world.north),
        "E": SchoolFactory(short_name="Школа Е", territory=world.south),
    }
    rows = [
        result(
            schools[key],
            year,
            *figures,
            **({"share_raise": 20.0} if key == "B" and year == 2025 else {}),
        )
        for year, table in TABLE.items()
        for key, figures in table.items()
    ]
    # Another city's school, out of the analyst's reach: never in the figures.
    rows.append(result(world.school_c, 2025, 25, 5.0, 60.0))
    SchoolResult.objects.bulk_create(rows)
    return schools


def params(world: Any, **changes: Any) -> ReportParams:
    values = {
        "kind": ReportKind.ASSESSMENT,
        "year": 2025,
        "territory_id": world.city.pk,
        "assessment_id": Assessment.objects.get(code="vpr").pk,
    }
    values.update(changes)
    return ReportParams(**values)


def build(user: User, p: ReportParams) -> Any:
    stages: list[tuple[int, str]] = []
    content = build_assessment(user, p, lambda percent, text: stages.append((percent, text)))
    assert stages and stages[-1][0] > stages[0][0]
    return content


def section(content: Any, heading: str) -> Any:
    return next(s for s in content.sections if s.heading == heading)


def z_scores(year: int) -> dict[str, float]:
    means = {key: TABLE[year][key][1] for key in TABLE[year]}
    mean, sd = statistics.mean(means.values()), statistics.stdev(means.values())
    return {key: (value - mean) / sd for key, value in means.items()}


def test_registered_for_the_assessment_kind():
    assert builder_for(ReportKind.ASSESSMENT) is build_assessment


def test_figures_by_hand(world, territory):
    content = build(world.user("analyst"), params(world))
    figures = content.figures
    # Weighted by participants: (20·30 + 30·10 + 10·20 + 40·5) / 100 and the same for 2024.
    assert figures["participants"] == 100
    assert figures["schools"] == 4
    assert figures["low_share"] == 13.0
    assert figures["low_share_previous"] == 11.0
    assert figures["by_work"]["Математика, 5 кл."] == {"low": 13.0, "change": 2.0}
    # Districts: Северный (A, D) and Южный (B, E).
    assert figures["districts"]["Северный"]["low"] == round((20 * 30 + 10 * 20) / 30, 2)
    assert figures["districts"]["Южный"]["low"] == round((30 * 10 + 40 * 5) / 70, 2)
    # The lowest by the standardised mean score; the falls against 2024.
    ids = {key: school.pk for key, school in territory.items()}
    now, before = z_scores(2025), z_scores(2024)
    assert figures["lowest_school_ids"] == [ids[k] for k in sorted(now, key=now.get)]
    falls = sorted((now[k] - before[k], k) for k in now if now[k] < before[k])
    assert figures["falling_school_ids"] == [ids[k] for _, k in falls] == [ids["A"], ids["E"]]
    # School B's marks were raised against the register by 20 % (threshold 15 %).
    assert figures["objectivity_school_ids"] == [ids["B"]]
    assert world.school_c.pk not in figures["lowest_school_ids"]
    table = section(content, "Участие и результаты по предметам и классам").blocks[1]
    # Mean scores weighted: 2024 (20·13 + 30·14 + 10·12 + 40·16) / 100 = 14.4, 2025 13.8.
    assert table.rows == [["Математика", 5, 4, 100, "—", "14,4", "13,8", "−0,6"]]
    lowest = section(content, "Школы с самыми низкими результатами и наибольшим снижением")
    assert lowest.blocks[0].rows[0][1] == "СОШ № 1"
    assert "СОШ № 3" not in str(content.to_json())
    # Recommendations: seminars to the centre, the schools below the mean, the objectivity check.
    addressees = [(r.addressee, r.organization_id) for r in content.recommendations]
    assert addressees[0] == ("methodical_centre", world.methodical_centre.pk)
    assert ("school", ids["A"]) in addressees and ("school", ids["E"]) not in addressees
    assert addressees[-1] == ("authority", world.department.pk)
    assert all(r.due_on > dates.today() for r in content.recommendations)


def test_same_data_same_content(world, territory):
    user = world.user("analyst")
    first = build(user, params(world)).to_json()
    assert build(user, params(world)).to_json() == first
    # What the report stores: plain JSON that reads back to the same content.
    assert ReportContent.from_json(json.loads(json.dumps(first))).to_json() == first


@pytest.mark.parametrize(
    ("persona", "where"),
    [
        ("outsider", "city"),
        ("analyst", "other_city"),
        ("analyst", "region"),
        ("director_a", "city"),
    ],
)
def test_a_territory_out_of_reach_is_refused_before_any_result_is_read(
    world, territory, persona, where
):
    target: Territory = getattr(world, where)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        build(world.user(persona), params(world, territory_id=target.pk))
    assert "Территория не найдена или недоступна" in error.value.messages[0]
    assert not any("results_schoolresult" in q["sql"] for q in queries.captured_queries)


def test_a_year_without_data_is_refused(world, territory):
    with pytest.raises(ValidationError) as error:
        build(world.user("analyst"), params(world, year=2030))
    assert "Нет результатов «ВПР» за 2030 год" in error.value.messages[0]


def test_no_assessment_is_refused(world, territory):
    with pytest.raises(ValidationError):
        build(world.user("analyst"), params(world, assessment_id=None))


def test_query_count_does_not_grow_with_schools(world, territory):
    user = world.user("analyst")
    with CaptureQueriesContext(connection) as few:
        build(user, params(world))
    extra = [SchoolFactory(territory=world.north if i % 2 else world.south) for i in range(15)]
    SchoolResult.objects.bulk_create(
        result(school, year, 25, 11.0 + i % 5, 10.0 + i % 7)
        for i, school in enumerate(extra)
        for year in (2024, 2025)
    )
    user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as many:
        content = build(user, params(world))
    assert content.figures["schools"] == 19
    assert len(many) == len(few)


def test_the_demo_assessment(demo):
    analyst = User.objects.get(username="analyst")
    from opora.registry.demo import DEMO_TERRITORY_CODE

    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    vpr = Assessment.objects.get(code="vpr")
    content = build(
        analyst,
        ReportParams(
            kind=ReportKind.ASSESSMENT, year=2025, territory_id=city.pk, assessment_id=vpr.pk
        ),
    )
    headings = [s.heading for s in content.sections]
    assert headings == [
        "Участие и результаты по предметам и классам",
        "Результаты по районам",
        "Школы с самыми низкими результатами и наибольшим снижением",
        "Результаты с учётом социального контекста",
        "Признаки необъективности",
        "Выводы",
    ]
    tables = [b for s in content.sections for b in s.blocks if b.kind == "table"]
    assert len(tables) >= 6 and all(t.rows for t in tables)
    # The demo plants schools whose 2025 results jump: they are warned.
    assert content.figures["objectivity_school_ids"]
    assert content.figures["below_context_school_ids"]
    assert content.recommendations
