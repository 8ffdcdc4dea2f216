"""`opora bench external-lists`: an official list beside the computed one on a large territory.

A generated municipality of 5,500 schools with a computed (approved) run of the same year:
every tenth school on the computed list, so that each of the three groups is large. A list of
5,000 codes is imported through `run_import_now` (the path of the command line and of the
demo); the comparison page is rendered for each group. Times are ratios to floors measured in
the same run: reading the same CSV with `read_table` alone for the import, the registry's
school list for the page. The page's SQL query count is the same for a list of 500 and of
5,000 schools (it is paginated; its counts are aggregates). The outcomes are written directly
(the engine has its own benchmark, `opora bench identify`).

Registered from `bench.py` (the bench framework discovers each app's `bench` module only).
"""

from __future__ import annotations

import io
import time
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.bench import BenchReport, median_ms, timed
from opora.core.choices import Role
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.identification.choices import RunStatus
from opora.identification.imports import EXTERNAL_LIST_IMPORTER
from opora.identification.models import (
    ExternalList,
    IdentificationRun,
    Methodology,
    SchoolIdentification,
)
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Membership, Organization, Person, Territory

SCHOOLS = 5_500
SMALL, LARGE = 500, 5_000
YEAR = 2025
GROUPS = {"все школы": "", "в обоих": "both", "только в официальном": "official"}
GROUPS["только в рассчитанном"] = "computed"


def _territory() -> tuple[Territory, list[Organization]]:
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    city = region.add_child(name="Бенч-город", code="BENCH-CITY", kind=TerritoryKind.MUNICIPALITY)
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Средняя общеобразовательная школа № {n}",
                short_name=f"СОШ № {n}",
                territory=city,
            )
            for n in range(SCHOOLS)
        ],
        batch_size=2_000,
    )
    return city, schools


def _run(city: Territory, schools: list[Organization]) -> IdentificationRun:
    """An approved run with an outcome for every school; every tenth is on its list."""
    version = Methodology.objects.get(is_builtin=True).current
    run = IdentificationRun.objects.create(
        territory=city, year=YEAR, version=version, status=RunStatus.APPROVED
    )
    SchoolIdentification.objects.bulk_create(
        [
            SchoolIdentification(
                run=run,
                school=school,
                results_index=round(-1.5 + (n % 300) / 100, 2),
                results_percentile=float(n % 100),
                context_index=round(-1.0 + (n % 200) / 100, 2),
                context_percentile=float((n * 7) % 100),
                components=20,
                low_results=n % 10 == 0,
                unfavourable=n % 20 == 0,
                in_list=n % 10 == 0,
                reasons=[{"text": "Индекс результатов ниже 10-го процентиля территории."}]
                if n % 10 == 0
                else [],
            )
            for n, school in enumerate(schools)
        ],
        batch_size=2_000,
    )
    return run


def _csv(schools: list[Organization], count: int) -> bytes:
    # The first `count` schools: the last 500 of the territory are on the computed list only.
    lines = ["Код ОО;Наименование", *(f"{s.code};{s.short_name}" for s in schools[:count])]
    return "\r\n".join(lines).encode("utf-8")


def _import(content: bytes, city: Territory, user: User, number: str) -> ExternalList:
    validation = run_import_now(
        importer_key=EXTERNAL_LIST_IMPORTER,
        table=read_table(io.BytesIO(content), "Перечень.csv"),
        columns=None,
        user=user,
        options=ImportOptions(
            file_name="Перечень.csv",
            defaults={
                "territory": city.code or city.name,
                "year": str(YEAR),
                "title": "Перечень школ с низкими результатами обучения",
                "issuer": "Министерство образования Бенч-области",
                "order_number": number,
                "order_date": "20.08.2025",
            },
        ),
    )
    assert validation.is_valid, [str(e) for e in validation.errors[:5]]
    return ExternalList.objects.get(territory=city, year=YEAR, order_number=number)


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def bench_external_lists(report: BenchReport) -> None:
    """Import of a 5,000-code official list and its comparison page, each as a ratio to a floor
    measured here; query counts of the page for 500 and 5,000 schools."""
    city, schools = _territory()
    _run(city, schools)
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-GCRO",
        name="Городской центр развития образования",
        territory=city,
    )
    user = User.objects.create_user("bench-analyst", password="bench-password")
    person = Person.objects.create(last_name="Аналитик", first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    small = _import(_csv(schools, SMALL), city, user, "1")
    content = _csv(schools, LARGE)
    read_ms = median_ms(timed(lambda: read_table(io.BytesIO(content), "Перечень.csv"), repeat=5))
    started = time.perf_counter()
    large = _import(content, city, user, "2")
    import_ms = (time.perf_counter() - started) * 1000
    assert large.schools.count() == LARGE
    report.add(f"чтение CSV из {LARGE} кодов (read_table, пол)", f"{read_ms:.0f} ms")
    ratio = import_ms / read_ms
    report.add(
        f"загрузка списка из {LARGE} кодов (run_import_now: чтение, проверка, запись)",
        f"{import_ms:.0f} ms = {ratio:.1f}× чтения",
        "< 2 s",
        import_ms < 2_000,
    )

    reference_url = reverse("registry:schools")
    reference_ms = median_ms(timed(partial(client.get, reference_url), repeat=10))
    report.add("страница реестра школ (пол)", f"{reference_ms:.0f} ms")
    for label, group in GROUPS.items():
        query = f"?group={group}" if group else ""
        few = _queries(client, reverse("identification:list", args=[small.pk]) + query)
        url = reverse("identification:list", args=[large.pk]) + query
        many = _queries(client, url)
        page_ms = median_ms(timed(partial(client.get, url), repeat=10))
        report.add(
            f"SQL-запросов, сравнение «{label}»: {LARGE} и {SMALL} школ в списке",
            f"{many} и {few}",
            "равны",
            many == few,
        )
        page_ratio = page_ms / reference_ms
        report.add(
            f"время сервера, сравнение «{label}», {LARGE} школ",
            f"{page_ms:.0f} ms = {page_ratio:.1f}× реестра",
            "< 3×",
            page_ratio < 3,
        )
    export_url = reverse("identification:list-export", args=[large.pk])
    export_ms = median_ms(timed(partial(client.get, export_url), repeat=3))
    report.add(
        f"XLSX сравнения, {LARGE + (SCHOOLS - LARGE) // 10} строк",
        f"{export_ms:.0f} ms = {export_ms / reference_ms:.1f}× реестра",
    )
