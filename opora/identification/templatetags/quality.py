"""«Качество методики» on the methodology page, and how its figures are written."""

from __future__ import annotations

from typing import Any

from django import template

from opora.identification import selectors
from opora.identification.forms import QualityForm
from opora.identification.models import Methodology

register = template.Library()


@register.inclusion_tag("identification/_quality_card_body.html", takes_context=True)
def quality_card(context: template.Context, methodology: Methodology) -> dict[str, Any]:
    """The latest checks of the methodology the user sees, and the form to ask for one (for
    those who may run identification somewhere)."""
    request = context["request"]
    user = request.user
    territories = selectors.run_territories(user)
    form = (
        QualityForm(territories=territories, years=selectors.run_years())
        if territories.exists()
        else None
    )
    return {
        "methodology": methodology,
        "checks": selectors.quality_checks_of_methodology(user, methodology),
        "form": form,
        "request": request,
    }


@register.filter
def share(value: Any, digits: Any = 1) -> str:
    """0.853 → «85,3 %»; None → «—»."""
    if value is None or value == "":
        return "—"
    text = f"{float(value) * 100:.{int(digits)}f}"
    return f"{text.replace('.', ',')} %"
