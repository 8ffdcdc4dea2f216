"""Forms of identification: a new run, the approval order, methodology copy and edit."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.selects import LongSelect
from opora.identification.choices import MissingYears, TieRule
from opora.identification.methodology import (
    OPTION_LABELS,
    PARAM_DEFAULTS,
    PARAM_DOCS,
    SCALARS,
    weights_text,
)
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
    """The run table's filters, drawn on every view of the table: each select writes its
    options in Python (LongSelect), the districts' as many as the region has."""

    status = forms.ChoiceField(
        label=_("Признак"),
        required=False,
        widget=LongSelect,
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
        widget=LongSelect,
    )
    problem_type = forms.ChoiceField(
        label=_("Тип проблем"), required=False, choices=(), widget=LongSelect
    )
    territory = forms.ChoiceField(label=_("Район"), required=False, choices=(), widget=LongSelect)
    ownership = forms.ChoiceField(
        label=_("Собственность"),
        required=False,
        choices=[("", _("любая")), *Ownership.choices],
        widget=LongSelect,
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
    # Every run in reach, more each year: options written in Python.
    other = forms.ModelChoiceField(
        label=_("Сравнить с расчётом"),
        queryset=IdentificationRun.objects.none(),
        empty_label=_("— выберите расчёт —"),
        widget=LongSelect,
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
                label=doc.label,
                help_text=doc.unit,
                initial=params.get(doc.name, PARAM_DEFAULTS.get(doc.name)),
            )
        weights = params.get("year_weights")
        self.fields["year_weights"] = forms.CharField(
            label=OPTION_LABELS["year_weights"],
            required=False,
            initial=weights_text(weights) if weights else "",
            help_text=_("Например, «3 : 2 : 1»; пусто — все годы равны."),
        )
        self.fields["missing_years"] = forms.ChoiceField(
            label=OPTION_LABELS["missing_years"],
            choices=MissingYears.choices,
            initial=params.get("missing_years", MissingYears.AVAILABLE),
        )
        self.fields["shrinkage"] = forms.BooleanField(
            label=OPTION_LABELS["shrinkage"],
            required=False,
            initial=bool(params.get("shrinkage")),
            help_text=_(
                "Индекс малой школы сдвигается к среднему тем сильнее, чем меньше участников; "
                "у каждого индекса появляется погрешность."
            ),
        )
        self.fields["tie_rule"] = forms.ChoiceField(
            label=OPTION_LABELS["tie_rule"],
            choices=TieRule.choices,
            initial=params.get("tie_rule", TieRule.ALL),
        )
        for name, label in JSON_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace small"}),
                initial=json.dumps(params.get(name, []), ensure_ascii=False, indent=1),
            )

    def clean_year_weights(self) -> list[float]:
        """«3 : 2 : 1», «3; 2; 1» or «1,5 1 0,5» → [3.0, 2.0, 1.0]."""
        text = self.cleaned_data.get("year_weights") or ""
        weights = []
        for part in re.split(r"[;:\s]+", text.strip()):
            if not part:
                continue
            try:
                weights.append(float(part.replace(",", ".")))
            except ValueError:
                raise forms.ValidationError(
                    _("«%(part)s» — не число. Веса пишут через двоеточие: «3 : 2 : 1».")
                    % {"part": part}
                ) from None
        return weights

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
        for name in ("year_weights", "missing_years", "shrinkage", "tie_rule"):
            params[name] = data[name]
        return params


# --- Official lists --------------------------------------------------------------------------


class ExternalListFilterForm(forms.Form):
    """Filters of the official lists: year and territory."""

    year = forms.TypedChoiceField(label=_("Год"), coerce=int, required=False, empty_value=None)
    territory = forms.ModelChoiceField(
        label=_("Территория"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("— все —"),
    )

    def __init__(self, *args: Any, years: list[int], territories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("— все —")),
            *((y, str(y)) for y in years),
        ]
        self.fields["territory"].queryset = territories  # type: ignore[attr-defined]


COMPARISON_GROUP_CHOICES = (
    ("", _("все школы обоих списков")),
    ("both", _("в обоих списках")),
    ("official", _("только в официальном")),
    ("computed", _("только в рассчитанном")),
)


class ExternalListCompareForm(forms.Form):
    """Which computed run the official list is compared with, and which group is shown."""

    run = forms.ModelChoiceField(
        label=_("Рассчитанный список"), queryset=IdentificationRun.objects.none(), required=False
    )
    group = forms.ChoiceField(label=_("Группа"), choices=COMPARISON_GROUP_CHOICES, required=False)

    def __init__(self, *args: Any, runs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["run"]
        field.queryset = runs  # type: ignore[attr-defined]
        field.empty_label = None  # type: ignore[attr-defined]
        field.label_from_instance = run_label  # type: ignore[attr-defined]


def run_label(run: IdentificationRun) -> str:
    """«2024 г., «Базовая методика», утверждён (расчёт № 12)»."""
    return _("%(year)s г., «%(m)s», %(status)s (расчёт № %(pk)s)") % {
        "year": run.year,
        "m": run.version.methodology.name,
        "status": run.get_status_display().lower(),
        "pk": run.pk,
    }


# --- Quality of a methodology ----------------------------------------------------------------


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
