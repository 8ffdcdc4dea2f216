"""Reminders about forms not submitted: to the school's director, once a day, by the same
daily job mechanism as the roadmap reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from opora.core.periodic import periodic_jobs
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind
from opora.monitoring.models import Indicator, Submission
from opora.monitoring.reminders import reminders_send
from opora.registry.models import Person, Programme, ProgrammeSchool

pytestmark = pytest.mark.django_db


def test_directors_of_schools_that_have_not_submitted_are_reminded_once_a_day(
    world, django_capture_on_commit_callbacks
):
    services.catalogue_install()
    programme = Programme.objects.create(
        name="Программа",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    services.programme_indicator_add(
        programme=programme, indicator=Indicator.objects.get(code="nsk-internet")
    )
    checkpoint = services.checkpoint_open(
        programme=programme,
        name="Входной мониторинг, сентябрь 2024",
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=None,
    )
    Person.objects.filter(user__username__in=["director_a", "director_b"]).update(
        email="director@example.ru"
    )
    # School B has submitted its form: only school A is reminded.
    form_b = Submission.objects.get(checkpoint=checkpoint, school=world.school_b)
    item = programme.monitoring_indicators.get()
    services.submission_save(
        submission=form_b, entries={item.pk: services.Entry(value=Decimal(1))}, user=None
    )
    services.submission_submit(submission=form_b, user=None)

    def send(day: datetime.date) -> dict[str, int]:
        # Letters leave when the transaction that records them commits.
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(day)

    assert send(datetime.date(2024, 9, 20)) == {"letters": 0, "forms": 0}
    assert send(datetime.date(2024, 9, 28)) == {"letters": 1, "forms": 1}
    assert len(mail.outbox) == 1
    assert "Входной мониторинг, сентябрь 2024 — срок 30.09.2024" in mail.outbox[0].body
    assert world.school_a.name in mail.outbox[0].body
    assert send(datetime.date(2024, 9, 28))["letters"] == 0
    assert send(datetime.date(2024, 10, 2))["letters"] == 1
    assert "срок прошёл 30.09.2024" in mail.outbox[-1].body
    assert "monitoring.reminders" in {job.kind for job in periodic_jobs()}
