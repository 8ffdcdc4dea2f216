"""Writes of the support network. Callers have fetched what they act on through a selector;
each service checks the acting user's rights again (a forged form or an import row cannot
go further) and refuses bad input with a Russian message naming what is wrong, saving
nothing. Every write is audited by auditlog in the same transaction."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import Action, UserLike, restrict
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.files import evidence_check, image_check
from opora.core.mail import mail_on_commit
from opora.core.notifications import notify
from opora.core.uploads import display_name
from opora.registry.choices import OrderKind, OrganizationKind
from opora.registry.models import CuratorAssignment, Membership, Order, Organization, Person
from opora.registry.recipients import school_curators, school_directors
from opora.registry.scoping import coordinator_reach
from opora.registry.services import order_check_approves
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.execution import may_report
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.selectors import roadmap_may
from opora.roadmaps.services import EDITABLE, activity_save, roadmap_transition
from opora.support import selectors
from opora.support.choices import (
    Addressee,
    ConsultationForm,
    ConsultationStatus,
    MentorArea,
    RecommendationStatus,
    VisitKind,
    VisitStatus,
)
from opora.support.models import (
    Consultation,
    Escalation,
    MentorPair,
    NetworkAgreement,
    Recommendation,
    Visit,
    VisitPhoto,
    VisitTemplate,
)
from opora.support.visit_templates import areas_from_text, scale_from_text, template_areas

# --- network ---

# A signed agreement is a scan or the document itself: PDF, Word, images.
AGREEMENT_SUFFIXES = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"}
)


def _overlapping(qs: QuerySet[Any], since: datetime.date, until: datetime.date | None) -> Any:
    """The rows of `qs` whose period (`since`, inclusive `until` or open) meets this one."""
    qs = qs.filter(Q(until__isnull=True) | Q(until__gte=since))
    if until is not None:
        qs = qs.filter(since__lte=until)
    return qs


def _period(since: datetime.date, until: datetime.date | None) -> str:
    if until is None:
        return _("с %(since)s") % {"since": dates.date_ru(since)}
    return _("с %(since)s по %(until)s") % {
        "since": dates.date_ru(since),
        "until": dates.date_ru(until),
    }


def _period_problem(since: datetime.date | None, until: datetime.date | None) -> str | None:
    if since is not None and until is not None and until < since:
        return _("Дата окончания (%(until)s) раньше даты начала (%(since)s).") % {
            "until": dates.date_ru(until),
            "since": dates.date_ru(since),
        }
    return None


def _raise(problems: dict[str, list[str]]) -> None:
    problems = {key: messages for key, messages in problems.items() if messages}
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def curator_assign(
    *,
    user: UserLike,
    curator: Person,
    schools: Iterable[Organization],
    since: datetime.date,
    until: datetime.date | None,
    order: Order | None,
) -> list[CuratorAssignment]:
    """Assign `curator` to each of `schools` for the period by the order: one assignment per
    school, all or none. Refused, naming the school: a school outside the user's coordinator
    territory, a school the curator works at, an assignment of the same curator to the same
    school whose period meets this one; and an end before the start, a person who is not a
    curator, a missing order."""
    problems: dict[str, list[str]] = {
        "curator": [],
        "schools": [],
        "until": [],
        "order": [],
    }
    if (problem := _period_problem(since, until)) is not None:
        problems["until"].append(problem)
    try:
        order_check_approves(order, issuer=None, kind=OrderKind.CURATORS)
    except ValidationError as exc:
        problems["order"].extend(exc.messages)
    if not Membership.objects.filter(person=curator, role=Role.CURATOR, is_active=True).exists():
        problems["curator"].append(
            _("%(name)s не куратор: закрепляют людей с ролью «Куратор».")
            % {"name": curator.full_name}
        )
    unique = list({school.pk: school for school in schools}.values())
    if not unique:
        problems["schools"].append(_("Выберите хотя бы одну школу."))
    r = coordinator_reach(user)
    works_at = set(
        Membership.objects.filter(person=curator, is_active=True).values_list(
            "organization_id", flat=True
        )
    )
    existing: dict[int, CuratorAssignment] = {}
    if since is not None:
        for found in _overlapping(
            CuratorAssignment.objects.filter(curator=curator, school__in=unique), since, until
        ).order_by("since"):
            existing.setdefault(found.school_id, found)
    for school in unique:
        if school.kind != OrganizationKind.SCHOOL:
            problems["schools"].append(_("«%(school)s» — не школа.") % {"school": school})
        elif not r.covers(school):
            problems["schools"].append(
                _(
                    "Школа «%(school)s» вне вашей зоны ответственности: куратора закрепляет "
                    "координатор её территории."
                )
                % {"school": school}
            )
        elif order is not None and not school.territory.path.startswith(
            order.issuer.territory.path
        ):
            problems["schools"].append(
                _("Школа «%(school)s» вне территории органа, издавшего приказ.")
                % {"school": school}
            )
        elif school.pk in works_at:
            problems["schools"].append(
                _(
                    "%(name)s работает в школе «%(school)s»: куратор не может курировать "
                    "школу, в которой работает."
                )
                % {"name": curator.full_name, "school": school}
            )
        elif (found := existing.get(school.pk)) is not None:
            ref = found.order.reference if found.order is not None else ""
            order_text = _(", приказ %(ref)s") % {"ref": ref} if ref else ""
            problems["schools"].append(
                _(
                    "%(name)s уже закреплён(а) за школой «%(school)s» %(period)s%(order)s: "
                    "периоды пересекаются."
                )
                % {
                    "name": curator.full_name,
                    "school": school,
                    "period": _period(found.since, found.until),
                    "order": order_text,
                }
            )
    _raise(problems)
    made = []
    for school in sorted(unique, key=lambda s: s.short_name):
        assignment = CuratorAssignment(
            curator=curator,
            school=school,
            since=since,
            until=until,
            order=order,
        )
        assignment.full_clean()
        assignment.save()
        made.append(assignment)
    return made


def _period_end(
    user: UserLike,
    record: CuratorAssignment | MentorPair,
    until: datetime.date | None,
    *,
    ended: str,
    before_start: str,
) -> Any:
    """End a curator assignment or a mentor pair on `until` (today by default; the period
    includes that day). Refused outside the coordinator's territory, for a period already
    ended (`ended`, with %(until)s) and for an end before its start (`before_start`, with
    %(until)s and %(since)s)."""
    until = until or dates.today()
    if not coordinator_reach(user).covers(record.school):
        raise ValidationError(
            _("Школа «%(school)s» вне вашей зоны ответственности.") % {"school": record.school}
        )
    if record.until is not None and record.until < dates.today():
        raise ValidationError(ended % {"until": dates.date_ru(record.until)})
    if until < record.since:
        raise ValidationError(
            {
                "until": before_start
                % {"until": dates.date_ru(until), "since": dates.date_ru(record.since)}
            }
        )
    record.until = until
    record.full_clean()
    record.save(update_fields=["until"])
    return record


@transaction.atomic
def curator_assignment_end(
    *, user: UserLike, assignment: CuratorAssignment, until: datetime.date | None = None
) -> CuratorAssignment:
    """End an assignment on `until` (today by default; the curator keeps the school through
    that day)."""
    return _period_end(
        user,
        assignment,
        until,
        ended=_("Закрепление уже завершено %(until)s."),
        before_start=_("Дата окончания (%(until)s) раньше начала закрепления (%(since)s)."),
    )


def _file_problems(file: UploadedFile | None) -> list[str]:
    if file is None:
        return []
    try:
        evidence_check([file])
    except ValidationError as exc:
        return list(exc.messages)
    if Path(file.name or "").suffix.lower() not in AGREEMENT_SUFFIXES:
        return [
            _(
                "Файл «%(name)s» не принят: подписанный договор — это PDF, документ Word "
                "или изображение (скан)."
            )
            % {"name": file.name}
        ]
    return []


@dataclass
class AgreementDraft:
    """What a form gives for a new or changed agreement."""

    owner: Organization
    subject: str
    since: datetime.date
    until: datetime.date | None = None
    number: str = ""
    signed_on: datetime.date | None = None
    file: UploadedFile | None = None


def _agreement_problems(
    user: UserLike, draft: AgreementDraft, parties: list[Organization], kept: int = 0
) -> dict[str, list[str]]:
    """What is wrong with an agreement between `parties` (and `kept` parties the user cannot
    see, which stay as they are)."""
    problems: dict[str, list[str]] = {"owner": [], "parties": [], "until": [], "file": []}
    if draft.owner.kind not in (
        OrganizationKind.EDUCATION_AUTHORITY,
        OrganizationKind.METHODICAL_CENTRE,
    ) or not coordinator_reach(user).covers(draft.owner):
        problems["owner"].append(
            _(
                "Договор ведёт орган управления образованием или методический центр вашей "
                "территории; «%(owner)s» не из их числа."
            )
            % {"owner": draft.owner}
        )
    if (problem := _period_problem(draft.since, draft.until)) is not None:
        problems["until"].append(problem)
    if len(parties) + kept < 2:
        problems["parties"].append(_("Укажите стороны договора: не меньше двух организаций."))
    visible = set(
        restrict(Organization.objects.filter(pk__in=[p.pk for p in parties]), user).values_list(
            "pk", flat=True
        )
    )
    for party in parties:
        if party.pk not in visible:
            problems["parties"].append(
                _("Организация «%(party)s» вне вашей зоны ответственности.") % {"party": party}
            )
    problems["file"] += _file_problems(draft.file)
    return problems


def _agreement_write(
    agreement: NetworkAgreement, draft: AgreementDraft, parties: list[Organization]
) -> NetworkAgreement:
    agreement.owner = draft.owner
    agreement.number = draft.number.strip()
    agreement.signed_on = draft.signed_on
    agreement.subject = draft.subject.strip()
    agreement.since = draft.since
    agreement.until = draft.until
    if draft.file is not None:
        agreement.file_name = display_name(draft.file.name)
        agreement.file.save(draft.file.name or "договор", draft.file, save=False)
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(parties)
    return agreement


def _unique(organizations: Iterable[Organization]) -> list[Organization]:
    return list({o.pk: o for o in organizations}.values())


@transaction.atomic
def agreement_create(
    *, user: UserLike, draft: AgreementDraft, parties: Iterable[Organization]
) -> NetworkAgreement:
    """Record a network agreement kept by an authority or methodical centre of the user's
    coordinator territory, between at least two organisations the user sees, with its
    signed file (PDF, Word or a scan) if given."""
    parties = _unique(parties)
    _raise(_agreement_problems(user, draft, parties))
    creator = user if isinstance(user, User) else None
    return _agreement_write(NetworkAgreement(created_by=creator), draft, parties)


@transaction.atomic
def agreement_update(
    *,
    user: UserLike,
    agreement: NetworkAgreement,
    draft: AgreementDraft,
    parties: Iterable[Organization],
) -> NetworkAgreement:
    """Change an agreement (a new file replaces the old one; without one the old stays).
    Parties the user cannot see stay as they are."""
    chosen = _unique(parties)
    visible_ids = set(restrict(agreement.parties.all(), user).values_list("pk", flat=True))
    kept = [p for p in agreement.parties.all() if p.pk not in visible_ids]
    _raise(_agreement_problems(user, draft, chosen, kept=len(kept)))
    return _agreement_write(agreement, draft, _unique([*chosen, *kept]))


def mentor_max_pairs() -> int:
    """How many schools a mentor school works with at once (OPORA_MENTOR_MAX_PAIRS)."""
    return int(settings.OPORA_MENTOR_MAX_PAIRS)


@transaction.atomic
def mentor_pair_create(
    *,
    user: UserLike,
    school: Organization,
    mentor: Organization,
    since: datetime.date,
    until: datetime.date | None,
    areas: Iterable[str],
    agreement: NetworkAgreement | None = None,
    new_agreement: AgreementDraft | None = None,
    note: str = "",
) -> MentorPair:
    """Make `mentor` the mentor school of `school` for the period, in the chosen areas, with
    an existing agreement or a new one between the two (with its file). Refused: a school
    with itself, a school outside the user's coordinator territory, a mentor already at
    the limit of pairs in that period, a pair of the same schools whose period meets this
    one, an end before the start, no area."""
    problems: dict[str, list[str]] = {
        NON_FIELD_ERRORS: [],
        "mentor": [],
        "until": [],
        "areas": [],
        "agreement": [],
    }
    areas = list(dict.fromkeys(areas))
    # The mentor's row is locked so that two coordinators cannot both take its last place.
    mentor = Organization.objects.select_for_update().get(pk=mentor.pk)
    if school.pk == mentor.pk:
        problems["mentor"].append(_("Школа не может быть наставником самой себе."))
    if school.kind != OrganizationKind.SCHOOL or mentor.kind != OrganizationKind.SCHOOL:
        problems["mentor"].append(_("Наставником школы может быть только школа."))
    if not coordinator_reach(user).covers(school):
        problems[NON_FIELD_ERRORS].append(
            _(
                "Школа «%(school)s» вне вашей зоны ответственности: наставника назначает "
                "координатор её территории."
            )
            % {"school": school}
        )
    if not restrict(Organization.objects.filter(pk=mentor.pk), user).exists():
        problems["mentor"].append(_("Школа-наставник вне вашей зоны ответственности."))
    if (problem := _period_problem(since, until)) is not None:
        problems["until"].append(problem)
    unknown = [a for a in areas if a not in MentorArea.values]
    if not areas or unknown:
        problems["areas"].append(_("Выберите хотя бы одно направление работы из списка."))
    if school.pk != mentor.pk:
        same = _overlapping(MentorPair.objects.filter(school=school, mentor=mentor), since, until)
        found = same.order_by("since").first()
        if found is not None:
            problems[NON_FIELD_ERRORS].append(
                _(
                    "Школа «%(mentor)s» уже наставник школы «%(school)s» %(period)s: периоды "
                    "пересекаются."
                )
                % {"mentor": mentor, "school": school, "period": _period(found.since, found.until)}
            )
        else:
            busy = (
                _overlapping(MentorPair.objects.filter(mentor=mentor), since, until)
                .exclude(school=school)
                .count()
            )
            limit = mentor_max_pairs()
            if busy >= limit:
                problems["mentor"].append(
                    _(
                        "Школа «%(mentor)s» уже наставник %(busy)s школ в этот период; одна "
                        "школа-наставник работает не больше чем с %(limit)s школами сразу."
                    )
                    % {"mentor": mentor, "busy": busy, "limit": limit}
                )
    if agreement is not None and new_agreement is not None:
        problems["agreement"].append(
            _("Выберите существующий договор или заполните новый, но не то и другое.")
        )
    if (
        agreement is not None
        and not restrict(NetworkAgreement.objects.filter(pk=agreement.pk), user).exists()
    ):
        problems["agreement"].append(_("Договор не найден."))
    if new_agreement is not None:
        for key, messages in _agreement_problems(user, new_agreement, [school, mentor]).items():
            problems.setdefault(key, []).extend(messages)
    _raise(problems)
    if new_agreement is not None:
        creator = user if isinstance(user, User) else None
        agreement = _agreement_write(
            NetworkAgreement(created_by=creator), new_agreement, [school, mentor]
        )
    pair = MentorPair(
        school=school,
        mentor=mentor,
        since=since,
        until=until,
        areas=areas,
        agreement=agreement,
        note=note.strip(),
        created_by=user if isinstance(user, User) else None,
    )
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def mentor_pair_end(
    *, user: UserLike, pair: MentorPair, until: datetime.date | None = None
) -> MentorPair:
    """End a mentor pair on `until` (today by default)."""
    return _period_end(
        user,
        pair,
        until,
        ended=_("Работа в паре уже завершена %(until)s."),
        before_start=_("Дата окончания (%(until)s) раньше начала работы в паре (%(since)s)."),
    )


# --- engagement ---


def _site_line(path: str) -> str:
    base = getattr(settings, "OPORA_SITE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else _("«Опора» → Поддержка")


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def consultation_request(
    *,
    user: User,
    school: Organization,
    topic: str,
    question: str,
    preferred_form: str,
) -> Consultation:
    """A school's director or staff asks the methodical centre for a consultation."""
    if not selectors.consultation_ask_schools(user).filter(pk=school.pk).exists():
        raise ValidationError(
            {"school": _("Попросить консультацию может только администрация этой школы.")}
        )
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = _("Укажите тему консультации.")
    if not (question or "").strip():
        errors["question"] = _("Опишите вопрос: методисту нужно понять, к чему готовиться.")
    if preferred_form not in ConsultationForm.values:
        errors["preferred_form"] = _("Выберите удобную форму консультации.")
    if errors:
        raise ValidationError(errors)
    consultation = Consultation(
        school=school,
        topic=topic.strip(),
        question=question.strip(),
        preferred_form=preferred_form,
        requested_by=user,
    )
    consultation.full_clean()
    consultation.save()
    return consultation


def _handler_check(user: User, consultation: Consultation) -> None:
    if not selectors.consultation_may_handle(user, consultation):
        raise ValidationError(_("Эта консультация вне вашей зоны ответственности."))
    if consultation.status in (ConsultationStatus.ANSWERED, ConsultationStatus.CANCELLED):
        raise ValidationError(
            _("Консультация уже закрыта: %(status)s.")
            % {"status": consultation.get_status_display().lower()}
        )


def _take(user: User, consultation: Consultation) -> None:
    """Make the consultation the user's, unless another methodist has it already."""
    person = selectors.person_of(user)
    if consultation.methodist_id and (person is None or consultation.methodist_id != person.pk):
        return
    if person is None:
        raise ValidationError(
            _(
                "У вашей учётной записи нет карточки в реестре людей: консультацию нельзя "
                "закрепить за вами. Обратитесь к координатору."
            )
        )
    consultation.methodist = person
    if consultation.taken_at is None:
        consultation.taken_at = timezone.now()


@transaction.atomic
def consultation_take(*, user: User, consultation: Consultation) -> Consultation:
    """A methodist takes a new consultation: it becomes theirs."""
    _handler_check(user, consultation)
    if consultation.methodist_id is not None:
        raise ValidationError(
            _("Консультацию уже принял(а) %(name)s.") % {"name": consultation.methodist}
        )
    _take(user, consultation)
    consultation.status = ConsultationStatus.TAKEN
    consultation.save(update_fields=["methodist", "taken_at", "status"])
    return consultation


@transaction.atomic
def consultation_schedule(
    *,
    user: User,
    consultation: Consultation,
    scheduled_for: datetime.datetime,
    form: str,
) -> Consultation:
    """Set the date, time and form; the school gets a letter. Taken by the user if new."""
    _handler_check(user, consultation)
    errors = {}
    if scheduled_for is None:
        errors["scheduled_for"] = _("Укажите дату и время консультации.")
    elif scheduled_for <= timezone.now():
        errors["scheduled_for"] = _(
            "Дата и время консультации уже прошли (%(when)s): укажите будущие."
        ) % {"when": dates.datetime_ru(scheduled_for)}
    if form not in ConsultationForm.values or form == ConsultationForm.WRITTEN:
        errors["form"] = _("Выберите, как пройдёт консультация (письменный ответ не назначают).")
    if errors:
        raise ValidationError(errors)
    _take(user, consultation)
    consultation.scheduled_for = scheduled_for
    consultation.scheduled_form = form
    consultation.status = ConsultationStatus.SCHEDULED
    consultation.save(
        update_fields=["methodist", "taken_at", "scheduled_for", "scheduled_form", "status"]
    )
    _letter_to_school(
        consultation,
        subject=_("«Опора»: консультация назначена — %(topic)s") % {"topic": consultation.topic},
        body=[
            _("Консультация по теме «%(topic)s» назначена на %(when)s.")
            % {"topic": consultation.topic, "when": dates.datetime_ru(scheduled_for)},
            _("Форма: %(form)s.") % {"form": ConsultationForm(form).label.lower()},
            _("Методист: %(name)s.") % {"name": consultation.methodist},
        ],
    )
    notify(
        recipients=[consultation.requested_by],
        text=_("Консультация «%(topic)s» назначена на %(when)s")
        % {"topic": consultation.topic, "when": dates.datetime_ru(scheduled_for)},
        url=consultation.get_absolute_url(),
    )
    return consultation


@transaction.atomic
def consultation_answer(*, user: User, consultation: Consultation, answer: str) -> Consultation:
    """The methodist answers (in writing, or records what was advised); the school gets the
    answer by e-mail when this commits."""
    _handler_check(user, consultation)
    answer = _required(answer, "answer", _("Напишите ответ: пустой ответ школе не отправляется."))
    _take(user, consultation)
    consultation.answer = answer
    consultation.answered_at = timezone.now()
    consultation.status = ConsultationStatus.ANSWERED
    consultation.save(update_fields=["methodist", "taken_at", "answer", "answered_at", "status"])
    _letter_to_school(
        consultation,
        subject=_("«Опора»: ответ на запрос консультации — %(topic)s")
        % {"topic": consultation.topic},
        body=[
            _("На запрос консультации по теме «%(topic)s» от %(when)s дан ответ.")
            % {"topic": consultation.topic, "when": dates.date_ru(consultation.requested_at)},
            "",
            answer,
            "",
            _("Методист: %(name)s.") % {"name": consultation.methodist},
        ],
    )
    consultation_notify(consultation=consultation)
    return consultation


def consultation_notify(*, consultation: Consultation) -> None:
    """Tell the one who asked that the consultation is answered."""
    notify(
        recipients=[consultation.requested_by],
        text=_("Дан ответ на запрос консультации «%(topic)s»") % {"topic": consultation.topic},
        url=consultation.get_absolute_url(),
    )


@transaction.atomic
def consultation_withdraw(*, user: User, consultation: Consultation) -> Consultation:
    """The school withdraws a request it no longer needs."""
    if not selectors.consultation_may_withdraw(user, consultation):
        raise ValidationError(_("Отозвать запрос может администрация школы, пока он не закрыт."))
    consultation.status = ConsultationStatus.CANCELLED
    consultation.save(update_fields=["status"])
    return consultation


def _letter_to_school(consultation: Consultation, *, subject: str, body: list[str]) -> None:
    recipients = selectors.consultation_recipients(consultation)
    if not recipients:
        return
    lines = [
        _("Здравствуйте!"),
        "",
        *body,
        "",
        _("Запрос в «Опоре»: %(where)s") % {"where": _site_line(consultation.get_absolute_url())},
    ]
    mail_on_commit(subject=subject, message="\n".join(lines), recipient_list=recipients)


@transaction.atomic
def escalation_create(
    *, user: User, school: Organization, note: str, respond_by: datetime.date
) -> Escalation:
    """A coordinator writes to the director of a school that does not engage, with a date to
    answer by; the school's signals as seen now are recorded with it, the event goes on the
    school's timeline and the letter to the director leaves when this commits."""
    if not selectors.escalation_may_create(user, school):
        raise ValidationError(
            _("Обращаться к директору этой школы может координатор программы её территории.")
        )
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("Напишите обращение: что школе нужно сделать.")
    if respond_by is None:
        errors["respond_by"] = _("Укажите, до какого числа ждать ответа.")
    elif respond_by <= dates.today():
        errors["respond_by"] = _("Срок ответа должен быть позже сегодняшнего дня.")
    if errors:
        raise ValidationError(errors)
    signals = selectors.school_signals(user, school)
    escalation = Escalation(
        school=school,
        note=note.strip(),
        respond_by=respond_by,
        reasons=[s.as_reason() for s in signals],
        created_by=user,
    )
    escalation.full_clean()
    escalation.save()
    timeline_event_record(
        target=school,
        verb=TimelineVerb.ESCALATED,
        actor=user,
        message=escalation.note,
        data={"escalation": escalation.pk, "respond_by": respond_by.isoformat()},
    )
    recipients = selectors.director_emails(school)
    if recipients:
        lines = [
            _("Здравствуйте!"),
            "",
            _("Координатор программы поддержки направил обращение к директору школы %(school)s.")
            % {"school": school.short_name},
            "",
            escalation.note,
            "",
        ]
        if signals:
            lines.append(_("Основания:"))
            lines += [f"  — {s.title}: {s.text}" for s in signals]
            lines.append("")
        lines += [
            _("Ответить нужно до %(date)s.") % {"date": dates.date_ru_long(respond_by)},
            _("Ответ — в «Опоре» на карточке школы: %(where)s")
            % {"where": _site_line(reverse("support:escalation", args=[escalation.pk]))},
        ]
        mail_on_commit(
            subject=_("«Опора»: обращение к директору — ответ до %(date)s")
            % {"date": dates.date_ru(respond_by)},
            message="\n".join(lines),
            recipient_list=recipients,
        )
    return escalation


@transaction.atomic
def escalation_answer(*, user: User, escalation: Escalation, reply: str) -> Escalation:
    """The director answers: the escalation is resolved, the answer goes on the school's
    timeline and to the coordinator who wrote."""
    if not selectors.escalation_may_answer(user, escalation):
        raise ValidationError(_("Ответить на обращение может директор школы, пока оно открыто."))
    reply = _required(reply, "reply", _("Напишите ответ: что школа сделала или сделает."))
    escalation.reply = reply
    escalation.resolved_at = timezone.now()
    escalation.resolved_by = user
    escalation.save(update_fields=["reply", "resolved_at", "resolved_by"])
    timeline_event_record(
        target=escalation.school,
        verb=TimelineVerb.ESCALATION_ANSWERED,
        actor=user,
        message=reply,
        data={"escalation": escalation.pk},
    )
    author = escalation.created_by
    if author is not None and author.is_active and author.email:
        mail_on_commit(
            subject=_("«Опора»: директор %(school)s ответил на обращение")
            % {"school": escalation.school.short_name},
            message="\n".join(
                [
                    _("Здравствуйте!"),
                    "",
                    _("Директор школы %(school)s ответил на обращение от %(date)s:")
                    % {
                        "school": escalation.school.short_name,
                        "date": dates.date_ru(escalation.created_at),
                    },
                    "",
                    reply,
                    "",
                    _site_line(reverse("support:escalation", args=[escalation.pk])),
                ]
            ),
            recipient_list=[author.email],
        )
    return escalation


# --- visits ---

NOT_ALLOWED = _("Это действие вам недоступно.")
NOTE_MAX = 4000


@transaction.atomic
def visit_template_copy(
    *, user: User, template: VisitTemplate, owner: Organization, name: str = ""
) -> VisitTemplate:
    """A copy of a template (shipped or own) owned by one of the user's authorities, to edit."""
    if owner.pk not in {o.pk for o in selectors.visit_template_owners(user)}:
        raise ValidationError({"owner": NOT_ALLOWED})
    copy = VisitTemplate(
        owner=owner,
        kind=template.kind,
        name=(
            name.strip()
            or _("%(name)s (%(owner)s)")
            % {"name": template.name, "owner": owner.short_name or owner.name}
        )[:255],
        areas=template.areas,
        scale=template.scale,
    )
    copy.full_clean()
    copy.save()
    return copy


@transaction.atomic
def visit_template_update(
    *,
    user: User,
    template: VisitTemplate,
    name: str,
    areas_text: str,
    scale_text: str,
    is_active: bool,
) -> VisitTemplate:
    """Change an own copy's name, areas and questions, scale; shipped templates never change."""
    if not selectors.visit_template_may_change(user, template):
        raise ValidationError(
            _("Этот шаблон изменить нельзя: скопируйте его для своей организации и меняйте копию.")
        )
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = [_("Укажите название шаблона.")]
    areas: list[dict[str, Any]] = []
    try:
        areas = areas_from_text(areas_text)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    needed = any(q["rated"] for area in areas for q in area["questions"])
    scale: list[str] = []
    try:
        scale = scale_from_text(scale_text, needed=needed)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    if problems:
        raise ValidationError(problems)
    template.name = name.strip()[:255]
    template.areas = areas
    template.scale = scale
    template.is_active = is_active
    template.full_clean()
    template.save()
    return template


def _visit_check(
    *,
    user: User,
    school: Organization,
    kind: str,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    template: VisitTemplate | None,
) -> None:
    """What planning and re-planning a visit refuse, every reason at once."""
    problems: dict[str, list[str]] = {}
    if not selectors.visit_schools(user).filter(pk=school.pk).exists():
        problems["school"] = [
            _(
                "Школа «%(school)s» вне вашей зоны: выезд в неё планирует её куратор, методист "
                "или координатор территории."
            )
            % {"school": school.short_name}
        ]
    if organiser.pk not in {o.pk for o in selectors.visit_organisers(user)}:
        problems["organiser"] = [
            _("Выезд проводит организация, в которой вы работаете: выберите её.")
        ]
    else:
        people = set(selectors.visit_people(user, [organiser]).values_list("pk", flat=True))
        if lead.pk not in people:
            problems["lead"] = [
                _("%(p)s не работает в «%(o)s».") % {"p": lead, "o": organiser.short_name}
            ]
        strangers = [str(p) for p in team if p.pk not in people]
        if strangers:
            problems["team"] = [
                _("Не работают в «%(o)s»: %(p)s.")
                % {"o": organiser.short_name, "p": ", ".join(strangers)}
            ]
    if kind not in VisitKind.values:
        problems["kind"] = [_("Выберите вид выезда.")]
    if not purpose.strip():
        problems["purpose"] = [_("Напишите цель выезда.")]
    if template is not None:
        if template.kind != kind:
            problems["template"] = [
                _("Шаблон «%(t)s» — для другого вида выезда.") % {"t": template.name}
            ]
        elif not template.is_active:
            problems["template"] = [_("Шаблон «%(t)s» не используется.") % {"t": template.name}]
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def visit_plan(
    *,
    user: User,
    school: Organization,
    kind: str,
    planned_on: datetime.date,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    programme: str = "",
    template: VisitTemplate | None = None,
    form_key: uuid.UUID | None = None,
) -> Visit:
    """Plan a visit (template by kind unless chosen). The plan form's key stays with the visit
    (`plan_key`): the same form sent again from a phone — at once or after the record was
    saved — plans nothing and returns the visit."""
    if form_key is not None:
        existing = Visit.objects.filter(plan_key=form_key).first()
        if existing is not None:
            return existing
    _visit_check(
        user=user,
        school=school,
        kind=kind,
        organiser=organiser,
        lead=lead,
        team=team,
        purpose=purpose,
        template=template,
    )
    visit = Visit(
        school=school,
        kind=kind,
        planned_on=planned_on,
        organiser=organiser,
        lead=lead,
        purpose=purpose.strip(),
        programme=programme.strip(),
        template=template or selectors.visit_template_default(user, kind),
        created_by=user,
    )
    visit.plan_key = form_key
    visit.full_clean(exclude=["form_key", "plan_key"])
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same form, sent again while the first send was being saved.
        if form_key is None:
            raise
        return Visit.objects.get(plan_key=form_key)
    visit.team.set(team)
    timeline_event_record(
        target=school,
        verb=TimelineVerb.VISIT_PLANNED,
        actor=user,
        message=_("%(kind)s, %(day)s: %(purpose)s")
        % {
            "kind": visit.get_kind_display(),
            "day": dates.date_ru(planned_on),
            "purpose": visit.purpose[:300],
        },
        data={"visit": visit.pk},
    )
    visit_notify(visit=visit)
    return visit


def visit_notify(*, visit: Visit) -> None:
    """Tell the school's directors that a visit is planned at their school."""
    notify(
        recipients=school_directors(visit.school_id),
        text=_("Запланирован выезд в школу %(school)s на %(day)s: %(kind)s")
        % {
            "school": visit.school.short_name,
            "day": dates.date_ru(visit.planned_on),
            "kind": visit.get_kind_display().lower(),
        },
        url=visit.get_absolute_url(),
    )


@transaction.atomic
def visit_update(
    *,
    user: User,
    visit: Visit,
    kind: str,
    planned_on: datetime.date,
    organiser: Organization,
    lead: Person,
    team: list[Person],
    purpose: str,
    programme: str = "",
    template: VisitTemplate | None = None,
) -> Visit:
    """Change the plan of a visit not held yet (the school stays)."""
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: план уже не меняется.")
            % {"s": visit.get_status_display()}
        )
    _visit_check(
        user=user,
        school=visit.school,
        kind=kind,
        organiser=organiser,
        lead=lead,
        team=team,
        purpose=purpose,
        template=template,
    )
    if template is None:
        template = (
            visit.template if kind == visit.kind else selectors.visit_template_default(user, kind)
        )
    if template != visit.template:
        # Answers are keyed by the template's questions (nothing is recorded while planned).
        visit.answers = {}
    visit.template = template
    visit.kind = kind
    visit.planned_on = planned_on
    visit.organiser = organiser
    visit.lead = lead
    visit.purpose = purpose.strip()
    visit.programme = programme.strip()
    visit.full_clean(exclude=["form_key"])
    visit.save()
    visit.team.set(team)
    return visit


@dataclass
class RecommendationDraft:
    """A recommendation written on the visit record form."""

    text: str
    addressee: str
    due_on: datetime.date | None


@dataclass
class RecordOutcome:
    visit: Visit
    # The same form had been saved already (sent twice): nothing was applied again.
    repeated: bool = False
    recommendations: list[Recommendation] = field(default_factory=list)
    photos: list[VisitPhoto] = field(default_factory=list)


def _answers_clean(template: VisitTemplate | None, answers: dict[str, Any]) -> dict[str, Any]:
    """Keep the answers to the template's questions: a rating within its scale, a note."""
    if template is None:
        return {}
    scale = len(template.scale)
    kept: dict[str, Any] = {}
    for area in template_areas(template.areas):
        for question in area.questions:
            given = answers.get(question.key) or {}
            rating = given.get("rating")
            if not question.rated or rating in ("", None):
                rating = None
            else:
                try:
                    rating = int(rating)
                except (TypeError, ValueError):
                    rating = None
                if rating is not None and not 0 <= rating < scale:
                    rating = None
            note = str(given.get("note") or "").strip()[:NOTE_MAX]
            if rating is not None or note:
                kept[question.key] = {"rating": rating, "note": note}
    return kept


def _recommendations_check(visit: Visit, drafts: list[RecommendationDraft]) -> list[str]:
    problems = []
    for number, draft in enumerate(drafts, start=1):
        where = _("Рекомендация %(n)s") % {"n": number}
        if not draft.text.strip():
            problems.append(_("%(w)s: напишите текст.") % {"w": where})
        if draft.addressee not in Addressee.values:
            problems.append(_("%(w)s: укажите, кому она адресована.") % {"w": where})
        if draft.due_on is None:
            problems.append(_("%(w)s: укажите срок.") % {"w": where})
        elif draft.due_on < visit.planned_on:
            problems.append(
                _("%(w)s: срок %(due)s раньше даты выезда %(day)s.")
                % {
                    "w": where,
                    "due": dates.date_ru(draft.due_on),
                    "day": dates.date_ru(visit.planned_on),
                }
            )
    return problems


@transaction.atomic
def visit_record_save(
    *,
    user: User,
    visit: Visit,
    form_key: uuid.UUID | str,
    answers: dict[str, Any],
    findings: str,
    photos: list[UploadedFile],
    photo_caption: str = "",
    recommendations: list[RecommendationDraft],
    close: bool = False,
) -> RecordOutcome:
    """Save the visit record filled on the day (answers, findings, photos, recommendations)
    and, with `close`, close the visit. All or nothing: a refused photo or recommendation
    leaves the visit as it was.

    The form carries the visit's one-time key; saving turns it over. A phone on a flaky
    connection that sends the same form twice therefore makes one record: the second send
    finds the key used and changes nothing (`RecordOutcome.repeated`)."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("template", "school")
        .get(pk=visit.pk)
    )
    if str(visit.form_key) != str(form_key):
        return RecordOutcome(visit, repeated=True)
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: запись уже не меняется.")
            % {"s": visit.get_status_display()}
        )
    problems: dict[str, list[str]] = {}
    recommendation_problems = _recommendations_check(visit, recommendations)
    if recommendation_problems:
        problems["recommendations"] = recommendation_problems
    try:
        image_check(photos, max_mb=settings.OPORA_VISIT_PHOTO_MAX_MB)
    except ValidationError as exc:
        problems["photos"] = exc.messages
    if close:
        if not findings.strip():
            problems.setdefault("findings", []).append(
                _("Запишите выводы по итогам выезда, чтобы закрыть его.")
            )
        if visit.planned_on > dates.today():
            problems.setdefault("__all__", []).append(
                _("Выезд назначен на %(day)s: закрыть его можно в этот день или позже.")
                % {"day": dates.date_ru(visit.planned_on)}
            )
    if problems:
        raise ValidationError(problems)

    visit.answers = _answers_clean(visit.template, answers)
    visit.findings = findings.strip()
    outcome = RecordOutcome(visit)
    for photo in photos:
        outcome.photos.append(
            VisitPhoto.objects.create(
                visit=visit,
                file=photo,
                file_name=display_name(photo.name),
                caption=photo_caption.strip()[:255],
                uploaded_by=user,
            )
        )
    for draft in recommendations:
        assert draft.due_on is not None  # checked above
        recommendation = Recommendation(
            school=visit.school,
            visit=visit,
            text=draft.text.strip(),
            addressee=draft.addressee,
            due_on=draft.due_on,
            created_by=user,
        )
        recommendation.full_clean()
        recommendation.save()
        outcome.recommendations.append(recommendation)
        recommendation_notify(recommendation=recommendation)
    visit.form_key = uuid.uuid4()
    fields = ["answers", "findings", "form_key"]
    if close:
        visit.status = VisitStatus.DONE
        visit.closed_at = timezone.now()
        fields += ["status", "closed_at"]
        count = Recommendation.objects.filter(visit=visit).count()
        timeline_event_record(
            target=visit.school,
            verb=TimelineVerb.VISIT_DONE,
            actor=user,
            message=_("%(kind)s, %(day)s; рекомендаций: %(n)s")
            % {
                "kind": visit.get_kind_display(),
                "day": dates.date_ru(visit.planned_on),
                "n": count,
            },
            data={"visit": visit.pk},
        )
    visit.save(update_fields=fields)
    return outcome


@transaction.atomic
def visit_cancel(*, user: User, visit: Visit, refused: bool, reason: str) -> Visit:
    """Cancel a planned visit, or record that the school refused it; the reason is required."""
    if not selectors.visit_may(user, visit):
        raise ValidationError(NOT_ALLOWED)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("school").get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Выезд в состоянии «%(s)s»: отменить его нельзя.") % {"s": visit.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError(
            {
                "reason": _("Укажите, почему школа отказалась.")
                if refused
                else _("Укажите причину отмены.")
            }
        )
    visit.status = VisitStatus.REFUSED if refused else VisitStatus.CANCELLED
    visit.status_reason = reason.strip()
    visit.form_key = uuid.uuid4()
    visit.save(update_fields=["status", "status_reason", "form_key"])
    timeline_event_record(
        target=visit.school,
        verb=TimelineVerb.VISIT_REFUSED if refused else TimelineVerb.VISIT_CANCELLED,
        actor=user,
        message=_("%(kind)s, %(day)s: %(reason)s")
        % {
            "kind": visit.get_kind_display(),
            "day": dates.date_ru(visit.planned_on),
            "reason": visit.status_reason[:300],
        },
        data={"visit": visit.pk},
    )
    return visit


def _evidence_refusal(user: User, visit: Visit, activity: Activity) -> str | None:
    """Why this visit cannot count for this activity, or None when it can."""
    roadmap = activity.roadmap
    if visit.status != VisitStatus.DONE:
        return _("Засчитать можно только проведённый выезд.")
    if roadmap.status != RoadmapStatus.EXECUTION:
        return _("Засчитать выезд можно, когда дорожная карта исполняется.")
    if not may_report(user, activity):
        return NOT_ALLOWED
    if roadmap.school_id is not None:
        if roadmap.school_id != visit.school_id:
            return _("Выезд в другую школу: засчитать его в дорожную карту «%(r)s» нельзя.") % {
                "r": roadmap.title[:80]
            }
    elif not roadmap.programme.schools.filter(pk=visit.school_id).exists():
        return _("Школа «%(s)s» не участвует в программе этой дорожной карты.") % {
            "s": visit.school.short_name
        }
    return None


@transaction.atomic
def visit_activity_link(*, user: User, visit: Visit, activity: Activity) -> None:
    """Count a carried-out visit as evidence of a roadmap activity (its school's roadmap, or
    the municipal roadmap of a programme the school takes part in)."""
    refusal = _evidence_refusal(user, visit, activity)
    if refusal:
        raise ValidationError(refusal)
    visit.activities.add(activity)


@transaction.atomic
def activity_visits_set(
    *, user: User, activity: Activity, visits: list[Visit], among: list[Visit] | None = None
) -> None:
    """The visits counted as evidence of `activity`, as chosen on its page: the chosen ones
    (each checked) are linked, the other candidates unlinked — with `among`, only those of it
    (the page of candidates the user saw; the rest stay as they are)."""
    candidates = selectors.activity_visit_candidates(user, activity)
    if among is not None:
        candidates = candidates.filter(pk__in=[v.pk for v in among])
    chosen = {v.pk for v in visits}
    problems = []
    for visit in visits:
        refusal = _evidence_refusal(user, visit, activity)
        if refusal:
            problems.append(f"{visit}: {refusal}")
    if problems:
        raise ValidationError(problems)
    if not may_report(user, activity):
        raise ValidationError(NOT_ALLOWED)
    through = Visit.activities.through
    through.objects.filter(activity=activity, visit__in=candidates.values("pk")).exclude(
        visit_id__in=chosen
    ).delete()
    for visit in visits:
        visit.activities.add(activity)


# Recommendations.

ANSWERS = (RecommendationStatus.ACCEPTED, RecommendationStatus.DONE, RecommendationStatus.DISPUTED)


@transaction.atomic
def recommendation_answer(
    *,
    user: User,
    recommendation: Recommendation,
    status: str,
    answer: str = "",
    done_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
) -> Recommendation:
    """The addressee's answer: accepted; done, with the date and a file proving it; or
    disputed, with the reason."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("school__territory")
        .get(pk=recommendation.pk)
    )
    if not selectors.recommendation_may_answer(user, recommendation):
        if recommendation.status not in selectors.OPEN_RECOMMENDATION:
            raise ValidationError(
                _("Рекомендация в состоянии «%(s)s»: ответ уже не меняется.")
                % {"s": recommendation.get_status_display()}
            )
        raise ValidationError(NOT_ALLOWED)
    if status not in ANSWERS:
        raise ValidationError({"status": _("Выберите ответ.")})
    answer = answer.strip()
    today = dates.today()
    if status == RecommendationStatus.DISPUTED and not answer:
        raise ValidationError({"answer": _("Напишите, почему школа не согласна с рекомендацией.")})
    if status == RecommendationStatus.DONE:
        problems: dict[str, list[str]] = {}
        done_on = done_on or today
        if done_on > today:
            problems["done_on"] = [_("Дата выполнения ещё не наступила.")]
        if evidence is None and not recommendation.evidence:
            problems["evidence"] = [
                _("Приложите подтверждение: приказ, протокол, справку или фотографии.")
            ]
        elif evidence is not None:
            try:
                evidence_check([evidence])
            except ValidationError as exc:
                problems["evidence"] = exc.messages
        if problems:
            raise ValidationError(problems)
        recommendation.done_on = done_on
        if evidence is not None:
            recommendation.evidence = evidence
            recommendation.evidence_name = display_name(evidence.name)
    recommendation.status = status
    recommendation.answer = answer
    recommendation.answered_by = user
    recommendation.answered_at = timezone.now()
    recommendation.full_clean()
    recommendation.save()
    message = f"{recommendation.get_status_display()}: {recommendation.text[:200]}"
    if answer:
        message += f" — {answer[:300]}"
    timeline_event_record(
        target=recommendation.addressed,  # type: ignore[arg-type]
        verb=TimelineVerb.RECOMMENDATION_ANSWERED,
        actor=user,
        message=message,
        data={"recommendation": recommendation.pk},
    )
    recommendation_answer_notify(recommendation=recommendation, user=user)
    return recommendation


def recommendation_notify(*, recommendation: Recommendation) -> None:
    """Tell the school's directors of a recommendation addressed to their school."""
    if recommendation.school is None:  # a report's recommendation to an organisation
        return
    notify(
        recipients=school_directors(recommendation.school_id),
        text=_("Рекомендация школе %(school)s, срок %(day)s: %(text)s")
        % {
            "school": recommendation.school.short_name,
            "day": dates.date_ru(recommendation.due_on),
            "text": recommendation.text[:200],
        },
        url=recommendation.get_absolute_url(),
    )


def recommendation_answer_notify(*, recommendation: Recommendation, user: User | None) -> None:
    """Tell the one who wrote the recommendation and the school's curators how the school
    answered (not the one who answered)."""
    authors = [recommendation.created_by, *school_curators(recommendation.school_id)]
    notify(
        recipients=[u for u in authors if u is not None and (user is None or u.pk != user.pk)],
        text=_("%(school)s: ответ на рекомендацию («%(status)s»): %(text)s")
        % {
            "school": recommendation.addressed.short_name if recommendation.addressed else "",
            "status": recommendation.get_status_display(),
            "text": recommendation.text[:200],
        },
        url=recommendation.get_absolute_url(),
    )


@transaction.atomic
def recommendation_withdraw(
    *, user: User, recommendation: Recommendation, reason: str
) -> Recommendation:
    """The curator or methodist withdraws a recommendation still open, saying why."""
    if not selectors.recommendation_may_withdraw(user, recommendation):
        raise ValidationError(NOT_ALLOWED)
    if not reason.strip():
        raise ValidationError({"reason": _("Укажите, почему рекомендация снимается.")})
    recommendation.status = RecommendationStatus.WITHDRAWN
    recommendation.save(update_fields=["status"])
    timeline_event_record(
        target=recommendation.addressed,  # type: ignore[arg-type]
        verb=TimelineVerb.RECOMMENDATION_WITHDRAWN,
        actor=user,
        message=f"{recommendation.text[:200]} — {reason.strip()[:300]}",
        data={"recommendation": recommendation.pk},
    )
    return recommendation


# Roadmap states in which an activity is added through a correction (a new version).
CORRECTABLE = frozenset({RoadmapStatus.APPROVED, RoadmapStatus.EXECUTION})


def _next_number(section: Section) -> str:
    count = Activity.objects.filter(section=section).count()
    return f"{section.number}.{count + 1}" if section.number else str(count + 1)


@transaction.atomic
def recommendation_to_activity(
    *,
    user: User,
    recommendation: Recommendation,
    section: Section,
    text: str,
    schedule_text: str,
    responsible: str,
    due_on: datetime.date | None,
    correction: str = "",
) -> Activity:
    """Make the recommendation an activity of its school's roadmap, through the roadmaps app's
    own services: added at once to a draft (or returned) roadmap; an approved or running one
    first goes into correction (a new version, back to draft, approved again) — which is what
    the roadmaps app allows, so the user must say why (`correction`); a roadmap under review
    takes no activity until it is returned or approved."""
    roadmap: Roadmap = section.roadmap
    if recommendation.activity_id is not None:
        raise ValidationError(_("Рекомендация уже включена в дорожную карту."))
    if recommendation.status == RecommendationStatus.WITHDRAWN:
        raise ValidationError(_("Рекомендация снята."))
    if roadmap.school_id != recommendation.school_id:
        raise ValidationError({"section": _("Это раздел дорожной карты другой школы.")})
    if not roadmap_may(user, roadmap, Action.CHANGE):
        raise ValidationError(NOT_ALLOWED)
    if roadmap.status in CORRECTABLE:
        if not correction.strip():
            raise ValidationError(
                {
                    "correction": _(
                        "Дорожная карта «%(r)s» утверждена: мероприятие добавляется её "
                        "корректировкой (новая версия, которую утверждают заново). Напишите "
                        "основание корректировки."
                    )
                    % {"r": roadmap.title[:120]}
                }
            )
        roadmap = roadmap_transition(
            roadmap=roadmap, name="correct", user=user, comment=correction.strip()
        )
    elif roadmap.status not in EDITABLE:
        raise ValidationError(
            _(
                "Дорожная карта «%(r)s» в состоянии «%(s)s»: мероприятие можно добавить, когда "
                "её вернут на доработку или утвердят."
            )
            % {"r": roadmap.title[:120], "s": roadmap.get_status_display()}
        )
    activity = activity_save(
        roadmap=roadmap,
        user=user,
        values={
            "section": section,
            "number": _next_number(section),
            "text": text.strip(),
            "schedule_text": schedule_text.strip(),
            "responsible": responsible.strip(),
            "result": "",
            "document": "",
            "due_on": due_on,
        },
    )
    recommendation.activity = activity
    fields = ["activity"]
    if recommendation.status == RecommendationStatus.OPEN:
        # Planning it is accepting it.
        recommendation.status = RecommendationStatus.ACCEPTED
        recommendation.answered_by = user
        recommendation.answered_at = timezone.now()
        fields += ["status", "answered_by", "answered_at"]
    recommendation.save(update_fields=fields)
    timeline_event_record(
        target=recommendation.addressed,  # type: ignore[arg-type]
        verb=TimelineVerb.RECOMMENDATION_ACTIVITY,
        actor=user,
        message=_("«%(t)s» — мероприятие %(n)s дорожной карты «%(r)s»")
        % {"t": recommendation.text[:200], "n": activity.number, "r": roadmap.title[:120]},
        data={"recommendation": recommendation.pk, "activity": activity.pk},
    )
    return activity
