"""Forms of the practice bank; the services check everything that matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.selects import RussianSelects
from opora.practices.choices import CollectionKind, ReviewConclusion
from opora.practices.models import Collection, Practice, ReviewCriterion
from opora.registry.models import Organization
from opora.roadmaps.library import PROBLEM_TYPES
from opora.roadmaps.models import Section
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---

GRADE_CHOICES = [(g, str(g)) for g in range(1, 12)]
PROBLEM_CHOICES = list(PROBLEM_TYPES.items())


class PracticeForm(RussianSelects, forms.ModelForm):
    problem_types = forms.MultipleChoiceField(
        label=_("Типы проблем"),
        choices=PROBLEM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Факторы риска (500+)"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Классы"),
        choices=GRADE_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "grades"}),
    )
    material_file = forms.FileField(
        label=_("Материал: файл"),
        required=False,
        help_text=_("PDF, документ, таблица, презентация, изображение или ZIP."),
    )
    material_url = forms.URLField(
        label=_("Материал: ссылка"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "organization",
            "summary",
            "authors",
            "other_authors",
            "problem_types",
            "risk_factors",
            "subjects",
            "grades",
            "description",
            "conditions",
            "declared_effect",
            "started_on",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "conditions": forms.Textarea(attrs={"rows": 4}),
            "declared_effect": forms.Textarea(attrs={"rows": 3}),
            "authors": forms.SelectMultiple(attrs={"size": 6}),
            "subjects": forms.SelectMultiple(attrs={"size": 6}),
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, organizations: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organization"].queryset = organizations
        fields["organization"].empty_label = None
        fields["authors"].queryset = people
        fields["authors"].help_text = _(
            "Работники выбранной организации; остальных впишите в «другие авторы»."
        )
        if self.instance.pk is not None:
            # Materials of a saved draft are managed on its page.
            del fields["material_file"]
            del fields["material_url"]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=300, required=False)
    file = forms.FileField(label=_("Файл"), required=False)
    url = forms.URLField(
        label=_("или ссылка"), required=False, max_length=500, assume_scheme="https"
    )


class ReviewForm(forms.Form):
    """A score per criterion (fields «c<id>»), a comment and a conclusion."""

    comment = forms.CharField(
        label=_("Комментарий для авторов"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    conclusion = forms.ChoiceField(
        label=_("Заключение"), choices=ReviewConclusion.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, criteria: list[ReviewCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scored: dict[str, forms.Field] = {}
        for criterion in criteria:
            scored[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(n, str(n)) for n in range(criterion.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score"}),
            )
        self.fields = {**scored, **self.fields}

    def scores(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class CriterionForm(RussianSelects, forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["owner", "name", "description", "max_score", "position", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner"].queryset = authorities
        fields["owner"].required = True
        fields["owner"].empty_label = None


class CollectionForm(RussianSelects, forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["kind", "title", "owner", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, compilers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner"].queryset = compilers
        fields["owner"].empty_label = None
        fields["kind"].choices = CollectionKind.choices


class CollectionAddForm(RussianSelects, forms.Form):
    practice = forms.ModelChoiceField(label=_("Практика"), queryset=Practice.objects.none())

    def __init__(self, *args: Any, practices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["practice"]
        field.queryset = practices


# --- Evidence of effect, adoption, the constructor's proposals ---

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """«School: roadmap — section» (a school's roadmap; a municipal one has no school)."""
        roadmap = obj.roadmap
        school = f"{roadmap.school.short_name}: " if roadmap.school else ""
        return f"{school}{roadmap.title} — {obj.number} {obj.title}".strip()


class AdoptionForm(RussianSelects, forms.Form):
    """A school takes up a practice; optionally as an activity of its roadmap."""

    school: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Школа"), queryset=Organization.objects.none(), empty_label=None
    )
    adopted_on = forms.DateField(label=_("Внедряется с"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Как применяется"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Что школа берёт из практики и что меняет под себя."),
    )
    section = SectionChoiceField(
        label=_("Добавить в дорожную карту (раздел)"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("— не добавлять —"),
        help_text=_(
            "Можно выбрать раздел проекта дорожной карты школы (черновик или на доработке)."
        ),
    )
    responsible = forms.CharField(label=_("Ответственный"), required=False, max_length=500)
    due_on = forms.DateField(label=_("Срок"), required=False, widget=DATE_INPUT)

    def __init__(
        self, *args: Any, user: User | AnonymousUser, schools: Any, sections: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("adopted_on", dates.today())
        super().__init__(*args, **kwargs)
        school: Any = self.fields["school"]
        school.queryset = schools
        section: Any = self.fields["section"]
        if not isinstance(sections, QuerySet):
            sections = Section.objects.filter(pk__in=[s.pk for s in sections]).select_related(
                "roadmap__school"
            )
        section.queryset = sections
