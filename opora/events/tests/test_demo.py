"""The demo's events: a year of them in every state, with registrations, attendance,
materials, feedback and certificates, some carrying out roadmap activities; and what the demo
accounts see of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.events.choices import EventStatus
from opora.events.models import Certificate, Event, Material, Registration
from opora.registry.demo import DEMO_PASSWORD
from opora.surveys.models import Response

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_events_in_every_state(demo: None) -> None:
    assert Event.objects.count() >= 12
    assert set(Event.objects.values_list("status", flat=True)) == set(EventStatus.values)
    assert Event.objects.filter(activity__isnull=False, status=EventStatus.HELD).exists()
    assert Registration.objects.filter(attended=True).count() > 50
    assert Material.objects.filter(url__gt="").exists() and Material.objects.filter(file__gt="")
    assert Certificate.objects.exists()
    assert Response.objects.filter(link__round__title__startswith="Обратная связь").count() > 10


def test_demo_accounts_see_events(demo: None) -> None:
    held = Event.objects.filter(
        status=EventStatus.HELD,
        registrations__person__user__username="teacher",
        registrations__attended=True,
    ).first()
    assert held is not None
    teacher = _client("teacher")
    page = teacher.get(held.get_absolute_url()).content.decode()
    assert "Скачать сертификат" in page
    own = Registration.objects.get(event=held, person__user__username="teacher")
    pdf = teacher.get(reverse("events:certificate", args=[own.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert teacher.get(reverse("events:calendar")).status_code == 200
    analyst = _client("analyst").get(held.get_absolute_url()).content.decode()
    assert own.full_name in analyst
    assert own.full_name not in _client("curator").get(held.get_absolute_url()).content.decode()
