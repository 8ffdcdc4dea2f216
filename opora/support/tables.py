"""Tables of the support network's lists (django-tables2): sorting by column, pagination."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.support.models import Recommendation, Visit

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
