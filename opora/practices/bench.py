"""Benchmarks of the practice bank.

`opora bench practices-effect`: a published practice's evidence of effect and «used by» in a
region of 200 and 2,000 schools with five years of results: query counts equal, server time
as a ratio to the registry's school list in the same run.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import Role
from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Membership, Organization, Person, Territory
from opora.results.choices import AssessmentKind, Direction, IndicatorKind
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject
from opora.roadmaps.library import PROBLEM_TYPES
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---

SMALL, LARGE = 50, 5_000
MUNICIPALITIES = 20
SCHOOLS = 400


def _practices(schools: list[Organization], start: int, count: int) -> None:
    """`count` practices spread over schools, problems, risk factors, grades and states (four
    in five published)."""
    problems = list(PROBLEM_TYPES)
    factors = list(RiskFactor.values)
    states = [PracticeStatus.PUBLISHED] * 4 + [PracticeStatus.DRAFT]
    now = timezone.now()
    Practice.objects.bulk_create(
        [
            Practice(
                organization=schools[(n * 7) % len(schools)],
                title=f"Практика № {n}: наставничество и смысловое чтение",
                summary="Кратко о практике школы.",
                description="Пары учителей, взаимопосещение уроков, разбор по карте наблюдения.",
                problem_types=[problems[n % len(problems)]],
                risk_factors=[factors[n % len(factors)], factors[(n * 3 + 1) % len(factors)]],
                grades=sorted({1 + n % 11, 1 + (n * 5) % 11}),
                status=states[n % len(states)],
                published_at=now if n % 5 else None,
            )
            for n in range(start, start + count)
        ],
        batch_size=1_000,
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("practices")
def bench_practices(report: BenchReport) -> None:
    """The bank's search and filter pages over 50 and 5,000 practices of a region: query counts
    equal, server time as a ratio to the registry's school list in the same run, and under
    200 ms."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    cities = [
        region.add_child(name=f"Муниципалитет {n}", kind=TerritoryKind.MUNICIPALITY)
        for n in range(MUNICIPALITIES)
    ]
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Средняя общеобразовательная школа № {n}",
                short_name=f"СОШ № {n}",
                territory=cities[n % len(cities)],
            )
            for n in range(SCHOOLS)
        ]
    )
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-IRO",
        name="Институт развития образования",
        territory=region,
    )
    user = User.objects.create_user("bench-methodist", password="bench-password")
    person = Person.objects.create(last_name="Методист", first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    index = reverse("practices:index")
    pages = {
        "bank, first page": index,
        "text search": f"{index}?q=наставничество",
        "filter: risk factor + grade": f"{index}?factor=academic-failure&grade=5",
        "filter: problem + territory": f"{index}?problem=high-deviation&territory={cities[3].pk}",
        "drafts of the region (handler)": f"{index}?status=draft",
        "registry school list (reference)": reverse("registry:schools"),
    }

    def measure(label: str) -> tuple[dict[str, int], dict[str, float]]:
        counts = {name: _queries(client, url) for name, url in pages.items()}
        times = {
            name: median_ms(timed(partial(client.get, url), repeat=15))
            for name, url in pages.items()
        }
        for name in pages:
            report.log(f"  {label}, {name}: {counts[name]} запросов, {times[name]:.0f} мс")
        return counts, times

    _practices(schools, 0, SMALL)
    few, _small = measure(f"{SMALL} практик")
    _practices(schools, SMALL, LARGE - SMALL)
    many, large = measure(f"{LARGE} практик")
    reference = "registry school list (reference)"
    for name in pages:
        report.add(
            f"SQL queries, {name}: {LARGE} vs {SMALL} practices",
            f"{many[name]} vs {few[name]}",
            "equal",
            many[name] == few[name],
        )
        if name == reference:
            continue
        ratio = large[name] / large[reference]
        report.add(
            f"server time, {name}, {LARGE} practices, ratio to the school list",
            f"{large[name]:.0f} ms = {ratio:.1f}×",
            "< 3×",
            ratio < 3,
        )
        report.add(
            f"server time, {name}, {LARGE} practices",
            f"{large[name]:.0f} ms",
            "< 200 ms",
            large[name] < 200,
        )


# --- Evidence of effect, adoption, the constructor's proposals ---

EFFECT_SIZES = (200, 2_000)
EFFECT_YEARS = tuple(range(2021, 2026))
EFFECT_MUNICIPALITIES = 20


def _effect_schools(cities: list[Territory], start: int, count: int) -> None:
    """`count` schools with five years of two subjects' results and two context values."""
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Средняя школа № {n}",
                short_name=f"СОШ № {n}",
                territory=cities[n % len(cities)],
            )
            for n in range(start, start + count)
        ]
    )
    assessment = Assessment.objects.get(code="bench-vpr")
    subjects = list(Subject.objects.filter(code__startswith="bench-"))
    indicators = list(ContextIndicator.objects.filter(code__startswith="bench-"))
    SchoolResult.objects.bulk_create(
        [
            SchoolResult(
                school=school,
                year=year,
                assessment=assessment,
                subject=subject,
                grade=grade,
                participants=40 + school.pk % 30,
                mean_score=10 + (school.pk * 7 + year + grade) % 13,
                share_fail=(school.pk * 3 + year * 5 + grade) % 40,
            )
            for school in schools
            for year in EFFECT_YEARS
            for subject in subjects
            for grade in (5, 6)
        ],
        batch_size=5_000,
    )
    ContextValue.objects.bulk_create(
        [
            ContextValue(
                school=school,
                year=year,
                indicator=indicator,
                value=(school.pk * (i + 3)) % 50,
            )
            for school in schools
            for year in (2024, 2025)
            for i, indicator in enumerate(indicators)
        ],
        batch_size=5_000,
    )


def _effect_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("practices-effect")
def bench_practices_effect(report: BenchReport) -> None:
    """The evidence block and «used by» of a practice, region of 200 and 2,000 schools."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    cities = [
        region.add_child(name=f"Муниципалитет {n}", kind=TerritoryKind.MUNICIPALITY)
        for n in range(EFFECT_MUNICIPALITIES)
    ]
    Assessment.objects.create(code="bench-vpr", name="ВПР", kind=AssessmentKind.VPR)
    Subject.objects.create(code="bench-math", name="Математика")
    Subject.objects.create(code="bench-rus", name="Русский язык")
    for code, name in (("bench-poverty", "Малообеспеченные"), ("bench-migrants", "Мигранты")):
        ContextIndicator.objects.create(
            code=code, name=name, kind=IndicatorKind.CONTEXT, direction=Direction.HIGHER_IS_WORSE
        )
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-IRO",
        name="Институт развития образования",
        short_name="ИРО",
        territory=region,
    )
    _effect_schools(cities, 1, EFFECT_SIZES[0])
    schools = list(Organization.objects.filter(kind=OrganizationKind.SCHOOL).order_by("pk"))
    practice = Practice.objects.create(
        organization=schools[0],
        title="Наставничество «учитель — учитель»",
        status=PracticeStatus.PUBLISHED,
        started_on=datetime.date(2022, 9, 1),
        risk_factors=["teacher-competence"],
    )
    Adoption.objects.bulk_create(
        [
            Adoption(practice=practice, school=s, adopted_on=datetime.date(2024, 9, 1))
            for s in schools[2:40]
        ]
    )
    # A methodist of the region who also works at a school: «M of them like yours» is computed.
    user = User.objects.create_user("bench-methodist", password="bench-password")
    person = Person.objects.create(last_name="Методист", first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    Membership.objects.create(person=person, organization=schools[1], role=Role.SCHOOL_STAFF)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    reference = "registry school list (reference)"
    pages = {
        "practice evidence and «used by»": reverse("practices:practice", args=[practice.pk]),
        reference: reverse("registry:schools"),
    }

    def measure(label: str) -> tuple[dict[str, int], dict[str, float]]:
        counts = {name: _effect_queries(client, url) for name, url in pages.items()}
        times = {
            name: median_ms(timed(partial(client.get, url), repeat=9))
            for name, url in pages.items()
        }
        for name in pages:
            report.log(f"  {label}, {name}: {counts[name]} запросов, {times[name]:.0f} мс")
        return counts, times

    few, small_times = measure(f"{EFFECT_SIZES[0]} школ")
    _effect_schools(cities, EFFECT_SIZES[0] + 1, EFFECT_SIZES[1] - EFFECT_SIZES[0])
    many, large_times = measure(f"{EFFECT_SIZES[1]} школ")
    report.log(f"  результатов: {SchoolResult.objects.count()}")
    for name in pages:
        report.add(
            f"SQL queries, {name}: {EFFECT_SIZES[1]} vs {EFFECT_SIZES[0]} schools",
            f"{many[name]} vs {few[name]}",
            "equal",
            many[name] == few[name],
        )
    name = "practice evidence and «used by»"
    for size, times in zip(EFFECT_SIZES, (small_times, large_times), strict=True):
        ratio = times[name] / times[reference]
        report.add(
            f"server time, {name}, {size} schools × {len(EFFECT_YEARS)} years, "
            "ratio to the school list",
            f"{times[name]:.0f} ms = {ratio:.1f}×",
            "< 3×",
            ratio < 3,
        )
