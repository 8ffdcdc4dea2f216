"""Monitoring against targets: indicators («целевые показатели»), a programme's baselines and
yearly targets, checkpoints («контрольные точки» of the monitoring), each school's submission
with its values, and the roll-up figures precomputed per checkpoint."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.uploads import stored_name
from opora.monitoring.choices import (
    CheckpointKind,
    CheckpointStatus,
    IndicatorDirection,
    IndicatorLevel,
    IndicatorMethod,
    IndicatorUnit,
    SubmissionStatus,
    ValueOrigin,
)
from opora.registry.models import Organization, Programme


class Indicator(models.Model):
    """An indicator of the catalogue: what is measured, in what unit, how, and from where."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    name = models.TextField(_("наименование"))
    unit = models.CharField(_("единица"), max_length=16, choices=IndicatorUnit.choices)
    method = models.CharField(
        _("способ получения"),
        max_length=16,
        choices=IndicatorMethod.choices,
        default=IndicatorMethod.ENTERED,
    )
    computation = models.CharField(
        _("расчёт"),
        max_length=64,
        blank=True,
        help_text=_("Для рассчитываемых показателей: по каким данным «Опоры»."),
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("числитель"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("знаменатель"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Shares of people («доля обучающихся, которым…»): the school enters both counts, and
    # the share is derived, so a numerator above its denominator can be refused.
    has_parts = models.BooleanField(_("вводится числителем и знаменателем"), default=False)
    level = models.CharField(
        _("уровень"),
        max_length=16,
        choices=IndicatorLevel.choices,
        default=IndicatorLevel.SCHOOL,
        help_text=_("Кто сообщает значение: каждая школа или орган управления за программу."),
    )
    direction = models.CharField(
        _("направление"),
        max_length=8,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.UP,
    )
    source = models.CharField(_("источник данных"), max_length=500, blank=True)
    description = models.TextField(_("как считается"), blank=True)
    value_min = models.DecimalField(
        _("наименьшее допустимое значение"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    value_max = models.DecimalField(
        _("наибольшее допустимое значение"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    # The traffic light: a value within this distance of its target (in the indicator's
    # units; percentage points for shares) is «close», further away is «far».
    close_within = models.DecimalField(
        _("допуск «близко к цели»"), default=Decimal("10"), max_digits=14, decimal_places=4
    )
    asks_evidence = models.BooleanField(_("нужен подтверждающий документ"), default=False)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("владелец"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Пусто — встроенный показатель «Опоры»."),
    )

    class Meta:
        verbose_name = _("показатель")
        verbose_name_plural = _("показатели")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.method == IndicatorMethod.RATIO and not (self.numerator and self.denominator):
            raise ValidationError(_("Для отношения укажите показатели числителя и знаменателя."))
        if self.method == IndicatorMethod.COMPUTED and not self.computation:
            raise ValidationError({"computation": _("Укажите, по каким данным он считается.")})
        if (
            self.value_min is not None
            and self.value_max is not None
            and self.value_min > self.value_max
        ):
            raise ValidationError(_("Наименьшее значение больше наибольшего."))

    @property
    def is_share(self) -> bool:
        return self.unit == IndicatorUnit.PERCENT

    @property
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The allowed range: the indicator's own, else 0–100 for shares and 0–1 for flags."""
        low, high = self.value_min, self.value_max
        if self.unit == IndicatorUnit.PERCENT:
            low = Decimal(0) if low is None else low
            high = Decimal(100) if high is None else high
        elif self.unit == IndicatorUnit.FLAG:
            low, high = Decimal(0), Decimal(1)
        return low, high


class ProgrammeIndicator(models.Model):
    """An indicator a programme measures, with its baseline; targets are per academic year."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="monitoring_indicators"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("№"), max_length=16, blank=True)
    position = models.PositiveIntegerField(default=0)
    baseline = models.DecimalField(
        _("базовое значение"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("год базового значения"), null=True, blank=True
    )
    # The programme's own «close to target» margin; empty: the indicator's.
    close_within = models.DecimalField(
        _("допуск «близко к цели»"), null=True, blank=True, max_digits=14, decimal_places=4
    )

    class Meta:
        verbose_name = _("показатель программы")
        verbose_name_plural = _("показатели программы")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator"], name="unique_programme_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.indicator}".strip()

    @property
    def targets_by_year(self) -> dict[int, Decimal]:
        """{academic year: target}: as `with_targets` read them with the indicators, else the
        prefetched targets or the database's."""
        known: dict[int, Decimal] | None = self.__dict__.get("_targets_by_year")
        if known is not None:
            return known
        return {t.year: t.value for t in self.targets.all()}

    def target_for(self, year: int) -> Decimal | None:
        """The target of the year, else the next one set (what the school works towards)."""
        targets = self.targets_by_year
        if year in targets:
            return targets[year]
        later = sorted(y for y in targets if y > year)
        return targets[later[0]] if later else None

    @property
    def light_margin(self) -> Decimal:
        """How far from the target a value is still «close» (yellow), in the indicator's units."""
        return self.indicator.close_within if self.close_within is None else self.close_within


def with_targets(items: Iterable[ProgrammeIndicator]) -> list[ProgrammeIndicator]:
    """The indicators with their targets by year (`targets_by_year`), read in one query of
    values: `prefetch_related("targets")` builds a related manager and a queryset for every
    indicator, which cost more than the query on a page of a few dozen indicators."""
    found = list(items)
    by_item: dict[int, dict[int, Decimal]] = {item.pk: {} for item in found}
    rows = (
        Target.objects.filter(programme_indicator__in=list(by_item))
        .order_by("programme_indicator_id", "year")
        .values_list("programme_indicator_id", "year", "value")
    )
    for item_id, year, value in rows:
        by_item[item_id][year] = value
    for item in found:
        item.__dict__["_targets_by_year"] = by_item[item.pk]
    return found


class Target(models.Model):
    """The value a programme aims at for one academic year (start year: 2024 = 2024/25).

    For a yes/no indicator it is the share of the programme's schools that should answer yes;
    for any other, the value each school should reach."""

    programme_indicator = models.ForeignKey(
        ProgrammeIndicator, on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("учебный год"))
    value = models.DecimalField(_("целевое значение"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("целевое значение")
        verbose_name_plural = _("целевые значения")
        ordering = ["programme_indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme_indicator", "year"], name="unique_target")
        ]

    def __str__(self) -> str:
        return f"{self.programme_indicator}: {self.year} — {self.value}"


class Checkpoint(models.Model):
    """A monitoring checkpoint of a programme («входной мониторинг, сентябрь 2024»)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="checkpoints")
    name = models.CharField(_("название"), max_length=255)
    kind = models.CharField(_("вид"), max_length=16, choices=CheckpointKind.choices)
    year = models.PositiveSmallIntegerField(_("учебный год"))
    held_on = models.DateField(_("дата, на которую собираются данные"))
    due_on = models.DateField(_("срок представления"))
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=CheckpointStatus.choices,
        default=CheckpointStatus.OPEN,
    )
    indicators = models.ManyToManyField(
        ProgrammeIndicator, verbose_name=_("показатели"), related_name="checkpoints"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("контрольная точка")
        verbose_name_plural = _("контрольные точки")
        ordering = ["programme", "held_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:checkpoint", args=[self.pk])

    @property
    def year_label(self) -> str:
        return dates.academic_year_label(self.year)


class Submission(models.Model):
    """A school's monitoring form at a checkpoint; approved figures are locked."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="submissions")
    school = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    comment = models.TextField(_("замечание при возврате"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("форма мониторинга")
        verbose_name_plural = _("формы мониторинга")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "school"], name="unique_submission")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} — {self.school}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:form", args=[self.checkpoint_id, self.school_id])

    @property
    def is_programme_form(self) -> bool:
        """The authority's own form, for the indicators of the municipality level."""
        return self.school_id == self.checkpoint.programme.owner_id

    def items(self) -> models.QuerySet[ProgrammeIndicator]:
        """The checkpoint's indicators this form reports: school or municipality ones."""
        level = IndicatorLevel.MUNICIPALITY if self.is_programme_form else IndicatorLevel.SCHOOL
        return self.checkpoint.indicators.filter(indicator__level=level)

    @property
    def is_locked(self) -> bool:
        return self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


class Value(models.Model):
    """One school's value of one indicator at one checkpoint, with where it came from."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    programme_indicator = models.ForeignKey(
        ProgrammeIndicator, on_delete=models.CASCADE, related_name="values"
    )
    value = models.DecimalField(
        _("значение"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    numerator = models.DecimalField(
        _("числитель"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    denominator = models.DecimalField(
        _("знаменатель"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    origin = models.CharField(
        _("происхождение"), max_length=16, choices=ValueOrigin.choices, default=ValueOrigin.ENTERED
    )
    note = models.CharField(_("примечание"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("значение показателя")
        verbose_name_plural = _("значения показателей")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "programme_indicator"], name="unique_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_indicator}: {self.value}"


def confirmation_path(instance: Confirmation, filename: str) -> str:
    submission = instance.submission
    return f"monitoring/{submission.checkpoint_id}/{submission.school_id}/{stored_name(filename)}"


class Confirmation(models.Model):
    """A document confirming a value, where the indicator asks for one."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="confirmations"
    )
    programme_indicator = models.ForeignKey(
        ProgrammeIndicator, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("файл"), upload_to=confirmation_path, max_length=500)
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("подтверждающий документ")
        verbose_name_plural = _("подтверждающие документы")

    def __str__(self) -> str:
        return self.original_name


class Rollup(models.Model):
    """The programme's figure for one indicator at one checkpoint, over its approved forms.

    Written when a form is approved or a target changes, so that the programme page and its
    dynamics read a few hundred rows, not every school's values."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="rollups")
    programme_indicator = models.ForeignKey(
        ProgrammeIndicator, on_delete=models.CASCADE, related_name="rollups"
    )
    schools = models.PositiveIntegerField(default=0)  # approved forms with a value
    reached = models.PositiveIntegerField(default=0)  # of them: at or beyond the target
    # Flags: the schools that answered yes. Shares with parts: pooled numerator and
    # denominator. Anything else: the mean of the schools' values.
    yes = models.PositiveIntegerField(default=0)
    numerator = models.DecimalField(null=True, max_digits=14, decimal_places=4)
    denominator = models.DecimalField(null=True, max_digits=14, decimal_places=4)
    mean = models.DecimalField(null=True, max_digits=14, decimal_places=4)
    value = models.DecimalField(
        null=True, max_digits=14, decimal_places=4
    )  # the programme's figure
    # Positive changes: schools whose value is better than at the programme's entry
    # checkpoint, of the schools with an accepted value at both.
    improved = models.PositiveIntegerField(default=0)
    compared = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "programme_indicator"], name="unique_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint}: {self.programme_indicator} = {self.value}"


class SubmissionReminder(models.Model):
    """A day's reminder to a school about a form it has not submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "sent_on"], name="unique_form_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.sent_on}"
