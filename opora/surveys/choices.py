"""Choices of the surveys: respondent groups, kinds of questionnaires and questions, the 500+
risk factors and their levels.

Risk factors are a concept of diagnosis (the school's risk profile): they live here, and the
programme constructor (`opora.roadmaps`) reads them from here — roadmaps depend on surveys,
never the other way round.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskFactor(models.TextChoices):
    """The ten risk factors of the federal 500+ project (ФИОКО risk profile of a school)."""

    EQUIPMENT = "equipment", _("Низкий уровень оснащения школы")
    STAFF_SHORTAGE = "staff-shortage", _("Дефицит педагогических кадров")
    TEACHER_COMPETENCE = (
        "teacher-competence",
        _("Недостаточная предметная и методическая компетентность педагогических работников"),
    )
    LOW_ADAPTIVITY = "low-adaptivity", _("Риски низкой адаптивности учебного процесса")
    NO_INTERNAL_PD = (
        "no-internal-pd",
        _("Несформированность внутришкольной системы повышения квалификации"),
    )
    ACADEMIC_FAILURE = (
        "academic-failure",
        _("Высокая доля обучающихся с рисками учебной неуспешности"),
    )
    LANGUAGE_BARRIERS = (
        "language-barriers",
        _("Низкое качество преодоления языковых и культурных барьеров"),
    )
    SCHOOL_CLIMATE = (
        "school-climate",
        _("Пониженный уровень качества школьной образовательной и воспитательной среды"),
    )
    SPECIAL_NEEDS = "special-needs", _("Высокая доля обучающихся с ОВЗ")
    PARENT_INVOLVEMENT = "parent-involvement", _("Низкий уровень вовлечённости родителей")


class RespondentGroup(models.TextChoices):
    """Who answers a questionnaire; a school gets one link per group."""

    STUDENTS = "students", _("обучающиеся")
    PARENTS = "parents", _("родители")
    TEACHERS = "teachers", _("педагоги")
    DIRECTOR = "director", _("директор")


class QuestionnaireKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("удовлетворённость качеством образования")
    RISK500 = "risk500", _("профиль рисков 500+")
    CUSTOM = "custom", _("своя анкета")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("один вариант ответа")
    MULTIPLE = "multiple", _("несколько вариантов ответа")
    SCALE = "scale", _("шкала")
    NUMBER = "number", _("число")
    TEXT = "text", _("свободный ответ")


# Kinds whose answers are option values (for a scale: the chosen point as text).
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


class RiskLevel(models.TextChoices):
    """The level of one risk factor in a school's risk profile."""

    LOW = "low", _("низкий")
    MEDIUM = "medium", _("средний")
    HIGH = "high", _("высокий")


class ProfileSource(models.TextChoices):
    QUESTIONNAIRES = "questionnaires", _("по анкетам 500+")
    ANALYST = "analyst", _("введён аналитиком")
