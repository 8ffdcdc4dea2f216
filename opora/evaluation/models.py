"""Estimates of the effectiveness of support."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.evaluation.choices import EstimateStatus, Outcome
from opora.registry.models import Programme


class Estimate(models.Model):
    """One estimate (оценка эффективности) of a programme: the matched difference in
    differences of an outcome, computed by a background job from a panel whose digest is
    `data_version` — the same data and parameters give the same `result`."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("программа"), on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.CharField(
        _("показатель"), max_length=32, choices=Outcome.choices, default=Outcome.RESULTS_INDEX
    )
    params: models.JSONField[Any, Any] = models.JSONField(_("параметры"), default=dict)
    status = models.CharField(
        _("состояние"), max_length=16, choices=EstimateStatus.choices, default=EstimateStatus.QUEUED
    )
    # Estimator.Result.to_json() plus the by-kind associations and the panel's summary.
    result: models.JSONField[Any, Any] = models.JSONField(_("результат"), default=dict, blank=True)
    data_version = models.CharField(_("версия данных"), max_length=64, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто запустил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("запущена"), auto_now_add=True)
    computed_at = models.DateTimeField(_("рассчитана"), null=True, blank=True)

    class Meta:
        verbose_name = _("оценка эффективности")
        verbose_name_plural = _("оценки эффективности")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:programme", args=[self.programme_id])
