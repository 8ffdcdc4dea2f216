"""In-app notifications (the bell): the one way an app tells users that something happened
to their objects. Services call `notify` inside their transaction, so a rolled-back change
leaves no notice behind.

Read notices older than `NOTIFICATION_KEEP_DAYS` are deleted by a daily periodic job
(`core.notifications_purge`); unread ones stay until they are read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.jobs import JobReporter, JobSave, job_handler
from opora.core.models import Job, Notification
from opora.core.periodic import periodic

NOTIFICATION_KEEP_DAYS = 180
PURGE_HOUR = 22  # after the working day; the reminders run in the morning


def notify(*, recipients: Iterable[Any], text: str, url: str = "") -> int:
    """Write one unread notice per active recipient (each once); return how many."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, text=text[:500], url=url[:500]))
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notification_read(*, notification: Notification) -> Notification:
    """Mark one notice read (opening it); a notice read before keeps its first time."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, user: Any) -> int:
    """«Отметить всё прочитанным»: every unread notice of the user; return how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the notices read more than `NOTIFICATION_KEEP_DAYS` ago; return how many."""
    limit = (now or timezone.now()) - datetime.timedelta(days=NOTIFICATION_KEEP_DAYS)
    deleted, _by_model = Notification.objects.filter(read_at__lt=limit).delete()
    return deleted


@job_handler("core.notifications_purge")
def notifications_purge_job(job: Job, reporter: JobReporter) -> JobSave:
    def save() -> dict[str, Any]:
        deleted = notifications_purge()
        reporter.log(_("Удалено прочитанных уведомлений: %(n)s") % {"n": deleted})
        return {"deleted": deleted}

    return save


periodic("core.notifications_purge", _("Удаление старых уведомлений"), PURGE_HOUR)
