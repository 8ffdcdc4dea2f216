"""Choices of results and context data: kinds of assessments and indicators, directions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentKind(models.TextChoices):
    VPR = "vpr", _("ВПР")
    OGE = "oge", _("ОГЭ")
    EGE = "ege", _("ЕГЭ")
    KDR = "kdr", _("КДР")
    REGIONAL = "regional", _("Региональная диагностическая работа")
    INTERNATIONAL = "international", _("Национальная / международная оценка")
    OTHER = "other", _("Другая")


class IndicatorKind(models.TextChoices):
    CONTEXT = "context", _("Социальный контекст")
    STAFFING = "staffing", _("Кадровые условия")
    CONDITIONS = "conditions", _("Условия обучения")


class Direction(models.TextChoices):
    """Which way an indicator points: used to orient every indicator the same way in an index."""

    HIGHER_IS_WORSE = "higher_worse", _("чем больше, тем неблагополучнее")
    HIGHER_IS_BETTER = "higher_better", _("чем больше, тем благополучнее")
