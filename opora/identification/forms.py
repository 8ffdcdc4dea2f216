"""Forms of identification: a new run, the approval order, methodology copy and edit."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.identification.methodology import PARAM_DOCS, SCALARS
from opora.identification.models import IdentificationRun, MethodologyVersion
from opora.registry.choices import Ownership
from opora.registry.forms import OrderApproveForm
from opora.registry.models import Organization, Territory


class RunForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Территория"), queryset=Territory.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Год результатов"), coerce=int, choices=())
    version = forms.ModelChoiceField(
        label=_("Методика"), queryset=MethodologyVersion.objects.none(), empty_label=None
    )

    def __init__(
        self,
        *args: Any,
        territories: Any,
        years: list[int],
        versions: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        # Only the current versions of methodologies the user may see.
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = version_label  # type: ignore[attr-defined]


def version_label(version: MethodologyVersion) -> str:
    """«Методика 2025 — ДО Города N (версия 2)»: names are unique only per organisation."""
    methodology = version.methodology
    owner = f" — {methodology.owner.short_name}" if methodology.owner is not None else ""
    return _("%(name)s%(owner)s (версия %(n)s)") % {
        "name": methodology.name,
        "owner": owner,
        "n": version.number,
    }


class RunFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Признак"),
        required=False,
        choices=[
            ("", _("все школы")),
            ("in_list", _("в списке (ШНОР или ШНСУ)")),
            ("low_results", _("ШНОР")),
            ("unfavourable", _("ШНСУ")),
            ("both", _("ШНОР и ШНСУ")),
            ("risk", _("группа риска")),
            ("resilient", _("устойчивые")),
            ("below_expected", _("ниже ожидаемого")),
            ("objectivity", _("признаки необъективности")),
            ("insufficient_data", _("недостаточно данных")),
            ("entered", _("вошли в список")),
            ("left", _("вышли из списка")),
        ],
    )
    years = forms.ChoiceField(
        label=_("Лет в списке"),
        required=False,
        choices=[("", _("любое")), ("1", "1"), ("2", "2"), ("3", _("3 и более"))],
    )
    problem_type = forms.ChoiceField(label=_("Тип проблем"), required=False, choices=())
    territory = forms.ChoiceField(label=_("Район"), required=False, choices=())
    ownership = forms.ChoiceField(
        label=_("Собственность"),
        required=False,
        choices=[("", _("любая")), *Ownership.choices],
    )
    q = forms.CharField(label=_("Поиск"), required=False, max_length=100)

    def __init__(
        self, *args: Any, problem_types: dict[str, str], districts: list[Territory], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem_type"].choices = [("", _("любой")), *problem_types.items()]  # type: ignore[attr-defined]
        self.fields["territory"].choices = [  # type: ignore[attr-defined]
            ("", _("все")),
            *((str(t.pk), t.name) for t in districts),
        ]


ApproveForm = OrderApproveForm  # a registered order of the territory's authority


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Что исправить"), widget=forms.Textarea(attrs={"rows": 3}))


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Сравнить с расчётом"),
        queryset=IdentificationRun.objects.none(),
        empty_label=_("— выберите расчёт —"),
    )

    def __init__(self, *args: Any, runs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = runs  # type: ignore[attr-defined]


class MethodologyCopyForm(forms.Form):
    name = forms.CharField(label=_("Название новой методики"), max_length=255)
    description = forms.CharField(
        label=_("Описание"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, owners: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {o.pk: o for o in owners}
        if len(owners) > 1:
            # Several own organisations may own it: the user says whose copy it is.
            self.fields["owner"] = forms.TypedChoiceField(
                label=_("Чья методика"),
                choices=[(o.pk, o.short_name) for o in owners],
                coerce=int,
                help_text=_(
                    "Копия принадлежит этой организации: её видят и меняют на её территории и выше."
                ),
            )

    def owner(self) -> Organization:
        """The own organisation that owns the copy."""
        if "owner" in self.fields:
            return self.owners[self.cleaned_data["owner"]]
        return next(iter(self.owners.values()))


JSON_FIELDS = (
    ("results_components", _("Что входит в индекс результатов (JSON)")),
    ("context_components", _("Что входит в индекс контекста (JSON)")),
    ("problem_types", _("Типы проблем и их условия (JSON)")),
)


class MethodologyEditForm(forms.Form):
    """The thresholds as numbers, the lists as JSON; saved as the next version."""

    comment = forms.CharField(label=_("Что изменено"), max_length=500)

    def __init__(self, *args: Any, params: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for doc in PARAM_DOCS:
            self.fields[doc.name] = forms.FloatField(
                label=doc.label, help_text=doc.unit, initial=params.get(doc.name)
            )
        for name, label in JSON_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace small"}),
                initial=json.dumps(params.get(name, []), ensure_ascii=False, indent=1),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, _label in JSON_FIELDS:
            if name in data:
                try:
                    data[name] = json.loads(data[name])
                except json.JSONDecodeError as exc:
                    self.add_error(
                        name,
                        _("Не читается как JSON: строка %(line)s, позиция %(col)s.")
                        % {"line": exc.lineno, "col": exc.colno},
                    )
        return data

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {name: data[name] for name, _label in JSON_FIELDS}
        for name in SCALARS:
            if name in data:
                params[name] = data[name]
        return params


# --- quality ---


class QualityForm(forms.Form):
    """«Проверить качество»: the territory and the last year of the data."""

    territory = forms.ModelChoiceField(
        label=_("Территория"), queryset=Territory.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Последний год данных"), coerce=int, choices=())

    def __init__(self, *args: Any, territories: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
