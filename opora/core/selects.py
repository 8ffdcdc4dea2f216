"""Selects without Django's «---------»: an empty choice says in Russian what it means.

Django gives a select an empty choice labelled «---------» for a model form's foreign key
(`ModelChoiceField.empty_label`) and for a model field with choices that may be blank.
`RussianSelects` (a mixin placed before `forms.Form` / `forms.ModelForm`) relabels every such
choice once the form is built: «— выберите —» where a value is required, «— не указано —»
where the field may stay empty. A field whose empty choice means something particular sets
its own `empty_label` (or `None` for no empty choice), which the mixin leaves alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = BLANK_CHOICE_DASH[0][1]
EMPTY_REQUIRED = _("— выберите —")
EMPTY_OPTIONAL = _("— не указано —")


def russian_empty_choices(form: forms.BaseForm) -> None:
    """Relabel Django's «---------» empty choices of `form`'s selects (see the module)."""
    for field in form.fields.values():
        label = EMPTY_REQUIRED if field.required else EMPTY_OPTIONAL
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue  # a multiple select has no empty choice
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices: list[Any] = list(cast(Iterable[Any], field.choices))
            if any(value == "" and text == DJANGO_EMPTY_LABEL for value, text in choices):
                field.choices = [
                    (value, label if value == "" and text == DJANGO_EMPTY_LABEL else text)
                    for value, text in choices
                ]


class RussianSelects:
    """Form mixin: no select of the form shows «---------» (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        russian_empty_choices(self)  # type: ignore[arg-type]


class LongSelect(forms.Select):
    """A select whose options are written in Python rather than through a template each:
    Django renders every <option> with its own template, about 0.3 ms an option — a filter of
    a region's 160 municipalities cost more than the page's table. The markup is the same as
    Django's (name, attributes, «selected», option groups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                (
                    ("" if o["value"] is None else str(o["value"]), flatatt(o["attrs"]), o["label"])
                    for o in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, html) if group else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("\n".join(parts)),
        )
