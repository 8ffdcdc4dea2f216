"""Benchmark of reports: the year's results for a region of 2,000 schools × 5 lists, built as
one background job (target < 30 s), against reading the same rows once (the reference)."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import Role
from opora.identification.choices import Change, RunStatus
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.monitoring import services as monitoring
from opora.monitoring.choices import CheckpointKind
from opora.monitoring.models import Checkpoint, Rollup
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import (
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    Territory,
)
from opora.reports import (
    bench_load,  # noqa: F401  (registers `opora bench load`)
    bench_scale,  # noqa: F401  (registers `opora bench scale`)
    services,
)
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.kinds import ReportParams
from opora.roadmaps.bench import bench_region as roadmaps_bench_region
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus, ScheduleKind
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section

SCHOOLS = 2_000
MUNICIPALITIES = 40
YEARS = (2021, 2022, 2023, 2024, 2025)
TARGET_S = 30


def _region() -> tuple[Territory, list[Organization], User]:
    region = Territory.objects.add_root(
        {"name": "Бенч-область", "kind": TerritoryKind.REGION, "code": "BENCH-REP"}
    )
    cities = [
        region.add_child(
            name=f"Муниципалитет {n}", kind=TerritoryKind.MUNICIPALITY, code=f"BENCH-REP-{n:02d}"
        )
        for n in range(MUNICIPALITIES)
    ]
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-REP-IRO",
        name="Институт развития образования",
        short_name="ИРО",
        territory=region,
    )
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-REP-S{n:05d}",
                name=f"Средняя школа № {n}",
                short_name=f"СОШ № {n}",
                territory=cities[n % MUNICIPALITIES],
            )
            for n in range(SCHOOLS)
        ],
        batch_size=1000,
    )
    analyst = User.objects.create_user("bench-analyst", password="bench-password")
    person = Person.objects.create(last_name="Аналитик", first_name="Бенч", user=analyst)
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    return region, schools, analyst


def _lists(region: Territory, schools: list[Organization]) -> None:
    version = Methodology.objects.get(is_builtin=True).current
    rng = random.Random(15)
    previous: dict[int, bool] = {}
    years_in: dict[int, int] = {}
    for year in YEARS:
        run = IdentificationRun.objects.create(
            territory=region, year=year, version=version, status=RunStatus.APPROVED
        )
        rows = []
        for school in schools:
            in_list = rng.random() < 0.1
            was = previous.get(school.pk, False)
            change = (
                Change.ENTERED
                if in_list and not was
                else Change.STAYED
                if in_list
                else Change.LEFT
                if was
                else Change.NONE
            )
            years_in[school.pk] = years_in.get(school.pk, 0) + 1 if in_list else 0
            rows.append(
                SchoolIdentification(
                    run=run,
                    school=school,
                    in_list=in_list,
                    low_results=in_list,
                    risk=not in_list and rng.random() < 0.05,
                    change=change,
                    years_in_status=years_in[school.pk],
                )
            )
            previous[school.pk] = in_list
        SchoolIdentification.objects.bulk_create(rows, batch_size=2000)


@benchmark("reports")
def bench_reports(report: BenchReport) -> None:
    report.title = "Reports: the year's results for a region as a job"
    region, schools, analyst = _region()
    _lists(region, schools)

    started = time.perf_counter()
    rows = list(SchoolIdentification.objects.values_list("school__short_name", "in_list", "change"))
    reference_s = time.perf_counter() - started

    requested = services.report_request(
        user=analyst,
        params=ReportParams(kind=ReportKind.YEAR_RESULTS, year=YEARS[-1], territory_id=region.pk),
    )
    started = time.perf_counter()
    services.report_build_now(requested)
    seconds = time.perf_counter() - started
    report.add(
        f"reading the {len(rows)} list rows once (reference)",
        f"{reference_s:.2f} s",
    )
    report.add(
        f"year results, {SCHOOLS} schools in {MUNICIPALITIES} municipalities × {len(YEARS)} "
        "lists, one background job (ratio to the reference)",
        f"{seconds:.1f} s = {seconds / max(reference_s, 1e-6):.0f}×, "
        f"{requested.get_status_display().lower()}",
        f"< {TARGET_S} s",
        seconds < TARGET_S and requested.status == ReportStatus.DRAFT,
    )


# The regional page's bench: municipalities of 50 schools, 12 of them supported, 20 dated
# activities in each supported school's roadmap; measured at 10 and at 40 municipalities.
REGION_SCHOOLS = 50
REGION_SUPPORTED = 12
REGION_ACTIVITIES = 20
REGION_LARGE = 40

# `opora bench region`: the regional page over 10 and then 40 municipalities of 50 schools.


def _region_municipality(region: Territory, n: int, year: int) -> int:
    """One municipality of 50 schools: its department, a programme with 12 supported schools
    and their running roadmaps (20 dated activities each: closed on time, late, overdue,
    coming), two approved lists (last year's and this year's, overlapping), the programme's
    25 indicators with a roll-up at one checkpoint. Returns the schools made."""
    today = dates.today()
    city = region.add_child(name=f"Муниципалитет {n:02}", kind=TerritoryKind.MUNICIPALITY)
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"REG-DEP-{n:02}",
        name=f"Управление образования муниципалитета {n:02}",
        short_name=f"УО {n:02}",
        territory=city,
    )
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"REG-{n:02}-{k:03}",
                name=f"Муниципальное общеобразовательное учреждение СОШ № {k} ({n:02})",
                short_name=f"СОШ № {k}",
                territory=city,
            )
            for k in range(REGION_SCHOOLS)
        ]
    )
    programme = Programme.objects.create(
        name=f"Программа поддержки школ муниципалитета {n:02}",
        owner=department,
        starts_on=datetime.date(year - 1, 9, 1),
        ends_on=datetime.date(year + 2, 8, 31),
    )
    supported = schools[:REGION_SUPPORTED]
    ProgrammeSchool.objects.bulk_create(
        [
            ProgrammeSchool(programme=programme, school=s, joined_on=datetime.date(year - 1, 9, 1))
            for s in supported
        ]
    )
    version = Methodology.objects.get(is_builtin=True).current
    for run_year, listed in ((year - 1, range(0, 12)), (year, range(4, 16))):
        run = IdentificationRun.objects.create(
            territory=city, year=run_year, version=version, status=RunStatus.APPROVED
        )
        SchoolIdentification.objects.bulk_create(
            [
                SchoolIdentification(
                    run=run, school=s, low_results=k in listed, in_list=k in listed
                )
                for k, s in enumerate(schools)
            ]
        )
    roadmaps = Roadmap.objects.bulk_create(
        [
            Roadmap(
                programme=programme,
                school=s,
                kind=RoadmapKind.ANTI_RISK,
                title=f"Антирисковая программа: {s.short_name}",
                status=RoadmapStatus.EXECUTION,
            )
            for s in supported
        ]
    )
    sections = Section.objects.bulk_create(
        [Section(roadmap=r, position=1, number="1", title="Мероприятия") for r in roadmaps]
    )
    activities = Activity.objects.bulk_create(
        [
            Activity(
                roadmap=section.roadmap,
                section=section,
                position=k,
                number=f"1.{k}",
                text=f"Мероприятие 1.{k}",
                schedule_kind=ScheduleKind.DATE,
            )
            for section in sections
            for k in range(1, REGION_ACTIVITIES + 1)
        ]
    )
    deadlines = []
    for k, activity in enumerate(activities):
        due = today + datetime.timedelta(days=(k % REGION_ACTIVITIES) * 9 - 120)
        past = due < today
        deadlines.append(
            Deadline(
                activity=activity,
                roadmap=activity.roadmap,
                due_on=due,
                closed_on=due if past and k % 4 else None,
                closed_late=past and k % 4 == 1,
            )
        )
    Deadline.objects.bulk_create(deadlines)
    items = monitoring.programme_template_install(
        programme=programme, template="novosibirsk-2020", user=None
    )
    held = today - datetime.timedelta(days=30)
    checkpoint = Checkpoint.objects.create(
        programme=programme,
        name="Входной мониторинг",
        kind=CheckpointKind.ENTRY,
        year=dates.academic_year_of(held),
        held_on=held,
        due_on=held + datetime.timedelta(days=14),
    )
    checkpoint.indicators.set(items)
    Rollup.objects.bulk_create(
        [
            Rollup(
                checkpoint=checkpoint,
                programme_indicator=item,
                schools=REGION_SUPPORTED,
                reached=REGION_SUPPORTED // 2,
                value=Decimal((n * 7 + k * 13) % 100),
            )
            for k, item in enumerate(items)
        ]
    )
    return len(schools)


@benchmark("region")
def bench_region_page(report: BenchReport) -> None:
    """The regional page at 10 and at 40 municipalities (50 schools each, 500 and 2,000 in
    all), with lists, programmes, running roadmaps and indicators: the number of queries
    equal at both sizes, the time at 40 against the registry's school list in the same run."""
    region, _ministry, coordinator = roadmaps_bench_region()
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator)
    year = dates.academic_year_of(dates.today())
    pages = {
        "regional page": reverse("reports:region"),
        "registry school list (reference)": reverse("registry:schools"),
    }

    def measure() -> tuple[dict[str, int], dict[str, float]]:
        counts = {}
        for name, url in pages.items():
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts[name] = len(queries)
        times = {
            name: median_ms(timed(partial(client.get, url), 10)) for name, url in pages.items()
        }
        return counts, times

    started = time.perf_counter()
    schools = sum(_region_municipality(region, n, year) for n in range(10))
    report.add(
        "data of 10 municipalities", f"{schools} schools, {time.perf_counter() - started:.1f} s"
    )
    small_counts, small_times = measure()
    schools += sum(_region_municipality(region, n, year) for n in range(10, REGION_LARGE))
    large_counts, large_times = measure()
    for name in pages:
        report.add(
            f"{name}: queries at 10 / {REGION_LARGE} municipalities",
            f"{small_counts[name]} / {large_counts[name]}",
            "equal",
            small_counts[name] == large_counts[name],
        )
    page = large_times["regional page"]
    reference = large_times["registry school list (reference)"]
    report.add(
        f"regional page, {REGION_LARGE} municipalities ({schools} schools), median",
        f"{page:.0f} ms ({page / reference:.1f}× the school list, {reference:.0f} ms)",
        "< 500 ms on PostgreSQL",
        page < 500 if connection.vendor == "postgresql" else None,
    )
    report.add("regional page, 10 municipalities, median", f"{small_times['regional page']:.0f} ms")
