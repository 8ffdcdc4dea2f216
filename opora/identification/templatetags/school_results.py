"""The school card's table of assessment results, row by row in Python.

Up to 60 rows of eight cells: through the template engine each cell is a variable lookup, a
filter chain and an escape (≈ 8 ms a card on the demo); formatted here it is one string
format per row. The output is the template's, cell for cell: the same filters (`decimal`,
localized numbers) and escaping."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from opora.core.templatetags.opora import decimal

register = template.Library()

ROW = (
    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
    '<td class="text-end">{}</td><td class="text-end">{}</td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td></tr>'
)


@register.simple_tag
def school_results_rows(results: list[tuple[Any, ...]]) -> SafeString:
    """The `<tr>`s of `selectors.school_results_by_year` rows; a missing mean score reads
    «нет данных», other missing figures «—»."""
    no_data = format_html('<span class="text-muted">{}</span>', _("нет данных"))
    return format_html_join("", ROW, (_cells(row, no_data) for row in results))


def _cells(row: tuple[Any, ...], no_data: SafeString) -> tuple[Any, ...]:
    year, assessment, subject, grade, participants, mean_score, share_fail, share_good = row
    return (
        f"{year:d}",
        assessment,
        subject,
        localize(grade) if grade else "—",
        "—" if participants is None else localize(participants),
        no_data if mean_score is None else decimal(mean_score, 1),
        decimal(share_fail, 1),
        decimal(share_good, 1),
    )
