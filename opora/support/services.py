"""Writes of the support network: each service checks again what the caller may do, saves in
one transaction with its timeline events, and sends its letters when that commits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.mail import mail_on_commit
from opora.registry.models import Organization
from opora.support import selectors
from opora.support.choices import ConsultationForm, ConsultationStatus
from opora.support.models import Consultation, Escalation

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
