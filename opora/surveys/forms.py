from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.access import UserLike
from opora.core.selects import RussianSelects
from opora.registry.models import Organization, Programme
from opora.surveys import selectors
from opora.surveys.choices import QuestionKind, RiskFactor, RiskLevel
from opora.surveys.codes import code_normalise, code_well_formed
from opora.surveys.models import Question, Questionnaire, SurveyLink
from opora.surveys.scoring import (
    DEFAULT_HIGH,
    DEFAULT_MEDIUM,
    ScoringError,
    items_to_lines,
    lines_to_items,
)

TEXT_MAX = 5000


class QuestionnaireForm(RussianSelects, forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "description", "group", "kind", "owner", "min_respondents"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = selectors.owner_choices(user)
        owner.required = True
        owner.empty_label = None


class CopyForm(forms.Form):
    title = forms.CharField(label=_("Название копии"), max_length=500, required=False)
    owner = forms.ModelChoiceField(
        label=_("Организация-владелец"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["owner"]
        field.queryset = selectors.owner_choices(user)


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Название раздела"), max_length=500)


class QuestionForm(RussianSelects, forms.ModelForm):
    options_text = forms.CharField(
        label=_("Варианты ответа"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "По одному в строке. Можно задать значение: «2 | скорее да» — правила подсчёта "
            "ссылаются на значения; без значения вариант получает свой номер."
        ),
    )

    class Meta:
        model = Question
        fields = [
            "section",
            "code",
            "text",
            "help_text",
            "kind",
            "required",
            "scale_min",
            "scale_max",
            "min_label",
            "max_label",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        section: Any = self.fields["section"]
        section.queryset = questionnaire.sections.all()
        section.empty_label = None
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(
                f"{o['value']} | {o['label']}" for o in self.instance.options
            )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        clash = Question.objects.filter(questionnaire=self.questionnaire, code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("В анкете уже есть вопрос с кодом «%(c)s».") % {"c": code})
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        options: list[dict[str, str]] = []
        for line in data.get("options_text", "").splitlines():
            if not line.strip():
                continue
            value, sep, label = line.partition("|")
            if not sep:
                value, label = str(len(options) + 1), line
            options.append({"value": value.strip()[:50], "label": label.strip()})
        data["options"] = options
        if data.get("kind") in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            self.add_error("options_text", _("Нужно не меньше двух вариантов ответа."))
        return data

    def _post_clean(self) -> None:
        # The service validates the question (with its options) and saves it; the form only
        # parses what was typed.
        return

    def question_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["options"] = self.cleaned_data["options"]
        return data


class ScoringForm(forms.Form):
    """For each risk factor: the two thresholds and the questions that count, one per line
    («код: значение=баллы, …; вес N»; a number question: «код: 0..3=0, 3..=2»)."""

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        factors = (questionnaire.scoring or {}).get("factors", {})
        self.factor_fields = []
        for factor in RiskFactor:
            spec = factors.get(factor.value, {})
            prefix = factor.value
            self.fields[f"{prefix}-medium"] = forms.DecimalField(
                label=_("порог «средний»"),
                min_value=Decimal(0),
                max_value=Decimal(100),
                initial=spec.get("medium", DEFAULT_MEDIUM),
            )
            self.fields[f"{prefix}-high"] = forms.DecimalField(
                label=_("порог «высокий»"),
                min_value=Decimal(0),
                max_value=Decimal(100),
                initial=spec.get("high", DEFAULT_HIGH),
            )
            self.fields[f"{prefix}-items"] = forms.CharField(
                label=_("вопросы и баллы"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace small"}),
                initial=items_to_lines(spec.get("items", [])),
            )
            self.factor_fields.append(
                (factor, self[f"{prefix}-medium"], self[f"{prefix}-high"], self[f"{prefix}-items"])
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        factors: dict[str, Any] = {}
        for factor in RiskFactor:
            prefix = factor.value
            try:
                items = lines_to_items(data.get(f"{prefix}-items", ""), str(factor.label))
            except ScoringError as exc:
                for problem in exc.problems:
                    self.add_error(f"{prefix}-items", problem)
                continue
            if not items:
                continue
            medium, high = data.get(f"{prefix}-medium"), data.get(f"{prefix}-high")
            if medium is None or high is None:
                continue
            if medium > high:
                self.add_error(f"{prefix}-high", _("Порог «высокий» меньше порога «средний»."))
            factors[prefix] = {"medium": float(medium), "high": float(high), "items": items}
        data["scoring"] = {"factors": factors} if factors else {}
        return data


def _current_year() -> int:
    return dates.academic_year_of(dates.today())


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=500)
    questionnaires = forms.ModelMultipleChoiceField(
        label=_("Анкеты"),
        queryset=Questionnaire.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Каждая школа получит по ссылке на каждую анкету (группу респондентов)."),
    )
    owner = forms.ModelChoiceField(
        label=_("Проводит"), queryset=Organization.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Учебный год (год начала)"), min_value=2000, max_value=2100, initial=_current_year
    )
    opens_on = forms.DateField(
        label=_("Ссылки открыты с"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(label=_("по"), widget=forms.DateInput(attrs={"type": "date"}))
    programme = forms.ModelChoiceField(
        label=_("Школы программы"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("— без программы —"),
        help_text=_("Все школы программы в вашей зоне доступа."),
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("и (или) школы"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    respondent_limit = forms.IntegerField(
        label=_("Ответов по одной ссылке не больше"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_(
            "Пусто — без ограничения. Для класса вернее одноразовые коды: их выпускают на "
            "странице ссылки после открытия анкетирования."
        ),
    )

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        fields: Any = self.fields
        fields["questionnaires"].queryset = selectors.questionnaire_list(user)
        fields["owner"].queryset = selectors.owner_choices(user)
        fields["programme"].queryset = selectors.round_programme_choices(user)
        fields["schools"].queryset = selectors.round_school_choices(user)
        today = dates.today()
        fields["opens_on"].initial = today
        fields["closes_on"].initial = today + datetime.timedelta(days=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        schools = list(data.get("schools") or [])
        if data.get("programme"):
            known = {s.pk for s in schools}
            schools += [
                s
                for s in selectors.programme_schools_in_reach(self.user, data["programme"])
                if s.pk not in known
            ]
        if not schools and not self.errors:
            raise ValidationError(_("Выберите программу или школы: ссылки выдаются школам."))
        data["school_list"] = schools
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Дата закрытия раньше даты открытия."))
        return data


class LinkAccessForm(forms.Form):
    requires_code = forms.BooleanField(
        label=_("Принимать ответы только по одноразовым кодам"),
        required=False,
        help_text=_("Каждому респонденту — листочек с кодом; по одному коду — один ответ."),
    )
    respondent_limit = forms.IntegerField(
        label=_("Принимать ответов не больше"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Пусто — без ограничения."),
    )


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("Сколько кодов выпустить"),
        min_value=1,
        max_value=500,
        help_text=_("Например, по числу учеников класса; потом можно выпустить ещё."),
    )


class CodeEntryForm(forms.Form):
    """The code alone, at /s/: the slip names this address, not the link."""

    code = forms.CharField(
        label=_("Код с листочка"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Введите код с листочка.")},
    )

    def clean_code(self) -> str:
        return clean_code_value(self.cleaned_data["code"])


def clean_code_value(value: str) -> str:
    code = code_normalise(value)
    if not code_well_formed(code):
        raise ValidationError(
            _(
                "Код — 8 знаков, латинские буквы и цифры, как на листочке: например, "
                "4KX7-M9PT. Проверьте, что он введён полностью."
            )
        )
    return code


class RoundDatesForm(forms.Form):
    opens_on = forms.DateField(label=_("Открыто с"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("по"), widget=forms.DateInput(attrs={"type": "date"}))


class ProfileComputeForm(forms.Form):
    year = forms.IntegerField(label=_("Учебный год (год начала)"), min_value=2000, max_value=2100)


class RiskProfileForm(forms.Form):
    """Direct entry of a profile: a level per factor, empty = no data."""

    year = forms.IntegerField(
        label=_("Учебный год (год начала)"), min_value=2000, max_value=2100, initial=_current_year
    )
    comment = forms.CharField(
        label=_("Основание"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Например: «по итогам выезда методической группы 12.11»."),
    )

    def __init__(self, *args: Any, initial_levels: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("нет данных")), *RiskLevel.choices]
        for factor in RiskFactor:
            self.fields[f"level-{factor.value}"] = forms.ChoiceField(
                label=factor.label,
                choices=choices,
                required=False,
                initial=(initial_levels or {}).get(factor.value, ""),
            )

    def levels(self) -> dict[str, str]:
        return {f.value: self.cleaned_data.get(f"level-{f.value}") or "" for f in RiskFactor}

    def level_fields(self) -> list[Any]:
        return [self[f"level-{f.value}"] for f in RiskFactor]


# --- The respondent's form -----------------------------------------------------------------


def question_field_name(question: Question) -> str:
    return f"q-{question.code}"


class ResponseForm(forms.Form):
    """The questionnaire as a form: one field per question, plus the link it was issued by.
    The hidden link fields let us refuse a form posted to another school's link."""

    link = forms.CharField(widget=forms.HiddenInput)
    school = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, link: SurveyLink, questions: list[Question], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.link_obj = link
        self.questions = questions
        self.fields["link"].initial = link.token
        self.fields["school"].initial = str(link.school_id)
        if link.requires_code:
            self.fields["code"] = forms.CharField(
                label=_("Код с листочка"),
                max_length=40,
                error_messages={"required": _("Введите код с листочка.")},
            )
        for question in questions:
            self.fields[question_field_name(question)] = self._field(question)

    def clean_code(self) -> str:
        return clean_code_value(self.cleaned_data["code"])

    @staticmethod
    def _field(question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.text,
            "required": question.required,
            "help_text": question.help_text,
            "error_messages": {"required": _("Ответьте на этот вопрос.")},
        }
        if question.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(
                choices=[(o["value"], o["label"]) for o in question.options],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                **common,
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o["value"], o["label"]) for o in question.options],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                **common,
            )
        if question.kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=[(str(v), str(v)) for v in question.scale_values],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                **common,
            )
        if question.kind == QuestionKind.NUMBER:
            return forms.FloatField(
                localize=True,
                min_value=-1e9,
                max_value=1e9,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
        return forms.CharField(
            max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )

    def link_mismatch(self) -> bool:
        """Whether the posted hidden fields belong to another link than the page's."""
        posted_link = self.data.get("link", "")
        posted_school = self.data.get("school", "")
        return posted_link != self.link_obj.token or posted_school != str(self.link_obj.school_id)

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(question_field_name(q)) for q in self.questions}

    def sections(self, structure: list[tuple[Any, list[Question]]]) -> list[tuple[Any, list[Any]]]:
        return [
            (section, [(q, self[question_field_name(q)]) for q in questions])
            for section, questions in structure
        ]
