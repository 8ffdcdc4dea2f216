"""`opora bench registry`: a territory of 2,000 schools — import time, list speed, query counts."""

from __future__ import annotations

import csv
import io
import time
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Membership, Organization, Person, Territory
from opora.registry.services import school_save

SCHOOLS = 2000
SMALL = 10
DISTRICTS = ["Центральный", "Ленинский", "Заречный", "Октябрьский", "Северный"]
TYPES = ["СОШ", "СОШ", "СОШ", "ООШ", "гимназия", "лицей"]
HEADER = [
    "Код ОО",
    "Полное наименование",
    "Краткое наименование",
    "Вид ОО",
    "Номер",
    "Территория",
    "Местность",
    "Адрес",
    "Директор",
    "Численность обучающихся",
]


def _coordinator(username: str, territory: Territory) -> User:
    authority = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"AUTH-{username}",
        name=f"Управление образования ({username})",
        short_name=f"УО {username}",
        territory=territory,
    )
    user = User.objects.create_user(username, password="bench-password")
    person = Person.objects.create(last_name=username, first_name="Бенч", user=user)
    Membership.objects.create(
        person=person, organization=authority, role=Role.PROGRAMME_COORDINATOR
    )
    return user


def registry_rows(count: int) -> list[list[str]]:
    rows = []
    for n in range(1, count + 1):
        kind = TYPES[n % len(TYPES)]
        rows.append(
            [
                f"BENCH-{n:05d}",
                f"Муниципальное общеобразовательное учреждение {kind} № {n}",
                f"{kind} № {n}",
                kind,
                str(n),
                DISTRICTS[n % len(DISTRICTS)],
                "сельская" if n % 17 == 0 else "городская",
                f"ул. Школьная, д. {n}",
                f"Директорова Анна № {n}",
                str(150 + (n * 37) % 1300),
            ]
        )
    return rows


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1251")


def _page_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("registry")
def bench_registry(report: BenchReport) -> None:
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    city = Territory.objects.add_child(
        region, {"name": "Бенч-город", "kind": TerritoryKind.MUNICIPALITY}
    )
    for name in DISTRICTS:
        Territory.objects.add_child(city, {"name": name, "kind": TerritoryKind.CITY_DISTRICT})
    small_town = Territory.objects.add_child(
        region, {"name": "Малый город", "kind": TerritoryKind.MUNICIPALITY}
    )
    big_user = _coordinator("bench-big", city)
    small_user = _coordinator("bench-small", small_town)
    for n in range(SMALL):
        school_save(
            code=f"SMALL-{n}",
            organization=None,
            organization_values={
                "name": f"СОШ № {n} Малого города",
                "short_name": f"СОШ № {n}",
                "territory_id": small_town.pk,
            },
            school_values={"school_type": "sosh", "number": str(n), "enrolment": 300},
        )

    rows = registry_rows(SCHOOLS)
    content = xlsx_bytes(rows)
    start = time.perf_counter()
    table = read_table(io.BytesIO(content), "bench.xlsx")
    validation = run_import_now(
        importer_key="registry.schools", table=table, columns=None, user=big_user
    )
    seconds = time.perf_counter() - start
    assert validation.is_valid and validation.created == SCHOOLS, validation.errors[:5]
    report.add(
        f"registry import, {SCHOOLS} new rows, XLSX (read + validate + save)",
        f"{seconds:.2f} s",
        "< 10 s",
        seconds < 10,
    )

    start = time.perf_counter()
    table = read_table(io.BytesIO(csv_bytes(rows)), "bench.csv")
    validation = run_import_now(
        importer_key="registry.schools", table=table, columns=None, user=big_user
    )
    seconds = time.perf_counter() - start
    assert validation.unchanged == SCHOOLS
    report.add(
        f"re-import of the same {SCHOOLS} rows, CSV cp1251 (no changes)",
        f"{seconds:.2f} s",
        "< 10 s",
        seconds < 10,
    )

    big, small = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    big.force_login(big_user)
    small.force_login(small_user)
    list_url = reverse("registry:schools")
    some_school = Organization.objects.filter(code="BENCH-00777").get()
    small_school = Organization.objects.filter(code="SMALL-1").get()
    for label, big_url, small_url in (
        ("school list page", list_url, list_url),
        ("school list, search «сош 1»", f"{list_url}?q=сош+1", f"{list_url}?q=сош+1"),
        (
            "school list, sorted by enrolment, page 3",
            f"{list_url}?sort=-enrolment&page=3",
            f"{list_url}?sort=-enrolment",
        ),
        (
            "school card",
            reverse("registry:school", args=[some_school.pk]),
            reverse("registry:school", args=[small_school.pk]),
        ),
    ):
        many, few = _page_queries(big, big_url), _page_queries(small, small_url)
        report.add(
            f"SQL queries, {label}: {SCHOOLS} vs {SMALL} schools",
            f"{many} vs {few}",
            "equal",
            many == few,
        )

    for label, url in (
        ("school list page (50 rows)", list_url),
        ("school list, search", f"{list_url}?q=гимназия+12"),
        (
            "school list, district filter + sort",
            f"{list_url}?territory={Territory.objects.get(name='Ленинский').pk}&sort=-enrolment",
        ),
        ("school card", reverse("registry:school", args=[some_school.pk])),
    ):
        samples = timed(partial(big.get, url), repeat=30)
        is_list = url == list_url
        report.add(
            f"server time, {label}, {SCHOOLS} schools, median / p90",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms",
            "median < 150 ms" if is_list else "",
            median_ms(samples) < 150 if is_list else None,
        )


ORDERS = 2000


@benchmark("orders")
def bench_orders(report: BenchReport) -> None:
    """The register of orders: 2,000 orders of one authority vs 10 of another (query counts
    equal), and its server time next to the school list's of the same territory."""
    import datetime

    from opora.registry.choices import OrderKind, OrderStatus
    from opora.registry.models import Order

    report.title = "Orders: register page"
    root = Territory.objects.add_root(
        instance=Territory(name="Область", kind=TerritoryKind.REGION, code="BR")
    )
    big_territory = root.add_child(
        instance=Territory(name="Город", kind=TerritoryKind.MUNICIPALITY, code="BO1")
    )
    small_territory = Territory.objects.get(pk=root.pk).add_child(
        instance=Territory(name="Посёлок", kind=TerritoryKind.MUNICIPALITY, code="BO2")
    )
    big_user = _coordinator("orders_big", big_territory)
    small_user = _coordinator("orders_small", small_territory)
    kinds = list(OrderKind.values)

    def orders(user: User, count: int) -> None:
        issuer = Organization.objects.get(code=f"AUTH-{user.username}")
        Order.objects.bulk_create(
            [
                Order(
                    issuer=issuer,
                    kind=kinds[n % len(kinds)],
                    status=OrderStatus.REGISTERED if n % 5 else OrderStatus.DRAFT,
                    title=f"Об утверждении документа {n}",
                    number=f"{n}-од" if n % 5 else "",
                    date=datetime.date(2020 + n % 6, 1 + n % 12, 1 + n % 28) if n % 5 else None,
                    year=2020 + n % 6 if n % 5 else None,
                )
                for n in range(count)
            ],
            batch_size=1000,
        )

    orders(big_user, ORDERS)
    orders(small_user, SMALL)
    Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BO-SCH-{n}",
                name=f"Средняя школа № {n}",
                short_name=f"СОШ № {n}",
                territory=big_territory,
            )
            for n in range(ORDERS)
        ],
        batch_size=1000,
    )
    big, small = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    big.force_login(big_user)
    small.force_login(small_user)
    url = reverse("registry:orders")
    for label, query in (
        ("register page", ""),
        ("search «1-од»", "?q=1-од"),
        ("registered, 2024, sorted by number", "?status=registered&year=2024&sort=number"),
    ):
        many, few = _page_queries(big, url + query), _page_queries(small, url + query)
        report.add(
            f"SQL queries, orders {label}: {ORDERS} vs {SMALL} orders",
            f"{many} vs {few}",
            "equal",
            many == few,
        )
    orders_ms = median_ms(timed(partial(big.get, url), repeat=30))
    schools_ms = median_ms(timed(partial(big.get, reverse("registry:schools")), repeat=30))
    report.add(
        f"server time, orders register, {ORDERS} orders, median",
        f"{orders_ms:.0f} ms",
        "≤ school list",
    )
    report.add(
        f"server time ratio, orders register / school list ({ORDERS} schools)",
        f"{orders_ms / schools_ms:.2f}",
        "≤ 1.5",
        orders_ms / schools_ms <= 1.5,
    )
