"""Choices of the reports: the kinds Opora builds and a report's states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    """The analytic reports shipped with Opora (seeds 001 items 3.4, 4.6; 002 items 4, 19–21;
    004 section 1)."""

    SCHOOL = "school", _("Аналитическая справка по школе")
    MUNICIPAL = "municipal", _("Отчёт о реализации программы за год")
    YEAR_RESULTS = "year_results", _("Итоги года: вход в список и выход из него")
    ASSESSMENT = "assessment", _("Анализ результатов оценочной процедуры")


class ReportStatus(models.TextChoices):
    """queued → building → draft (the analyst edits text and recommendations) → published;
    a build that fails ends in failed and publishes nothing."""

    QUEUED = "queued", _("В очереди")
    BUILDING = "building", _("Формируется")
    DRAFT = "draft", _("Черновик")
    PUBLISHED = "published", _("Опубликован")
    FAILED = "failed", _("Ошибка")
