"""Small factories for the effect tests: published practices, results and context of schools.

(Bank's factories will cover practices in full; these make only what the evidence needs.)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from opora.practices.choices import PracticeStatus
from opora.practices.models import Practice
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.registry.tests.factories import SchoolFactory
from opora.results.choices import AssessmentKind, Direction, IndicatorKind
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import Roadmap
from opora.roadmaps.services import roadmap_create


def published_practice(organization: Organization, **fields: Any) -> Practice:
    values: dict[str, Any] = {
        "title": "Наставничество «учитель — учитель»",
        "status": PracticeStatus.PUBLISHED,
        "started_on": datetime.date(2022, 9, 1),
        "risk_factors": ["teacher-competence"],
        "problem_types": [],
    }
    values.update(fields)
    return Practice.objects.create(organization=organization, **values)


def assessment() -> tuple[Assessment, Subject]:
    a, _ = Assessment.objects.get_or_create(
        code="vpr-test", defaults={"name": "ВПР", "kind": AssessmentKind.VPR}
    )
    s, _ = Subject.objects.get_or_create(code="math-test", defaults={"name": "Математика"})
    return a, s


def results(school: Organization, by_year: dict[int, float], participants: int = 50) -> None:
    """The school's share of «2» in the test assessment, one row a year."""
    a, s = assessment()
    SchoolResult.objects.bulk_create(
        [
            SchoolResult(
                school=school,
                year=year,
                assessment=a,
                subject=s,
                grade=5,
                participants=participants,
                share_fail=value,
            )
            for year, value in by_year.items()
        ]
    )


def context(schools: Iterable[tuple[Organization, float]], year: int = 2023) -> None:
    """One context indicator per school (its value places it among the others)."""
    indicator, _ = ContextIndicator.objects.get_or_create(
        code="poverty-test",
        defaults={
            "name": "Доля малообеспеченных",
            "kind": IndicatorKind.CONTEXT,
            "direction": Direction.HIGHER_IS_WORSE,
        },
    )
    ContextValue.objects.bulk_create(
        [ContextValue(school=s, year=year, indicator=indicator, value=v) for s, v in schools]
    )


def similar_schools(territory: Any, count: int, start: int = 100) -> list[Organization]:
    return [
        SchoolFactory(territory=territory, short_name=f"СОШ № {n}", code=f"SIM-{n}")
        for n in range(start, start + count)
    ]


def school_roadmap(world: Any, school: Organization) -> Roadmap:
    """A draft roadmap of the school with two sections."""
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=school)
    draft = DraftRoadmap(
        title="Антирисковая программа",
        sections=[
            DraftSection(
                number="1",
                title="Управление",
                activities=[DraftActivity(number="1.1", text="Создать рабочую группу")],
            ),
            DraftSection(
                number="2",
                title="Кадры",
                activities=[DraftActivity(number="2.1", text="Курсы для учителей")],
            ),
        ],
    )
    return roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.ANTI_RISK,
        draft=draft,
        user=None,
        source="тест",
    )
