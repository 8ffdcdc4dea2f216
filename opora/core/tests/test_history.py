"""The history page reads in Russian: action names, field labels, choice labels, «да» /
«нет», names of related objects, Russian dates, and no bookkeeping fields."""

from __future__ import annotations

import datetime
import re

import pytest
from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.audit import _display, _Names, history_field_label, history_field_shown
from opora.core.tests.russian import not_russian, visible_text
from opora.monitoring.models import Submission
from opora.registry.choices import OrderKind, Ownership
from opora.registry.models import Organization, Programme, Territory
from opora.registry.services import organization_update, school_save
from opora.registry.tests.factories import ProgrammeFactory, registered_order
from opora.staff.models import Course

pytestmark = pytest.mark.django_db


def _history(client, obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    response = client.get(reverse("core:history", args=[content_type.pk, obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_recorded_field_has_a_russian_label():
    unnamed = []
    for model in auditlog.get_models():
        for field in model._meta.get_fields():
            if not history_field_shown(model, field.name):
                continue
            label = history_field_label(model, field.name)
            if not label or re.search("[A-Za-z]", label):
                unnamed.append(f"{model._meta.label}.{field.name}: {label}")
    assert unnamed == []


def test_bookkeeping_fields_are_hidden():
    for name in ("id", "path", "depth", "numchild"):
        assert not history_field_shown(Territory, name)
    assert not history_field_shown(Organization, "created_at")
    # Reverse relations auditlog records on creation («roadmaps.Roadmap.None»).
    assert not history_field_shown(Organization, "memberships")
    assert history_field_shown(Organization, "is_active")
    assert history_field_shown(Programme, "schools")


def test_school_history_reads_in_russian(world):
    school = world.school_a
    with set_actor(world.user("coordinator")):
        organization_update(
            organization=school, is_active=False, territory=world.south, ownership=Ownership.PRIVATE
        )
        school_save(
            code=school.code,
            organization=school,
            organization_values={},
            school_values={"locality": "rural", "enrolment": 1250},
        )
    html = _history(world.client("coordinator"), school)
    text = visible_text(html)
    assert not_russian(html) == []
    assert "Изменение" in text and "Создание" in text
    assert "Действует да нет" in text
    assert "Территория Северный Южный" in text
    assert "Форма собственности Муниципальная Частная" in text
    assert "Местность Городская Сельская" in text
    assert "Численность обучающихся 500 1250" in text
    assert "· coordinator" in text  # the actor (the account has no name: its login)


def test_territory_history_hides_the_tree(world):
    html = _history(world.client("coordinator"), world.north)
    text = visible_text(html)
    assert not_russian(html) == []
    assert "Название" in text and "Северный" in text
    for internal in ("path", "depth", "numchild", "Path", "ID"):
        assert f" {internal} " not in f" {text} "


def test_programme_history_shows_dates_and_owner_by_name(world):
    with set_actor(world.user("coordinator")):
        programme = ProgrammeFactory(owner=world.department, name="Программа 500+")
        programme.order = registered_order(
            world.department, OrderKind.PROGRAMME, "01-05/7", date=datetime.date(2026, 11, 30)
        )
        programme.save()
    html = _history(world.client("coordinator"), programme)
    text = visible_text(html)
    assert not_russian(html) == []
    assert "Приказ об утверждении — Приказ № 01-05/7 от 30.11.2026" in text
    assert f"Орган-владелец — {world.department}" in text


def test_values_as_the_forms_show_them():
    names = _Names()
    # auditlog keeps aware datetimes as naive UTC; the page shows the local (Moscow) time.
    assert _display(Submission, "approved_at", "2026-11-30 10:41:23.405404", names) == (
        "30.11.2026 13:41"
    )
    assert _display(Submission, "status", "approved", names) == "принята"
    assert _display(Course, "areas", ["management", "x"], names) == "управленческая, x"
    assert _display(Course, "hours", 48, names) == "48"
    assert _display(Course, "is_active", None, names) == "—"
    names.load()
    assert _display(Submission, "approved_by", 10**9, names) == "пользователь (удалено)"


def test_history_query_count_does_not_grow_with_changes(world):
    client = world.client("coordinator")
    school = world.school_a

    def move(times: int) -> int:
        with set_actor(world.user("coordinator")):
            for i in range(times):
                target = world.south if i % 2 == 0 else world.north
                organization_update(organization=school, territory=target, phone=str(i))
        with CaptureQueriesContext(connection) as queries:
            _history(client, school)
        return len(queries)

    assert move(2) == move(8)
