"""The regional page: who may open it, its figures on a small region computed by hand, a
constant number of queries, and the demo's three municipalities."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.monitoring.choices import IndicatorDirection, IndicatorUnit
from opora.monitoring.models import Checkpoint, Indicator, ProgrammeIndicator, Rollup, Target
from opora.registry.models import ProgrammeSchool
from opora.registry.tests.factories import ProgrammeFactory, SchoolFactory, TerritoryFactory
from opora.reports import selectors
from opora.reports.region import RegionLight, sorted_rows
from opora.roadmaps.models import Activity, Deadline, ExecutionReport, Roadmap, Section

pytestmark = pytest.mark.django_db

REGION = reverse("reports:region")


def _roadmap(programme: Any, school: Any, dues: list[tuple[int, int | None, bool]]) -> Roadmap:
    """A running roadmap whose activity has due dates (days from today, closed days from
    today or None, closed late)."""
    today = dates.today()
    roadmap = Roadmap.objects.create(
        programme=programme,
        school=school,
        kind="anti_risk",
        title="Антирисковая программа",
        status="execution",
        starts_on=datetime.date(2024, 1, 1),
    )
    section = Section.objects.create(roadmap=roadmap, position=1, title="Раздел")
    activity = Activity.objects.create(
        roadmap=roadmap, section=section, position=1, text="Мероприятие"
    )
    for due, closed, late in dues:
        Deadline.objects.create(
            activity=activity,
            roadmap=roadmap,
            due_on=today + datetime.timedelta(days=due),
            closed_on=None if closed is None else today + datetime.timedelta(days=closed),
            closed_late=late,
        )
    return roadmap


def _region(world: Any) -> Any:
    """Город N: a programme with schools A (Северный) and B (Южный); lists of 2023 (A, B) and
    2024 (A); A's roadmap: on time, late, overdue and one still ahead, with a fresh report;
    B's roadmap: one on time, no report since it began (an engagement signal); the
    programme's indicators at the latest checkpoint: one reached, one far."""
    programme = ProgrammeFactory(owner=world.department, starts_on=datetime.date(2024, 1, 1))
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(
            programme=programme, school=school, joined_on=datetime.date(2024, 1, 1)
        )
    version = Methodology.objects.get(is_builtin=True).current
    for year, listed in ((2023, {world.school_a, world.school_b}), (2024, {world.school_a})):
        run = IdentificationRun.objects.create(
            territory=world.city, year=year, version=version, status="approved"
        )
        for school in (world.school_a, world.school_b):
            SchoolIdentification.objects.create(run=run, school=school, in_list=school in listed)
    a = _roadmap(
        programme,
        world.school_a,
        [(-90, -95, False), (-60, -50, True), (-30, None, False), (30, None, False)],
    )
    first = Deadline.objects.filter(roadmap=a).order_by("due_on").first()
    ExecutionReport.objects.create(
        activity_id=first.activity_id, deadline=first, outcome="done", text="Сделано"
    )
    _roadmap(programme, world.school_b, [(-400, -401, False)])
    indicators = list(
        Indicator.objects.filter(
            direction=IndicatorDirection.UP, unit=IndicatorUnit.PERCENT
        ).order_by("pk")[:2]
    )
    assert len(indicators) == 2
    items = [
        ProgrammeIndicator.objects.create(programme=programme, indicator=i, position=n)
        for n, i in enumerate(indicators)
    ]
    for item in items:
        Target.objects.create(programme_indicator=item, year=2024, value=Decimal(50))
    for held, values in (
        (datetime.date(2024, 9, 20), (70, 80)),
        (datetime.date(2025, 1, 20), (60, 10)),
    ):
        checkpoint = Checkpoint.objects.create(
            programme=programme,
            name=f"Контрольная точка {held:%m.%Y}",
            kind="intermediate",
            year=2024,
            held_on=held,
            due_on=held,
        )
        for item, value in zip(items, values, strict=True):
            Rollup.objects.create(
                checkpoint=checkpoint, programme_indicator=item, value=Decimal(value), schools=1
            )
    return programme


def test_the_figures_of_a_small_region_by_hand(world: Any) -> None:
    _region(world)
    rows, total = selectors.region_table(world.user("regional"), world.region)
    by_name = {row.name: row for row in rows}
    assert list(by_name) == ["Город N", "Другой город"]
    city, other = by_name["Город N"], by_name["Другой город"]
    assert (city.schools, city.supported, other.schools, other.supported) == (2, 2, 1, 0)
    assert (city.listed, city.entered, city.left) == (1, 0, 1)
    assert other.listed is None
    # Due dates come: A on time 1, late 1, overdue 1; B on time 1 → 2 of 4 on time.
    assert (city.done_on_time, city.done_late, city.overdue, city.on_time) == (2, 1, 1, 50)
    assert city.light("on_time") == RegionLight.BAD
    # The latest checkpoint: 60 reaches 50, 10 does not (the earlier one is not counted).
    assert (city.indicators_reached, city.indicators_measured, city.indicators) == (1, 2, 50)
    assert city.light("indicators") == RegionLight.WATCH
    # B has had no report since its roadmap began: one of two supported schools.
    assert (city.not_engaging, city.engagement) == (1, 50)
    assert other.on_time is None and other.light("engagement") == RegionLight.NONE
    assert (total.schools, total.supported, total.listed, total.on_time) == (3, 2, 1, 50)

    # Drill-down: Северный has A, Южный has B; the programme's indicators are the city's own.
    rows, total = selectors.region_table(world.user("coordinator"), world.city)
    north, south = sorted(rows, key=lambda r: r.name)
    assert (north.name, north.listed, north.left, north.on_time) == ("Северный", 1, 0, 33)
    assert (south.name, south.listed, south.left, south.on_time) == ("Южный", 0, 1, 100)
    assert (north.engagement, south.engagement) == (100, 0)
    assert north.indicators is None and total.indicators == 50
    assert (total.listed, total.left, total.on_time) == (1, 1, 50)
    assert [p.owner_id for p in total.programmes] == [world.department.pk]


def test_sorting_puts_empty_values_last() -> None:
    from opora.reports.region import RegionRow

    rows = [
        RegionRow(name="Б", supported=2, not_engaging=1),
        RegionRow(name="А"),
        RegionRow(name="В", supported=4),
    ]
    assert [r.name for r in sorted_rows(rows, "engagement")[0]] == ["Б", "В", "А"]
    assert [r.name for r in sorted_rows(rows, "-engagement")[0]] == ["В", "Б", "А"]
    assert sorted_rows(rows, "nonsense")[1] == "name"


@pytest.mark.parametrize("persona", ["regional", "superuser"])
def test_the_region_sees_every_municipality(world: Any, persona: str) -> None:
    _region(world)
    html = world.client(persona).get(REGION).content.decode()
    assert "Город N" in html and "Другой город" in html and 'id="region-total"' in html
    drill = world.client(persona).get(
        reverse("reports:region-territory", args=[world.other_city.pk])
    )
    assert drill.status_code == 200


def test_a_municipality_sees_its_own_row_only(world: Any) -> None:
    _region(world)
    response = world.client("coordinator").get(REGION)
    html = response.content.decode()
    assert response.status_code == 200 and "Город N" in html and "Другой город" not in html
    own = world.client("coordinator").get(reverse("reports:region-territory", args=[world.city.pk]))
    assert own.status_code == 200 and "Северный" in own.content.decode()
    html = world.client("outsider").get(REGION).content.decode()
    assert "Другой город" in html and "Город N" not in html
    for persona, pk in (("outsider", world.city.pk), ("coordinator", world.other_city.pk)):
        drill = world.client(persona).get(reverse("reports:region-territory", args=[pk]))
        assert drill.status_code == 404, persona
    # A district is inside the coordinator's reach, the region is not.
    region = reverse("reports:region-territory", args=[world.region.pk])
    assert world.client("coordinator").get(region).status_code == 404


@pytest.mark.parametrize("persona", ["director_a", "staff_a", "teacher", "curator", "anonymous"])
def test_school_roles_and_curators_do_not_get_the_region(world: Any, persona: str) -> None:
    response = world.client(persona).get(REGION)
    assert response.status_code == (302 if persona == "anonymous" else 404)
    drill = world.client(persona).get(reverse("reports:region-territory", args=[world.city.pk]))
    assert drill.status_code == (302 if persona == "anonymous" else 404)


def test_the_reports_section_leads_to_the_region_and_the_effectiveness(world: Any) -> None:
    _region(world)
    region, effectiveness = reverse("reports:region"), reverse("evaluation:index")
    html = world.client("regional").get(reverse("reports:index")).content.decode()
    assert f'href="{region}"' in html and f'href="{effectiveness}"' in html
    html = world.client("director_a").get(reverse("reports:index")).content.decode()
    assert f'href="{region}"' not in html and f'href="{effectiveness}"' not in html


def test_the_home_card_is_the_regional_coordinators(world: Any) -> None:
    _region(world)
    html = world.client("regional").get("/").content.decode()
    assert 'id="home-region"' in html and "Другой город" in html
    html = world.client("coordinator").get("/").content.decode()
    assert 'id="home-region"' not in html


def _grow(world: Any, municipalities: int, schools: int, start: int) -> None:
    """More municipalities of the region, each with its authority, schools, a programme, a
    list and roadmaps."""
    from opora.registry.tests.factories import OrganizationFactory

    version = Methodology.objects.get(is_builtin=True).current
    for n in range(start, start + municipalities):
        territory = TerritoryFactory(name=f"Район {n}", parent=world.region)
        settlement = TerritoryFactory(name=f"Посёлок {n}", parent=territory, kind="settlement")
        authority = OrganizationFactory(territory=territory, name=f"Управление образования {n}")
        programme = ProgrammeFactory(owner=authority)
        run = IdentificationRun.objects.create(
            territory=territory, year=2024, version=version, status="approved"
        )
        for k in range(schools):
            school = SchoolFactory(territory=settlement, code=f"G-{n}-{k}", profile__number=str(k))
            ProgrammeSchool.objects.create(programme=programme, school=school)
            SchoolIdentification.objects.create(run=run, school=school, in_list=k % 2 == 0)
            _roadmap(programme, school, [(-10, -12, False), (-5, None, False)])


def test_the_page_takes_the_same_number_of_queries_however_big_the_region(world: Any) -> None:
    _region(world)
    client = world.client("regional")
    client.get(REGION)  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REGION, {"sort": "-on_time"}).status_code == 200
        return len(queries)

    _grow(world, 2, 2, start=0)
    small = count()
    _grow(world, 4, 5, start=2)
    assert count() == small


def test_a_report_fresh_from_today_keeps_a_school_engaged(world: Any) -> None:
    """The engagement figure reads the support app's signals (no report for weeks)."""
    _region(world)
    b = Roadmap.objects.get(school=world.school_b)
    deadline = Deadline.objects.get(roadmap=b)
    report = ExecutionReport.objects.create(
        activity_id=deadline.activity_id, deadline=deadline, outcome="done", text="Сделано"
    )
    ExecutionReport.objects.filter(pk=report.pk).update(created_at=timezone.now())
    rows, _total = selectors.region_table(world.user("regional"), world.region)
    assert rows[0].engagement == 100
