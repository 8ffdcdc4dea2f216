"""E-mail reminders: each person responsible gets one letter a day listing their overdue
activities and those due within a week; the console backend by default, SMTP by
configuration (EMAIL_URL)."""

from __future__ import annotations

import datetime
from collections import defaultdict
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
from opora.registry.models import Membership, Person
from opora.registry.recipients import users_by_person
from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
from opora.roadmaps.models import Deadline, ReminderSent

REMIND_DAYS_AHEAD = 7
REMINDER_HOUR = 8


def reminder_recipients(deadlines: list[Deadline]) -> dict[Person, list[Deadline]]:
    """The executor of each activity, or the school's director when none is named."""
    schools = {d.roadmap.school_id for d in deadlines if d.roadmap.school_id}
    directors = {
        m.organization_id: m.person
        for m in Membership.objects.filter(
            organization_id__in=schools, role=Role.SCHOOL_DIRECTOR, is_active=True
        ).select_related("person")
    }
    recipients: dict[Person, list[Deadline]] = defaultdict(list)
    for deadline in deadlines:
        person = deadline.activity.executor or directors.get(deadline.roadmap.school_id or 0)
        if person is not None and person.email:
            recipients[person].append(deadline)
    return recipients


def reminders_plan(today: datetime.date) -> tuple[list[tuple[Person, list[Deadline]]], int]:
    """Who is to be written to today and about which deadlines (reads only)."""
    deadlines = list(
        Deadline.objects.filter(
            roadmap__status=RoadmapStatus.EXECUTION,
            closed_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity__executor", "roadmap__school")
        .order_by("due_on")
    )
    already = set(ReminderSent.objects.filter(sent_on=today).values_list("person_id", flat=True))
    letters = [
        (person, items)
        for person, items in reminder_recipients(deadlines).items()
        if person.pk not in already
    ]
    return letters, len(deadlines)


def reminders_record(
    letters: list[tuple[Person, list[Deadline]]], deadlines: int, today: datetime.date
) -> dict[str, int]:
    """Record the day's letters as sent; they leave when the transaction commits. Each
    letter has its notice in the bell beside it."""
    accounts = users_by_person(person.pk for person, _items in letters)
    for person, items in letters:
        mail_on_commit(
            subject=_("«Опора»: сроки мероприятий дорожных карт"),
            message=letter(person, items, today),
            recipient_list=[person.email],
        )
        overdue = sum(1 for d in items if d.due_on < today)
        notify(
            recipients=[accounts.get(person.pk)],
            text=_("Сроки мероприятий дорожных карт: просрочено %(late)s, скоро срок %(soon)s")
            % {"late": overdue, "soon": len(items) - overdue},
            url=items[0].roadmap.get_absolute_url(),
        )
    ReminderSent.objects.bulk_create(
        [ReminderSent(person=person, sent_on=today, items=len(items)) for person, items in letters]
    )
    return {"letters": len(letters), "deadlines": deadlines}


@transaction.atomic
def reminders_send(today: datetime.date) -> dict[str, int]:
    """Send today's letters; a person already reminded today is not written to again."""
    return reminders_record(*reminders_plan(today), today)


def letter(person: Person, deadlines: list[Deadline], today: datetime.date) -> str:
    overdue = [d for d in deadlines if d.due_on < today]
    soon = [d for d in deadlines if d.due_on >= today]
    lines = [_("Здравствуйте, %(name)s!") % {"name": person.first_name or str(person)}, ""]

    def block(title: str, items: list[Deadline]) -> None:
        if not items:
            return
        lines.append(title)
        for d in items:
            where = d.roadmap.school.short_name if d.roadmap.school else d.roadmap.title[:60]
            lines.append(
                f"  {d.due_on:%d.%m.%Y} — {d.activity.number} {d.activity.text[:120]} ({where})"
            )
        lines.append("")

    block(_("Просрочено (нет отчёта):"), overdue)
    block(_("Срок в ближайшие %(n)s дней:") % {"n": REMIND_DAYS_AHEAD}, soon)
    lines.append(_("Отчитаться можно на странице дорожной карты в «Опоре», кнопка «Отчитаться»."))
    return "\n".join(lines)


@job_handler("roadmaps.reminders")
def reminders_job(job: Job, reporter: JobReporter) -> JobSave:
    reporter.progress(0, _("Отбор сроков"))
    day = dates.today()
    letters, deadlines = reminders_plan(day)

    def save() -> dict[str, Any]:
        result = reminders_record(letters, deadlines, day)
        reporter.log(_("Отправлено писем: %(n)s") % {"n": result["letters"]})
        return result

    return save


periodic("roadmaps.reminders", _("Напоминания о сроках мероприятий"), REMINDER_HOUR)
