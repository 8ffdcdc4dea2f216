"""Indicators that compute themselves from support data: a designed case for each figure,
through monitoring's computations (what a checkpoint fills in)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from opora.monitoring.catalogue import specs
from opora.monitoring.computations import COMPUTATIONS, compute
from opora.monitoring.models import Indicator
from opora.registry.models import CuratorAssignment, Person
from opora.registry.tests.factories import SchoolFactory
from opora.support.models import MentorPair, Recommendation, Visit

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 15)  # a final checkpoint; its half-year starts after 15.12.2025


def d(text: str) -> datetime.date:
    day, month, year = (int(p) for p in text.split("."))
    return datetime.date(year, month, day)


@pytest.fixture
def school_d(world):
    return SchoolFactory(territory=world.north, short_name="СОШ № 4")


def test_the_indicators_are_in_the_catalogue_with_their_computations(world):
    ours = {s.code: s.computation for s in specs() if s.code.startswith("support-")}
    assert ours == {
        "support-curator": "curator_assigned",
        "support-mentor": "support_mentor",
        "support-visits": "support_visits",
        "support-recommendations-on-time": "support_recommendations_on_time",
    }
    assert set(ours.values()) <= set(COMPUTATIONS)
    # Installed on migrate like the rest of the catalogue.
    installed = dict(Indicator.objects.filter(code__in=ours).values_list("code", "computation"))
    assert installed == ours


def test_share_with_a_curator_and_with_a_mentor(world, school_d):
    CuratorAssignment.objects.filter(school=world.school_a).update(since=d("01.09.2025"))
    CuratorAssignment.objects.create(
        curator=Person.objects.get(user=world.user("curator")),
        school=world.school_b,
        since=d("01.09.2025"),
        until=d("31.05.2026"),  # ended before the checkpoint
    )
    MentorPair.objects.create(school=world.school_a, mentor=world.school_c, since=d("01.01.2026"))
    MentorPair.objects.create(
        school=world.school_b, mentor=world.school_c, since=d("01.09.2025"), until=d("31.05.2026")
    )
    MentorPair.objects.create(school=school_d, mentor=world.school_c, since=d("01.07.2026"))
    schools = [world.school_a.pk, world.school_b.pk, school_d.pk]
    curator = compute("curator_assigned", schools, ON, 0)
    assert {s: c.value for s, c in curator.items()} == {
        world.school_a.pk: 1,
        world.school_b.pk: 0,
        school_d.pk: 0,
    }
    mentor = compute("support_mentor", schools, ON, 0)
    assert {s: c.value for s, c in mentor.items()} == {
        world.school_a.pk: 1,
        world.school_b.pk: 0,
        school_d.pk: 0,
    }


def test_visits_per_school_in_the_half_year(world):
    lead = Person.objects.get(user=world.user("analyst"))

    def visit(school, day, status="done"):
        Visit.objects.create(
            school=school,
            kind="landing",
            planned_on=d(day),
            organiser=world.methodical_centre,
            lead=lead,
            purpose="Десант",
            status=status,
        )

    for day in ("16.12.2025", "01.03.2026", "15.06.2026"):
        visit(world.school_a, day)
    visit(world.school_a, "15.12.2025")  # the day before the half-year
    visit(world.school_a, "16.06.2026")  # after the checkpoint
    visit(world.school_a, "10.04.2026", "refused")
    visit(world.school_a, "10.05.2026", "planned")
    visit(world.school_a, "11.05.2026", "cancelled")
    visits = compute("support_visits", [world.school_a.pk, world.school_b.pk], ON, 0)
    # School B had none: a zero, not a gap (the data say so).
    assert {s: c.value for s, c in visits.items()} == {
        world.school_a.pk: Decimal(3),
        world.school_b.pk: Decimal(0),
    }


def test_share_of_recommendations_done_on_time(world):
    def rec(school, due, status="open", done=None):
        Recommendation.objects.create(
            school=school,
            text="Рекомендация",
            due_on=d(due),
            status=status,
            done_on=d(done) if done else None,
        )

    rec(world.school_a, "01.02.2026", "done", "25.01.2026")  # on time
    rec(world.school_a, "01.03.2026", "done", "01.03.2026")  # on the day: on time
    rec(world.school_a, "01.04.2026", "done", "05.04.2026")  # late
    rec(world.school_a, "01.05.2026", "open")  # not done
    rec(world.school_a, "02.05.2026", "disputed")
    rec(world.school_a, "10.05.2026", "withdrawn")  # does not count
    rec(world.school_a, "15.06.2026", "open")  # due on the checkpoint's day: still possible
    rec(world.school_a, "01.11.2025", "done", "01.11.2025")  # before the half-year
    rec(world.school_b, "01.07.2026", "open")  # not due yet: school B has no figure
    values = compute(
        "support_recommendations_on_time", [world.school_a.pk, world.school_b.pk], ON, 0
    )
    assert list(values) == [world.school_a.pk]
    figure = values[world.school_a.pk]
    assert (figure.numerator, figure.denominator) == (Decimal(2), Decimal(5))
    assert figure.value == Decimal("40.00")


def test_each_computation_is_one_query_whatever_the_number_of_schools(
    world, django_assert_num_queries
):
    many = [SchoolFactory(territory=world.south).pk for _ in range(20)]
    for code in ("support_mentor", "support_visits", "support_recommendations_on_time"):
        with django_assert_num_queries(1):
            compute(code, many, ON, 0)
