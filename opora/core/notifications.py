"""In-app notifications (the bell): the one way an app tells users that something happened
to their objects. Services call `notify` inside their transaction, so a rolled-back change
leaves no notice behind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opora.core.models import Notification


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
