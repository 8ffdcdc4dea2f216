"""Tables of the support network's lists (django-tables2): sorting by column, pagination."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.dates import datetime_ru
from opora.support.choices import ConsultationStatus
from opora.support.engagement import duration_ru
from opora.support.models import Consultation, Recommendation, Visit

# --- engagement ---

CONSULTATION_BADGES = {
    ConsultationStatus.NEW: "text-bg-warning",
    ConsultationStatus.TAKEN: "text-bg-info",
    ConsultationStatus.SCHEDULED: "text-bg-primary",
    ConsultationStatus.ANSWERED: "text-bg-success",
    ConsultationStatus.CANCELLED: "text-bg-secondary",
}


class ConsultationTable(tables.Table):
    requested_at = tables.Column(verbose_name=_("Запрошена"))
    topic = tables.Column(verbose_name=_("Тема"), linkify=lambda record: record.get_absolute_url())
    school = tables.Column(
        verbose_name=_("Школа"), accessor="school__short_name", order_by=("school__short_name",)
    )
    preferred_form = tables.Column(verbose_name=_("Удобная форма"))
    status = tables.Column(verbose_name=_("Состояние"))
    methodist = tables.Column(
        verbose_name=_("Методист"),
        accessor="methodist__last_name",
        order_by=("methodist__last_name",),
        default="—",
    )
    to_take = tables.Column(
        verbose_name=_("До принятия"), accessor="taken_at", order_by=("taken_at",), default="—"
    )
    to_answer = tables.Column(
        verbose_name=_("До ответа"), accessor="answered_at", order_by=("answered_at",), default="—"
    )

    class Meta:
        model = Consultation
        fields = (
            "requested_at",
            "topic",
            "school",
            "preferred_form",
            "status",
            "methodist",
            "to_take",
            "to_answer",
        )
        attrs = {"class": "table table-sm table-hover align-middle", "id": "consultation-table"}
        empty_text = _("Консультаций не найдено. Измените условия отбора.")
        order_by = ("-requested_at",)

    def render_requested_at(self, value: object) -> str:
        return datetime_ru(value)  # type: ignore[arg-type]

    def render_preferred_form(self, record: Consultation) -> str:
        return str(record.get_preferred_form_display())

    def render_status(self, record: Consultation) -> SafeString:
        badge = CONSULTATION_BADGES.get(ConsultationStatus(record.status), "text-bg-light")
        text = record.get_status_display()
        if record.status == ConsultationStatus.SCHEDULED and record.scheduled_for:
            text = f"{text}: {datetime_ru(record.scheduled_for)}"
        return format_html('<span class="badge {}">{}</span>', badge, text)

    def render_methodist(self, record: Consultation) -> str:
        return record.methodist.short_name if record.methodist else "—"

    def render_to_take(self, record: Consultation) -> str:
        first = record.taken_at or record.answered_at
        return duration_ru(first - record.requested_at) if first else "—"

    def render_to_answer(self, record: Consultation) -> str:
        if record.answered_at is None:
            return "—"
        return duration_ru(record.answered_at - record.requested_at)


# --- visits ---


class VisitTable(tables.Table):
    planned_on = tables.Column(
        verbose_name=_("Дата"), linkify=lambda record: record.get_absolute_url()
    )
    school = tables.Column(
        verbose_name=_("Школа"), accessor="school__short_name", order_by=("school__short_name",)
    )
    kind = tables.Column(verbose_name=_("Вид выезда"))
    status = tables.Column(verbose_name=_("Состояние"))
    lead = tables.Column(
        verbose_name=_("Руководитель"), accessor="lead__last_name", order_by=("lead__last_name",)
    )
    recommendation_count = tables.Column(
        verbose_name=_("Рекомендаций"), attrs={"td": {"class": "text-end"}}
    )

    class Meta:
        model = Visit
        fields = ("planned_on", "school", "kind", "status", "lead", "recommendation_count")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Выездов не найдено. Измените условия отбора.")
        order_by = ("-planned_on",)

    def render_planned_on(self, value: Any) -> str:
        return dates.date_ru(value)

    def render_lead(self, record: Visit) -> str:
        return str(record.lead.short_name)


class RecommendationTable(tables.Table):
    text = tables.Column(
        verbose_name=_("Рекомендация"), linkify=lambda record: record.get_absolute_url()
    )
    school = tables.Column(
        verbose_name=_("Школа"), accessor="school__short_name", order_by=("school__short_name",)
    )
    addressee = tables.Column(verbose_name=_("Кому"))
    due_on = tables.Column(verbose_name=_("Срок"))
    status = tables.Column(verbose_name=_("Состояние"))

    class Meta:
        model = Recommendation
        fields = ("text", "school", "addressee", "due_on", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Рекомендаций не найдено. Измените условия отбора.")
        order_by = ("due_on",)

    def render_text(self, value: str) -> str:
        return value if len(value) <= 120 else value[:119] + "…"

    def render_due_on(self, record: Recommendation) -> Any:
        if getattr(record, "is_overdue", False):
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>',
                dates.date_ru(record.due_on),
                _("просрочена"),
            )
        return dates.date_ru(record.due_on)
