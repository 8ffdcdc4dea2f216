"""Governance services: compositions by order, quorum, minutes, decisions, and their refusals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.core import dates
from opora.governance import selectors, services
from opora.governance.choices import DecisionStatus, MeetingStatus, MemberRole
from opora.governance.models import Composition, Decision, Meeting
from opora.governance.tests.helpers import council, held_meeting
from opora.registry.choices import OrderStatus
from opora.registry.models import Order

pytestmark = pytest.mark.django_db


def test_composition_registers_order_and_keeps_history(world: Any) -> None:
    body, people = council(world)
    order = Order.objects.get()
    assert (order.status, order.number, order.issuer) == (
        OrderStatus.REGISTERED,
        "12-о",
        world.department,
    )
    services.composition_approve(
        user=world.user("coordinator"),
        body=body,
        members=[services.MemberDraft(people[0], MemberRole.CHAIR)],
        order_number="30-о",
        order_date=dates.today(),
    )
    assert Composition.objects.filter(body=body).count() == 2
    earlier = selectors.composition_on(body, dates.today() - datetime.timedelta(days=1))
    assert earlier is not None and earlier.members.count() == 7
    now = selectors.composition_on(body, dates.today())
    assert now is not None and now.members.count() == 1


def test_order_number_used_twice_in_a_year_is_refused(world: Any) -> None:
    body, people = council(world)
    with pytest.raises(ValidationError) as error:
        services.composition_approve(
            user=world.user("coordinator"),
            body=body,
            members=[services.MemberDraft(people[0], MemberRole.CHAIR)],
            order_number="12-о",
            order_date=dates.today(),
        )
    assert "уже зарегистрирован" in str(error.value)
    assert Composition.objects.count() == 1


def test_composition_without_chair_refused(world: Any) -> None:
    body, people = council(world)
    with pytest.raises(ValidationError, match="один председатель"):
        services.composition_approve(
            user=world.user("coordinator"),
            body=body,
            members=[services.MemberDraft(people[0], MemberRole.MEMBER)],
            order_number="31-о",
            order_date=dates.today(),
        )


def test_no_quorum_refused_with_counts(world: Any) -> None:
    body, people = council(world)
    meeting = services.meeting_plan(
        user=world.user("coordinator"),
        body=body,
        date=dates.today(),
        place="Зал",
        agenda=[services.ItemDraft("Вопрос")],
    )
    with pytest.raises(ValidationError) as error:
        services.meeting_hold(user=world.user("coordinator"), meeting=meeting, present=people[:3])
    assert "кворума нет: присутствуют 3 из 7, нужно не менее 4" in str(error.value).lower()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and not meeting.present.exists()
    services.meeting_fail(user=world.user("coordinator"), meeting=meeting, reason="Нет кворума")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FAILED


def test_meeting_without_agenda_refused(world: Any) -> None:
    body, _people = council(world)
    with pytest.raises(ValidationError, match="повестке нет"):
        services.meeting_plan(
            user=world.user("coordinator"), body=body, date=dates.today(), place="Зал", agenda=[]
        )
    assert not Meeting.objects.exists()


def _minutes(meeting: Meeting, people: list[Any], **decision: Any) -> None:
    item = meeting.items.get()
    draft = services.DecisionDraft(
        text=decision.get("text", "Подготовить справку"),
        responsible_person=decision.get("person"),
        responsible_organization=decision.get("organization"),
        due_on=decision.get("due_on", dates.today() + datetime.timedelta(days=30)),
    )
    services.minutes_save(
        user=decision.get("user") or meeting.created_by,
        meeting=meeting,
        number="1",
        chair=people[0],
        secretary=people[1],
        items=[
            services.ItemMinutes(
                item=item, heard="Доклад", decided="Принять к сведению", decisions=[draft]
            )
        ],
    )


def test_decision_without_responsible_refused(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    with pytest.raises(ValidationError, match="укажите ответственного"):
        _minutes(meeting, people)
    assert not Decision.objects.exists()
    meeting.refresh_from_db()
    assert meeting.minutes_number == ""


def test_decision_done_needs_evidence_and_responsible(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    _minutes(meeting, people, organization=world.school_a)
    decision = Decision.objects.get()
    with pytest.raises(ValidationError, match="Приложите подтверждение"):
        services.decision_done(user=world.user("director_a"), decision=decision, done_on=None)
    with pytest.raises(ValidationError):
        services.decision_done(
            user=world.user("director_b"),
            decision=decision,
            done_on=None,
            evidence=SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x"),
        )
    services.decision_done(
        user=world.user("director_a"),
        decision=decision,
        done_on=None,
        evidence=SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x"),
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.evidence_name == "справка.pdf"


def test_decision_states(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    today = dates.today()
    _minutes(
        meeting, people, organization=world.school_a, due_on=today + datetime.timedelta(days=3)
    )
    decision = Decision.objects.get()
    assert selectors.decision_state(decision).value == "due_soon"
    assert (
        selectors.decision_state(decision, today + datetime.timedelta(days=10)).value == "overdue"
    )


def test_rhythm_warning(world: Any) -> None:
    body, _people = council(world)
    today = dates.today()
    last = today - datetime.timedelta(days=245)
    warning = selectors.rhythm_warning(body, last, today)
    assert warning.startswith(
        "по положению — не реже 1 раза в полугодие; последнее заседание — 8 месяцев назад"
    )
    assert selectors.rhythm_warning(body, today - datetime.timedelta(days=30), today) == ""


def test_outsider_cannot_manage(world: Any) -> None:
    body, _people = council(world)
    with pytest.raises(ValidationError):
        services.meeting_plan(
            user=world.user("outsider"),
            body=body,
            date=dates.today(),
            place="Зал",
            agenda=[services.ItemDraft("Вопрос")],
        )


def test_meeting_held_and_decision_done_on_the_timelines(world: Any) -> None:
    from opora.core.choices import TimelineVerb
    from opora.core.models import TimelineEvent

    body, people = council(world)
    meeting = held_meeting(world, body, people)
    # Attendance corrected later is not a second meeting.
    services.meeting_hold(user=world.user("coordinator"), meeting=meeting, present=people[:6])
    held = TimelineEvent.objects.filter(verb=TimelineVerb.MEETING_HELD)
    assert held.count() == 1
    event = held.get()
    assert event.object_id == str(world.department.pk)
    assert "присутствуют 5 из 7" in event.message
    _minutes(meeting, people, organization=world.school_a)
    decision = Decision.objects.get()
    services.decision_done(
        user=world.user("director_a"),
        decision=decision,
        done_on=None,
        evidence=SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x"),
    )
    done = TimelineEvent.objects.get(verb=TimelineVerb.DECISION_DONE)
    assert done.object_id == str(world.school_a.pk) and decision.text in done.message
