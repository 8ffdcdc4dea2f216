"""Benchmarks of governance: the decisions register and a body's page at two sizes (query
counts equal, server time as a ratio to the registry's school list measured in the same run),
and the .docx minutes of a meeting with 20 agenda items."""

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

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import Role
from opora.governance import selectors
from opora.governance.choices import BodyKind, DecisionStatus, MeetingStatus, MemberRole
from opora.governance.documents import minutes_build, minutes_docx
from opora.governance.models import AgendaItem, Body, Composition, Decision, Meeting, Member
from opora.registry.choices import (
    OrderKind,
    OrderStatus,
    OrganizationKind,
    SchoolType,
    TerritoryKind,
)
from opora.registry.models import Membership, Order, Organization, Person, SchoolProfile, Territory

# Meetings of the body (each with 3 agenda items and 5 decisions); 50 schools for the
# reference page either way.
SMALL, LARGE = 20, 200
DECISIONS_PER_MEETING = 5
SCHOOLS = 50


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _meetings(
    body: Body, composition: Composition, schools: list[Organization], start: int, count: int
) -> None:
    """`count` held meetings with minutes and decisions in every state, one every fortnight
    backwards from today."""
    today = dates.today()
    members = list(composition.members.select_related("person"))
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                body=body,
                date=today - datetime.timedelta(days=14 * n),
                place="Зал заседаний",
                status=MeetingStatus.HELD,
                composition=composition,
                minutes_number=str(n),
                chair=members[0].person,
                secretary=members[1].person,
            )
            for n in range(start, start + count)
        ]
    )
    Meeting.present.through.objects.bulk_create(
        [
            Meeting.present.through(meeting_id=m.pk, person_id=member.person_id)
            for m in meetings
            for member in members[:8]
        ]
    )
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=m,
                number=k,
                title=f"Вопрос {k} заседания {m.minutes_number}",
                speaker="Петрова И. О.",
                heard="Доклад",
                decided="Принять к сведению",
            )
            for m in meetings
            for k in range(1, 4)
        ]
    )
    by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        by_meeting.setdefault(item.meeting_id, []).append(item)
    states = [DecisionStatus.OPEN, DecisionStatus.OPEN, DecisionStatus.DONE]
    decisions = []
    for m in meetings:
        for k in range(DECISIONS_PER_MEETING):
            status = states[k % 3] if k < 4 else DecisionStatus.CANCELLED
            school = schools[(m.pk + k) % len(schools)]
            decisions.append(
                Decision(
                    item=by_meeting[m.pk][k % 3],
                    meeting=m,
                    text=f"Решение {k} заседания {m.minutes_number}",
                    responsible_person=members[k % len(members)].person if k % 2 else None,
                    responsible_organization=None if k % 2 else school,
                    due_on=m.date + datetime.timedelta(days=30 * (k + 1)),
                    status=status,
                    done_on=m.date + datetime.timedelta(days=20)
                    if status == DecisionStatus.DONE
                    else None,
                )
            )
    Decision.objects.bulk_create(decisions)


@benchmark("governance")
def bench_governance(report: BenchReport) -> None:
    """The decisions register (all, and overdue only) and a body's page with 20 and 200
    meetings (100 and 1,000 decisions); the .docx minutes of a meeting with 20 items."""
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    city = Territory.objects.add_child(
        region, {"name": "Бенч-город", "kind": TerritoryKind.MUNICIPALITY}
    )
    department = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code="BENCH-DO",
        name="Департамент образования",
        short_name="ДО",
        territory=city,
    )
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Муниципальное общеобразовательное учреждение СОШ № {n}",
                short_name=f"СОШ № {n}",
                territory=city,
            )
            for n in range(1, SCHOOLS + 1)
        ]
    )
    SchoolProfile.objects.bulk_create(
        [
            SchoolProfile(organization=s, school_type=SchoolType.SOSH, number=str(n))
            for n, s in enumerate(schools, start=1)
        ]
    )
    user = User.objects.create_user("bench-coordinator", password="bench-password")
    person = Person.objects.create(last_name="Координатор", first_name="Бенч", user=user)
    Membership.objects.create(
        person=person, organization=department, role=Role.PROGRAMME_COORDINATOR
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    today = dates.today()
    body = Body.objects.create(
        owner=department,
        kind=BodyKind.COORDINATING_COUNCIL,
        name="Координационный совет",
        rhythm_months=3,
    )
    since = today - datetime.timedelta(days=3000)
    order = Order.objects.create(
        issuer=department,
        kind=OrderKind.BODY,
        status=OrderStatus.REGISTERED,
        title="Об утверждении состава координационного совета",
        number="1-о",
        date=since,
        year=since.year,
        registered_at=timezone.now(),
    )
    composition = Composition.objects.create(body=body, order=order, since=since, approved=True)
    people = Person.objects.bulk_create(
        [
            Person(last_name=f"Членов{n}", first_name="Иван", middle_name="Петрович")
            for n in range(12)
        ]
    )
    roles = [MemberRole.CHAIR, MemberRole.SECRETARY] + [MemberRole.MEMBER] * 10
    Member.objects.bulk_create(
        [
            Member(composition=composition, person=p, role=r, position_number=n)
            for n, (p, r) in enumerate(zip(people, roles, strict=True))
        ]
    )
    register = reverse("governance:decisions")
    pages = {
        "decisions register": register,
        "decisions register, overdue": f"{register}?state=overdue",
        "body page": body.get_absolute_url(),
        "registry school list (reference)": reverse("registry:schools"),
    }

    def measure(size: int) -> tuple[dict[str, int], dict[str, float]]:
        counts = {label: _queries(client, url) for label, url in pages.items()}
        times = {
            label: median_ms(timed(partial(client.get, url), repeat=15))
            for label, url in pages.items()
        }
        for label in pages:
            report.log(
                f"  {size} заседаний, {label}: {counts[label]} запросов, {times[label]:.0f} мс"
            )
        return counts, times

    _meetings(body, composition, schools, 1, SMALL)
    few, small_times = measure(SMALL)
    _meetings(body, composition, schools, SMALL + 1, LARGE - SMALL)
    many, large_times = measure(LARGE)
    for label in pages:
        report.add(
            f"SQL queries, {label}: {LARGE} vs {SMALL} meetings "
            f"({LARGE * DECISIONS_PER_MEETING} vs {SMALL * DECISIONS_PER_MEETING} decisions)",
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
                f"server time, {label}, {size} meetings, ratio to the school list",
                f"{times[label]:.0f} ms = {ratio:.1f}×",
                "< 3×",
                ratio < 3,
            )

    # The minutes of a long meeting: 20 agenda items, each with its texts, votes and two
    # decisions.
    long = Meeting.objects.create(
        body=body,
        date=today,
        place="Зал заседаний",
        status=MeetingStatus.HELD,
        composition=composition,
        minutes_number="999",
        chair=people[0],
        secretary=people[1],
    )
    long.present.set(people[:10])
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=long,
                number=k,
                title=f"О вопросе № {k} повестки: длинная формулировка вопроса " * 2,
                speaker="Петрова Ирина Олеговна, методист",
                heard="Доклад о ходе исполнения мероприятий дорожной карты. " * 6,
                spoke="Члены совета поддержали предложения докладчика. " * 3,
                decided="Принять информацию к сведению; поручить подготовить справку. " * 2,
                votes_for=10,
                votes_against=0,
                votes_abstained=0,
            )
            for k in range(1, 21)
        ]
    )
    Decision.objects.bulk_create(
        [
            Decision(
                item=item,
                meeting=long,
                text=f"Подготовить справку по вопросу {item.number}",
                responsible_organization=schools[n % len(schools)],
                due_on=today + datetime.timedelta(days=30),
            )
            for item in items
            for n in range(2)
        ]
    )

    def build() -> bytes:
        fetched = Meeting.objects.select_related("body", "chair", "secretary").get(pk=long.pk)
        return minutes_docx(
            minutes_build(
                fetched, selectors.meeting_members(fetched), selectors.meeting_items(fetched)
            )
        )

    start = time.perf_counter()
    size = len(build())
    first_ms = (time.perf_counter() - start) * 1000
    samples = timed(build, repeat=10)
    report.add(
        "minutes .docx, 20 agenda items, 40 decisions: first / median",
        f"{first_ms:.0f} / {median_ms(samples):.0f} ms, {size // 1024} KiB",
        "< 1 s",
        median_ms(samples) < 1000,
    )
    download = reverse("governance:minutes-file", args=[long.pk, "docx"])
    report.add(
        "SQL queries, minutes .docx download (20 items)",
        f"{_queries(client, download)}",
    )
