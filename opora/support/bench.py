"""Benchmarks of the support network (`opora bench …`)."""

from __future__ import annotations

import datetime
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import (
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.models import Activity, ExecutionReport, Roadmap, Section
from opora.support.choices import ConsultationStatus, RecommendationStatus, VisitStatus
from opora.support.models import Consultation, Escalation, Recommendation, Visit

# --- engagement ---

ENGAGEMENT_BIG, ENGAGEMENT_SMALL = 2000, 200


def _engagement_city(region: Territory, name: str, schools: int) -> dict[str, Client]:
    """A city with `schools` supported schools and the support data the two pages read: a
    third with overdue recommendations, a fifth with refused visits, half with a roadmap in
    execution (most reporting, some silent for months), two consultations each, escalations
    for one in ten. Returns signed-in clients of its coordinator and its methodist."""
    today = dates.today()
    now = timezone.now()
    city = Territory.objects.add_child(region, {"name": name, "kind": TerritoryKind.MUNICIPALITY})
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"DO-{name}",
        name=f"Управление образования ({name})",
        short_name=f"УО {name}",
        territory=city,
    )
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code=f"MC-{name}",
        name=f"Методический центр ({name})",
        short_name=f"МЦ {name}",
        territory=city,
    )
    Organization.objects.bulk_create(
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
    made = list(Organization.objects.filter(territory=city, kind=OrganizationKind.SCHOOL))
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization=s, school_type=SchoolType.SOSH) for s in made]
    )
    programme = Programme.objects.create(
        name=f"Программа поддержки ({name})",
        owner=department,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=700),
    )
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=programme, school=s) for s in made]
    )
    clients = {}
    people = {}
    for username, organization, role in (
        (f"{name}-coordinator", department, Role.PROGRAMME_COORDINATOR),
        (f"{name}-methodist", centre, Role.ANALYST),
    ):
        user = User.objects.create_user(username, password="bench-password")
        person = Person.objects.create(last_name=username, first_name="Бенч", user=user)
        Membership.objects.create(person=person, organization=organization, role=role)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        clients[role] = client
        people[role] = person
    methodist = people[Role.ANALYST]

    Recommendation.objects.bulk_create(
        [
            Recommendation(
                school=s,
                text="Провести педсовет по итогам ВПР",
                due_on=today - datetime.timedelta(days=5 + n % 60),
                status=RecommendationStatus.OPEN if n % 3 == 0 else RecommendationStatus.DONE,
            )
            for n, s in enumerate(made)
            for _ in range(2)
        ]
    )
    Visit.objects.bulk_create(
        [
            Visit(
                school=s,
                kind="landing",
                planned_on=today - datetime.timedelta(days=10 + n % 150),
                organiser=centre,
                lead=methodist,
                purpose="Методический десант",
                status=VisitStatus.REFUSED if n % 5 == 0 else VisitStatus.DONE,
            )
            for n, s in enumerate(made)
        ]
    )
    executing = [s for n, s in enumerate(made) if n % 2 == 0]
    roadmaps = Roadmap.objects.bulk_create(
        [
            Roadmap(
                programme=programme,
                school=s,
                kind=RoadmapKind.ANTI_RISK,
                title=f"Антирисковая программа {s.short_name}",
                status=RoadmapStatus.EXECUTION,
                order_date=today - datetime.timedelta(days=300),
            )
            for s in executing
        ]
    )
    sections = Section.objects.bulk_create(
        [Section(roadmap=r, position=1, number="1", title="Меры") for r in roadmaps]
    )
    activities = Activity.objects.bulk_create(
        [
            Activity(roadmap=r, section=section, position=p, number=str(p), text="Мероприятие")
            for r, section in zip(roadmaps, sections, strict=True)
            for p in (1, 2, 3)
        ]
    )
    reports = ExecutionReport.objects.bulk_create(
        [
            ExecutionReport(activity=a, outcome="done", text="Выполнено", done_on=today)
            for a in activities
        ]
    )
    for n, report in enumerate(reports):
        # Every seventh school stopped reporting months ago.
        report.created_at = now - datetime.timedelta(days=(90 if (n // 3) % 7 == 0 else n % 20))
    ExecutionReport.objects.bulk_update(reports, ["created_at"], batch_size=1000)

    statuses = list(ConsultationStatus)
    consultations = Consultation.objects.bulk_create(
        [
            Consultation(
                school=s,
                topic="Подготовка к ОГЭ",
                question="Как выстроить повторение?",
                preferred_form="online",
                status=statuses[(n + k) % len(statuses)],
                methodist=methodist if (n + k) % len(statuses) else None,
            )
            for n, s in enumerate(made)
            for k in range(2)
        ]
    )
    for n, item in enumerate(consultations):
        item.requested_at = now - datetime.timedelta(days=n % 180, hours=n % 11)
        if item.methodist_id:
            item.taken_at = item.requested_at + datetime.timedelta(hours=1 + n % 40)
        if item.status == ConsultationStatus.ANSWERED:
            item.answered_at = item.requested_at + datetime.timedelta(hours=20 + n % 90)
    Consultation.objects.bulk_update(
        consultations, ["requested_at", "taken_at", "answered_at"], batch_size=1000
    )
    Escalation.objects.bulk_create(
        [
            Escalation(school=s, note="Обращение", respond_by=today + datetime.timedelta(days=7))
            for n, s in enumerate(made)
            if n % 10 == 0
        ]
    )
    return {
        "coordinator": clients[Role.PROGRAMME_COORDINATOR],
        "methodist": clients[Role.ANALYST],
    }


def _page_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("support-engagement")
def bench_engagement(report: BenchReport) -> None:
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    big = _engagement_city(region, "Большой", ENGAGEMENT_BIG)
    small = _engagement_city(region, "Малый", ENGAGEMENT_SMALL)
    engagement = reverse("support:engagement")
    register = reverse("support:consultations")
    pages = (
        ("engagement page", "coordinator", engagement),
        ("engagement page, page 3", "coordinator", f"{engagement}?page=3"),
        (
            "engagement page, one signal",
            "coordinator",
            f"{engagement}?signal=overdue_recommendations",
        ),
        ("consultation register", "methodist", register),
        ("consultation register, new only, page 2", "methodist", f"{register}?status=new&page=2"),
    )
    for label, who, url in pages:
        many, few = _page_queries(big[who], url), _page_queries(small[who], url)
        report.add(
            f"SQL queries, {label}: {ENGAGEMENT_BIG} vs {ENGAGEMENT_SMALL} supported schools",
            f"{many} vs {few}",
            "equal",
            many == few,
        )

    # Speed is judged against a floor measured in the same run on the same machine: the
    # registry's school list (50 rows through the same middleware, access and table code).
    floor = median_ms(timed(partial(big["coordinator"].get, reverse("registry:schools")), 20))
    report.add("floor: registry school list (50 rows), median", f"{floor:.0f} ms", "", None)
    for label, who, url in pages:
        samples = timed(partial(big[who].get, url), repeat=20)
        ratio = median_ms(samples) / floor if floor else 0.0
        main = url in (engagement, register)
        report.add(
            f"server time, {label}, {ENGAGEMENT_BIG} schools, median / p90 (× the floor)",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms ({ratio:.1f}×)",
            "≤ 3× the school list" if main else "",
            ratio <= 3 if main else None,
        )
