"""Governance services: compositions by order, quorum, minutes, decisions, and their refusals."""

from __future__ import annotations

import datetime
import io
from typing import Any

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.core import dates
from opora.governance import selectors, services
from opora.governance.choices import DecisionStatus, MeetingStatus, MemberRole
from opora.governance.models import Composition, Decision, Meeting
from opora.governance.tests.helpers import compose, council, held_meeting
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.demo import demo_order, demo_register
from opora.registry.models import Order
from opora.registry.order_documents import order_docx
from opora.registry.order_hooks import subjects_of
from opora.registry.services import order_cancel

pytestmark = pytest.mark.django_db


def test_composition_approved_by_its_registered_order_keeps_history(world: Any) -> None:
    body, people = council(world)
    order = Order.objects.get()
    assert (order.status, order.number, order.issuer, order.kind) == (
        OrderStatus.REGISTERED,
        "12-о",
        world.department,
        OrderKind.BODY,
    )
    assert order.file  # registered the one way: signed file, number, date
    compose(
        world.user("coordinator"),
        body,
        [services.MemberDraft(people[0], MemberRole.CHAIR)],
        "30-о",
        dates.today(),
    )
    assert Composition.objects.filter(body=body).count() == 2
    earlier = selectors.composition_on(body, dates.today() - datetime.timedelta(days=1))
    assert earlier is not None and earlier.members.count() == 7
    now = selectors.composition_on(body, dates.today())
    assert now is not None and now.members.count() == 1


def _propose(world: Any, body: Any, people: list[Any]) -> Composition:
    return services.composition_propose(
        user=world.user("coordinator"),
        body=body,
        members=[
            services.MemberDraft(people[0], MemberRole.CHAIR),
            services.MemberDraft(people[1], MemberRole.SECRETARY),
        ],
        since=dates.today(),
    )


def test_proposed_composition_counts_for_nothing_until_approved(world: Any) -> None:
    body, people = council(world)
    coordinator = world.user("coordinator")
    proposal = _propose(world, body, people)
    draft = services.composition_order_draft(user=coordinator, composition=proposal)
    assert (draft.status, draft.kind, draft.issuer) == (
        OrderStatus.DRAFT,
        OrderKind.BODY,
        world.department,
    )
    # Asked again, the same draft (no second order).
    assert services.composition_order_draft(user=coordinator, composition=proposal) == draft
    now = selectors.composition_on(body, dates.today())
    assert now is not None and now.members.count() == 7
    assert selectors.composition_proposed(body) == proposal
    assert proposal not in selectors.body_compositions(body)
    demo_register(draft, number="31-о", date=dates.today(), user=coordinator)
    services.composition_approve(user=coordinator, composition=proposal, order=draft)
    now = selectors.composition_on(body, dates.today())
    assert now == proposal and now.members.count() == 2
    assert selectors.composition_proposed(body) is None


def test_draft_order_refused(world: Any) -> None:
    body, people = council(world)
    coordinator = world.user("coordinator")
    proposal = _propose(world, body, people)
    draft = services.composition_order_draft(user=coordinator, composition=proposal)
    with pytest.raises(ValidationError, match="ещё не зарегистрирован"):
        services.composition_approve(user=coordinator, composition=proposal, order=draft)
    proposal.refresh_from_db()
    assert not proposal.approved


def test_another_authoritys_or_kinds_order_refused(world: Any) -> None:
    body, people = council(world)
    coordinator = world.user("coordinator")
    proposal = _propose(world, body, people)
    foreign = demo_order(
        issuer=world.other_department,
        kind=OrderKind.BODY,
        title="Об утверждении состава",
        number="5",
        date=dates.today(),
        user=None,
    )
    with pytest.raises(ValidationError, match="другого органа управления"):
        services.composition_approve(user=coordinator, composition=proposal, order=foreign)
    other_kind = demo_order(
        issuer=world.department,
        kind=OrderKind.IDENTIFICATION,
        title="Об утверждении перечня",
        number="6",
        date=dates.today(),
        user=None,
    )
    with pytest.raises(ValidationError, match="утверждает другое"):
        services.composition_approve(user=coordinator, composition=proposal, order=other_kind)
    cancelled = demo_order(
        issuer=world.department,
        kind=OrderKind.BODY,
        title="Об утверждении состава",
        number="7",
        date=dates.today(),
        user=None,
    )
    order_cancel(order=cancelled, reason="ошибка", user=None)
    with pytest.raises(ValidationError):
        services.composition_approve(user=coordinator, composition=proposal, order=cancelled)
    proposal.refresh_from_db()
    assert not proposal.approved and selectors.composition_on(body, dates.today()) != proposal


def test_body_order_draft_docx_lists_members_in_appendix(world: Any) -> None:
    body, people = council(world)
    coordinator = world.user("coordinator")
    proposal = _propose(world, body, people)
    draft = services.composition_order_draft(user=coordinator, composition=proposal)
    document = docx.Document(io.BytesIO(order_docx(coordinator, draft)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Утвердить состав: Координационный совет" in text
    assert "Признать утратившим силу приказ" in text and "12-о" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert people[0].full_name in cells and people[1].full_name in cells
    assert "председатель" in cells and "секретарь" in cells
    assert people[5].full_name not in cells
    # The order's page names what it approves.
    assert [s.kind for s in subjects_of(coordinator, draft)] == ["Состав органа"]
    assert subjects_of(world.user("outsider"), draft) == []


def test_composition_without_chair_refused(world: Any) -> None:
    body, people = council(world)
    with pytest.raises(ValidationError, match="один председатель"):
        services.composition_propose(
            user=world.user("coordinator"),
            body=body,
            members=[services.MemberDraft(people[0], MemberRole.MEMBER)],
        )
    assert Composition.objects.count() == 1


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
