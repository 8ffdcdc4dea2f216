"""The derived staff indicators the monitoring app computes from this data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.registry.tests.factories import SchoolFactory
from opora.staff.choices import AgeBand, ItemKind, ItemStatus
from opora.staff.selectors import staff_indicator_counts, three_years_before
from opora.staff.tests.conftest import Staff
from opora.staff.tests.factories import ItemFactory, PlanFactory, TeacherFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 11, 20)


def test_under_35_and_trained_figures(staff: Staff) -> None:
    school = staff.world.school_c
    bands = [
        AgeBand.UNDER_25,
        AgeBand.FROM_25,
        AgeBand.FROM_30,
        AgeBand.FROM_35,
        AgeBand.FROM_45,
        AgeBand.FROM_55,
    ]
    t = [TeacherFactory(school=school, age_band=band) for band in bands]
    # Inactive teachers count nowhere.
    TeacherFactory(school=school, age_band=AgeBand.UNDER_25, is_active=False, last_course_year=2025)
    # Trained: reported years 2023 (in), 2022 (out: three calendar years are 2023–2025).
    t[0].last_course_year = 2023
    t[0].save()
    t[1].last_course_year = 2022
    t[1].save()
    # A course done within three years (in), one done before the window (out), one planned
    # (out), an own activity done (out: not a course), and a course done after `ON` (out).
    done = ItemFactory(
        plan=PlanFactory(teacher=t[2]),
        status=ItemStatus.DONE,
        completed_on=ON - datetime.timedelta(days=3 * 365 - 5),
    )
    ItemFactory(
        plan=PlanFactory(teacher=t[3]),
        status=ItemStatus.DONE,
        completed_on=three_years_before(ON),
    )
    ItemFactory(plan=PlanFactory(teacher=t[4]), status=ItemStatus.PLANNED)
    ItemFactory(
        plan=PlanFactory(teacher=t[5]),
        kind=ItemKind.OWN,
        course=None,
        title="Самообразование",
        status=ItemStatus.DONE,
        completed_on=ON - datetime.timedelta(days=10),
    )
    ItemFactory(
        plan=PlanFactory(teacher=t[5], start_year=2026),
        status=ItemStatus.DONE,
        completed_on=ON + datetime.timedelta(days=1),
    )
    # A teacher with both a reported year and a course counts once.
    ItemFactory(
        plan=PlanFactory(teacher=t[0], start_year=2024),
        status=ItemStatus.DONE,
        completed_on=ON - datetime.timedelta(days=100),
    )
    assert done.plan.teacher == t[2]
    counts = staff_indicator_counts(school_ids=[school.pk], on_date=ON)
    assert counts == {
        school.pk: {"teachers_under_35": (3, 6), "teachers_trained_3y": (2, 6)},
    }


def test_schools_without_teachers_are_absent(staff: Staff) -> None:
    empty = SchoolFactory()
    counts = staff_indicator_counts(
        school_ids=[staff.world.school_a.pk, staff.world.school_b.pk, empty.pk], on_date=ON
    )
    assert set(counts) == {staff.world.school_a.pk, staff.world.school_b.pk}
    # The fixture's teachers are 35–44, no courses.
    assert counts[staff.world.school_a.pk] == {
        "teachers_under_35": (0, 4),
        "teachers_trained_3y": (0, 4),
    }


def test_one_query_whatever_the_number_of_schools(staff: Staff) -> None:
    few = [staff.world.school_a.pk]
    many = []
    for _ in range(25):
        school = SchoolFactory()
        many.append(school.pk)
        for band in (AgeBand.FROM_25, AgeBand.FROM_45):
            teacher = TeacherFactory(school=school, age_band=band)
            ItemFactory(
                plan=PlanFactory(teacher=teacher),
                status=ItemStatus.DONE,
                completed_on=ON - datetime.timedelta(days=30),
            )
    with CaptureQueriesContext(connection) as small:
        staff_indicator_counts(school_ids=few, on_date=ON)
    with CaptureQueriesContext(connection) as large:
        result = staff_indicator_counts(school_ids=many + few, on_date=ON)
    assert len(small) == len(large) == 1
    assert len(result) == 26
    assert all(
        result[pk] == {"teachers_under_35": (1, 2), "teachers_trained_3y": (2, 2)} for pk in many
    )
