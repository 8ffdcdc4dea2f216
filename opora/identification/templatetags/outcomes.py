"""A school's outcome in a run, as every list of them shows it (its flags as badges, its change
since the previous list), the run's table of outcomes and the school card's table of its
assessment results. Written in Python because the lists show fifty outcomes a page and the
card up to 60 results rows: an included template, `get_change_display()` or a variable
lookup, filter chain and escape per cell were a large part of the pages' CPU (issue 17). The
output is the templates' own, cell for cell: the same filters (`decimal`, localized numbers)
and escaping."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opora.core.templatetags.opora import decimal
from opora.core.web import truncated, url_per_pk
from opora.identification.choices import Change
from opora.identification.templatetags.methodology import margin95

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


ROW = (
    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
    '<td class="text-end">{}</td><td class="text-end">{}</td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td></tr>'
)


@register.simple_tag
def school_results_rows(results: list[tuple[Any, ...]]) -> SafeString:
    """The `<tr>`s of `selectors.school_results_by_year` rows; a missing mean score reads
    «нет данных», other missing figures «—»."""
    no_data = format_html('<span class="text-muted">{}</span>', gettext("нет данных"))
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


RUN_ROW = (
    '<tr><td><a href="{}">{}</a><div class="small text-muted">{}</div></td><td>{}</td>'
    '<td class="text-end">{}{}<div class="small text-muted">{}</div></td>'
    '<td class="text-end">{}<div class="small text-muted">{}</div></td>'
    '<td class="text-end">{}</td><td class="text-end">{}</td><td>{}</td>'
    '<td class="small">{}</td></tr>'
)
# The reasons a row of the run's table shows; «все причины» links to the rest on the card.
RUN_ROW_REASONS = 2


@register.simple_tag
def run_table_rows(items: Any) -> SafeString:
    """The `<tr>`s of a page of a run's outcomes (with their schools and territories): the
    school, its flags, the indices with their uncertainty and percentiles, the years in the
    list, the change and the first reasons."""
    school_url = url_per_pk("registry:school")
    # The rest of the reasons are on the card's tab of the lists: «Почему школа в списке».
    reasons_url = url_per_pk("registry:school-tab", after=("diagnostics",))
    se_title = gettext("погрешность: половина 95 % интервала")
    all_reasons = gettext("все причины")
    rows = []
    for item in items:
        url = school_url(item.school_id)
        se = (
            format_html(
                '<div class="small text-muted" title="{}">± {}</div>',
                se_title,
                margin95(item.results_se),
            )
            if item.results_se is not None
            else ""
        )
        reasons = format_html_join(
            "",
            "<div>{}</div>",
            ((truncated(r["text"], 180),) for r in item.reasons[:RUN_ROW_REASONS]),
        )
        if len(item.reasons) > RUN_ROW_REASONS:
            reasons += format_html(
                '<a href="{}#why">{}</a>', reasons_url(item.school_id), all_reasons
            )
        rows.append(
            format_html(
                RUN_ROW,
                url,
                item.school.short_name,
                item.school.territory.name,
                flag_badges(item),
                decimal(item.results_index, 2),
                se,
                decimal(item.results_percentile, 0),
                decimal(item.context_index, 2),
                decimal(item.context_percentile, 0),
                decimal(item.residual_z, 2),
                item.years_in_status if item.in_list else "—",
                change_label(item),
                reasons,
            )
        )
    return SafeString("".join(rows))
