"""The run page's line about the official list of the same territory and year."""

from __future__ import annotations

from typing import Any

from django import template

from opora.identification import selectors
from opora.identification.models import IdentificationRun

register = template.Library()


@register.inclusion_tag("identification/_run_external_list_box.html", takes_context=True)
def run_external_list(context: Any, run: IdentificationRun) -> dict[str, Any]:
    """«Официальный список за этот год: N школ, в обоих M — сравнить» when one exists."""
    user = context["request"].user
    external_list = selectors.run_external_list(user, run)
    if external_list is None:
        return {}
    return {
        "external_list": external_list,
        "run": run,
        "counts": selectors.external_list_counts(user, external_list, run),
    }
