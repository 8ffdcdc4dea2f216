"""The roadmap page's table body: its sections, activities, reports, evidence and review
comments. Written in Python because a roadmap has dozens of activities and a hundred reports,
and the template's variable lookups, filters and escaping per cell were the largest part of
the page's CPU (issue 17). The output is what the template wrote, byte for byte: the same
values through `render_value_in_context` (localised and escaped as `{{ }}` does; a plain text,
which nothing localises, straight through `html.escape`, as Django's `escape` does), the same
`linebreaksbr` and `date` filters, the same whitespace."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

register = template.Library()


def _lines(text: Any) -> str:
    """`{{ text|linebreaksbr }}`: escaped, line breaks as `<br>`."""
    if type(text) is str:
        # What the filter does to a text (newlines normalised, `escape`, `<br>`), without its
        # lazy-text wrappers: a roadmap has some 250 such cells.
        normal = text.replace("\r\n", "\n").replace("\r", "\n")
        return html.escape(normal).replace("\n", "<br>")
    return str(linebreaksbr(text, autoescape=True))


def _blank(text: Any) -> str:
    return "" if text else " stack-blank"


@register.simple_tag(takes_context=True)
def roadmap_rows(context: Any) -> SafeString:
    """The `<tbody>` content of a roadmap page from its context: `sections` (from
    `views._activity_rows`), `roadmap`, `editable`, `may_comment` and the CSRF token."""
    roadmap = context["roadmap"]
    editable = context.get("editable")
    may_comment = context.get("may_comment")

    autoescape = context.autoescape

    def value(v: Any) -> str:
        if type(v) is str and autoescape:
            # A plain text is neither localised nor a date: `{{ }}` only escapes it, which is
            # Django's `escape` (`html.escape`) without its lazy-text wrapper — some 900
            # cells a roadmap.
            return html.escape(v)
        return str(render_value_in_context(v, context))

    labels = {
        key: value(gettext(text))
        for key, text in (
            ("activity", "Мероприятие"),
            ("edit", "изменить"),
            ("schedule", "Сроки"),
            ("unparsed", "срок не распознан"),
            ("responsible", "Ответственные"),
            ("result", "Результат"),
            ("document", "Документ"),
            ("execution", "Исполнение"),
            ("due", "срок"),
            ("report", "Отчитаться"),
            ("about", "о мероприятии"),
            ("version", "версия"),
            ("comment", "Замечание к мероприятию"),
            ("comment_add", "Добавить замечание"),
        )
    }
    years = len(roadmap.result_years or [])
    comment_form = ""
    if may_comment:
        comment_form = format_html(
            '<form method="post" action="{}" class="mt-1">{}',
            reverse("roadmaps:comment", args=[roadmap.pk]),
            # `{% csrf_token %}` itself, once for every form of the page.
            CsrfTokenNode().render(context),
        )
    out: list[str] = []
    for section, activities in context["sections"]:
        out.append(
            f'\n    <tr class="table-secondary roadmap-section"><th colspan="{years + 7}" '
            f'class="{"ps-4" if section.parent_id else ""}">'
            f"{value(section.number) + '. ' if section.number else ''}{value(section.title)}"
            "</th></tr>\n    "
        )
        for a in activities:
            out.append(_activity_row(a, labels, value, editable=editable, may_comment=may_comment))
            if a["comments"] or may_comment:
                out.append(
                    '<tr class="comments roadmap-comments"><td class="stack-blank"></td>'
                    f'<td colspan="{years + 6}" class="small">\n      '
                )
                out.extend(_comment(c, labels, value) for c in a["comments"])
                out.append("\n      ")
                if may_comment:
                    number = value(a["number"])
                    out.append(
                        f"<details><summary>{labels['comment']} {number}</summary>"
                        f"{comment_form}"
                        f'<input type="hidden" name="activity" value="{value(a["pk"])}">'
                        '<textarea class="form-control form-control-sm mb-1" name="text" '
                        f'rows="2" aria-label="{labels["comment"]} {number}"></textarea>'
                        f'<button class="btn btn-sm btn-warning">{labels["comment_add"]}</button>'
                        "</form></details>"
                    )
                out.append("\n    </td></tr>")
            out.append("\n    ")
        out.append("\n  ")
    # Every value above went through `value`, `_lines` or `format_html`: escaped.
    return mark_safe("".join(out))


def _activity_row(
    a: dict[str, Any], labels: dict[str, str], value: Any, *, editable: Any, may_comment: Any
) -> str:
    number = value(a["number"])
    edit = (
        f'<div><a class="small" href="{value(a["edit_url"])}">{labels["edit"]}'
        f'<span class="visually-hidden"> {number}</span></a></div>'
        if editable
        else ""
    )
    levels = (
        '<div class="small text-muted">' + ", ".join(value(x) for x in a["level_labels"]) + "</div>"
        if a["levels"]
        else ""
    )
    year_cells = "".join(
        f'<td class="small{"" if present else " stack-blank"}" data-label="{value(y)}">'
        f"{_lines(text)}</td>"
        for y, present, text in a["years"]
    )
    schedule = value(a["schedule_text"] or "—")
    if a["schedule_unparsed"] and a["schedule_text"]:
        schedule += f'<div class="small text-danger">{labels["unparsed"]}</div>'
    elif a["schedule_text"]:
        schedule += f'<div class="small text-muted">{value(a["schedule_kind"])}</div>'
    due = (
        f'<div class="{"text-danger" if a["overdue"] else ""}">'
        f"{labels['due']} {value(a['due_on'])}</div>"
        if a["due_on"]
        else ""
    )
    executor = f'<div class="text-muted">{value(a["executor"])}</div>' if a["executor"] else ""
    report = (
        f'<a class="btn btn-outline-success btn-sm mt-1" href="{value(a["report_url"])}">'
        f'{labels["report"]}<span class="visually-hidden"> {labels["about"]} {number}</span></a>'
        if a["report_url"]
        else ""
    )
    reports = "".join(
        f'<div class="mt-1 border-top pt-1"><strong>{value(r["outcome"])}</strong>'
        f"{' ' + value(r['done_on']) if r['done_on'] else ''}: {value(r['text'])}"
        + "".join(
            f'<div><a href="{value(f["url"])}">{value(f["name"])}</a> '
            f'<span class="text-muted">({value(f["kind"])})</span></div>'
            for f in r["files"]
        )
        + "</div>"
        for r in a["reports"]
    )
    evidence = "".join(
        '<div class="mt-1 border-top pt-1">'
        + (f'<span class="text-muted">{value(link.note)}:</span> ' if link.note else "")
        + f'<a href="{value(link.url)}">{value(link.label)}</a></div>'
        for link in a["evidence"]
    )
    has_comments = " roadmap-has-comments" if a["comments"] or may_comment else ""
    return (
        f'\n    <tr id="a{value(a["pk"])}" class="roadmap-activity{has_comments}">'
        f'\n      <td class="text-nowrap stack-number"><span class="visually-hidden">'
        f"{labels['activity']} </span>{number}{edit}</td>"
        f"\n      <td>{_lines(a['text'])}{levels}</td>"
        f"\n      {year_cells}"
        f'\n      <td data-label="{labels["schedule"]}">{schedule}</td>'
        f'\n      <td class="small{_blank(a["responsible"])}" data-label="{labels["responsible"]}">'
        f"{_lines(a['responsible'])}</td>"
        f'\n      <td class="small{_blank(a["result"])}" data-label="{labels["result"]}">'
        f"{_lines(a['result'])}</td>"
        f'\n      <td class="small{_blank(a["document"])}" data-label="{labels["document"]}">'
        f"{_lines(a['document'])}</td>"
        f'\n      <td class="small" data-label="{labels["execution"]}">'
        f'<span class="badge text-bg-{value(a["badge"])}">{value(a["status"])}</span>'
        f"\n        {due}\n        {executor}\n        {report}\n        {reports}"
        f"\n        {evidence}\n      </td>\n    </tr>\n    "
    )


def _comment(c: Any, labels: dict[str, str], value: Any) -> str:
    author = c.author
    name = (author.get_full_name() or author.username) if author is not None else ""
    return (
        '<div class="border-start border-warning border-3 ps-2 mb-1">'
        f"<strong>{value(name)}</strong> "
        f'<span class="text-muted">{date_format(localtime(c.created_at), "d.m.Y H:i")}, '
        f"{labels['version']} {value(c.version)}</span><br>{_lines(c.text)}</div>"
    )
