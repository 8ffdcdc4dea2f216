"""The codes a methodology's JSON refers to, listed where a methodology is edited.

Everywhere else Opora names assessments, subjects and context indicators by their names; the
methodology's lists of components and problem types are written with codes, so its editor
gets the table of codes and names beside the text boxes."""

from __future__ import annotations

from typing import Any

from django import template

from opora.results.selectors import catalogue

register = template.Library()


@register.inclusion_tag("identification/_codes.html")
def methodology_codes() -> dict[str, Any]:
    return catalogue()


@register.filter
def margin95(se: float | None) -> str:
    """An index's uncertainty as the half-width of its 95 % interval, the Russian way."""
    from opora.core.templatetags.opora import decimal
    from opora.identification.engine import NEAR_Z

    return "—" if se is None else decimal(NEAR_Z * float(se), 2)
