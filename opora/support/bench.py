"""`opora bench support-…`: the support network's pages on generated data."""

from __future__ import annotations

import datetime
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    SchoolProfile,
    Territory,
)

# --- visits ---

SMALL, LARGE = 100, 1000
VISITS_PER_SCHOOL = 3
RECOMMENDATIONS_PER_VISIT = 2


def _user(username: str, organization: Organization, role: str) -> tuple[User, Person]:
    user = User.objects.create_user(username, password="bench-password")
    person = Person.objects.create(last_name=username, first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=organization, role=role)
    return user, person


def _schools(districts: list[Territory], start: int, count: int) -> list[Organization]:
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Муниципальное общеобразовательное учреждение СОШ № {n}",
                short_name=f"СОШ № {n}",
                territory=districts[n % len(districts)],
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


def _visits(schools: list[Organization], centre: Organization, lead: Person) -> None:
    from opora.support.choices import RecommendationStatus, VisitKind, VisitStatus
    from opora.support.models import Recommendation, Visit, VisitTemplate

    today = dates.today()
    template = VisitTemplate.objects.filter(owner__isnull=True, kind=VisitKind.LANDING).first()
    visits = Visit.objects.bulk_create(
        [
            Visit(
                school=school,
                kind=VisitKind.LANDING,
                planned_on=today - datetime.timedelta(days=30 * n + school.pk % 20),
                organiser=centre,
                lead=lead,
                purpose="Методическая помощь",
                template=template,
                status=VisitStatus.DONE if n else VisitStatus.PLANNED,
            )
            for school in schools
            for n in range(VISITS_PER_SCHOOL)
        ]
    )
    statuses = list(RecommendationStatus)
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                school_id=visit.school_id,
                visit=visit,
                text="Провести педсовет по итогам ВПР",
                due_on=visit.planned_on + datetime.timedelta(days=20 + 15 * k),
                status=statuses[(visit.pk + k) % len(statuses)],
            )
            for visit in visits
            for k in range(RECOMMENDATIONS_PER_VISIT)
        ]
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("support-visits")
def bench_support_visits(report: BenchReport) -> None:
    """The visit list, the recommendation list and the curator's home over 100 and 1,000
    schools: query counts equal; times as a ratio to the registry's school list (same run)."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    city = Territory.objects.add_child(
        region, {"name": "Бенч-город", "kind": TerritoryKind.MUNICIPALITY}
    )
    districts = [
        city.add_child(name=f"Район {n}", kind=TerritoryKind.CITY_DISTRICT) for n in range(5)
    ]
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code="BENCH-DO",
        name="Департамент образования",
        short_name="ДО",
        territory=city,
    )
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-GCRO",
        name="Городской центр развития образования",
        short_name="ГЦРО",
        territory=city,
    )
    coordinator, _person = _user("bench-coordinator", department, Role.PROGRAMME_COORDINATOR)
    curator, curator_person = _user("bench-curator", centre, Role.CURATOR)

    clients = {
        "coordinator": Client(HTTP_HOST="localhost"),
        "curator": Client(HTTP_HOST="localhost"),
    }
    clients["coordinator"].force_login(coordinator)
    clients["curator"].force_login(curator)
    pages = {
        "visit list": (reverse("support:visits"), "coordinator"),
        "recommendation list": (reverse("support:recommendations"), "coordinator"),
        "recommendation list, overdue": (
            reverse("support:recommendations") + "?overdue=yes",
            "coordinator",
        ),
        "curator's home": ("/", "curator"),
        "registry school list (reference)": (reverse("registry:schools"), "coordinator"),
    }

    def measure(size: int) -> tuple[dict[str, int], dict[str, float]]:
        counts = {label: _queries(clients[who], url) for label, (url, who) in pages.items()}
        times = {
            label: median_ms(timed(partial(clients[who].get, url), repeat=15))
            for label, (url, who) in pages.items()
        }
        for label in pages:
            report.log(f"  {size} школ, {label}: {counts[label]} запросов, {times[label]:.0f} мс")
        return counts, times

    schools = _schools(districts, 1, SMALL)
    CuratorAssignment.objects.bulk_create(
        [CuratorAssignment(curator=curator_person, school=s) for s in schools[:4]]
    )
    _visits(schools, centre, curator_person)
    few, small_times = measure(SMALL)
    more = _schools(districts, SMALL + 1, LARGE - SMALL)
    _visits(more, centre, curator_person)
    many, large_times = measure(LARGE)

    for label in pages:
        report.add(
            f"SQL queries, {label}: {LARGE} vs {SMALL} schools",
            f"{many[label]} vs {few[label]}",
            "equal",
            many[label] == few[label],
        )
    reference = "registry school list (reference)"
    for label in pages:
        if label == reference:
            continue
        for size, times in ((SMALL, small_times), (LARGE, large_times)):
            ratio = times[label] / times[reference]
            report.add(
                f"server time, {label}, {size} schools "
                f"({size * VISITS_PER_SCHOOL} visits), ratio to the school list",
                f"{times[label]:.0f} ms = {ratio:.1f}×",
                "< 3×",
                ratio < 3,
            )
