"""Reports: the authority's Word templates and the reports built from Opora's data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.uploads import dated_path
from opora.reports.choices import ReportKind, ReportStatus


def template_path(instance: ReportTemplate, filename: str) -> str:
    return dated_path("reports/templates", filename)


def report_file_path(instance: Report, filename: str) -> str:
    return dated_path("reports/files", filename)


class ReportTemplate(models.Model):
    """An authority's Word template for a kind of report: a .docx with fields that the
    report's content fills; changeable only by the organisation that made it."""

    owner = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        on_delete=models.CASCADE,
        related_name="report_templates",
    )
    kind = models.CharField(_("вид отчёта"), max_length=32, choices=ReportKind.choices)
    name = models.CharField(_("название"), max_length=255)
    file = models.FileField(_("файл шаблона"), upload_to=template_path)
    file_name = models.CharField(_("имя файла"), max_length=255)
    is_active = models.BooleanField(_("используется"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("шаблон отчёта")
        verbose_name_plural = _("шаблоны отчётов")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One report built for a territory (or a school), a year and optionally a programme or
    an assessment: the content the builder drew from the data (JSON, edited by the analyst
    while a draft), the figures and the data version it used, and the Word/PDF files."""

    kind = models.CharField(_("вид отчёта"), max_length=32, choices=ReportKind.choices)
    title = models.CharField(_("название"), max_length=255)
    # The organisation whose analyst built the report (an authority or a methodical centre):
    # its members with the right role edit and publish it.
    owner = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    territory = models.ForeignKey(
        "registry.Territory",
        verbose_name=_("территория"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("школа"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school_reports",
    )
    programme = models.ForeignKey(
        "registry.Programme",
        verbose_name=_("программа"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    assessment = models.ForeignKey(
        "results.Assessment",
        verbose_name=_("оценочная процедура"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("год"))
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("шаблон"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(_("содержание"), default=dict, blank=True)
    figures = models.JSONField(_("показатели"), default=dict, blank=True)
    # A digest of the data rows the builder read: two builds with the same version must
    # give the same figures; a newer version says the data changed since.
    data_version = models.CharField(_("версия данных"), max_length=64, blank=True)
    docx = models.FileField(_("документ для правки"), upload_to=report_file_path, blank=True)
    pdf = models.FileField(_("документ для печати"), upload_to=report_file_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("заказан"), auto_now_add=True)
    built_at = models.DateTimeField(_("сформирован"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("опубликован"), null=True, blank=True)

    class Meta:
        verbose_name = _("отчёт")
        verbose_name_plural = _("отчёты")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "kind", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.pk])


class ReportRecommendation(models.Model):
    """A published report's recommendation, tracked as a `support.Recommendation` (the same
    kind as a visit's: addressee, due date, status, answer)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="tracked_recommendations"
    )
    recommendation = models.OneToOneField(
        "support.Recommendation", on_delete=models.CASCADE, related_name="report_link"
    )
    position = models.PositiveSmallIntegerField(_("№ в отчёте"), default=0)

    class Meta:
        verbose_name = _("рекомендация отчёта")
        verbose_name_plural = _("рекомендации отчётов")
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return f"{self.report} — {self.position}"
