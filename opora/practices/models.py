"""The practice bank (DESIGN.md step 9): practices that work, described by their authors,
reviewed by experts on published criteria, published, adopted by other schools and grouped
into collections (a municipal bank, a regional atlas).

A practice is edited as versions: a published practice stays as it is while its next version
(`root` = the first version, `version` + 1) is drafted and reviewed; publishing the new one
archives the old. Adoptions and the «used by N schools» count follow the root.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.uploads import dated_path
from opora.practices.choices import CollectionKind, PracticeStatus, ReviewConclusion
from opora.registry.models import Organization, Person
from opora.results.models import Subject
from opora.roadmaps.models import Activity


def material_path(instance: models.Model, filename: str) -> str:
    return dated_path("practices/materials", filename)


class Practice(models.Model):
    """One version of a practice (практика): what a school or a methodical centre does about a
    problem, the conditions to transfer it, and the evidence of its effect."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("школа или организация авторов"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    title = models.CharField(_("название"), max_length=500)
    summary = models.TextField(_("кратко"), blank=True)
    authors = models.ManyToManyField(
        Person, verbose_name=_("авторы"), blank=True, related_name="practices"
    )
    other_authors = models.CharField(
        _("другие авторы"), max_length=500, blank=True, help_text=_("Авторы не из реестра.")
    )
    # Codes of roadmaps.library.PROBLEM_TYPES and surveys.choices.RiskFactor (what the
    # identification and the 500+ risk profiles already name), so the constructor and the
    # filters match them exactly.
    problem_types = models.JSONField(_("типы проблем"), default=list, blank=True)
    risk_factors = models.JSONField(_("факторы риска"), default=list, blank=True)
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("предметы"), blank=True, related_name="+"
    )
    grades = models.JSONField(_("классы"), default=list, blank=True)
    description = models.TextField(_("что делается"), blank=True)
    conditions = models.TextField(_("условия и ресурсы для переноса"), blank=True)
    declared_effect = models.TextField(_("эффект по заявлению авторов"), blank=True)
    # When the practice began at the authors' school: the line between «before» and «after»
    # in the evidence Opora computes from the school's results and indicators.
    started_on = models.DateField(_("практика применяется с"), null=True, blank=True)
    status = models.CharField(
        _("состояние"), max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    root = models.ForeignKey(
        "self",
        verbose_name=_("первая версия"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="later_versions",
    )
    version = models.PositiveSmallIntegerField(_("версия"), default=1)
    submitted_at = models.DateTimeField(_("отправлена на экспертизу"), null=True, blank=True)
    published_at = models.DateTimeField(_("опубликована"), null=True, blank=True)
    archived_at = models.DateTimeField(_("в архиве с"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("практика")
        verbose_name_plural = _("практики")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="practice_status_published"),
        ]
        constraints = [
            # At most one published version of a practice at a time.
            models.UniqueConstraint(
                fields=["root"],
                condition=models.Q(status="published", root__isnull=False),
                name="practice_one_published_later_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:practice", args=[self.pk])

    @property
    def lineage_id(self) -> int:
        """The first version's id: what adoptions and counts of a practice are kept by."""
        return self.root_id or self.pk

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        bad_grades = [g for g in self.grades if not isinstance(g, int) or not 1 <= g <= 11]
        if bad_grades:
            errors["grades"] = _("Классы — числа от 1 до 11.")
        if errors:
            raise ValidationError(errors)


class PracticeMaterial(models.Model):
    """A file or a link of a practice: a lesson plan, a regulation, a recording."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("название"), max_length=300)
    file = models.FileField(_("файл"), upload_to=material_path, blank=True)
    file_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    url = models.URLField(_("ссылка"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("материал практики")
        verbose_name_plural = _("материалы практик")
        ordering = ["practice", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.file) == bool(self.url):
            raise ValidationError(_("Приложите файл или укажите ссылку (что-то одно)."))


class ReviewCriterion(models.Model):
    """A published criterion experts score practices on. Shipped criteria have no owner; an
    authority may add its own (and only it changes them)."""

    owner = models.ForeignKey(
        Organization,
        verbose_name=_("орган"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="practice_criteria",
    )
    name = models.CharField(_("критерий"), max_length=300)
    description = models.TextField(_("что оценивается"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("наибольший балл"), default=3)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("критерий экспертизы практик")
        verbose_name_plural = _("критерии экспертизы практик")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """An expert's review of one version of a practice: a score per criterion, a comment and
    a conclusion. An author never reviews their own practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("эксперт"),
        on_delete=models.PROTECT,
        related_name="practice_reviews",
    )
    # {criterion id (as text): score}
    scores = models.JSONField(_("баллы"), default=dict)
    comment = models.TextField(_("комментарий"), blank=True)
    conclusion = models.CharField(_("заключение"), max_length=16, choices=ReviewConclusion.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("экспертиза практики")
        verbose_name_plural = _("экспертизы практик")
        ordering = ["practice", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "reviewer"], name="practice_review_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} — {self.reviewer}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())


class Adoption(models.Model):
    """A school takes up a published practice; it may be carried out by an activity of the
    school's roadmap."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="adoptions")
    school = models.ForeignKey(
        Organization, verbose_name=_("школа"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_on = models.DateField(_("внедряется с"))
    note = models.TextField(_("как применяется"), blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("мероприятие дорожной карты"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_adoptions",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("внедрение практики")
        verbose_name_plural = _("внедрения практик")
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "school"], name="adoption_once_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.practice} — {self.school}"


class Collection(models.Model):
    """A collection of published practices: a municipal bank, a regional atlas, a thematic
    selection; printed as an atlas (.docx / PDF)."""

    owner = models.ForeignKey(
        Organization,
        verbose_name=_("составитель"),
        on_delete=models.PROTECT,
        related_name="practice_collections",
    )
    kind = models.CharField(_("вид"), max_length=20, choices=CollectionKind.choices)
    title = models.CharField(_("название"), max_length=500)
    description = models.TextField(_("описание"), blank=True)
    practices = models.ManyToManyField(
        Practice, through="CollectionItem", related_name="collections", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("сборник практик")
        verbose_name_plural = _("сборники практик")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:collection", args=[self.pk])


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("практика в сборнике")
        verbose_name_plural = _("практики в сборниках")
        ordering = ["collection", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "practice"], name="collection_practice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.practice}"
