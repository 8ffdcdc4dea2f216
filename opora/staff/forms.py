"""Forms of the staff pages: a teacher, a course, a development plan and its items."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.registry.models import Person
from opora.results.models import Subject
from opora.staff.choices import (
    AgeBand,
    Category,
    CompetencyArea,
    CourseFormat,
    ItemKind,
    ItemStatus,
)
from opora.staff.models import Course, Teacher

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeacherForm(forms.Form):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    middle_name = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    code = forms.CharField(
        label=_("Табельный номер"),
        max_length=64,
        required=False,
        help_text=_("Нужен, только если в школе есть полные тёзки."),
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Предметы"),
        queryset=Subject.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    subjects_other = forms.CharField(
        label=_("Другие предметы"),
        max_length=255,
        required=False,
        help_text=_("Которых нет в справочнике, через запятую."),
    )
    age_band = forms.ChoiceField(label=_("Возраст"), choices=AgeBand.choices)
    category = forms.ChoiceField(
        label=_("Квалификационная категория"), choices=Category.choices, initial=Category.NONE
    )
    experience_years = forms.IntegerField(
        label=_("Педагогический стаж, лет"), min_value=0, max_value=70, required=False
    )
    last_course_year = forms.IntegerField(
        label=_("Год последних курсов повышения квалификации"),
        min_value=1980,
        max_value=2100,
        required=False,
    )
    is_active = forms.BooleanField(label=_("Работает в школе"), required=False, initial=True)
    person = forms.ModelChoiceField(
        label=_("Учётная запись"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— не связана —"),
        help_text=_(
            "Человек с ролью в школе: связанный педагог видит свои результаты и ИОМ. При "
            "добавлении связывается сам, если ФИО совпадает."
        ),
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]

    @classmethod
    def for_teacher(cls, teacher: Teacher, data: Any = None, people: Any = None) -> TeacherForm:
        initial = {
            key: getattr(teacher, key)
            for key in (
                "last_name",
                "first_name",
                "middle_name",
                "code",
                "subjects_other",
                "age_band",
                "category",
                "experience_years",
                "last_course_year",
                "is_active",
            )
        }
        initial["subjects"] = list(teacher.subjects.all())
        initial["person"] = teacher.person_id
        return cls(data, initial=initial, people=people)

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("subjects", "person")}


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=500)
    provider = forms.CharField(label=_("Организация"), max_length=255)
    hours = forms.IntegerField(label=_("Объём, часов"), min_value=1, max_value=2000)
    format = forms.ChoiceField(label=_("Форма"), choices=CourseFormat.choices)
    areas = forms.MultipleChoiceField(
        label=_("Области компетенций"),
        choices=CompetencyArea.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Какие дефициты закрывает курс: по ним он предлагается в ИОМ."),
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Предметы"),
        queryset=Subject.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Пусто — курс для учителей любых предметов."),
    )
    description = forms.CharField(
        label=_("Описание"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_active = forms.BooleanField(label=_("Набор открыт"), required=False, initial=True)

    @classmethod
    def for_course(cls, course: Course, data: Any = None) -> CourseForm:
        initial = {
            k: getattr(course, k)
            for k in ("title", "provider", "hours", "format", "areas", "description", "is_active")
        }
        initial["subjects"] = list(course.subjects.all())
        return cls(data, initial=initial)

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "subjects"}


class PlanForm(forms.Form):
    """A new plan: the year, the proposed courses to include and their due date."""

    start_year = forms.TypedChoiceField(label=_("Учебный год"), coerce=int)
    courses = forms.ModelMultipleChoiceField(
        label=_("Курсы"),
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(
        label=_("Срок прохождения курсов"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Пусто — 31 мая учебного года."),
    )
    note = forms.CharField(
        label=_("Цели и примечания"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, today: datetime.date, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = dates.academic_year_of(today)
        self.fields["start_year"].choices = [  # type: ignore[attr-defined]
            (y, dates.academic_year_label(y)) for y in (year - 1, year, year + 1)
        ]
        self.fields["start_year"].initial = year
        self.fields["courses"].queryset = courses  # type: ignore[attr-defined]


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), choices=ItemKind.choices, initial=ItemKind.COURSE)
    course = forms.ModelChoiceField(
        label=_("Курс"),
        queryset=Course.objects.filter(is_active=True).order_by("title"),
        required=False,
        empty_label=_("— не из каталога —"),
    )
    title = forms.CharField(
        label=_("Мероприятие"),
        max_length=500,
        required=False,
        help_text=_("Для самообразования, стажировки, открытого урока и т. п."),
    )
    area = forms.ChoiceField(
        label=_("Область компетенций"),
        choices=[("", "—"), *CompetencyArea.choices],
        required=False,
    )
    due_on = forms.DateField(label=_("Срок"), widget=DATE_WIDGET)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Дата выполнения"), widget=DATE_WIDGET)
    certificate = forms.FileField(
        label=_("Удостоверение, сертификат"),
        required=False,
        help_text=_("PDF, документ или изображение; необязательно."),
    )


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ItemStatus if s != ItemStatus.DONE]
    )
