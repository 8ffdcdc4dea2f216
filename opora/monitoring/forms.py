from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.selects import RussianSelects
from opora.monitoring.catalogue import TEMPLATES
from opora.monitoring.choices import CheckpointKind, IndicatorMethod, IndicatorUnit
from opora.monitoring.computations import COMPUTATIONS
from opora.monitoring.models import Indicator, ProgrammeIndicator
from opora.monitoring.selectors import FormRow
from opora.monitoring.services import Entry


def number_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    # localize: «12,5» is how a Russian user types a decimal.
    return forms.DecimalField(
        label=label, required=False, max_digits=14, decimal_places=4, localize=True, **kwargs
    )


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Шаблон"), choices=list(TEMPLATES.items()))


class IndicatorAddForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Показатель"),
        queryset=Indicator.objects.none(),
        empty_label=_("— выберите показатель —"),
    )
    number = forms.CharField(label=_("№ в программе"), max_length=16, required=False)

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["indicator"]
        field.queryset = indicators


class IndicatorForm(RussianSelects, forms.ModelForm):
    """A new indicator of the authority's own catalogue."""

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "method",
            "computation",
            "numerator",
            "denominator",
            "has_parts",
            "level",
            "direction",
            "source",
            "description",
            "value_min",
            "value_max",
            "close_within",
            "asks_evidence",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, parts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        computation: Any = self.fields["computation"]
        self.fields["computation"] = forms.ChoiceField(
            label=computation.label,
            required=False,
            choices=[("", "—")] + [(code, label) for code, (label, _f) in COMPUTATIONS.items()],
        )
        for name in ("numerator", "denominator"):
            field: Any = self.fields[name]
            field.queryset = parts

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("method") == IndicatorMethod.RATIO
            and data.get("unit") != IndicatorUnit.PERCENT
        ):
            self.add_error("unit", _("Отношение двух показателей выражается в процентах."))
        return data

    def save(self, commit: bool = True) -> Indicator:
        indicator = super().save(commit=False)
        if not indicator.code:
            base = slugify(indicator.name[:40], allow_unicode=False) or "indicator"
            indicator.code = f"own-{base}-{datetime.datetime.now():%y%m%d%H%M%S}"[:64]
        if commit:
            indicator.save()
        return indicator


class ProgrammeIndicatorForm(forms.Form):
    """The number, baseline and a target for each academic year of the programme."""

    number = forms.CharField(label=_("№"), max_length=16, required=False)
    baseline = number_field(_("Базовое значение"))
    baseline_year = forms.TypedChoiceField(
        label=_("Год базового значения"), coerce=int, required=False, empty_value=None
    )
    close_within = number_field(
        _("Допуск «близко к цели»"),
        help_text=_(
            "На сколько значение может не дотягивать до цели, чтобы светофор был жёлтым "
            "(для долей — в процентных пунктах). Пусто — как у показателя."
        ),
    )

    def __init__(self, *args: Any, item: ProgrammeIndicator, years: list[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.years = years
        field: Any = self.fields["baseline_year"]
        field.choices = [("", "—")] + [(y, dates.academic_year_label(y)) for y in years]
        flag = item.indicator.unit == IndicatorUnit.FLAG
        for year in years:
            self.fields[f"target_{year}"] = number_field(
                dates.academic_year_label(year),
                help_text=_("доля школ, %") if flag else "",
            )

    def targets(self) -> dict[int, Decimal | None]:
        return {y: self.cleaned_data.get(f"target_{y}") for y in self.years}


class CheckpointForm(forms.Form):
    name = forms.CharField(
        label=_("Название"),
        max_length=255,
        help_text=_("Например: «Входной мониторинг, сентябрь 2024»."),
    )
    kind = forms.ChoiceField(label=_("Вид"), choices=CheckpointKind.choices)
    held_on = forms.DateField(
        label=_("Данные на дату"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_on = forms.DateField(
        label=_("Срок представления школами"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Показатели"),
        queryset=ProgrammeIndicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["indicators"]
        field.queryset = items
        field.label_from_instance = lambda pi: f"{pi.number}. {pi.indicator.name}"
        if not self.is_bound:
            self.initial.setdefault("indicators", list(items))


YES_NO = [("", "—"), ("1", _("да")), ("0", _("нет"))]


class SubmissionForm(forms.Form):
    """The school's monitoring form: one or two inputs per indicator, a note, a document."""

    def __init__(self, *args: Any, rows: list[FormRow], editable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.editable_ids: set[int] = set()
        for row in rows:
            pk = row.item.pk
            indicator = row.item.indicator
            value = row.value
            computed = value is not None and value.origin == "computed" and value.value is not None
            if indicator.method == IndicatorMethod.RATIO or computed or not editable:
                continue
            self.editable_ids.add(pk)
            if indicator.has_parts:
                self.fields[f"n{pk}"] = number_field(_("числитель"))
                self.fields[f"d{pk}"] = number_field(_("знаменатель"))
                self.initial[f"n{pk}"] = value.numerator if value else None
                self.initial[f"d{pk}"] = value.denominator if value else None
            elif indicator.unit == IndicatorUnit.FLAG:
                self.fields[f"v{pk}"] = forms.ChoiceField(
                    label=_("значение"), choices=YES_NO, required=False
                )
                if value and value.value is not None:
                    self.initial[f"v{pk}"] = "1" if value.value == 1 else "0"
            else:
                self.fields[f"v{pk}"] = number_field(_("значение"))
                self.initial[f"v{pk}"] = value.value if value else None
            self.fields[f"note{pk}"] = forms.CharField(
                label=_("примечание"), max_length=500, required=False
            )
            self.initial[f"note{pk}"] = value.note if value else ""
            if indicator.asks_evidence:
                self.fields[f"f{pk}"] = forms.FileField(
                    label=_("подтверждающий документ"), required=False
                )

    def entries(self) -> dict[int, Entry]:
        data = self.cleaned_data
        out = {}
        for pk in self.editable_ids:
            raw = data.get(f"v{pk}")
            # A number field gives a Decimal; a yes/no choice "1", "0" or "" (not answered).
            value = raw if isinstance(raw, Decimal) else Decimal(raw) if raw else None
            out[pk] = Entry(
                value=value,
                numerator=data.get(f"n{pk}"),
                denominator=data.get(f"d{pk}"),
                note=data.get(f"note{pk}") or "",
            )
        return out

    def files_by_indicator(self) -> dict[int, Any]:
        return {
            pk: f for pk in self.editable_ids if (f := self.cleaned_data.get(f"f{pk}")) is not None
        }

    def field_for(self, name: str) -> Any:
        return self[name] if name in self.fields else None


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Что исправить"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
