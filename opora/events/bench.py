"""Benchmarks of events: a region's month calendar and 500 certificates as one job."""

from __future__ import annotations

import datetime
import time
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import JobStatus, Role
from opora.core.jobs import job_run
from opora.core.models import Job
from opora.events.choices import EventKind, EventStatus
from opora.events.models import Event, Registration
from opora.events.services import certificates_job_start
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import Membership, Organization, Person, SchoolProfile, Territory

# (schools, events a year, registrations)
SMALL = (200, 100, 5_000)
LARGE = (2_000, 1_000, 50_000)
MUNICIPALITIES = 20
CERTIFICATES = 500


def _user(username: str, organization: Organization, role: str) -> User:
    user = User.objects.create_user(username, password="bench-password")
    person = Person.objects.create(last_name=username, first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=organization, role=role)
    return user


def _schools(cities: list[Territory], start: int, count: int) -> list[Organization]:
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Муниципальное общеобразовательное учреждение СОШ № {n}",
                short_name=f"СОШ № {n}",
                territory=cities[n % len(cities)],
            )
            for n in range(start, start + count)
        ]
    )
    SchoolProfile.objects.bulk_create(
        [
            SchoolProfile(organization=s, school_type=SchoolType.SOSH, number=str(n))
            for n, s in enumerate(schools, start=start)
        ]
    )
    return schools


def _events(
    organizer: Organization,
    cities: list[Territory],
    schools: list[Organization],
    count: int,
    registrations: int,
    year_start: datetime.datetime,
) -> None:
    """`count` events over a year (each for one municipality's schools, every fifth naming
    two schools too) with `registrations` registrations spread over them."""
    kinds = list(EventKind)
    events = Event.objects.bulk_create(
        [
            Event(
                kind=kinds[n % len(kinds)],
                title=f"Семинар для педагогических команд № {n}",
                organizer=organizer,
                starts_at=year_start + datetime.timedelta(hours=(n * 8760) // count),
                ends_at=year_start + datetime.timedelta(hours=(n * 8760) // count + 2),
                place="Центр развития образования",
                audience_territory=cities[n % len(cities)],
                status=EventStatus.HELD,
            )
            for n in range(count)
        ]
    )
    invited = Event.audience_schools.through
    invited.objects.bulk_create(
        [
            invited(event_id=e.pk, organization_id=schools[(e.pk * 7 + k) % len(schools)].pk)
            for e in events[::5]
            for k in range(2)
        ]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                event=events[n % len(events)],
                school=schools[n % len(schools)],
                full_name=f"Участник {n}",
                attended=n % 4 != 0,
            )
            for n in range(registrations)
        ],
        batch_size=5_000,
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("events")
def bench_events(report: BenchReport) -> None:
    """A region's month calendar at 200 and 2,000 schools (100 and 1,000 events a year, 5,000
    and 50,000 registrations): query counts equal, times as a ratio to the registry's school
    list in the same run; 500 certificates issued as one background job."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    cities = [
        region.add_child(name=f"Муниципалитет {n}", kind=TerritoryKind.MUNICIPALITY)
        for n in range(MUNICIPALITIES)
    ]
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-IRO",
        name="Институт развития образования",
        short_name="ИРО",
        territory=region,
    )
    methodist = _user("bench-methodist", centre, Role.ANALYST)
    client = Client(HTTP_HOST="localhost")
    client.force_login(methodist)
    now = timezone.localtime()
    year_start = now.replace(month=9, day=1, hour=10, minute=0, second=0, microsecond=0)
    if year_start > now:
        year_start = year_start.replace(year=year_start.year - 1)
    month = f"{now:%Y-%m}"
    pages = {
        "month calendar": reverse("events:calendar") + f"?month={month}",
        "event list (50 a page)": reverse("events:index"),
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

    schools = _schools(cities, 1, SMALL[0])
    _events(centre, cities, schools, SMALL[1], SMALL[2], year_start)
    few, small_times = measure(f"{SMALL[0]} школ")
    more = _schools(cities, SMALL[0] + 1, LARGE[0] - SMALL[0])
    _events(centre, cities, schools + more, LARGE[1] - SMALL[1], LARGE[2] - SMALL[2], year_start)
    many, large_times = measure(f"{LARGE[0]} школ")
    report.log(f"  мероприятий: {Event.objects.count()}, записей: {Registration.objects.count()}")

    for name in pages:
        report.add(
            f"SQL queries, {name}: {LARGE[0]} vs {SMALL[0]} schools",
            f"{many[name]} vs {few[name]}",
            "equal",
            many[name] == few[name],
        )
    reference = "registry school list (reference)"
    for name in pages:
        if name == reference:
            continue
        for size, times in ((SMALL, small_times), (LARGE, large_times)):
            ratio = times[name] / times[reference]
            report.add(
                f"server time, {name}, {size[0]} schools ({size[1]} events, "
                f"{size[2]} registrations), ratio to the school list",
                f"{times[name]:.0f} ms = {ratio:.1f}×",
                "< 3×",
                ratio < 3,
            )
        report.add(
            f"server time, {name}, {LARGE[0]} schools",
            f"{large_times[name]:.0f} ms",
            "< 300 ms (PostgreSQL)",
            large_times[name] < 300 if connection.vendor == "postgresql" else None,
        )

    # 500 certificates as one job: an event with 500 attended participants.
    event = Event.objects.create(
        kind=EventKind.CONFERENCE,
        title="Региональная конференция «Школа равных возможностей»",
        organizer=centre,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now - datetime.timedelta(days=1) + datetime.timedelta(hours=6),
        place="Институт развития образования",
        audience_territory=region,
        hours=6,
        status=EventStatus.HELD,
    )
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                school=schools[n % len(schools)],
                full_name=f"Участникова Мария Ивановна {n}",
                attended=True,
            )
            for n in range(CERTIFICATES)
        ]
    )
    job = certificates_job_start(event=event, user=methodist)
    start = time.perf_counter()
    job_run(job.pk)
    seconds = time.perf_counter() - start
    job = Job.objects.get(pk=job.pk)
    report.add(
        f"{CERTIFICATES} certificates (PDF) in one ZIP, one background job",
        f"{seconds:.1f} s, {job.get_status_display().lower()}",
        "succeeds",
        job.status == JobStatus.SUCCEEDED and job.result.get("count") == CERTIFICATES,
    )
