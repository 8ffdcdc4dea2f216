"""Personal ties in governance: the responsible of a decision reports it done whatever their
role, and a member without any role reads their body; nobody else gains anything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from opora.core import dates
from opora.governance import services
from opora.governance.choices import DecisionStatus, MemberRole
from opora.governance.models import Decision
from opora.governance.tests.helpers import compose, council, held_meeting
from opora.registry.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _decision(meeting: Any, **responsible: Any) -> Decision:
    return Decision.objects.create(
        item=meeting.items.get(),
        meeting=meeting,
        text="Подготовить справку",
        due_on=dates.today(),
        **responsible,
    )


def _done(client: Client, decision: Decision) -> int:
    url = reverse("governance:decision-done", args=[decision.pk])
    response = client.post(url, {"evidence": SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x")})
    return response.status_code


def _roleless_client(person: Any) -> Client:
    """A person with an account and no role anywhere (a member from outside the authority)."""
    person.user = UserFactory()
    person.save()
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("persona", ["teacher", "curator", "council", "staff_a"])
def test_responsible_person_marks_their_decision_done(world: Any, persona: str) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    decision = _decision(meeting, responsible_person=world.user(persona).person)
    client = world.client(persona)
    assert client.get(decision.get_absolute_url()).status_code == 200
    assert "Отметить исполнение" in client.get(decision.get_absolute_url()).content.decode()
    assert _done(client, decision) == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_roleless_responsible_marks_done(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    outside = PersonFactory(last_name="Сторонний")
    decision = _decision(meeting, responsible_person=outside)
    client = _roleless_client(outside)
    assert client.get(decision.get_absolute_url()).status_code == 200
    home = client.get("/")
    assert home.status_code == 200 and "Мои поручения" in home.content.decode()
    assert _done(client, decision) == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_others_may_not_mark_a_decision_done(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    for_teacher = _decision(meeting, responsible_person=world.user("teacher").person)
    for_school = _decision(meeting, responsible_organization=world.school_a)
    # Not named and not reaching: the page is not there at all.
    for persona in ("director_b", "outsider", "curator"):
        assert world.client(persona).get(for_teacher.get_absolute_url()).status_code == 404
        assert _done(world.client(persona), for_teacher) == 404
    # Reads the decision but has no managing role in the responsible school (or is an analyst
    # or council member whose reach covers it): refused, nothing changes.
    for persona in ("staff_a", "teacher", "analyst", "council"):
        client = world.client(persona)
        response = client.get(for_school.get_absolute_url())
        assert response.status_code == 200, persona
        assert "Отметить исполнение" not in response.content.decode()
        assert _done(client, for_school) == 400, persona
    # A roleless user who is not the responsible sees nothing.
    stranger = _roleless_client(PersonFactory(last_name="Посторонний"))
    assert stranger.get(for_teacher.get_absolute_url()).status_code == 404
    assert _done(stranger, for_teacher) == 404
    for decision in (for_teacher, for_school):
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.OPEN
    # The responsible school's director and the body's coordinator may.
    assert _done(world.client("director_a"), for_school) == 302
    assert _done(world.client("coordinator"), for_teacher) == 302


def test_roleless_member_reads_body_and_its_decisions(world: Any) -> None:
    body, people = council(world)
    outside = people[6]
    client = _roleless_client(outside)
    meeting = held_meeting(world, body, people)
    decision = _decision(meeting, responsible_organization=world.school_a)
    for url in (
        body.get_absolute_url(),
        meeting.get_absolute_url(),
        decision.get_absolute_url(),
        reverse("governance:bodies"),
        reverse("governance:decisions"),
    ):
        assert client.get(url).status_code == 200, url
    assert body.name in client.get(reverse("governance:bodies")).content.decode()
    assert decision.text in client.get(reverse("governance:decisions")).content.decode()
    # Reading is all: managing stays the coordinators'.
    for name in ("body-edit", "composition-new", "meeting-new"):
        assert client.get(reverse(f"governance:{name}", args=[body.pk])).status_code == 404
    assert _done(client, decision) == 400
    # A roleless user without a seat reads nothing.
    stranger = _roleless_client(PersonFactory(last_name="Посторонний"))
    for url in (body.get_absolute_url(), meeting.get_absolute_url()):
        assert stranger.get(url).status_code == 404
    assert body.name not in stranger.get(reverse("governance:bodies")).content.decode()


def test_member_dropped_from_composition_keeps_history_reading(world: Any) -> None:
    """A former member still reads the body (they sat on it); a new composition by order
    does not hide the meetings they took part in."""
    body, people = council(world)
    client = _roleless_client(people[6])
    compose(
        world.user("coordinator"),
        body,
        [
            services.MemberDraft(people[0], MemberRole.CHAIR),
            services.MemberDraft(people[1], MemberRole.SECRETARY),
        ],
        "50-о",
        dates.today(),
    )
    assert client.get(body.get_absolute_url()).status_code == 200
