"""«Аналитическая справка по школе»: figures by hand on a small territory, who may build it
for which school, a year without data, determinism, and the demo."""

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
from opora.identification.choices import RunStatus
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.demo import DEMO_TERRITORY_CODE
from opora.registry.tests.factories import SchoolFactory
from opora.reports.builders.school import build_school
from opora.reports.choices import ReportKind
from opora.reports.content import ReportContent
from opora.reports.kinds import ReportParams, builder_for
from opora.results.models import Assessment, SchoolResult, Subject

# (participants, mean score, share of «2») of ВПР grade 5, the same in both subjects.
TABLE = {
    2023: {
        "A": (20, 15.0, 10.0),
        "B": (30, 14.0, 12.0),
        "D": (10, 12.0, 20.0),
        "E": (40, 16.0, 6.0),
    },
    2024: {
        "A": (20, 13.0, 15.0),
        "B": (30, 14.0, 12.0),
        "D": (10, 12.0, 20.0),
        "E": (40, 16.0, 6.0),
    },
    2025: {
        "A": (20, 10.0, 30.0),
        "B": (30, 14.0, 10.0),
        "D": (10, 12.0, 20.0),
        "E": (40, 16.0, 5.0),
    },
}
# Context percentiles in the list: D is like A (within 10 points), B and E are not.
CONTEXT = {"A": 20.0, "B": 90.0, "D": 28.0, "E": 60.0}


@pytest.fixture
def schools(world: Any) -> dict[str, Any]:
    found = {
        "A": world.school_a,
        "B": world.school_b,
        "D": SchoolFactory(short_name="Школа Д", territory=world.north),
        "E": SchoolFactory(short_name="Школа Е", territory=world.south),
    }
    vpr = Assessment.objects.get(code="vpr")
    subjects = [Subject.objects.get(code="rus"), Subject.objects.get(code="math")]
    rows = [
        SchoolResult(
            school=found[key],
            year=year,
            assessment=vpr,
            subject=subject,
            grade=5,
            participants=participants,
            mean_score=mean,
            share_fail=fail,
            share_raise=20.0 if key == "A" and year == 2025 and subject.code == "math" else None,
        )
        for year, table in TABLE.items()
        for key, (participants, mean, fail) in table.items()
        for subject in subjects
    ]
    # Another city's school: never in the territory's figures.
    rows.append(
        SchoolResult(
            school=world.school_c,
            year=2025,
            assessment=vpr,
            subject=subjects[0],
            grade=5,
            participants=25,
            mean_score=5.0,
            share_fail=60.0,
        )
    )
    SchoolResult.objects.bulk_create(rows)
    run = IdentificationRun.objects.create(
        territory=world.city,
        year=2025,
        version=Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current,
        status=RunStatus.APPROVED,
    )
    SchoolIdentification.objects.bulk_create(
        SchoolIdentification(
            run=run,
            school=school,
            context_percentile=CONTEXT[key],
            results_index=-1.2 if key == "A" else 0.3,
            low_results=key == "A",
            in_list=key == "A",
            years_in_status=2 if key == "A" else 0,
            reasons=[{"flag": "low_results", "text": "Индекс результатов ниже порога списка."}]
            if key == "A"
            else [],
        )
        for key, school in found.items()
    )
    return found


def params(school: Any, year: int = 2025) -> ReportParams:
    return ReportParams(kind=ReportKind.SCHOOL, year=year, school_id=school.pk)


def build(user: User, p: ReportParams) -> Any:
    stages: list[tuple[int, str]] = []
    content = build_school(user, p, lambda percent, text: stages.append((percent, text)))
    assert stages and stages[-1][0] > stages[0][0]
    return content


def weighted_fail(year: int, keys: list[str]) -> float:
    rows = [TABLE[year][k] for k in keys]
    return round(sum(p * f for p, _, f in rows) / sum(p for p, _, _ in rows), 2)


def test_registered_for_the_school_kind():
    assert builder_for(ReportKind.SCHOOL) is build_school


def test_figures_by_hand(world, schools):
    content = build(world.user("analyst"), params(world.school_a))
    figures = content.figures
    everyone = ["A", "B", "D", "E"]
    assert figures["low_share"] == {"2023": 10.0, "2024": 15.0, "2025": 30.0}
    assert figures["territory_low_share"] == {str(y): weighted_fail(y, everyone) for y in TABLE}
    assert figures["territory_low_share"]["2025"] == 13.0
    assert figures["similar_schools"] == 1
    # The standardised result: A's mean score against the four schools' in each year.
    for year in TABLE:
        means = [TABLE[year][k][1] for k in everyone]
        z = (TABLE[year]["A"][1] - statistics.mean(means)) / statistics.stdev(means)
        assert figures["index_by_year"][str(year)] == round(z, 2)
    assert figures["in_list"] is True and figures["years_in_status"] == 2
    assert figures["objectivity"] is True
    assert figures["has_curator"] is True
    results = next(s for s in content.sections if s.heading == "Результаты оценочных процедур")
    table = results.blocks[1]
    # Математика 2025: the school 10, the territory (20·10+30·14+10·12+40·16)/100, D alone 12.
    assert ["ВПР", "Математика", 5, 2025, 20, "10", "13,8", "12", "30", "13"] in table.rows
    assert "СОШ № 3" not in str(content.to_json())
    reasons = next(s for s in content.sections if s.heading == "Место школы в выявлении")
    assert "Индекс результатов ниже порога списка." in [
        b.text for b in reasons.blocks if b.kind == "paragraph"
    ]
    # Falling two years running: the curator is asked; objectivity: the methodical centre.
    addressees = [(r.addressee, r.organization_id) for r in content.recommendations]
    assert addressees[0] == ("school", world.school_a.pk)
    assert ("curator", world.school_a.pk) in addressees
    assert ("methodical_centre", world.methodical_centre.pk) in addressees
    assert all(r.due_on > dates.today() for r in content.recommendations)


def test_same_data_same_content(world, schools):
    user = world.user("analyst")
    first = build(user, params(world.school_a)).to_json()
    assert build(user, params(world.school_a)).to_json() == first
    # What the report stores: plain JSON that reads back to the same content.
    assert ReportContent.from_json(json.loads(json.dumps(first))).to_json() == first


@pytest.mark.parametrize("persona", ["director_a", "curator"])
def test_who_sees_the_school_only_gets_it_without_the_territory(world, schools, persona):
    content = build(world.user(persona), params(world.school_a))
    assert content.figures["low_share"]["2025"] == 30.0
    assert content.figures["territory_low_share"] == {"2023": None, "2024": None, "2025": None}
    assert content.figures["index_by_year"] == {"2023": None, "2024": None, "2025": None}
    assert content.figures["similar_schools"] == 0
    assert "Гимназия № 2" not in str(content.to_json())
    assert "Школа Д" not in str(content.to_json())


@pytest.mark.parametrize("persona", ["director_b", "outsider", "teacher"])
def test_a_school_out_of_reach_is_refused_before_any_result_is_read(world, schools, persona):
    school = world.school_a if persona != "teacher" else world.school_b
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as error:
        build(world.user(persona), params(school))
    assert "Школа не найдена или недоступна" in error.value.messages[0]
    assert not any("results_schoolresult" in q["sql"] for q in queries.captured_queries)


def test_a_year_without_data_is_refused(world, schools):
    with pytest.raises(ValidationError) as error:
        build(world.user("analyst"), params(world.school_a, year=2030))
    assert "Нет результатов школы «СОШ № 1» за 2030 год" in error.value.messages[0]


def test_the_demo_school(demo):
    analyst = User.objects.get(username="analyst")
    # A school of the city's approved list: the analyst (the city's) does not see the
    # region's other municipalities.
    listed = (
        SchoolIdentification.objects.filter(
            run__territory__code=DEMO_TERRITORY_CODE, run__status=RunStatus.APPROVED, in_list=True
        )
        .order_by("school__code")
        .first()
    )
    content = build(analyst, params(listed.school))
    headings = [s.heading for s in content.sections]
    assert headings == [
        "Место школы в выявлении",
        "Результаты оценочных процедур",
        "Объективность результатов",
        "Профиль рисков",
        "Исполнение дорожной карты",
        "Полученная поддержка",
        "Выводы",
    ]
    tables = [b for s in content.sections for b in s.blocks if b.kind == "table"]
    assert len(tables) >= 3 and all(t.rows for t in tables)
    assert content.figures["in_list"] is True
    assert content.recommendations
