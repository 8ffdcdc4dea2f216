"""Governance pages, files and API by persona, and the meeting's path over HTTP."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core import dates
from opora.governance import services
from opora.governance.choices import DecisionStatus, MemberRole
from opora.governance.models import Decision
from opora.governance.tests.helpers import council, held_meeting

pytestmark = pytest.mark.django_db

READERS = ("coordinator", "analyst", "council", "regional", "superuser")
STRANGERS = ("outsider", "director_a", "teacher", "curator")


def test_body_and_meeting_pages_by_persona(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    urls = [body.get_absolute_url(), meeting.get_absolute_url()]
    for persona in READERS:
        for url in urls:
            assert world.client(persona).get(url).status_code == 200, (persona, url)
    for persona in STRANGERS:
        for url in urls:
            assert world.client(persona).get(url).status_code == 404, (persona, url)
    assert world.client("anonymous").get(urls[0]).status_code == 302
    for persona in ("analyst", "council", "outsider"):
        url = reverse("governance:meeting-attendance", args=[meeting.pk])
        assert world.client(persona).get(url).status_code == 404


def test_member_reads_their_body(world: Any) -> None:
    body, people = council(world)
    services.composition_approve(
        user=world.user("coordinator"),
        body=body,
        members=[
            services.MemberDraft(people[0], MemberRole.CHAIR),
            services.MemberDraft(world.user("teacher").person, MemberRole.MEMBER),
        ],
        order_number="40-о",
        order_date=dates.today(),
    )
    assert world.client("teacher").get(body.get_absolute_url()).status_code == 200
    assert (
        world.client("teacher").get(reverse("governance:body-edit", args=[body.pk])).status_code
        == 404
    )


def test_lists_and_api(world: Any) -> None:
    body, people = council(world)
    held_meeting(world, body, people)
    for name in (
        "governance:index",
        "governance:bodies",
        "governance:meetings",
        "governance:decisions",
    ):
        assert world.client("coordinator").get(reverse(name)).status_code == 200
    response = world.client("coordinator").get("/api/bodies/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert world.client("outsider").get("/api/bodies/").json()["count"] == 0
    assert world.client("coordinator").get("/api/decisions/").status_code == 200


def test_meeting_path_over_http(world: Any) -> None:
    body, people = council(world)
    client = world.client("coordinator")
    response = client.post(
        reverse("governance:meeting-new", args=[body.pk]),
        {
            "date": dates.today().isoformat(),
            "place": "Зал",
            "agenda": "О программе | Петрова И. О.",
        },
    )
    assert response.status_code == 302
    meeting = body.meetings.get()
    url = reverse("governance:meeting-attendance", args=[meeting.pk])
    response = client.post(url, {"present": [p.pk for p in people[:3]]})
    assert response.status_code == 400
    assert "присутствуют 3 из 7, нужно не менее 4" in response.content.decode()
    assert client.post(url, {"present": [p.pk for p in people[:5]]}).status_code == 302
    item = meeting.items.get()
    p = f"item_{item.pk}_"
    minutes = {
        "number": "1",
        "chair": people[0].pk,
        "secretary": people[1].pk,
        p + "heard": "Доклад",
        p + "decided": "Принять к сведению",
        p + "votes_for": 5,
        p + "votes_against": 0,
        p + "votes_abstained": 0,
        p + "decision": "Подготовить справку",
        p + "due_on": dates.today().isoformat(),
    }
    minutes_url = reverse("governance:meeting-minutes", args=[meeting.pk])
    response = client.post(minutes_url, minutes)
    assert response.status_code == 400 and "укажите ответственного" in response.content.decode()
    assert not Decision.objects.exists()
    minutes[p + "organization"] = world.school_a.pk
    assert client.post(minutes_url, minutes).status_code == 302
    response = client.get(reverse("governance:minutes-file", args=[meeting.pk, "docx"]))
    assert response.status_code == 200
    text = "\n".join(par.text for par in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "РЕШИЛИ" in text and "Подготовить справку" in text
    outsider = world.client("outsider")
    assert (
        outsider.get(reverse("governance:minutes-file", args=[meeting.pk, "docx"])).status_code
        == 404
    )
    decision = Decision.objects.get()
    director = world.client("director_a")
    assert director.get(decision.get_absolute_url()).status_code == 200
    response = director.post(
        reverse("governance:decision-done", args=[decision.pk]),
        {"evidence": SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x")},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert world.client("director_b").get(decision.get_absolute_url()).status_code == 404


def test_decision_register_queries_flat(world: Any, django_assert_max_num_queries: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    item = meeting.items.get()
    for n in range(3):
        Decision.objects.create(
            item=item,
            meeting=meeting,
            text=f"Р{n}",
            responsible_organization=world.school_a,
            due_on=dates.today(),
        )
    client = world.client("coordinator")
    client.get(reverse("governance:decisions"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("governance:decisions"))
    for n in range(20):
        Decision.objects.create(
            item=item,
            meeting=meeting,
            text=f"Д{n}",
            responsible_person=people[2],
            due_on=dates.today(),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("governance:decisions"))
    assert len(many) == len(few)
