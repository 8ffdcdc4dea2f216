"""`opora bench roadmaps`: a region of 2,000 schools × 60 activities in execution — the
overdue list and the programme dashboard; query counts of a roadmap of 500 activities;
recognising and saving a 300-row Word roadmap."""

from __future__ import annotations

import datetime
import io
import time
from functools import partial

import docx
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import (
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus, ScheduleKind
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.services import roadmap_create

SCHOOLS = 2000
ACTIVITIES = 60
SECTIONS = 6
WORD_ROWS = 300


def bench_region() -> tuple[Territory, Organization, User]:
    """A region, its ministry and a regional coordinator who sees everything in it."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code="BENCH-DEP",
        name="Министерство (бенч)",
        short_name="Министерство",
        territory=region,
    )
    user = User.objects.create_user("bench-coordinator")
    person = Person.objects.create(last_name="Бенч", first_name="Координатор", user=user)
    Membership.objects.create(
        person=person, organization=department, role=Role.REGIONAL_COORDINATOR
    )
    return region, department, user


def bench_schools(region: Territory) -> list[Organization]:
    """The region's 2,000 schools, created in bulk."""
    Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{i:05}",
                name=f"Школа № {i}",
                short_name=f"Школа № {i}",
                territory=region,
            )
            for i in range(SCHOOLS)
        ],
        batch_size=2000,
    )
    schools = list(Organization.objects.filter(code__startswith="BENCH-0").order_by("code"))
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization=s, school_type="sosh") for s in schools]
    )
    return schools


def _running_roadmaps(
    programme: Programme, schools: list[Organization], activities_each: int = ACTIVITIES
) -> int:
    """A running roadmap per school of 60 activities, each with a past and a future due date;
    two thirds of the past ones closed (one in five of those late), the rest overdue."""
    today = dates.today()
    roadmaps = Roadmap.objects.bulk_create(
        [
            Roadmap(
                programme=programme,
                school=school,
                kind=RoadmapKind.ANTI_RISK,
                title=f"Антирисковая программа: {school.short_name}",
                status=RoadmapStatus.EXECUTION,
            )
            for school in schools
        ],
        batch_size=2000,
    )
    sections = Section.objects.bulk_create(
        [
            Section(roadmap=r, position=n, number=str(n), title=f"Раздел {n}")
            for r in roadmaps
            for n in range(1, SECTIONS + 1)
        ],
        batch_size=5000,
    )
    per_section = activities_each // SECTIONS
    activities = Activity.objects.bulk_create(
        (
            Activity(
                roadmap_id=s.roadmap_id,
                section=s,
                position=(s.position - 1) * per_section + k,
                number=f"{s.number}.{k}",
                text=f"Мероприятие {s.number}.{k}: семинар для учителей по итогам ВПР",
                schedule_text="1 раз в полугодие",
                schedule_kind=ScheduleKind.HALF_YEAR,
                responsible="заместитель директора по УВР",
            )
            for s in sections
            for k in range(1, per_section + 1)
        ),
        batch_size=5000,
    )
    deadlines = []
    for index, activity in enumerate(activities):
        past = today - datetime.timedelta(days=30 + index % 300)
        closed = index % 3 != 0
        deadlines.append(
            Deadline(
                activity=activity,
                roadmap_id=activity.roadmap_id,
                due_on=past,
                closed_on=past if closed else None,
                closed_late=closed and index % 5 == 0,
            )
        )
        deadlines.append(
            Deadline(
                activity=activity,
                roadmap_id=activity.roadmap_id,
                due_on=today + datetime.timedelta(days=1 + index % 120),
            )
        )
    Deadline.objects.bulk_create(deadlines, batch_size=10000)
    return len(activities)


def _roadmap_of(size: int, programme: Programme, school: Organization, user: User) -> Roadmap:
    per = size // 10
    draft = DraftRoadmap(
        title=f"Дорожная карта на {size} мероприятий",
        sections=[
            DraftSection(
                number=str(n),
                title=f"Раздел {n}",
                activities=[
                    DraftActivity(
                        number=f"{n}.{k}", text=f"Мероприятие {n}.{k}", schedule="ежегодно (май)"
                    )
                    for k in range(1, per + 1)
                ],
            )
            for n in range(1, 11)
        ],
    )
    return roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.TRANSITION,
        draft=draft,
        user=user,
        source="бенч",
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def word_roadmap(rows: int) -> bytes:
    """A Word roadmap of `rows` activities in 10 sections, the way authorities write them."""
    document = docx.Document()
    document.add_paragraph("План мероприятий («дорожная карта») по поддержке школ")
    table = document.add_table(rows=1, cols=5)
    for cell, title in zip(
        table.rows[0].cells,
        ("№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"),
        strict=True,
    ):
        cell.text = title
    per = rows // 10
    for n in range(1, 11):
        section = table.add_row().cells
        section[0].merge(section[-1]).text = f"{n}. Направление работы {n}"
        for k in range(1, per + 1):
            cells = table.add_row().cells
            for cell, value in zip(
                cells,
                (
                    f"{n}.{k}",
                    f"Проведение семинара {n}.{k} для учителей по итогам ВПР и ОГЭ",
                    "ежегодно (сентябрь–октябрь)",
                    "ИМЦ, руководители ОО",
                    "Учителя освоили приёмы работы с дефицитами",
                ),
                strict=True,
            ):
                cell.text = value
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


@benchmark("roadmaps")
def bench_roadmaps(report: BenchReport) -> None:
    region, department, user = bench_region()
    programme = Programme.objects.create(
        name="Бенч-программа",
        owner=department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    report.log(f"  {SCHOOLS} школ × {ACTIVITIES} мероприятий…")
    started = time.perf_counter()
    schools = bench_schools(region)
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=programme, school=s) for s in schools]
    )
    total = _running_roadmaps(programme, schools[2:])
    report.log(f"  записано {total} мероприятий за {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # Statistics as autovacuum would have them on a live database after such a load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    small = _roadmap_of(50, programme, schools[0], user)
    large = _roadmap_of(500, programme, schools[1], user)
    few, many = (
        _queries(client, small.get_absolute_url()),
        _queries(client, large.get_absolute_url()),
    )
    report.add(
        "SQL queries, roadmap page: 500 vs 50 activities", f"{many} vs {few}", "equal", few == many
    )
    samples = timed(partial(client.get, large.get_absolute_url()), repeat=10)
    report.add(
        "server time, roadmap page of 500 activities, median / p90",
        f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms",
    )

    overdue = reverse("roadmaps:execution") + "?tab=overdue"
    open_overdue = Deadline.objects.filter(closed_on__isnull=True, due_on__lt=dates.today()).count()
    for label, url, target in (
        (f"overdue list ({open_overdue} overdue due dates, page of 100)", overdue, 300),
        ("who has not reported", reverse("roadmaps:execution") + "?tab=unreported", None),
        ("programme dashboard", reverse("roadmaps:dashboard", args=[programme.pk]), None),
    ):
        samples = timed(partial(client.get, url), repeat=15)
        report.add(
            f"server time, {label}, {SCHOOLS} schools × {ACTIVITIES}, median / p90",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms",
            f"< {target} ms" if target else "",
            median_ms(samples) < target if target else None,
        )

    data = word_roadmap(WORD_ROWS)
    started = time.perf_counter()
    draft = recognize(read_document(data, "карта.docx"))
    recognised = time.perf_counter() - started
    assert len(draft.activities) == WORD_ROWS and not draft.errors
    roadmap_create(
        programme=programme,
        school=None,
        kind=RoadmapKind.MUNICIPAL,
        draft=draft,
        user=user,
        source="бенч",
    )
    seconds = time.perf_counter() - started
    report.add(
        f"Word roadmap of {WORD_ROWS} rows: read + recognise / + save",
        f"{recognised:.2f} / {seconds:.2f} s",
        "< 5 s",
        seconds < 5,
    )


# One activity per section, each with a past and a future due date: 12 due dates a roadmap.
PAGES_SMALL, PAGES_BIG, PAGES_ACTIVITIES = 500, 2000, SECTIONS


@benchmark("roadmaps-pages")
def bench_roadmaps_pages(report: BenchReport) -> None:
    """The execution pages at 500 and at 2,000 running roadmaps of 12 due dates each: time
    and SQL queries of a page must not grow with the roadmaps (stored counters, pages)."""
    region, department, user = bench_region()
    programme = Programme.objects.create(
        name="Бенч-программа",
        owner=department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    schools = bench_schools(region)
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=programme, school=s) for s in schools]
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    dashboard = reverse("roadmaps:dashboard", args=[programme.pk])
    execution = reverse("roadmaps:execution")
    pages = (
        ("programme dashboard", dashboard),
        ("dashboard by name", dashboard + "?sort=name"),
        ("dashboard by section", dashboard + "?by=sections"),
        ("dashboard by executor", dashboard + "?by=executors"),
        ("who has not reported", execution + "?tab=unreported"),
        ("overdue list", execution + "?tab=overdue"),
        ("due soon", execution + "?tab=soon"),
        ("closed late", execution + "?tab=late"),
    )
    figures: dict[int, dict[str, tuple[float, int]]] = {}
    built = 0
    for size in (PAGES_SMALL, PAGES_BIG):
        _running_roadmaps(programme, schools[built:size], PAGES_ACTIVITIES)
        built = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        report.log(f"  {size} дорожных карт, {Deadline.objects.count()} сроков…")
        figures[size] = {}
        for label, url in pages:
            # The first (warm-up) call counts the counters of roadmaps written in bulk.
            samples = timed(partial(client.get, url), repeat=9)
            figures[size][label] = (median_ms(samples), _queries(client, url))
    for label, _url in pages:
        (small_ms, small_q), (big_ms, big_q) = (
            figures[PAGES_SMALL][label],
            figures[PAGES_BIG][label],
        )
        ratio = big_ms / small_ms if small_ms else 0.0
        report.add(
            f"{label}: {PAGES_SMALL} vs {PAGES_BIG} roadmaps, median ms (ratio) / SQL queries",
            f"{small_ms:.0f} → {big_ms:.0f} ms ({ratio:.2f}×) / {small_q} → {big_q}",
            "ratio < 2, equal queries",
            ratio < 2 and small_q == big_q,
        )
