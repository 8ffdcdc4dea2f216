"""Monitoring figures in pages: numbers the Russian way, yes/no, and the traffic light."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from opora.monitoring.choices import IndicatorUnit, Light

register = template.Library()

BADGES = {
    Light.REACHED: "success",
    Light.CLOSE: "warning",
    Light.FAR: "danger",
    Light.NONE: "light border",
}


@register.filter
def figure(value: Decimal | None, unit: str = "") -> str:
    """12,5 — not 12.5000; «да» / «нет» for a school's yes/no; «—» for nothing."""
    if value is None or value == "":
        return "—"
    if unit == IndicatorUnit.FLAG:
        return _("да") if Decimal(value) == 1 else _("нет")
    number = Decimal(value).quantize(Decimal("0.01")).normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text}%" if unit == IndicatorUnit.PERCENT else text


@register.filter
def share_figure(value: Decimal | None) -> str:
    """A programme figure that is a share (of schools or of people)."""
    return figure(value, IndicatorUnit.PERCENT)


@register.filter
def light_badge(light: Any) -> str:
    light = Light(light)
    return format_html(
        '<span class="badge text-bg-{} light-{}">{}</span>', BADGES[light], light.value, light.label
    )
