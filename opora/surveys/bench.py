"""`opora bench surveys`: 10,000 responses to the 500+ teachers' questionnaire across 200
schools — the round's results table, the territory roll-up, one school's results, the XLSX
export and the risk profiles of all 200 schools; query counts of the results pages at 200
schools vs 2."""

from __future__ import annotations

import datetime
import random
import time
from functools import partial

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Membership, Organization, Person, Territory
from opora.surveys.demo import AnswerGenerator, answer_fields
from opora.surveys.models import Answer, Questionnaire, Response, SurveyLink
from opora.surveys.services import risk_profiles_compute, round_create

SCHOOLS = 200
RESPONSES = 10_000
TARGET_S = 2.0


def _region() -> tuple[Organization, User, list[Organization]]:
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code="BENCH-CENTRE",
        name="Региональный центр (бенч)",
        short_name="Центр",
        territory=region,
    )
    user = User.objects.create_user("bench-analyst")
    person = Person.objects.create(last_name="Бенч", first_name="Аналитик", user=user)
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-S{i:04}",
                name=f"Школа № {i}",
                short_name=f"Школа № {i}",
                territory=region,
            )
            for i in range(SCHOOLS)
        ]
    )
    schools = list(Organization.objects.filter(code__startswith="BENCH-S").order_by("code"))
    return centre, user, schools


def _answer(links: list[SurveyLink], per_link: int, rng: random.Random) -> int:
    generator = AnswerGenerator(links[0].questionnaire, rng)
    today = dates.today()
    rows = 0
    for index, link in enumerate(links):
        risk = 0.15 + 0.7 * index / len(links)
        risks = {f: min(0.95, risk + rng.gauss(0, 0.05)) for f in generator.rules_factors()}
        values = [generator.make(risks, 1 - risk) for _ in range(per_link)]
        responses = Response.objects.bulk_create(
            [Response(link=link, submitted_on=today) for _ in values]
        )
        answers = [
            Answer(response=r, link=link, question=q, **answer_fields(q, one))
            for r, answer in zip(responses, values, strict=True)
            for q, value in answer.items()
            for one in (value if isinstance(value, list) else [value])
        ]
        Answer.objects.bulk_create(answers, batch_size=5000)
        rows += len(answers)
    return rows


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@benchmark("surveys")
def bench_surveys(report: BenchReport) -> None:
    centre, user, schools = _region()
    questionnaire = Questionnaire.objects.get(slug="risk500-teachers")
    today = dates.today()
    opened = partial(
        round_create,
        owner=centre,
        year=2024,
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=5),
        questionnaires=[questionnaire],
        user=user,
    )
    big = opened(title="500+ (бенч)", schools=schools)
    small = opened(title="500+ (две школы)", schools=schools[:2])
    rng = random.Random(500)
    started = time.perf_counter()
    links = list(SurveyLink.objects.filter(round=big).select_related("questionnaire"))
    rows = _answer(links, RESPONSES // SCHOOLS, rng)
    _answer(list(SurveyLink.objects.filter(round=small).select_related("questionnaire")), 6, rng)
    report.log(
        f"  записано {RESPONSES} ответов ({rows} строк ответов) за "
        f"{time.perf_counter() - started:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = (
        ("results table", "surveys:round-results", lambda r: [r.pk]),
        ("territory roll-up", "surveys:round-rollup", lambda r: [r.pk, questionnaire.pk]),
        ("one school's results", "surveys:link-results", lambda r: [r.links.first().pk]),
    )
    for label, name, args in pages:
        few = _queries(client, reverse(name, args=args(small)))
        many = _queries(client, reverse(name, args=args(big)))
        report.add(
            f"SQL queries, {label}: {SCHOOLS} vs 2 schools",
            f"{many} vs {few}",
            "equal",
            few == many,
        )
        samples = timed(partial(client.get, reverse(name, args=args(big))), repeat=5)
        report.add(
            f"server time, {label}, {RESPONSES} responses, median / p90",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms",
            f"< {TARGET_S * 1000:.0f} ms",
            median_ms(samples) < TARGET_S * 1000,
        )
    samples = timed(partial(client.get, reverse("surveys:round-export", args=[big.pk])), repeat=3)
    report.add(
        f"XLSX export of aggregated results, {SCHOOLS} schools, median",
        f"{median_ms(samples):.0f} ms",
    )
    started = time.perf_counter()
    profiles = risk_profiles_compute(schools=schools, year=2024, user=user)
    seconds = time.perf_counter() - started
    assert len(profiles) == SCHOOLS
    report.add(
        f"risk profiles of {SCHOOLS} schools from {RESPONSES} responses (compute + store)",
        f"{seconds:.2f} s",
        f"< {TARGET_S:.0f} s",
        seconds < TARGET_S,
    )
