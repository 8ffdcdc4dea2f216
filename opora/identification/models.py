"""Methodologies (versioned), identification runs and each school's outcome with its reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.identification.choices import Change, QualityStatus, RunStatus
from opora.registry.models import ApprovedByOrder


class Methodology(models.Model):
    """A named methodology (методика); its parameters live in versions, never edited in place.

    Owned by one organisation and seen within reach of it (and by those who see a run that
    used it); the shipped base methodology has no owner, is read-only and is copied.
    """

    name = models.CharField(_("название"), max_length=255)
    description = models.TextField(_("описание"), blank=True)
    is_builtin = models.BooleanField(_("поставляется с Опорой"), default=False)
    # Empty only for the built-in one (and for methodologies made before owners existed
    # whose author had no territory role: those are seen by superusers only).
    owner = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("организация"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("методика выявления")
        verbose_name_plural = _("методики выявления")
        ordering = ["-is_builtin", "name"]
        constraints = [
            # Names are unique within an organisation: another territory may call its own
            # methodology the same, and a refused name must not reveal someone else's.
            models.UniqueConstraint(fields=["owner", "name"], name="unique_methodology_per_owner"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(owner__isnull=True),
                name="unique_ownerless_methodology",
            ),
            models.CheckConstraint(
                condition=models.Q(is_builtin=False) | models.Q(owner__isnull=True),
                name="builtin_methodology_has_no_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("identification:methodology", args=[self.pk])

    @property
    def current(self) -> MethodologyVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class MethodologyVersion(models.Model):
    """One immutable version of a methodology's parameters; runs point at it."""

    methodology = models.ForeignKey(
        Methodology, on_delete=models.CASCADE, related_name="versions", verbose_name=_("методика")
    )
    number = models.PositiveIntegerField(_("версия"))
    params = models.JSONField(_("параметры"))
    comment = models.CharField(_("что изменено"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("версия методики")
        verbose_name_plural = _("версии методики")
        ordering = ["methodology", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.methodology}, версия {self.number}"


class IdentificationRun(ApprovedByOrder, models.Model):
    """One run of a methodology version on one year's data for one territory: the list."""

    territory = models.ForeignKey(
        "registry.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("территория"),
    )
    year = models.PositiveSmallIntegerField(_("год результатов"))
    version = models.ForeignKey(
        MethodologyVersion,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("методика"),
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.JSONField(_("итоги"), default=dict, blank=True)
    # The order approving the list (a registered document of the registry); a draft order is
    # linked while it is prepared, and the list is approved by the registered one.
    order = models.ForeignKey(
        "registry.Order",
        verbose_name=_("приказ об утверждении"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identification_runs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    computed_at = models.DateTimeField(_("рассчитан"), null=True, blank=True)

    class Meta:
        verbose_name = _("расчёт списка")
        verbose_name_plural = _("расчёты списков")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Список {self.year} г. — {self.territory} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("identification:run", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status in (RunStatus.SENT, RunStatus.APPROVED)


class SchoolIdentification(models.Model):
    """A school's outcome in a run: indices, flags, reasons in Russian, and the figures."""

    run = models.ForeignKey(
        IdentificationRun,
        on_delete=models.CASCADE,
        related_name="schools",
        verbose_name=_("расчёт"),
    )
    school = models.ForeignKey(
        "registry.Organization", on_delete=models.CASCADE, related_name="identifications"
    )
    results_index = models.FloatField(_("индекс результатов"), null=True)
    # With shrinkage: the posterior standard deviation of the index (its uncertainty).
    results_se = models.FloatField(_("погрешность индекса результатов"), null=True)
    results_percentile = models.FloatField(_("процентиль результатов"), null=True)
    context_index = models.FloatField(_("индекс контекста"), null=True)
    context_percentile = models.FloatField(_("процентиль контекста"), null=True)
    expected = models.FloatField(_("ожидаемый индекс результатов"), null=True)
    residual = models.FloatField(_("отклонение от ожидаемого"), null=True)
    residual_z = models.FloatField(_("отклонение, ст. откл."), null=True)
    components = models.PositiveIntegerField(_("учтено результатов"), default=0)
    low_results = models.BooleanField(_("ШНОР"), default=False)
    unfavourable = models.BooleanField(_("ШНСУ"), default=False)
    risk = models.BooleanField(_("группа риска"), default=False)
    resilient = models.BooleanField(_("устойчивая"), default=False)
    below_expected = models.BooleanField(_("ниже ожидаемого"), default=False)
    objectivity = models.BooleanField(_("признаки необъективности"), default=False)
    insufficient_data = models.BooleanField(_("недостаточно данных"), default=False)
    in_list = models.BooleanField(_("в списке"), default=False)
    years_in_status = models.PositiveSmallIntegerField(_("лет в списке подряд"), default=0)
    change = models.CharField(_("изменение"), max_length=8, choices=Change.choices, blank=True)
    problem_types = models.JSONField(_("типы проблем"), default=list, blank=True)
    reasons = models.JSONField(_("причины"), default=list, blank=True)
    history = models.JSONField(_("по годам"), default=list, blank=True)

    class Meta:
        verbose_name = _("результат выявления")
        verbose_name_plural = _("результаты выявления")
        ordering = ["run", "results_index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "school"], name="unique_school_per_run")
        ]
        indexes = [
            models.Index(fields=["run", "in_list"]),
            # The run's results page reads a page of rows in this order: PostgreSQL walks the
            # index and stops after the page instead of sorting a region's rows.
            models.Index(fields=["run", "results_index"], name="identification_run_results"),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.run}"


class ExternalList(models.Model):
    """A list of schools received from above for a year (a ministry order, the federal «500+»
    list, a regional order: seed 003 item 1.1, seed 004 section 1), held beside the list
    computed here. Its order belongs to the issuing body, not to Opora's registry: number and
    date are kept as written on it."""

    territory = models.ForeignKey(
        "registry.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("территория"),
    )
    year = models.PositiveSmallIntegerField(_("год"))
    title = models.CharField(_("название списка"), max_length=500)
    issuer = models.CharField(_("кем утверждён"), max_length=500, blank=True)
    order_number = models.CharField(_("номер приказа"), max_length=100)
    order_date = models.DateField(_("дата приказа"))
    # The file it was read from (the import's upload), kept for the record.
    upload = models.ForeignKey(
        "core.ImportUpload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("официальный список")
        verbose_name_plural = _("официальные списки")
        ordering = ["-year", "-order_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year} г.)"


class ExternalListSchool(models.Model):
    """A school named in an official list (the row of the file it came from)."""

    external_list = models.ForeignKey(
        ExternalList, on_delete=models.CASCADE, related_name="schools", verbose_name=_("список")
    )
    school = models.ForeignKey(
        "registry.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("школа")
    )
    row = models.PositiveIntegerField(_("строка файла"), null=True, blank=True)

    class Meta:
        verbose_name = _("школа официального списка")
        verbose_name_plural = _("школы официального списка")
        ordering = ["external_list", "row", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_list", "school"], name="unique_school_per_external_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.external_list}"


class QualityCheck(models.Model):
    """«Качество методики»: the validity figures of one methodology version on a territory's
    data up to a year (stability, predictive validity, sensitivity, missing data), computed as
    a background job and kept with the data they were computed on."""

    version = models.ForeignKey(
        MethodologyVersion,
        on_delete=models.CASCADE,
        related_name="quality_checks",
        verbose_name=_("методика"),
    )
    territory = models.ForeignKey(
        "registry.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("территория"),
    )
    year = models.PositiveSmallIntegerField(_("последний год"))
    status = models.CharField(
        _("состояние"), max_length=16, choices=QualityStatus.choices, default=QualityStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(_("показатели"), default=dict, blank=True)
    error = models.TextField(_("причина ошибки"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    computed_at = models.DateTimeField(_("рассчитана"), null=True, blank=True)

    class Meta:
        verbose_name = _("проверка качества методики")
        verbose_name_plural = _("проверки качества методик")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Качество «{self.version}», {self.territory}, по {self.year} г."
