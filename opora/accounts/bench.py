"""`opora bench accounts`: the people list at 2,000 people against 200 (query counts equal,
server time), the person page, and a 500-row staff import with its letters."""

from __future__ import annotations

import time
from functools import partial

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import Table
from opora.core.imports.services import run_import_now
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import Membership, Organization, Person, SchoolProfile, Territory

BIG, SMALL = 2000, 200
IMPORT_ROWS = 500
SURNAMES = ["Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева"]
NAMES = ["Анна", "Ольга", "Елена", "Мария", "Татьяна", "Ирина", "Наталья"]


def _city(region: Territory, name: str, schools: int) -> tuple[Organization, list[Organization]]:
    city = Territory.objects.add_child(region, {"name": name, "kind": TerritoryKind.MUNICIPALITY})
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"DO-{name}",
        name=f"Управление образования ({name})",
        short_name=f"УО {name}",
        territory=city,
    )
    made = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"{name}-SCH-{n}",
                name=f"Средняя школа № {n} ({name})",
                short_name=f"СОШ № {n}",
                territory=city,
            )
            for n in range(1, schools + 1)
        ]
    )
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization=s, school_type=SchoolType.SOSH) for s in made]
    )
    return department, list(Organization.objects.filter(territory=city, kind="school"))


def _people(prefix: str, count: int, schools: list[Organization]) -> None:
    """`count` people in the schools, most with accounts, some with two roles."""
    password = make_password(None)  # unusable: invited, not yet joined
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}@bench.ru", email=f"{prefix}{n}@bench.ru", password=password)
            for n in range(count)
            if n % 5
        ]
    )
    by_email = {u.email: u for u in users}
    people = Person.objects.bulk_create(
        [
            Person(
                last_name=f"{SURNAMES[n % len(SURNAMES)]}-{prefix}{n}",
                first_name=NAMES[n % len(NAMES)],
                email=f"{prefix}{n}@bench.ru",
                user=by_email.get(f"{prefix}{n}@bench.ru"),
            )
            for n in range(count)
        ]
    )
    memberships = []
    for n, person in enumerate(people):
        memberships.append(
            Membership(person=person, organization=schools[n % len(schools)], role=Role.TEACHER)
        )
        if n % 10 == 0:
            memberships.append(
                Membership(
                    person=person,
                    organization=schools[(n + 1) % len(schools)],
                    role=Role.SCHOOL_STAFF,
                    is_active=n % 20 != 0,
                )
            )
    Membership.objects.bulk_create(memberships)


def _coordinator(username: str, department: Organization) -> Client:
    user = User.objects.create_user(username, password="bench-password")
    person = Person.objects.create(last_name=username, first_name="Бенч", user=user)
    Membership.objects.create(
        person=person, organization=department, role=Role.PROGRAMME_COORDINATOR
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _page_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("accounts")
def bench_accounts(report: BenchReport) -> None:
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    big_department, big_schools = _city(region, "Большой", 60)
    small_department, small_schools = _city(region, "Малый", 6)
    _people("b", BIG, big_schools)
    _people("s", SMALL, small_schools)
    big = _coordinator("bench-big", big_department)
    small = _coordinator("bench-small", small_department)
    assert UNUSABLE_PASSWORD_PREFIX  # the list's «invited» filter reads this prefix

    people_url = reverse("accounts:people")
    big_person = Person.objects.get(email="b1000@bench.ru")
    small_person = Person.objects.get(email="s100@bench.ru")
    big_school = big_schools[7]
    small_school = small_schools[3]
    for label, big_url, small_url in (
        ("people list page", people_url, people_url),
        ("people list, search «иванова»", f"{people_url}?q=иванова", f"{people_url}?q=иванова"),
        (
            "people list, school + role + invited, page 2",
            f"{people_url}?organization={big_school.pk}&role=teacher&account=invited&page=2",
            f"{people_url}?organization={small_school.pk}&role=teacher&account=invited",
        ),
        (
            "person page",
            reverse("accounts:person", args=[big_person.pk]),
            reverse("accounts:person", args=[small_person.pk]),
        ),
    ):
        many, few = _page_queries(big, big_url), _page_queries(small, small_url)
        report.add(
            f"SQL queries, {label}: {BIG} vs {SMALL} people",
            f"{many} vs {few}",
            "equal",
            many == few,
        )

    # Speed is judged against a floor measured in the same run on the same machine: the
    # registry's school list (50 rows through the same middleware, access and table code),
    # so a busy machine slows both and the ratio stays meaningful.
    floor = median_ms(timed(partial(big.get, reverse("registry:schools")), repeat=30))
    report.add("floor: registry school list (50 rows), median", f"{floor:.0f} ms", "", None)
    for label, url in (
        ("people list page (50 rows)", people_url),
        ("people list, search", f"{people_url}?q=иванова"),
        ("people list, sorted by last login, page 10", f"{people_url}?sort=-last_login&page=10"),
        ("person page", reverse("accounts:person", args=[big_person.pk])),
    ):
        samples = timed(partial(big.get, url), repeat=30)
        ratio = median_ms(samples) / floor if floor else 0.0
        report.add(
            f"server time, {label}, {BIG} people, median / p90 (× the floor)",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms ({ratio:.1f}×)",
            "≤ 2× the school list" if url == people_url else "",
            ratio <= 2 if url == people_url else None,
        )

    coordinator = User.objects.get(username="bench-big")
    rows = [
        [
            f"Новикова-{n} Анна Сергеевна",
            f"new{n}@bench.ru",
            "",
            big_schools[n % len(big_schools)].code,
            "учитель" if n % 4 else "сотрудник школы",
            "",
        ]
        for n in range(IMPORT_ROWS)
    ]
    table = Table(
        headers=["ФИО", "Эл. почта", "Телефон", "Код организации", "Роль", "Должность"], rows=rows
    )
    # Letters go to memory: measured, not printed.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        start = time.perf_counter()
        validation = run_import_now(
            importer_key="accounts.people",
            table=table,
            columns=None,
            user=coordinator,
            options=ImportOptions(),
        )
        seconds = time.perf_counter() - start
        letters = len(mail.outbox)
    assert validation.is_valid and validation.created == IMPORT_ROWS, validation.errors[:5]
    report.add(
        f"staff import, {IMPORT_ROWS} new people with letters (validate + save + send)",
        f"{seconds:.2f} s, {letters} letters",
        "< 30 s",
        seconds < 30 and letters == IMPORT_ROWS,
    )
