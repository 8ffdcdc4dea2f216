"""factory_boy factories for the staff app."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from opora.staff.choices import AgeBand, Category, CompetencyArea, CourseFormat, ItemKind
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    DiagnosticScore,
    PlanItem,
    Teacher,
    name_key,
)


class TeacherFactory(factory.django.DjangoModelFactory[Teacher]):
    class Meta:
        model = Teacher

    last_name = factory.Sequence(lambda n: f"Учителева{n}")
    first_name = "Анна"
    middle_name = "Петровна"
    name_key = factory.LazyAttribute(lambda o: name_key(o.last_name, o.first_name, o.middle_name))
    age_band = AgeBand.FROM_35
    category = Category.FIRST


class DiagnosticFactory(factory.django.DjangoModelFactory[Diagnostic]):
    class Meta:
        model = Diagnostic

    title = factory.Sequence(lambda n: f"Диагностика {n}")
    provider = "ЦНППМ"
    held_on = datetime.date(2025, 10, 15)
    start_year = 2025
    threshold = 50


class ScoreFactory(factory.django.DjangoModelFactory[DiagnosticScore]):
    class Meta:
        model = DiagnosticScore

    diagnostic = factory.SubFactory(DiagnosticFactory)
    school = factory.LazyAttribute(lambda o: o.teacher.school)
    area = CompetencyArea.METHODICAL
    score = 60.0


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Курс {n}")
    provider = "ГЦРО"
    hours = 36
    format = CourseFormat.DISTANCE
    areas = factory.LazyFunction(lambda: [CompetencyArea.METHODICAL.value])


class PlanFactory(factory.django.DjangoModelFactory[DevelopmentPlan]):
    class Meta:
        model = DevelopmentPlan

    start_year = 2025


class ItemFactory(factory.django.DjangoModelFactory[PlanItem]):
    class Meta:
        model = PlanItem

    kind = ItemKind.COURSE
    due_on = datetime.date(2026, 5, 31)

    @classmethod
    def _create(cls, model_class: type[PlanItem], *args: Any, **kwargs: Any) -> PlanItem:
        if kwargs.get("kind") == ItemKind.COURSE and kwargs.get("course") is None:
            kwargs["course"] = CourseFactory()
        return super()._create(model_class, *args, **kwargs)
