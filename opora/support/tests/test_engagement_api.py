"""/api/consultations/: the same reach as the register, waits in seconds."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from opora.support.models import Consultation

pytestmark = pytest.mark.django_db


def api(world, persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(world.user(persona))
    return client


@pytest.fixture
def items(world):
    now = timezone.now()
    a = Consultation.objects.create(
        school=world.school_a, topic="Тема А", question="Вопрос", preferred_form="online"
    )
    Consultation.objects.filter(pk=a.pk).update(
        requested_at=now - datetime.timedelta(hours=3),
        taken_at=now - datetime.timedelta(hours=1),
        status="taken",
    )
    b = Consultation.objects.create(
        school=world.school_b, topic="Тема Б", question="Вопрос", preferred_form="phone"
    )
    return a, b


@pytest.mark.parametrize(
    ("persona", "topics"),
    [
        ("analyst", {"Тема А", "Тема Б"}),
        ("coordinator", {"Тема А", "Тема Б"}),
        ("council", {"Тема А", "Тема Б"}),
        ("director_a", {"Тема А"}),
        ("curator", {"Тема А"}),
        ("teacher", set()),
        ("outsider", set()),
    ],
)
def test_the_list_has_the_register_s_reach(world, items, persona, topics):
    body = api(world, persona).get("/api/consultations/").json()
    assert {row["topic"] for row in body["results"]} == topics


def test_a_consultation_out_of_reach_is_404_and_anonymous_is_refused(world, items):
    _a, b = items
    assert api(world, "director_a").get(f"/api/consultations/{b.pk}/").status_code == 404
    assert api(world, "anonymous").get("/api/consultations/").status_code in (401, 403)


def test_fields_waits_and_filters(world, items):
    a, _b = items
    client = api(world, "analyst")
    row = client.get(f"/api/consultations/{a.pk}/").json()
    assert row["school_code"] == "SCH-A"
    assert row["status"] == "taken"
    assert 7190 <= row["wait_to_take_seconds"] <= 7210
    assert row["wait_to_answer_seconds"] is None
    assert [r["topic"] for r in client.get("/api/consultations/?status=new").json()["results"]] == [
        "Тема Б"
    ]
    school = client.get(f"/api/consultations/?school={world.school_a.pk}").json()["results"]
    assert [r["topic"] for r in school] == ["Тема А"]
