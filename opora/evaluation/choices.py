"""Choices of the evaluation of support."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EstimateStatus(models.TextChoices):
    QUEUED = "queued", _("считается")
    DONE = "done", _("готова")
    FAILED = "failed", _("не удалась")


class Outcome(models.TextChoices):
    """What the estimate compares: the identification's results index (the only outcome with
    data for every school of the territory, supported or not, every year)."""

    RESULTS_INDEX = "results_index", _("Индекс результатов")
