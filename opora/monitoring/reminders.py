"""E-mail reminders about monitoring forms: each school whose form is not submitted gets a
letter three days before the deadline and each day after it, through the same daily job
mechanism as the roadmap reminders (core.periodic)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.choices import Role
from opora.core.jobs import JobReporter, JobSave, job_handler
from opora.core.mail import mail_on_commit
from opora.core.models import Job
from opora.core.notifications import notify
from opora.core.periodic import periodic
from opora.monitoring.choices import CheckpointStatus, SubmissionStatus
from opora.monitoring.models import Submission, SubmissionReminder
from opora.registry.models import Membership
from opora.registry.recipients import directors_by_school

REMIND_DAYS_AHEAD = 3
REMINDER_HOUR = 8


@dataclass
class ReminderPlan:
    """Today's reminders: the forms by school and the addresses of the schools' directors."""

    by_school: dict[int, list[Submission]]
    directors: dict[int, list[str]]
    forms: int


def reminders_plan(today: datetime.date) -> ReminderPlan:
    """The forms to remind about today, by school, and the directors' addresses (reads only)."""
    forms = list(
        Submission.objects.filter(
            checkpoint__status=CheckpointStatus.OPEN,
            status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
            checkpoint__due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(pk__in=SubmissionReminder.objects.filter(sent_on=today).values("submission"))
        .select_related("checkpoint", "school")
    )
    directors: dict[int, list[str]] = defaultdict(list)
    for m in Membership.objects.filter(
        organization_id__in={f.school_id for f in forms},
        role=Role.SCHOOL_DIRECTOR,
        is_active=True,
    ).select_related("person"):
        if m.person.email:
            directors[m.organization_id].append(m.person.email)
    by_school: dict[int, list[Submission]] = defaultdict(list)
    for form in forms:
        if directors.get(form.school_id):
            by_school[form.school_id].append(form)
    return ReminderPlan(by_school, directors, len(forms))


def reminders_record(plan: ReminderPlan, today: datetime.date) -> dict[str, int]:
    """Record the reminded forms; the letters leave when the transaction commits. Each
    letter has its notice in the bell of the school's directors beside it."""
    accounts = directors_by_school(plan.by_school)
    for school_id, items in plan.by_school.items():
        mail_on_commit(
            subject=_("«Опора»: формы мониторинга ждут заполнения"),
            message=letter(items, today),
            recipient_list=plan.directors[school_id],
        )
        notify(
            recipients=accounts.get(school_id, []),
            text=_("Формы мониторинга ждут заполнения: %(n)s (%(school)s)")
            % {"n": len(items), "school": items[0].school.short_name},
            url=items[0].get_absolute_url(),
        )
    SubmissionReminder.objects.bulk_create(
        [
            SubmissionReminder(submission=f, sent_on=today)
            for items in plan.by_school.values()
            for f in items
        ]
    )
    return {"letters": len(plan.by_school), "forms": plan.forms}


@transaction.atomic
def reminders_send(today: datetime.date) -> dict[str, int]:
    """Write to the directors of schools with forms still due; once a day per form."""
    return reminders_record(reminders_plan(today), today)


def letter(forms: list[Submission], today: datetime.date) -> str:
    school = forms[0].school
    lines = [_("Здравствуйте!"), "", _("Школа: %(name)s.") % {"name": school.name}, ""]
    for form in forms:
        due = form.checkpoint.due_on
        state = (
            _("срок прошёл %(d)s") % {"d": f"{due:%d.%m.%Y}"}
            if due < today
            else _("срок %(d)s") % {"d": f"{due:%d.%m.%Y}"}
        )
        returned = (
            _(" (возвращена на доработку)") if form.status == SubmissionStatus.RETURNED else ""
        )
        lines.append(f"  {form.checkpoint.name} — {state}{returned}")
    lines += ["", _("Заполнить и представить форму можно в «Опоре», раздел «Мониторинг».")]
    return "\n".join(lines)


@job_handler("monitoring.reminders")
def reminders_job(job: Job, reporter: JobReporter) -> JobSave:
    reporter.progress(0, _("Отбор форм"))
    day = dates.today()
    plan = reminders_plan(day)

    def save() -> dict[str, Any]:
        result = reminders_record(plan, day)
        reporter.log(_("Отправлено писем: %(n)s") % {"n": result["letters"]})
        return result

    return save


periodic("monitoring.reminders", _("Напоминания о формах мониторинга"), REMINDER_HOUR)
