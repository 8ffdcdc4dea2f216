"""The demo's governance: two bodies with compositions by registered orders, four meetings
with minutes, decisions in every state, the council's rhythm broken, the working group's
meetings counted for the programme roadmap; and what the demo accounts see of it."""

from __future__ import annotations

import pytest
from django.test import Client

from opora.governance.choices import BodyKind, DecisionState, MeetingStatus, MemberRole
from opora.governance.models import Body, Decision, Meeting
from opora.governance.selectors import decision_state, rhythm_warning
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_governance(demo: None) -> None:
    council = Body.objects.get(kind=BodyKind.COORDINATING_COUNCIL)
    group = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    seven = council.compositions.get()
    assert seven.order.number == "01-05/504"
    assert seven.members.count() == 7
    roles = sorted(seven.members.values_list("role", flat=True))
    assert roles.count(MemberRole.CHAIR) == 1 and MemberRole.DEPUTY in roles
    # One member from outside the authority: a person without any membership.
    assert seven.members.filter(person__memberships__isnull=True).count() == 1
    for body in (council, group):
        composition = body.compositions.get(approved=True)
        order = composition.order
        assert composition.approved and composition.since == order.date
        assert order.status == OrderStatus.REGISTERED and order.kind == OrderKind.BODY
        assert order.issuer_id == body.owner_id and order.number and order.file
    # This year's correction of the group waits for its drafted order.
    proposal = group.compositions.get(approved=False)
    assert proposal.order.status == OrderStatus.DRAFT and not proposal.since
    assert proposal.members.count() == group.compositions.get(approved=True).members.count() + 1
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    assert held.count() == 4
    assert all(m.minutes_number and m.chair_id and m.secretary_id for m in held)
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED).count() == 1
    states = {decision_state(d) for d in Decision.objects.all()}
    assert {
        DecisionState.DONE,
        DecisionState.OVERDUE,
        DecisionState.DUE_SOON,
        DecisionState.CANCELLED,
        DecisionState.OPEN,
    } <= states
    assert all(d.evidence for d in Decision.objects.filter(status="done"))
    last = {
        b.pk: b.meetings.filter(status=MeetingStatus.HELD).latest("date").date
        for b in (council, group)
    }
    assert rhythm_warning(council, last[council.pk])
    assert not rhythm_warning(group, last[group.pk])
    linked = Meeting.objects.filter(activities__isnull=False).distinct()
    assert linked.count() == 2 and {m.body_id for m in linked} == {group.pk}


def test_demo_accounts_see_governance(demo: None) -> None:
    council = Body.objects.get(kind=BodyKind.COORDINATING_COUNCIL)
    coordinator = _client("coordinator")
    page = coordinator.get(council.get_absolute_url()).content.decode()
    assert "по положению — не реже 1 раза в квартал" in page
    assert "Лукьянова Марина Фёдоровна" in page
    # The director is a member of both bodies and responsible for a decision due soon.
    director = _client("director")
    assert director.get(council.get_absolute_url()).status_code == 200
    assert "Скорректировать антирисковую программу школы" in director.get("/").content.decode()
    # A curator who sits on neither body does not see the council.
    assert _client("curator").get(council.get_absolute_url()).status_code == 404
