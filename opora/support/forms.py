"""Forms of the support network's pages."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.selects import RussianSelects
from opora.registry.models import Organization, Person
from opora.roadmaps.forms import MultipleFileField
from opora.roadmaps.models import Activity
from opora.support.choices import Addressee, RecommendationStatus, VisitKind
from opora.support.models import Visit, VisitTemplate
from opora.support.visit_templates import Area

# --- visits ---

DATE_INPUT = {"type": "date"}


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.territory.name})"


class VisitPlanForm(RussianSelects, forms.Form):
    """Planning a visit: school, kind, date, organiser, lead and team, purpose, programme."""

    school = SchoolChoiceField(label=_("Школа"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Вид выезда"), choices=VisitKind.choices)
    planned_on = _date_field(_("Дата"))
    organiser = forms.ModelChoiceField(
        label=_("Кто проводит"), queryset=Organization.objects.none(), empty_label=None
    )
    lead = PersonChoiceField(label=_("Руководитель выезда"), queryset=Person.objects.none())
    team = PeopleChoiceField(
        label=_("Состав группы"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Цель"), widget=forms.Textarea(attrs={"rows": 2}))
    programme = forms.CharField(
        label=_("Программа выезда"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("По пункту в строке: время, что делаем, с кем."),
    )
    template = forms.ModelChoiceField(
        label=_("Шаблон протокола"),
        queryset=VisitTemplate.objects.none(),
        required=False,
        empty_label=_("— по виду выезда —"),
    )
    form_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        schools: Any,
        organisers: list[Organization],
        people: Any,
        templates: Any,
        with_school: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, Any], self.fields)
        if with_school:
            fields["school"].queryset = schools
        else:
            del fields["school"]
        fields["organiser"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organisers]
        ).order_by("short_name")
        fields["lead"].queryset = people
        fields["team"].queryset = people
        fields["template"].queryset = templates.filter(is_active=True)
        if not self.is_bound and not self.initial.get("form_key"):
            self.initial["form_key"] = uuid.uuid4()


class VisitCancelForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Что произошло"),
        choices=[("cancelled", _("Выезд отменён")), ("refused", _("Школа отказалась от выезда"))],
        widget=forms.RadioSelect,
        initial="cancelled",
    )
    reason = forms.CharField(label=_("Причина"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationRowForm(RussianSelects, forms.Form):
    text = forms.CharField(
        label=_("Рекомендация"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    addressee = forms.ChoiceField(
        label=_("Кому"), choices=Addressee.choices, initial=Addressee.SCHOOL, required=False
    )
    due_on = _date_field(_("Срок"), required=False)

    def has_text(self) -> bool:
        return bool(self.is_valid() and (self.cleaned_data.get("text") or "").strip())


RecommendationRows = forms.formset_factory(RecommendationRowForm, extra=2)


class VisitRecordForm(forms.Form):
    """The visit record on the day: for each question of the template a rating (radios of the
    template's scale) and a note; the findings; photos. Fields are named by the question's
    key, `rating_<area>_<question>` and `note_<area>_<question>`."""

    findings = forms.CharField(
        label=_("Выводы"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Главное по итогам выезда: что получается у школы, что мешает."),
    )
    photos = MultipleFileField(
        label=_("Фотографии"),
        required=False,
        help_text=_("Снимки с телефона: JPEG, PNG, HEIC. Можно выбрать несколько."),
    )
    photo_caption = forms.CharField(label=_("Подпись к фотографиям"), required=False)
    form_key = forms.CharField(widget=forms.HiddenInput)
    # Not filled in: where the service's refusals of the new recommendations are shown.
    recommendations = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, areas: list[Area], scale: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        choices = [(str(i), label) for i, label in enumerate(scale)]
        self.questions: list[tuple[Area, list[tuple[Any, forms.BoundField | None, Any]]]] = []
        for area in areas:
            rows = []
            for question in area.questions:
                name = question.key.replace(".", "_")
                rating = None
                if question.rated and choices:
                    self.fields[f"rating_{name}"] = forms.ChoiceField(
                        label=question.text,
                        choices=choices,
                        required=False,
                        widget=forms.RadioSelect,
                    )
                    rating = self[f"rating_{name}"]
                self.fields[f"note_{name}"] = forms.CharField(
                    label=_("Заметка") if question.rated else question.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                rows.append((question, rating, self[f"note_{name}"]))
            self.questions.append((area, rows))

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        result = {}
        for area in self.areas:
            for question in area.questions:
                name = question.key.replace(".", "_")
                result[question.key] = {
                    "rating": data.get(f"rating_{name}") or None,
                    "note": data.get(f"note_{name}") or "",
                }
        return result


def record_initial(visit: Visit, areas: list[Area]) -> dict[str, Any]:
    """The form's values from what the visit holds (a saved draft of the record)."""
    initial: dict[str, Any] = {
        "findings": visit.findings,
        "form_key": str(visit.form_key),
    }
    for area in areas:
        for question in area.questions:
            name = question.key.replace(".", "_")
            answer = visit.answers.get(question.key) or {}
            if answer.get("rating") is not None:
                initial[f"rating_{name}"] = str(answer["rating"])
            initial[f"note_{name}"] = answer.get("note", "")
    return initial


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        whose = obj.roadmap.school.short_name if obj.roadmap.school else _("Программа")
        return f"{whose} — {obj.number} {obj.text[:120]}"


class VisitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}, {obj.planned_on:%d.%m.%Y} — {obj.school.short_name}"


class VisitActivityForm(forms.Form):
    activity = ActivityChoiceField(
        label=_("Мероприятие дорожной карты"),
        queryset=Activity.objects.none(),
        empty_label=_("— выберите —"),
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ActivityChoiceField, self.fields["activity"]).queryset = activities


class ActivityVisitsForm(forms.Form):
    visits = VisitChoiceField(
        label=_("Выезды, которыми выполнено мероприятие"),
        queryset=Visit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(VisitChoiceField, self.fields["visits"]).queryset = candidates


class VisitTemplateForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=255)
    areas = forms.CharField(
        label=_("Разделы и вопросы"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_(
            "По одной строке: «# Раздел», «- вопрос с оценкой по шкале», «~ вопрос без оценки "
            "(только заметка)»."
        ),
    )
    scale = forms.CharField(
        label=_("Шкала оценки"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("От 2 до 7 значений, по одному в строке, от низшего к высшему."),
    )
    is_active = forms.BooleanField(
        label=_("Используется"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class TemplateCopyForm(RussianSelects, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Для организации"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, owners: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = Organization.objects.filter(
            pk__in=[o.pk for o in owners]
        )


ANSWER_CHOICES = [
    (RecommendationStatus.ACCEPTED, _("Принята к исполнению")),
    (RecommendationStatus.DONE, _("Выполнена")),
    (RecommendationStatus.DISPUTED, _("Школа не согласна (оспорить)")),
]


class RecommendationAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Ответ"), choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Для «оспорить» обязателен: почему школа не согласна."),
    )
    done_on = _date_field(_("Дата выполнения"), required=False)
    evidence = forms.FileField(
        label=_("Подтверждение"),
        required=False,
        help_text=_("Для «выполнена»: приказ, протокол, справка, фотографии (PDF, документ, ZIP)."),
    )


class RecommendationWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Почему рекомендация снимается"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RecommendationActivityForm(forms.Form):
    section = forms.ChoiceField(label=_("Раздел дорожной карты"))
    text = forms.CharField(label=_("Мероприятие"), widget=forms.Textarea(attrs={"rows": 3}))
    schedule_text = forms.CharField(label=_("Сроки"), max_length=1000)
    due_on = _date_field(_("Срок датой"), required=False)
    responsible = forms.CharField(label=_("Ответственные"), required=False)
    correction = forms.CharField(
        label=_("Основание корректировки дорожной карты"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Утверждённая дорожная карта меняется новой версией: она вернётся в проект и будет "
            "утверждена заново."
        ),
    )

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {str(s.pk): s for s in sections}
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            (
                str(s.pk),
                f"{s.roadmap.title[:60]} — {s.number + '. ' if s.number else ''}{s.title[:80]}",
            )
            for s in sections
        ]

    def clean_section(self) -> Any:
        return self.sections[self.cleaned_data["section"]]
