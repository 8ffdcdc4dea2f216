"""`opora bench public`: the public programme page and the results page of a region of
2,000 schools — a programme with its municipal roadmap in execution, 25 indicators with their
targets and roll-ups at three checkpoints, and an approved identification list — cold (cache
cleared before each request) and from the cache; query counts at 200 and at 2,000 schools;
times as ratios to the registry's school list measured in the same run.

The roll-ups are written directly: the public pages read only them (how they are computed
from 2,000 schools' forms is `opora bench monitoring`)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.monitoring import services as monitoring
from opora.monitoring.choices import CheckpointKind
from opora.monitoring.models import Checkpoint, ProgrammeIndicator, Rollup
from opora.public import services
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import (
    Organization,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)
from opora.roadmaps.bench import bench_region
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus, ScheduleKind
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section

SMALL, LARGE = 200, 2_000
MUNICIPALITIES = 20
SECTIONS, PER_SECTION = 6, 10
CHECKPOINTS = (
    (CheckpointKind.ENTRY, 9, 16),
    (CheckpointKind.INTERMEDIATE, 1, 20),
    (CheckpointKind.FINAL, 6, 10),
)
REPEAT = 15


def _schools(cities: list[Territory], start: int, count: int) -> list[Organization]:
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-PUB-{n:05d}",
                name=f"Муниципальное общеобразовательное учреждение СОШ № {n}",
                short_name=f"СОШ № {n}",
                territory=cities[n % len(cities)],
            )
            for n in range(start, start + count)
        ],
        batch_size=2000,
    )
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization=s, school_type="sosh") for s in schools], batch_size=2000
    )
    return schools


def _programme_roadmap(programme: Programme) -> None:
    """The programme's own roadmap in execution: 6 sections × 10 activities, each with a
    past due date (two thirds closed) and a future one."""
    today = dates.today()
    roadmap = Roadmap.objects.create(
        programme=programme,
        kind=RoadmapKind.MUNICIPAL,
        title="Дорожная карта программы поддержки школ",
        status=RoadmapStatus.EXECUTION,
    )
    sections = Section.objects.bulk_create(
        [
            Section(roadmap=roadmap, position=n, number=str(n), title=f"Раздел {n}")
            for n in range(1, SECTIONS + 1)
        ]
    )
    activities = Activity.objects.bulk_create(
        [
            Activity(
                roadmap=roadmap,
                section=s,
                position=(s.position - 1) * PER_SECTION + k,
                number=f"{s.number}.{k}",
                text=f"Мероприятие {s.number}.{k}: семинар для управленческих команд школ",
                schedule_text="1 раз в полугодие",
                schedule_kind=ScheduleKind.HALF_YEAR,
                responsible="департамент образования",
            )
            for s in sections
            for k in range(1, PER_SECTION + 1)
        ]
    )
    deadlines = []
    for index, activity in enumerate(activities):
        past = today - datetime.timedelta(days=30 + index)
        deadlines.append(
            Deadline(
                activity=activity,
                roadmap=roadmap,
                due_on=past,
                closed_on=past if index % 3 else None,
            )
        )
        deadlines.append(
            Deadline(
                activity=activity, roadmap=roadmap, due_on=today + datetime.timedelta(days=index)
            )
        )
    Deadline.objects.bulk_create(deadlines)


def _indicators(programme: Programme, schools: int) -> None:
    """25 indicators with targets (the shipped template) and a roll-up at each of three
    checkpoints of the current academic year; one indicator answered by only 3 schools, so
    the suppression runs."""
    monitoring.programme_template_install(
        programme=programme, template="novosibirsk-2020", user=None
    )
    items = list(ProgrammeIndicator.objects.filter(programme=programme))
    rng = random.Random(7)
    year = dates.academic_year_of(dates.today())
    rollups = []
    for kind, month, day in CHECKPOINTS:
        held = datetime.date(dates.academic_month_year(year, month), month, day)
        checkpoint = Checkpoint.objects.create(
            programme=programme,
            name=f"{kind.label} {held:%m.%Y}",
            kind=kind,
            year=year,
            held_on=held,
            due_on=held + datetime.timedelta(days=14),
        )
        checkpoint.indicators.set(items)
        for n, item in enumerate(items):
            answered = 3 if n == 0 else schools
            rollups.append(
                Rollup(
                    checkpoint=checkpoint,
                    programme_indicator=item,
                    schools=answered,
                    reached=answered // 2,
                    value=Decimal(rng.randint(0, 1000)) / 10,
                )
            )
    Rollup.objects.bulk_create(rollups)


def _identification(region: Territory, schools: list[Organization]) -> None:
    """The approved list of the region: every school with its category (one in ten ШНОР,
    one in fifteen ШНСУ — small counts per district, so primary and secondary suppression
    both run)."""
    IdentificationRun.objects.filter(territory=region).delete()
    run = IdentificationRun.objects.create(
        territory=region,
        year=dates.today().year - 1,
        version=Methodology.objects.get(is_builtin=True).current,
        status=RunStatus.APPROVED,
    )
    SchoolIdentification.objects.bulk_create(
        [
            SchoolIdentification(
                run=run,
                school=school,
                low_results=n % 10 == 0,
                unfavourable=n % 15 == 0,
                in_list=n % 10 == 0 or n % 15 == 0,
            )
            for n, school in enumerate(schools)
        ],
        batch_size=2000,
    )


def _queries(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _cold(client: Client, url: str) -> None:
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200 and "X-Opora-Cache" not in response, url


def _cached(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200 and response["X-Opora-Cache"] == "hit", url


@benchmark("public")
@override_settings(OPORA_PUBLIC_REQUESTS_PER_MINUTE=1_000_000)
def bench_public(report: BenchReport) -> None:
    """The public programme and results pages at 200 and 2,000 schools, cold and cached."""
    region, department, coordinator = bench_region()
    cities = [
        region.add_child(name=f"Муниципальный район {n}", kind=TerritoryKind.MUNICIPALITY)
        for n in range(1, MUNICIPALITIES + 1)
    ]
    year = dates.academic_year_of(dates.today())
    programme = Programme.objects.create(
        name="Программа поддержки школ с низкими образовательными результатами (бенч)",
        owner=department,
        starts_on=dates.academic_year_bounds(year)[0],
        ends_on=dates.academic_year_bounds(year + 2)[1],
        goal="Повышение качества образования в школах с низкими результатами.",
    )
    services.programme_publication_save(
        programme=programme,
        user=coordinator,
        is_public=True,
        show_school_names=False,
        intro="",
    )
    _programme_roadmap(programme)
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(coordinator)
    visitor = Client(HTTP_HOST="localhost")
    reference = reverse("registry:schools")
    pages = {
        "public programme page": reverse("public:programme", args=[programme.pk]),
        "public results page": reverse("public:results", args=[programme.pk]),
    }

    def build(schools: list[Organization]) -> None:
        ProgrammeSchool.objects.bulk_create(
            [ProgrammeSchool(programme=programme, school=s) for s in schools], batch_size=2000
        )
        Rollup.objects.filter(checkpoint__programme=programme).delete()
        Checkpoint.objects.filter(programme=programme).delete()
        ProgrammeIndicator.objects.filter(programme=programme).delete()
        _indicators(programme, len(all_schools))
        _identification(region, all_schools)
        services.public_version_bump()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def measure(size: int) -> tuple[dict[str, int], dict[str, float]]:
        counts = {name: _queries(visitor, url) for name, url in pages.items()}
        times: dict[str, float] = {}
        runs: list[tuple[str, Callable[[], object]]] = [
            ("registry school list (reference)", partial(staff.get, reference))
        ]
        for name, url in pages.items():
            runs.append((f"{name}, cold", partial(_cold, visitor, url)))
            runs.append((f"{name}, from cache", partial(_cached, visitor, url)))
        for label, call in runs:
            samples = timed(call, repeat=REPEAT)
            times[label] = median_ms(samples)
            report.log(
                f"  {size} школ, {label}: {median_ms(samples):.0f} / {p90_ms(samples):.0f} мс"
            )
        return counts, times

    all_schools = _schools(cities, 1, SMALL)
    build(all_schools)
    few, small_times = measure(SMALL)
    more = _schools(cities, SMALL + 1, LARGE - SMALL)
    all_schools += more
    build(more)
    many, large_times = measure(LARGE)

    for name in pages:
        report.add(
            f"SQL queries, {name} (cold): {LARGE} vs {SMALL} schools",
            f"{many[name]} vs {few[name]}",
            "equal",
            many[name] == few[name],
        )
    base = "registry school list (reference)"
    for name in pages:
        for size, times in ((SMALL, small_times), (LARGE, large_times)):
            for how, ratio_target in (("cold", 3.0), ("from cache", 1.0)):
                label = f"{name}, {how}"
                ratio = times[label] / times[base]
                report.add(
                    f"server time, {label}, {size} schools, ratio to the school list",
                    f"{times[label]:.0f} ms = {ratio:.2f}×",
                    f"< {ratio_target:g}×",
                    ratio < ratio_target,
                )
        for how, limit in (("cold", 500), ("from cache", 100)):
            label = f"{name}, {how}"
            report.add(
                f"server time, {label}, {LARGE} schools (median of {REPEAT})",
                f"{large_times[label]:.0f} ms",
                f"< {limit} ms (PostgreSQL)",
                large_times[label] < limit if connection.vendor == "postgresql" else None,
            )
    report.add(
        f"registry school list (reference), {SMALL} / {LARGE} schools",
        f"{small_times[base]:.0f} / {large_times[base]:.0f} ms",
    )
