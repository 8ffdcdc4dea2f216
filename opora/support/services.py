"""Writes of the support network. Callers have fetched what they act on through a selector;
each service checks the acting user's rights again (a forged form or an import row cannot
go further) and refuses bad input with a Russian message naming what is wrong, saving
nothing. Every write is audited by auditlog in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import UserLike, restrict
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.files import evidence_check
from opora.core.mail import mail_on_commit
from opora.core.uploads import display_name
from opora.registry.choices import OrganizationKind
from opora.registry.models import CuratorAssignment, Membership, Organization, Person
from opora.registry.scoping import coordinator_reach
from opora.support import selectors
from opora.support.choices import ConsultationForm, ConsultationStatus, MentorArea
from opora.support.models import Consultation, Escalation, MentorPair, NetworkAgreement

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
    order_number: str,
    order_date: datetime.date | None,
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
        "order_number": [],
        "order_date": [],
    }
    if (problem := _period_problem(since, until)) is not None:
        problems["until"].append(problem)
    if not order_number.strip():
        problems["order_number"].append(_("Укажите номер приказа о закреплении куратора."))
    if order_date is None:
        problems["order_date"].append(_("Укажите дату приказа о закреплении куратора."))
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
        elif school.pk in works_at:
            problems["schools"].append(
                _(
                    "%(name)s работает в школе «%(school)s»: куратор не может курировать "
                    "школу, в которой работает."
                )
                % {"name": curator.full_name, "school": school}
            )
        elif (found := existing.get(school.pk)) is not None:
            order = _(", приказ № %(n)s") % {"n": found.order_number} if found.order_number else ""
            problems["schools"].append(
                _(
                    "%(name)s уже закреплён(а) за школой «%(school)s» %(period)s%(order)s: "
                    "периоды пересекаются."
                )
                % {
                    "name": curator.full_name,
                    "school": school,
                    "period": _period(found.since, found.until),
                    "order": order,
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
            order_number=order_number.strip(),
            order_date=order_date,
        )
        assignment.full_clean()
        assignment.save()
        made.append(assignment)
    return made


@transaction.atomic
def curator_assignment_end(
    *, user: UserLike, assignment: CuratorAssignment, until: datetime.date | None = None
) -> CuratorAssignment:
    """End an assignment on `until` (today by default; the curator keeps the school through
    that day). Refused for an assignment already ended or an end before its start."""
    until = until or dates.today()
    if not coordinator_reach(user).covers(assignment.school):
        raise ValidationError(
            _("Школа «%(school)s» вне вашей зоны ответственности.") % {"school": assignment.school}
        )
    if assignment.until is not None and assignment.until < dates.today():
        raise ValidationError(
            _("Закрепление уже завершено %(until)s.") % {"until": dates.date_ru(assignment.until)}
        )
    if until < assignment.since:
        raise ValidationError(
            {
                "until": _("Дата окончания (%(until)s) раньше начала закрепления (%(since)s).")
                % {"until": dates.date_ru(until), "since": dates.date_ru(assignment.since)}
            }
        )
    assignment.until = until
    assignment.full_clean()
    assignment.save(update_fields=["until"])
    return assignment


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
    """End a mentor pair on `until` (today by default). Refused for a pair already ended or
    an end before its start."""
    until = until or dates.today()
    if not coordinator_reach(user).covers(pair.school):
        raise ValidationError(
            _("Школа «%(school)s» вне вашей зоны ответственности.") % {"school": pair.school}
        )
    if pair.until is not None and pair.until < dates.today():
        raise ValidationError(
            _("Работа в паре уже завершена %(until)s.") % {"until": dates.date_ru(pair.until)}
        )
    if until < pair.since:
        raise ValidationError(
            _("Дата окончания (%(until)s) раньше начала работы в паре (%(since)s).")
            % {"until": dates.date_ru(until), "since": dates.date_ru(pair.since)}
        )
    pair.until = until
    pair.full_clean()
    pair.save(update_fields=["until"])
    return pair


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
    return consultation


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
