"""Benchmarks of the support network."""

from __future__ import annotations

import datetime
import time
from functools import partial
from typing import Any

import numpy as np
import polars as pl
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.identification.choices import RunStatus
from opora.identification.engine import context_for_year
from opora.identification.methodology import default_params
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)
from opora.results.models import ContextIndicator, ContextValue
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.models import Activity, ExecutionReport, Roadmap, Section
from opora.roadmaps.progress import progress_recount
from opora.support.choices import ConsultationStatus, RecommendationStatus, VisitStatus
from opora.support.models import Consultation, Escalation, Recommendation, Visit
from opora.support.recommender import (
    MentorParams,
    context_matrix,
    mentor_proposal,
    rank,
    standardise,
)

# --- network ---

SEED = 20261
YEARS = (2023, 2024)
# (label, schools, municipalities, target seconds for one school's candidates)
SIZES: tuple[tuple[str, int, int, float], ...] = (
    ("регион", 2_000, 40, 1.0),
    ("страна", 40_000, 800, 10.0),
)


def generate(schools: int, municipalities: int, seed: int = SEED) -> dict[str, Any]:
    """A territory's context (long, as read from the database: two years, 3 % of values
    missing), each school's results index, flags, municipality and mentor load — all
    vectorised."""
    rng = np.random.default_rng(seed)
    params = default_params()
    codes = [c.indicator for c in params.context_components if c.weight]
    latent = rng.normal(0.0, 1.0, schools)
    values = latent[:, None, None] * rng.uniform(-12, 12, len(codes))[None, None, :] + rng.normal(
        30.0, 6.0, (schools, len(YEARS), len(codes))
    )
    present = rng.random(values.shape) > 0.03
    shape = values.shape
    per_school = shape[1] * shape[2]
    frame = (
        pl.DataFrame(
            {
                "school_id": np.repeat(np.arange(1, schools + 1, dtype=np.int64), per_school),
                "year": np.broadcast_to(np.array(YEARS, dtype=np.int32)[None, :, None], shape)
                .ravel()
                .copy(),
                "indicator": np.broadcast_to(np.arange(len(codes), dtype=np.int32), shape)
                .ravel()
                .copy(),
                "value": np.round(values, 1).ravel(),
                "present": present.ravel(),
            }
        )
        .filter(pl.col("present"))
        .drop("present")
        .with_columns(
            pl.col("indicator").replace_strict(dict(enumerate(codes)), return_dtype=pl.Utf8)
        )
    )
    results = 0.55 * latent + rng.normal(0.0, 0.8, schools)
    listed = results <= np.quantile(results, 0.10)
    listed |= latent <= np.quantile(latent, 0.15)
    resilient = (latent <= np.quantile(latent, 0.25)) & (
        results - 0.55 * latent >= np.quantile(results - 0.55 * latent, 0.9)
    )
    return {
        "ids": np.arange(1, schools + 1, dtype=np.int64),
        "frame": frame,
        "codes": codes,
        "weights": np.array([float(c.weight) for c in params.context_components if c.weight]),
        "results": results,
        "listed": listed,
        "resilient": resilient,
        "municipality": rng.integers(0, municipalities, schools),
        "load": rng.integers(0, 4, schools),
        "params": params,
    }


def recommend(data: dict[str, Any], target: int) -> Any:
    """What the page computes for one school: the latest values, the matrix, the ranking."""
    latest = context_for_year(data["frame"], YEARS[-1], data["params"])
    raw = context_matrix(latest, data["ids"], data["codes"])
    return rank(
        z=standardise(raw),
        weights=data["weights"],
        results=data["results"],
        resilient=data["resilient"],
        listed=data["listed"],
        municipality=data["municipality"],
        load=data["load"],
        target=target,
        params=MentorParams(),
    )


def _pure(report: BenchReport) -> None:
    for label, schools, municipalities, target_s in SIZES:
        start = time.perf_counter()
        data = generate(schools, municipalities)
        values = f"{data['frame'].height:,}".replace(",", " ")
        report.add(
            f"{label}, {schools} школ: генерация {values} значений контекста (не входит в замер)",
            f"{time.perf_counter() - start:.2f} s",
        )
        target = int(np.flatnonzero(data["listed"])[0])
        start = time.perf_counter()
        ranked = recommend(data, target)
        first_s = time.perf_counter() - start
        samples = timed(partial(recommend, data, target), repeat=5)
        latest = context_for_year(data["frame"], YEARS[-1], data["params"])
        raw = context_matrix(latest, data["ids"], data["codes"])
        floor = timed(partial(standardise, raw), repeat=5)
        slowest_s = max(first_s, median_ms(samples) / 1000)
        report.add(
            f"{label}, {schools} школ: кандидаты для одной школы (последние значения, матрица, "
            "z-оценки, расстояния, отбор), первый вызов / медиана",
            f"{first_s * 1000:.0f} / {median_ms(samples):.0f} ms",
            f"< {target_s:g} s",
            slowest_s < target_s,
        )
        report.add(
            f"{label}, {schools} школ: «пол» — z-оценки той же матрицы, медиана",
            f"{median_ms(floor):.2f} ms",
        )
        report.add(
            f"{label}, {schools} школ: кандидаты / «пол»",
            f"{median_ms(samples) / max(median_ms(floor), 1e-6):.0f}×",
        )
        report.add(
            f"{label}, {schools} школ: найдено кандидатов (проверка)",
            f"{len(ranked.rows)}",
        )


def _database(report: BenchReport) -> None:
    """One school's page through the database: 2,000 schools of a region in 40
    municipalities, their context for two years and an approved list."""
    label, schools, municipalities, target_s = SIZES[0]
    data = generate(schools, municipalities)
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    towns = [
        Territory.objects.add_child(
            region, {"name": f"Муниципалитет {n}", "kind": TerritoryKind.MUNICIPALITY}
        )
        for n in range(municipalities)
    ]
    authority = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code="BENCH-MIN",
        name="Министерство образования Бенч-области",
        short_name="Минобр",
        territory=region,
    )
    Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Школа № {n}",
                short_name=f"СОШ № {n}",
                territory=towns[int(data["municipality"][n - 1])],
            )
            for n in range(1, schools + 1)
        ],
        batch_size=1000,
    )
    by_code = dict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL).values_list("code", "pk")
    )
    pk_of = np.array([by_code[f"BENCH-{n:05d}"] for n in range(1, schools + 1)])
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization_id=int(pk), school_type=SchoolType.SOSH) for pk in pk_of],
        batch_size=1000,
    )
    indicators = dict(ContextIndicator.objects.values_list("code", "pk"))
    frame = data["frame"]
    ContextValue.objects.bulk_create(
        [
            ContextValue(
                school_id=int(pk_of[school_id - 1]),
                year=year,
                indicator_id=indicators[code],
                value=value,
            )
            for school_id, year, code, value in frame.iter_rows()
        ],
        batch_size=2000,
    )
    run = IdentificationRun.objects.create(
        territory=region,
        year=YEARS[-1],
        version=Methodology.objects.get(is_builtin=True).current,
        status=RunStatus.APPROVED,
    )
    SchoolIdentification.objects.bulk_create(
        [
            SchoolIdentification(
                run=run,
                school_id=int(pk),
                results_index=float(data["results"][n]),
                in_list=bool(data["listed"][n]),
                resilient=bool(data["resilient"][n]),
            )
            for n, pk in enumerate(pk_of)
        ],
        batch_size=1000,
    )
    user = User.objects.create_user("bench-coordinator", password="bench-password")
    person = Person.objects.create(last_name="Координатор", first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=authority, role=Role.REGIONAL_COORDINATOR)
    school = Organization.objects.get(pk=int(pk_of[int(np.flatnonzero(data["listed"])[0])]))
    samples = timed(partial(mentor_proposal, user, school), repeat=5)
    with CaptureQueriesContext(connection) as queries:
        proposal = mentor_proposal(user, school)
    report.add(
        f"{label} через базу, {schools} школ: mentor_proposal (чтение контекста и списка, "
        "расчёт), медиана",
        f"{median_ms(samples):.0f} ms",
        f"< {target_s:g} s",
        median_ms(samples) / 1000 < target_s,
    )
    report.add(
        f"{label} через базу: SQL-запросов на подбор / кандидатов",
        f"{len(queries)} / {len(proposal.candidates)}",
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = reverse("support:mentor-recommend", args=[school.pk])
    assert client.get(url).status_code == 200
    page = timed(partial(client.get, url), repeat=5)
    report.add(
        f"{label} через базу: страница «Похожие школы с лучшими результатами», медиана",
        f"{median_ms(page):.0f} ms",
        f"< {target_s:g} s",
        median_ms(page) / 1000 < target_s,
    )


@benchmark("support-mentors")
def bench_support_mentors(report: BenchReport) -> None:
    """The recommender on generated data (no database) at 2,000 and 40,000 schools, then one
    school's page through the database at 2,000 schools."""
    _pure(report)
    _database(report)


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
                starts_on=today - datetime.timedelta(days=300),
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
    # Written around the services: store the roadmaps' counters as they would.
    progress_recount(roadmap_ids=[r.pk for r in roadmaps], today=today)

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
