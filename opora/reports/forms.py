"""Forms of the reports: asking for a report, editing a draft, uploading a template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.reports import selectors
from opora.reports.choices import ReportKind
from opora.reports.content import DraftRecommendation, Paragraph, ReportContent
from opora.support.choices import Addressee

EMPTY = _("— выберите —")
# How many years back a report may be asked for.
YEARS_BACK = 10


def year_choices() -> list[tuple[int, str]]:
    this = dates.academic_year_of(dates.today())
    return [(y, str(y)) for y in range(this + 1, this - YEARS_BACK, -1)]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид отчёта"), choices=ReportKind.choices)
    year = forms.TypedChoiceField(
        label=_("Год"),
        coerce=int,
        help_text=_(
            "Для отчёта о программе — учебный год, который начинается в этом году; для итогов "
            "года и анализа результатов — год результатов."
        ),
    )
    programme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Программа"), queryset=None, required=False, empty_label=EMPTY
    )
    territory: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Территория"), queryset=None, required=False, empty_label=EMPTY
    )
    school: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Школа"), queryset=None, required=False, empty_label=EMPTY
    )
    assessment: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Оценочная процедура"), queryset=None, required=False, empty_label=EMPTY
    )
    template: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Шаблон Word"),
        queryset=None,
        required=False,
        empty_label=_("— стандартное оформление —"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["year"].choices = year_choices()
        fields["programme"].queryset = selectors.programme_choices(user)
        fields["territory"].queryset = selectors.territory_choices(user)
        fields["school"].queryset = selectors.school_choices(user)
        fields["assessment"].queryset = selectors.assessment_choices()
        fields["template"].queryset = selectors.template_choices(user)
        fields["programme"].help_text = _("Для отчёта о реализации программы.")
        fields["territory"].help_text = _("Для итогов года и анализа оценочной процедуры.")
        fields["school"].help_text = _("Для аналитической справки по школе.")
        fields["assessment"].help_text = _("Для анализа оценочной процедуры.")


class ParagraphsForm(forms.Form):
    """The draft's editable paragraphs, one field each, named «p-<section>-<block>»."""

    def __init__(self, *args: Any, content: ReportContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections: list[tuple[str, list[str]]] = []
        for s_index, section in enumerate(content.sections):
            names = []
            for b_index, block in enumerate(section.blocks):
                if isinstance(block, Paragraph) and block.editable:
                    name = f"p-{s_index}-{b_index}"
                    self.fields[name] = forms.CharField(
                        label=_("Абзац"),
                        initial=block.text,
                        widget=forms.Textarea(attrs={"rows": 4}),
                        max_length=5000,
                    )
                    names.append(name)
            if names:
                self.sections.append((section.heading, names))

    def texts(self) -> dict[str, str]:
        return {
            name[2:].replace("-", "."): value
            for name, value in self.cleaned_data.items()
            if name.startswith("p-")
        }

    def section_fields(self) -> list[tuple[str, list[Any]]]:
        return [(heading, [self[name] for name in names]) for heading, names in self.sections]


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Рекомендация"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    # An empty first choice: an untouched extra row sends nothing and is skipped (with a
    # preselected addressee it would count as filled in and fail).
    addressee = forms.ChoiceField(
        label=_("Кому адресована"), choices=[("", EMPTY), *Addressee.choices]
    )
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Организация-адресат"), queryset=None, empty_label=EMPTY
    )
    due_on = forms.DateField(
        label=_("Срок"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.addressee_choices(user)  # type: ignore[attr-defined]

    def draft(self) -> DraftRecommendation:
        data = self.cleaned_data
        return DraftRecommendation(
            text=data["text"].strip(),
            addressee=data["addressee"],
            organization_id=data["organization"].pk,
            due_on=data["due_on"],
        )


RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=1, can_delete=True)


def recommendation_initial(content: ReportContent) -> list[dict[str, Any]]:
    return [
        {
            "text": r.text,
            "addressee": r.addressee,
            "organization": r.organization_id,
            "due_on": r.due_on,
        }
        for r in content.recommendations
    ]


class TemplateForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Организация"), queryset=None, empty_label=None
    )
    kind = forms.ChoiceField(label=_("Вид отчёта"), choices=ReportKind.choices)
    name = forms.CharField(label=_("Название"), max_length=255)
    file = forms.FileField(
        label=_("Шаблон Word (.docx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from opora.registry.models import Organization

        owners = [o.pk for o in selectors.template_owner_choices(user)]
        self.fields["owner"].queryset = Organization.objects.filter(pk__in=owners).order_by(  # type: ignore[attr-defined]
            "name"
        )
