"""The audit trail: field changes come from django-auditlog, transitions are TimelineEvents.

Registered models get every create / update / delete recorded with the user, time, request id
and the fields before and after (auditlog's LogEntry). `timeline_event_record` adds the
transitions that matter (submitted, returned, approved) in the same transaction as the change.

`object_history` turns both into what a user reads: Russian action names, fields by their
verbose names, values as the forms show them (choice labels, «да» / «нет», the name of a
related object, Russian dates in the local time zone) and none of the bookkeeping fields
(ids, tree paths, timestamps, tokens) that auditlog records along with the facts.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.choices import TimelineVerb
from opora.core.dates import date_ru, datetime_ru
from opora.core.middleware import get_request_id
from opora.core.models import TimelineEvent

EMPTY = "—"
# Longer texts are cut in the history (the object's page shows them whole).
TEXT_LIMIT = 400
JSON_LIMIT = 200

ACTION_TITLES = {
    LogEntry.Action.CREATE: gettext_lazy("Создание"),
    LogEntry.Action.UPDATE: gettext_lazy("Изменение"),
    LogEntry.Action.DELETE: gettext_lazy("Удаление"),
    LogEntry.Action.ACCESS: gettext_lazy("Просмотр"),
}

# Recorded by auditlog but not facts anyone entered: keys, the tree's bookkeeping
# (treebeard's path / depth / numchild), automatic timestamps (the entry has its own time),
# derived search keys, secrets and links to internal jobs. Never shown, whatever the model.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "path",
        "depth",
        "numchild",
        "created_at",
        "updated_at",
        "name_key",
        "search",
        "search_vector",
        "token",
        "token_hash",
        "key",
        "password",
        "job",
    }
)

# Labels for fields declared without a Russian verbose name (their default is the English
# attribute name): the common foreign keys and the «who / when» of transitions.
FIELD_LABELS: dict[str, Any] = {
    "created_by": gettext_lazy("автор"),
    "computed_by": gettext_lazy("кто рассчитал или ввёл"),
    "submitted_by": gettext_lazy("кто отправил"),
    "submitted_at": gettext_lazy("отправлена"),
    "approved_by": gettext_lazy("кто утвердил"),
    "approved_at": gettext_lazy("утверждена"),
    "organization": gettext_lazy("организация"),
    "programme": gettext_lazy("программа"),
    "school": gettext_lazy("школа"),
    "roadmap": gettext_lazy("дорожная карта"),
    "section": gettext_lazy("раздел"),
    "teacher": gettext_lazy("педагог"),
    "plan": gettext_lazy("индивидуальный образовательный маршрут"),
    "checkpoint": gettext_lazy("контрольная точка"),
    "submission": gettext_lazy("форма мониторинга"),
    "indicator": gettext_lazy("показатель"),
    "programme_indicator": gettext_lazy("показатель программы"),
    "position": gettext_lazy("порядок"),
}


@dataclass
class FieldDisplay:
    """How one model's JSON field is read in the history: codes in it become labels."""

    keys: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    hidden: bool = False


_FIELD_DISPLAYS: dict[tuple[str, str], FieldDisplay] = {}


def history_field_display(
    model: type[models.Model],
    name: str,
    *,
    keys: Iterable[tuple[Any, Any]] = (),
    values: Iterable[tuple[Any, Any]] = (),
    hidden: bool = False,
) -> None:
    """Say how the history shows a field the model alone cannot explain: the choices of the
    codes a JSON field holds (`keys` for a dict's keys, `values` for list items and dict
    values), or `hidden=True` for machine data (scoring rules, cached details) that is still
    recorded but means nothing on the page. Apps call it in `ready()`, beside
    `auditlog.register`."""
    _FIELD_DISPLAYS[(model._meta.label_lower, name)] = FieldDisplay(
        keys={str(k): str(v) for k, v in keys},
        values={str(k): str(v) for k, v in values},
        hidden=hidden,
    )


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

    at: datetime.datetime
    actor: Any
    title: str
    request_id: str
    changes: list[tuple[str, str, str]]
    message: str = ""
    is_event: bool = False

    @property
    def actor_name(self) -> str:
        return user_display(self.actor) if self.actor is not None else _("система")


def user_display(user: Any) -> str:
    """A user as people know them: the full name, else the login."""
    return (user.get_full_name() or "").strip() or user.get_username()


def history_field_shown(model: type[models.Model], name: str) -> bool:
    """Whether the history shows changes of `name`: concrete and many-to-many fields only
    (auditlog also records reverse relations on creation), no bookkeeping field."""
    if name in HIDDEN_FIELDS:
        return False
    display = _FIELD_DISPLAYS.get((model._meta.label_lower, name))
    if display is not None and display.hidden:
        return False
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if getattr(model_field, "primary_key", False):
        return False
    return bool(model_field.concrete or model_field.many_to_many)


def history_field_label(model: type[models.Model], name: str) -> str:
    """The field's Russian name: its verbose name, or for fields declared without one the
    common label (`FIELD_LABELS`) or the related model's name."""
    model_field = model._meta.get_field(name)
    label = str(getattr(model_field, "verbose_name", "") or "")
    if not label or label == name.replace("_", " "):
        if name in FIELD_LABELS:
            label = str(FIELD_LABELS[name])
        elif model_field.is_relation and model_field.related_model is not None:
            label = str(model_field.related_model._meta.verbose_name)
    return capfirst(label)


class _Names:
    """Names of the objects foreign keys point to, fetched in one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, related: type[models.Model], value: Any) -> None:
        pk = _related_pk(related, value)
        if pk is not None:
            self.wanted[related].add(pk)

    def load(self) -> None:
        for related, pks in self.wanted.items():
            objects = related._default_manager.in_bulk(list(pks))
            self.found[related] = {
                pk: user_display(obj) if isinstance(obj, User) else str(obj)
                for pk, obj in objects.items()
            }

    def name(self, related: type[models.Model], value: Any) -> str:
        pk = _related_pk(related, value)
        if pk is None:
            return EMPTY
        name = self.found.get(related, {}).get(pk)
        if name is None:
            return _("%(model)s (удалено)") % {"model": related._meta.verbose_name}
        return name


def _related_pk(related: type[models.Model], value: Any) -> Any:
    if _is_empty(value):
        return None
    try:
        return related._meta.pk.to_python(value)
    except Exception:  # a value recorded under another key type: not resolvable
        return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == "None" or value == [] or value == {}


def _short(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _scalar(value: Any, display: FieldDisplay | None, *, key: bool = False) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if display is not None:
        labels = display.keys if key else display.values
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, float):
        return number_format(value)
    return str(value)


def _json_text(value: Any, display: FieldDisplay | None) -> str:
    """JSON as a short line: list items joined, a dict as «key: value; …»."""
    if isinstance(value, str):
        # auditlog may have stored the JSON as its text.
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    return _short(_json_part(value, display), JSON_LIMIT)


def _json_part(value: Any, display: FieldDisplay | None) -> str:
    if isinstance(value, list):
        return ", ".join(_json_part(item, display) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{_scalar(k, display, key=True)}: {_json_part(v, display)}" for k, v in value.items()
        )
    return _scalar(value, display)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _parse_datetime(value: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    # auditlog stores aware datetimes as naive UTC.
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _display(model: type[models.Model], name: str, value: Any, names: _Names) -> str:
    """One recorded value as the user reads it."""
    if _is_empty(value):
        return EMPTY
    model_field = model._meta.get_field(name)
    display = _FIELD_DISPLAYS.get((model._meta.label_lower, name))
    if isinstance(model_field, models.JSONField):
        return _json_text(value, display)
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(k): str(v) for k, v in choices}
        return labels.get(str(value), str(value))
    if model_field.is_relation and model_field.related_model is not None:
        return names.name(model_field.related_model, value)
    if isinstance(model_field, models.BooleanField):
        return _("да") if value in (True, "True", "true", 1) else _("нет")
    if isinstance(model_field, models.DateTimeField):
        moment = _parse_datetime(str(value))
        return datetime_ru(moment) if moment is not None else str(value)
    if isinstance(model_field, models.DateField):
        if isinstance(value, str) and _ISO_DATE.match(value):
            return date_ru(datetime.date.fromisoformat(value[:10]))
        return str(value)
    if isinstance(model_field, models.DecimalField | models.FloatField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        # «12,5» rather than «12,50»; normalize() alone would turn 100 into 1E+2.
        number = (
            number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
        )
        return number_format(number)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return _short(str(value), TEXT_LIMIT)


def _change_row(
    model: type[models.Model], name: str, values: Any, names: _Names
) -> tuple[str, str, str]:
    """(field, before, after) for a field change or a many-to-many addition / removal."""
    label = history_field_label(model, name)
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(str(o) for o in values.get("objects", []))
        if values.get("operation") == "add":
            return label, EMPTY, _("добавлены: %(o)s") % {"o": objects}
        return label, _("исключены: %(o)s") % {"o": objects}, EMPTY
    if isinstance(values, list | tuple) and len(values) == 2:
        return (
            label,
            _display(model, name, values[0], names),
            _display(model, name, values[1], names),
        )
    return label, EMPTY, _display(model, name, values, names)


def _want_names(model: type[models.Model], name: str, values: Any, names: _Names) -> None:
    model_field = model._meta.get_field(name)
    if not model_field.is_relation or model_field.many_to_many:
        return
    if model_field.related_model is None or not isinstance(values, list | tuple):
        return
    for value in values:
        names.want(model_field.related_model, value)


def object_history(obj: models.Model, *, limit: int = 200) -> list[HistoryItem]:
    """Field changes and timeline events of `obj`, newest first. Access is checked by caller."""
    content_type = ContentType.objects.get_for_model(obj)
    model = type(obj)
    entries = list(
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
    shown = [
        (
            entry,
            [
                (n, v)
                for n, v in (entry.changes_dict or {}).items()
                if history_field_shown(model, n)
            ],
        )
        for entry in entries
    ]
    names = _Names()
    for _entry, fields in shown:
        for name, values in fields:
            _want_names(model, name, values, names)
    names.load()
    items: list[HistoryItem] = []
    for entry, fields in shown:
        changes = [_change_row(model, name, values, names) for name, values in fields]
        # A new object's empty fields say nothing.
        changes = [row for row in changes if row[1] != EMPTY or row[2] != EMPTY]
        if entry.action == LogEntry.Action.UPDATE and not changes:
            continue  # only hidden fields changed
        items.append(
            HistoryItem(
                at=entry.timestamp,
                actor=entry.actor,
                title=str(ACTION_TITLES.get(entry.action, entry.get_action_display())),
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
