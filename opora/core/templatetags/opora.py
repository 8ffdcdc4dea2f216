"""Template helpers: links to an object's history, Russian numbers, academic years, status
badges, the pager's links."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from opora.core.dates import academic_year_label

register = template.Library()


@register.simple_tag
def history_url(obj: Any) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("core:history", args=[content_type.pk, obj.pk])


@register.filter
def status_badge(status: str) -> str:
    return {
        "queued": "secondary",
        "running": "primary",
        "succeeded": "success",
        "failed": "danger",
    }.get(status, "secondary")


@register.filter
def number(value: Any) -> str:
    """12345 → «12 345» (Russian thousands separator, a narrow no-break space)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def decimal(value: Any, digits: Any = 2) -> str:
    """-1.2345 → «−1,23»: a decimal comma and a real minus sign; None → «—»."""
    if value is None or value == "":
        return "—"
    try:
        text = f"{float(value):.{int(digits)}f}"
    except (TypeError, ValueError):
        return str(value)
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace(".", ",").replace("-", "−")


@register.filter
def bs(field: Any) -> str:
    """Render a form field's widget with Bootstrap's classes and the invalid state."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio"):
        # A RadioSelect's class name ends with "Select" but its inputs are radios.
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, 0)


@register.filter
def academic_year(start_year: Any) -> str:
    """2024 → «2024/25» (`opora.core.dates.academic_year_label`); nothing for no year."""
    return academic_year_label(start_year)


@register.simple_tag(takes_context=True)
def page_url(context: Any, number: Any, field: str = "") -> str:
    """«?…&page=N»: the current query string (filters, tabs) with another page."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[field or "page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def table_rows(context: Any, table: Any) -> SafeString:
    """The `<tr>` rows of a django-tables2 table's page, written here rather than by the
    library's template loop: the loop resolves a dozen template variables per cell, which for
    a 50-row list of nine columns was most of the page's CPU. The cells are the library's
    (`row.items()`: accessors, `render_FOO`, links), escaped and localised as
    `{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}` would."""
    parts: list[str] = []
    # A table of a page read all day may work out its cells itself (`cell_values(record)`:
    # each visible column's cell as the library would give it), skipping the library's
    # accessor, field and signature lookups per cell.
    cell_values = getattr(table, "cell_values", None)
    columns = list(table.columns)
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        if cell_values is None:
            cells = row.items()
        else:
            values = cell_values(row.record)
            cells = ((column, values[column.name]) for column in columns)
        for column, cell in cells:
            # As `row.items()` does: attributes that are functions of the record read these.
            column.current_value, column.current_record = cell, row.record
            if column.localize is None:
                text = render_value_in_context(cell, context)
            else:
                text = conditional_escape(localize(cell, use_l10n=bool(column.localize)))
            parts.append(f"<td {td_attrs(column)}>{text}</td>")
        parts.append("</tr>")
    # Every part is escaped above or is the library's own attribute HTML.
    return mark_safe("".join(parts))


def td_attrs(column: Any) -> str:
    """A table column's data-cell attributes, worked out once per table rather than once per
    cell: django-tables2's `column.attrs` merges the table's and the column's attributes and
    sorts the classes on every call, a sixth of the CPU of a 50-row school list. The result
    depends on the record only when an attribute is a function; such columns are worked out
    per cell, as the library does."""
    cached = getattr(column, "_opora_td_attrs", None)
    if cached is not None:
        return cached
    html = column.attrs["td"].as_html()
    declared = [column._table.attrs, column.column.attrs]
    if not any(_has_function(attrs) for attrs in declared):
        column._opora_td_attrs = html
    return html


def _has_function(attrs: Any) -> bool:
    if callable(attrs):
        return True
    if isinstance(attrs, dict):
        return any(_has_function(value) for value in attrs.values())
    return False
