"""A school's outcome in a run, as every list of them shows it: its flags as badges and its
change since the previous list. Written in Python because the lists show fifty outcomes a
page: an included template and `get_change_display()` per row were a large part of the
page's CPU (issue 17)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from opora.identification.choices import Change

register = template.Library()

# (the outcome's attribute, the badge's colour classes, its text), in the order lists show them.
# «ШНОР» and «ШНСУ» are the programme's own abbreviations, the same in any language.
FLAG_BADGES: tuple[tuple[str, str, Any], ...] = (
    ("low_results", "danger", "ШНОР"),
    ("unfavourable", "warning", "ШНСУ"),
    ("risk", "secondary", _("риск")),
    ("resilient", "success", _("устойчивая")),
    ("below_expected", "light border", _("ниже ожидаемого")),
    ("objectivity", "info", _("объективность")),
    ("insufficient_data", "light border", _("мало данных")),
)
CHANGE_LABELS = dict(Change.choices)


@register.filter
def flag_badges(item: Any) -> SafeString:
    """The outcome's flags as Bootstrap badges («ШНОР», «риск»…), or nothing."""
    return format_html_join(
        " ",
        '<span class="badge text-bg-{}">{}</span>',
        ((css, text) for attr, css, text in FLAG_BADGES if getattr(item, attr)),
    )


@register.filter
def change_label(item: Any) -> str:
    """The outcome's change since the previous list («вошла», «вышла»…), or ""."""
    return str(CHANGE_LABELS.get(item.change, item.change))
