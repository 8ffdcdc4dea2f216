"""Writes of governance. Callers have fetched what they act on through a selector; each
service checks the acting user's rights again and refuses bad input with a Russian message
naming what is wrong, saving nothing. Every write is audited by auditlog in the same
transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import Action, restrict
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check
from opora.core.uploads import display_name
from opora.governance import selectors
from opora.governance.choices import DecisionStatus, MeetingStatus, MemberRole
from opora.governance.models import AgendaItem, Body, Composition, Decision, Meeting, Member
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.models import Order, Organization, Person, Programme
from opora.registry.services import order_check_approves, order_for_approval
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.execution import may_report
from opora.roadmaps.models import Activity

NOT_ALLOWED = _("Недостаточно прав для этого действия.")


def _raise(problems: dict[str, list[str]]) -> None:
    problems = {key: messages for key, messages in problems.items() if messages}
    if problems:
        raise ValidationError(problems)


def _manage_check(user: User, body: Body) -> None:
    if not restrict(Body.objects.filter(pk=body.pk), user, Action.CHANGE).exists():
        raise ValidationError(NOT_ALLOWED)


def _file_problems(file: UploadedFile | None) -> list[str]:
    if file is None:
        return []
    try:
        evidence_check([file])
    except ValidationError as exc:
        return list(exc.messages)
    return []


# --- bodies ---


@transaction.atomic
def body_save(
    *,
    user: User,
    body: Body | None = None,
    owner: Organization,
    kind: str,
    name: str,
    programme: Programme | None = None,
    regulation: UploadedFile | None = None,
    rhythm_months: int | None = None,
    quorum_percent: int = 50,
) -> Body:
    """Create a body (or change one): by the coordinators of the owner's territory."""
    if not selectors.body_owner_choices(user).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": [NOT_ALLOWED]})
    if body is not None:
        _manage_check(user, body)
    problems: dict[str, list[str]] = {"regulation": _file_problems(regulation)}
    if not name.strip():
        problems["name"] = [_("Напишите название органа.")]
    if not 0 <= quorum_percent < 100:
        problems["quorum_percent"] = [_("Кворум — доля состава от 0 до 99 %.")]
    if rhythm_months is not None and not 1 <= rhythm_months <= 24:
        problems["rhythm_months"] = [_("Периодичность — от 1 до 24 месяцев.")]
    _raise(problems)
    body = body or Body(created_by=user)
    body.owner = owner
    body.kind = kind
    body.name = name.strip()
    body.programme = programme
    body.rhythm_months = rhythm_months
    body.quorum_percent = quorum_percent
    if regulation is not None:
        body.regulation = regulation
        body.regulation_name = display_name(regulation.name)
    body.full_clean()
    body.save()
    return body


@dataclass
class MemberDraft:
    person: Person
    role: str
    position: str = ""


def _members_problems(members: list[MemberDraft]) -> list[str]:
    problems: list[str] = []
    if not members:
        problems.append(_("В составе нет ни одного человека."))
    seen: set[int] = set()
    for draft in members:
        if draft.person.pk in seen:
            problems.append(_("%(p)s указан(а) в составе дважды.") % {"p": draft.person.full_name})
        seen.add(draft.person.pk)
    roles = [d.role for d in members]
    if members and roles.count(MemberRole.CHAIR) != 1:
        problems.append(_("В составе должен быть один председатель."))
    if roles.count(MemberRole.SECRETARY) > 1:
        problems.append(_("Секретарь в составе — один."))
    return problems


@transaction.atomic
def composition_propose(
    *,
    user: User,
    body: Body,
    members: list[MemberDraft],
    since: datetime.date | None = None,
    note: str = "",
) -> Composition:
    """A new version of the composition, proposed («проект состава»): one chair, at most one
    secretary, each person once. It counts for nothing until a registered order approves it
    (`composition_approve`). A body has one proposal at a time: proposing again replaces its
    members and keeps its draft order."""
    _manage_check(user, body)
    _raise({"members": _members_problems(members)})
    composition = (
        Composition.objects.select_for_update()
        .filter(body=body, approved=False)
        .order_by("-pk")
        .first()
    ) or Composition(body=body, created_by=user)
    composition.since, composition.note = since, note.strip()
    composition.full_clean()
    composition.save()
    composition.members.all().delete()
    Member.objects.bulk_create(
        Member(
            composition=composition,
            person=d.person,
            role=d.role,
            position=d.position.strip(),
            position_number=n,
        )
        for n, d in enumerate(members, start=1)
    )
    return composition


def _locked_composition(composition: Composition) -> Composition:
    return (
        Composition.objects.select_for_update(of=("self",))
        .select_related("body__owner", "order")
        .get(pk=composition.pk)
    )


@transaction.atomic
def composition_order_draft(*, user: User, composition: Composition) -> Order:
    """The draft order approving a proposed composition («Подготовить проект приказа»),
    linked to it; the draft already linked when there is one."""
    composition = _locked_composition(composition)
    _manage_check(user, composition.body)
    if composition.approved:
        raise ValidationError(_("Состав уже утверждён приказом."))
    if composition.order is not None and composition.order.status == OrderStatus.DRAFT:
        return composition.order
    order = order_for_approval(
        issuer=composition.body.owner,
        kind=OrderKind.BODY,
        title=_("Об утверждении состава: %(b)s") % {"b": composition.body.name},
        user=user,
    )
    composition.order = order
    composition.save(update_fields=["order"])
    return order


@transaction.atomic
def composition_approve(
    *, user: User, composition: Composition, order: Order | None
) -> Composition:
    """Approve a proposed composition by a registered order of the body's owner (refused: no
    order, a draft, a cancelled one, another authority's, another kind). It is the
    composition in force from its `since` (else the order's date); earlier versions stay."""
    composition = _locked_composition(composition)
    _manage_check(user, composition.body)
    if composition.approved:
        raise ValidationError(_("Состав уже утверждён приказом."))
    order = order_check_approves(order, issuer=composition.body.owner, kind=OrderKind.BODY)
    composition.order = order
    composition.since = composition.since or order.date
    composition.approved = True
    composition.full_clean()
    composition.save()
    return composition


@transaction.atomic
def composition_submit(
    *,
    user: User,
    body: Body,
    members: list[MemberDraft],
    since: datetime.date | None,
    note: str,
    order: Order | None,
) -> tuple[Composition, Order | None]:
    """The composition page's one step: proposed and approved at once by the registered order
    chosen; with none chosen, proposed with a draft order prepared for it (returned)."""
    composition = composition_propose(user=user, body=body, members=members, since=since, note=note)
    if order is not None:
        return composition_approve(user=user, composition=composition, order=order), None
    return composition, composition_order_draft(user=user, composition=composition)


# --- meetings ---


@dataclass
class ItemDraft:
    title: str
    speaker: str = ""


def _agenda_problems(agenda: list[ItemDraft]) -> list[str]:
    if not agenda:
        return [_("В повестке нет ни одного вопроса.")]
    return [
        _("Вопрос %(n)d: напишите, что рассматривается.") % {"n": n}
        for n, item in enumerate(agenda, start=1)
        if not item.title.strip()
    ]


@transaction.atomic
def meeting_plan(
    *,
    user: User,
    body: Body,
    meeting: Meeting | None = None,
    date: datetime.date | None,
    time: datetime.time | None = None,
    place: str = "",
    online_url: str = "",
    agenda: list[ItemDraft],
) -> Meeting:
    """Plan a meeting with its agenda (or change a planned one: the agenda is replaced)."""
    _manage_check(user, body)
    if meeting is not None and meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Заседание уже проведено или отменено: повестка не меняется."))
    problems: dict[str, list[str]] = {"agenda": _agenda_problems(agenda)}
    if date is None:
        problems["date"] = [_("Укажите дату заседания.")]
    if not place.strip() and not online_url.strip():
        problems["place"] = [_("Укажите место проведения или ссылку на трансляцию.")]
    _raise(problems)
    assert date is not None
    meeting = meeting or Meeting(body=body, created_by=user)
    meeting.date, meeting.time = date, time
    meeting.place, meeting.online_url = place.strip(), online_url.strip()
    meeting.full_clean()
    meeting.save()
    meeting.items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=n, title=i.title.strip(), speaker=i.speaker.strip())
        for n, i in enumerate(agenda, start=1)
    )
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body__owner")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_hold(
    *, user: User, meeting: Meeting, present: list[Person], guests: str = ""
) -> Meeting:
    """Mark the attendance of a meeting that took place: refused without a quorum of the
    composition in force on its date (it may be marked «не состоялось» instead)."""
    meeting = _locked(meeting)
    _manage_check(user, meeting.body)
    if meeting.status == MeetingStatus.FAILED:
        raise ValidationError(_("Заседание отмечено как несостоявшееся."))
    if meeting.date > dates.today():
        raise ValidationError(
            _("Заседание назначено на %(d)s: отметить присутствие можно в день заседания.")
            % {"d": dates.date_ru(meeting.date)}
        )
    composition = meeting.composition or selectors.composition_on(meeting.body, meeting.date)
    if composition is None:
        raise ValidationError(
            _("На %(d)s у органа нет утверждённого состава: сначала утвердите состав приказом.")
            % {"d": dates.date_ru(meeting.date)}
        )
    member_ids = set(composition.members.values_list("person_id", flat=True))
    strangers = [p.full_name for p in present if p.pk not in member_ids]
    if strangers:
        raise ValidationError(
            {
                "present": [
                    _("Не члены органа: %(p)s. Укажите их среди приглашённых.")
                    % {"p": ", ".join(strangers)}
                ]
            }
        )
    count = len({p.pk for p in present})
    needed = meeting.body.quorum_needed(len(member_ids))
    if count < needed:
        raise ValidationError(
            {
                "present": [
                    _(
                        "Кворума нет: присутствуют %(c)d из %(t)d, нужно не менее %(n)d. "
                        "Если заседание не состоялось, отметьте это."
                    )
                    % {"c": count, "t": len(member_ids), "n": needed}
                ]
            }
        )
    first_time = meeting.status != MeetingStatus.HELD
    meeting.composition = composition
    meeting.status = MeetingStatus.HELD
    meeting.guests = guests.strip()
    meeting.failed_reason = ""
    meeting.full_clean()
    meeting.save()
    meeting.present.set(present)
    if first_time:
        # Attendance corrected later is not a second meeting on the owner's timeline.
        timeline_event_record(
            target=meeting.body.owner,
            verb=TimelineVerb.MEETING_HELD,
            actor=user,
            message=_("%(b)s, %(d)s: присутствуют %(c)d из %(t)d")
            % {
                "b": meeting.body.name,
                "d": dates.date_ru(meeting.date),
                "c": count,
                "t": len(member_ids),
            },
            data={"meeting": meeting.pk, "body": meeting.body_id},
        )
    return meeting


@transaction.atomic
def meeting_fail(*, user: User, meeting: Meeting, reason: str) -> Meeting:
    """Mark a planned meeting as not held (no quorum, cancelled), with the reason."""
    meeting = _locked(meeting)
    _manage_check(user, meeting.body)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Отметить «не состоялось» можно только запланированное заседание."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Напишите, почему заседание не состоялось.")]})
    meeting.status = MeetingStatus.FAILED
    meeting.failed_reason = reason.strip()
    meeting.save()
    return meeting


@dataclass
class DecisionDraft:
    text: str
    responsible_person: Person | None
    responsible_organization: Organization | None
    due_on: datetime.date | None


@dataclass
class ItemMinutes:
    item: AgendaItem
    heard: str = ""
    spoke: str = ""
    decided: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstained: int | None = None
    decisions: list[DecisionDraft] = field(default_factory=list)


@transaction.atomic
def minutes_save(
    *,
    user: User,
    meeting: Meeting,
    number: str,
    chair: Person | None,
    secretary: Person | None,
    items: list[ItemMinutes],
) -> Meeting:
    """Write the minutes of a held meeting: per agenda item СЛУШАЛИ — ВЫСТУПИЛИ — РЕШИЛИ with
    the votes; new decisions each need a responsible (person or organisation) and a due date.
    Saved again, the texts are replaced and new decisions added to those recorded."""
    meeting = _locked(meeting)
    _manage_check(user, meeting.body)
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            _("Протокол пишется по состоявшемуся заседанию: отметьте присутствие.")
        )
    problems: dict[str, list[str]] = {}
    if not number.strip():
        problems["number"] = [_("Укажите номер протокола.")]
    present_ids = set(meeting.present.values_list("pk", flat=True))
    for key, person, label in (
        ("chair", chair, _("Председательствующий")),
        ("secretary", secretary, _("Секретарь")),
    ):
        if person is None:
            problems[key] = [_("Укажите, кто подписывает протокол: %(l)s.") % {"l": label.lower()}]
        elif person.pk not in present_ids:
            problems[key] = [
                _("%(l)s (%(p)s) не отмечен(а) среди присутствовавших.")
                % {"l": label, "p": person.full_name}
            ]
    own_ids = {i.pk for i in meeting.items.all()}
    for minutes in items:
        n = minutes.item.number
        if minutes.item.pk not in own_ids:
            raise ValidationError(NOT_ALLOWED)
        votes = [minutes.votes_for, minutes.votes_against, minutes.votes_abstained]
        key = f"item_{minutes.item.pk}"
        if any(v is not None for v in votes):
            if any(v is None for v in votes):
                problems.setdefault(key, []).append(
                    _("Вопрос %(n)d: укажите все три числа голосования (за, против, воздержались).")
                    % {"n": n}
                )
            elif sum(v or 0 for v in votes) > len(present_ids):
                problems.setdefault(key, []).append(
                    _("Вопрос %(n)d: проголосовало %(v)d, а присутствовало %(p)d.")
                    % {"n": n, "v": sum(v or 0 for v in votes), "p": len(present_ids)}
                )
        for draft in minutes.decisions:
            label = draft.text.strip()[:60] or _("без текста")
            if not draft.text.strip():
                problems.setdefault(key, []).append(
                    _("Вопрос %(n)d: напишите текст решения.") % {"n": n}
                )
            if draft.responsible_person is None and draft.responsible_organization is None:
                problems.setdefault(key, []).append(
                    _(
                        "Вопрос %(n)d, решение «%(d)s»: укажите ответственного — человека "
                        "или организацию."
                    )
                    % {"n": n, "d": label}
                )
            if draft.due_on is None:
                problems.setdefault(key, []).append(
                    _("Вопрос %(n)d, решение «%(d)s»: укажите срок исполнения.")
                    % {"n": n, "d": label}
                )
            elif draft.due_on < meeting.date:
                problems.setdefault(key, []).append(
                    _("Вопрос %(n)d, решение «%(d)s»: срок раньше даты заседания.")
                    % {"n": n, "d": label}
                )
    _raise(problems)
    meeting.minutes_number = number.strip()
    meeting.chair, meeting.secretary = chair, secretary
    meeting.save()
    for minutes in items:
        item = minutes.item
        item.heard, item.spoke, item.decided = (
            minutes.heard.strip(),
            minutes.spoke.strip(),
            minutes.decided.strip(),
        )
        item.votes_for = minutes.votes_for
        item.votes_against = minutes.votes_against
        item.votes_abstained = minutes.votes_abstained
        item.save()
        for draft in minutes.decisions:
            assert draft.due_on is not None
            decision = Decision(
                item=item,
                meeting=meeting,
                text=draft.text.strip(),
                responsible_person=draft.responsible_person,
                responsible_organization=draft.responsible_organization,
                due_on=draft.due_on,
            )
            decision.full_clean()
            decision.save()
    return meeting


# --- decisions ---


def _locked_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting__body")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_done(
    *,
    user: User,
    decision: Decision,
    done_on: datetime.date | None,
    report: str = "",
    evidence: UploadedFile | None = None,
) -> Decision:
    """The responsible (or the body's managers) report the decision done, with a file."""
    decision = _locked_decision(decision)
    if decision.status != DecisionStatus.OPEN:
        raise ValidationError(
            _("Решение в состоянии «%(s)s»: отметить исполнение нельзя.")
            % {"s": decision.get_status_display()}
        )
    if not selectors.decision_may_report(user, decision):
        raise ValidationError(NOT_ALLOWED)
    problems: dict[str, list[str]] = {}
    today = dates.today()
    done_on = done_on or today
    if done_on > today:
        problems["done_on"] = [_("Дата исполнения ещё не наступила.")]
    elif done_on < decision.meeting.date:
        problems["done_on"] = [_("Дата исполнения раньше заседания, принявшего решение.")]
    if evidence is None:
        problems["evidence"] = [_("Приложите подтверждение: приказ, справку, протокол, фото.")]
    else:
        problems["evidence"] = _file_problems(evidence)
    _raise(problems)
    assert evidence is not None
    decision.status = DecisionStatus.DONE
    decision.done_on = done_on
    decision.report = report.strip()
    decision.evidence = evidence
    decision.evidence_name = display_name(evidence.name)
    decision.closed_by = user
    decision.full_clean()
    decision.save()
    # On the timeline of the organisation that did it, else of the body's owner.
    timeline_event_record(
        target=decision.responsible_organization or decision.meeting.body.owner,
        verb=TimelineVerb.DECISION_DONE,
        actor=user,
        message=f"{decision.meeting.body.name}: {decision.text}",
        data={"decision": decision.pk, "meeting": decision.meeting_id},
    )
    return decision


@transaction.atomic
def decision_cancel(*, user: User, decision: Decision, reason: str) -> Decision:
    """The body's managers take a decision off control, with the reason."""
    decision = _locked_decision(decision)
    if not selectors.decision_may_cancel(user, decision):
        raise ValidationError(NOT_ALLOWED)
    if not reason.strip():
        raise ValidationError({"reason": [_("Напишите, почему решение снимается с контроля.")]})
    decision.status = DecisionStatus.CANCELLED
    decision.cancel_reason = reason.strip()
    decision.closed_by = user
    decision.save()
    return decision


# --- roadmap evidence ---


def _evidence_refusal(user: User, meeting: Meeting, activity: Activity) -> str | None:
    if meeting.status != MeetingStatus.HELD:
        return _("Засчитать можно только состоявшееся заседание.")
    if activity.roadmap.status != RoadmapStatus.EXECUTION:
        return _("Засчитать заседание можно, когда дорожная карта исполняется.")
    if not may_report(user, activity):
        return NOT_ALLOWED
    if not selectors.activity_meeting_candidates(user, activity).filter(pk=meeting.pk).exists():
        return _("Заседание органа другой программы: засчитать его в эту дорожную карту нельзя.")
    return None


@transaction.atomic
def activity_meetings_set(*, user: User, activity: Activity, meetings: list[Meeting]) -> None:
    """The meetings counted as evidence of `activity`: the chosen ones (each checked) are
    linked, the other candidates unlinked."""
    problems = [
        f"{m}: {refusal}" for m in meetings if (refusal := _evidence_refusal(user, m, activity))
    ]
    if problems:
        raise ValidationError(problems)
    if not may_report(user, activity):
        raise ValidationError(NOT_ALLOWED)
    candidates = selectors.activity_meeting_candidates(user, activity)
    through = Meeting.activities.through
    through.objects.filter(activity=activity, meeting__in=candidates.values("pk")).exclude(
        meeting_id__in=[m.pk for m in meetings]
    ).delete()
    for meeting in meetings:
        meeting.activities.add(activity)
