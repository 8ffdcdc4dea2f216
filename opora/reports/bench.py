"""Benchmark of reports: the year's results for a region of 2,000 schools × 5 lists, built as
one background job (target < 30 s), against reading the same rows once (the reference)."""

from __future__ import annotations

import random
import time

from django.contrib.auth.models import User

from opora.core.bench import BenchReport, benchmark
from opora.core.choices import Role
from opora.identification.choices import Change, RunStatus
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Membership, Organization, Person, Territory
from opora.reports import services
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.kinds import ReportParams

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
