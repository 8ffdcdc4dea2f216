"""The audit trail: field changes come from django-auditlog, transitions are TimelineEvents.

Registered models get every create / update / delete recorded with the user, time, request id
and the fields before and after (auditlog's LogEntry). `timeline_event_record` adds the
transitions that matter (submitted, returned, approved) in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from opora.core.choices import TimelineVerb
from opora.core.middleware import get_request_id
from opora.core.models import TimelineEvent


def timeline_event_record(
    *,
    target: models.Model,
    verb: TimelineVerb,
    actor: User | None,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    """Record an important transition of `target`; the caller's transaction covers it."""
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        verb=verb,
        actor=actor if actor is not None and actor.is_authenticated else None,
        message=message,
        data=data or {},
        request_id=get_request_id() or "",
    )


@dataclass
class HistoryItem:
    """One line of an object's history page: a field change or a timeline event."""

    at: datetime
    actor: Any
    title: str
    request_id: str
    changes: list[tuple[str, str, str]]
    message: str = ""
    is_event: bool = False


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return capfirst(str(getattr(field, "verbose_name", name)))


def _change_row(model: type[models.Model], name: str, values: Any) -> tuple[str, str, str]:
    """(field, before, after) for a field change or a many-to-many addition / removal."""
    label = _field_label(model, name)
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(str(o) for o in values.get("objects", []))
        if values.get("operation") == "add":
            return label, "—", f"добавлены: {objects}"
        return label, f"исключены: {objects}", "—"
    if isinstance(values, list | tuple) and len(values) == 2:
        return label, _display(values[0]), _display(values[1])
    return label, "—", _display(values)


def _display(value: Any) -> str:
    if value in (None, "", "None"):
        return "—"
    return str(value)


def object_history(obj: models.Model, *, limit: int = 200) -> list[HistoryItem]:
    """Field changes and timeline events of `obj`, newest first. Access is checked by caller."""
    content_type = ContentType.objects.get_for_model(obj)
    model = type(obj)
    items: list[HistoryItem] = []
    entries = (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
    for entry in entries:
        changes = [
            _change_row(model, name, values) for name, values in (entry.changes_dict or {}).items()
        ]
        items.append(
            HistoryItem(
                at=entry.timestamp,
                actor=entry.actor,
                title=str(entry.get_action_display()),
                request_id=entry.cid or "",
                changes=changes,
            )
        )
    events = TimelineEvent.objects.filter(
        content_type=content_type, object_id=str(obj.pk)
    ).select_related("actor")[:limit]
    for event in events:
        items.append(
            HistoryItem(
                at=event.at,
                actor=event.actor,
                title=str(event.get_verb_display()),
                request_id=event.request_id,
                changes=[],
                message=event.message,
                is_event=True,
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def audit_actor_set(user: Any) -> None:
    """Name the actor of the current request's changes once authentication is known.

    auditlog's middleware reads the user before Django REST framework authenticates a token,
    so API views call this after authentication; it updates the request's audit context.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if getattr(user, "is_authenticated", False):
        context["actor"] = user
