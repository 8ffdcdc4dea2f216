"""Choices of the surveys: respondent groups, kinds of questionnaires and questions, risk levels.

The ten risk factors are the 500+ ones the programme constructor already knows
(`opora.roadmaps.choices.RiskFactor`); they are re-exported here, not redefined.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opora.roadmaps.choices import RiskFactor

__all__ = [
    "ProfileSource",
    "QuestionKind",
    "QuestionnaireKind",
    "RespondentGroup",
    "RiskFactor",
    "RiskLevel",
]


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
