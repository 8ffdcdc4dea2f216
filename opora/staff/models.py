"""Teachers of schools, professional-deficit diagnostics, courses and individual development
plans («индивидуальный образовательный маршрут», ИОМ — `DevelopmentPlan` here).

A `Teacher` is a school's registry entry with minimal personal data (name, age band,
category, experience, subjects). Its own name fields are the record; `person` links it to
the registry's `Person` only when the teacher has an account, so that the teacher sees their
own results. Diagnostic results are kept per teacher × subject × competency area
(`DiagnosticScore`) or, where an authority only has them, per school (`DiagnosticAggregate`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.uploads import stored_name
from opora.registry.models import Organization, Person
from opora.results.models import Subject
from opora.staff.choices import (
    AgeBand,
    Category,
    CompetencyArea,
    CourseFormat,
    ItemKind,
    ItemStatus,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def name_key(last_name: str, first_name: str = "", middle_name: str = "") -> str:
    """The full name as files spell it differently (case, «ё», spaces): the matching key."""
    text = " ".join(p for p in (last_name, first_name, middle_name) if p)
    return " ".join(text.lower().replace("ё", "е").split())


class Teacher(models.Model):
    """A teacher (педагогический работник) in a school's staff registry."""

    school = models.ForeignKey(
        Organization, verbose_name=_("школа"), on_delete=models.PROTECT, related_name="teachers"
    )
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    middle_name = models.CharField(_("отчество"), max_length=100, blank=True)
    name_key = models.CharField(max_length=320, editable=False, blank=True, db_index=True)
    code = models.CharField(
        _("табельный номер или код"),
        max_length=64,
        blank=True,
        help_text=_("Нужен, только если в школе есть полные тёзки."),
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("учётная запись (человек в реестре)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teacher_records",
    )
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("предметы"), blank=True, related_name="+"
    )
    subjects_other = models.CharField(
        _("другие предметы"),
        max_length=255,
        blank=True,
        help_text=_("Предметы, которых нет в справочнике, через запятую."),
    )
    age_band = models.CharField(_("возраст"), max_length=16, choices=AgeBand.choices)
    category = models.CharField(
        _("квалификационная категория"),
        max_length=16,
        choices=Category.choices,
        default=Category.NONE,
    )
    experience_years = models.PositiveSmallIntegerField(
        _("педагогический стаж, лет"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    last_course_year = models.PositiveSmallIntegerField(
        _("год последних курсов повышения квалификации"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1980), MaxValueValidator(2100)],
        help_text=_("Если школа его сообщает."),
    )
    is_active = models.BooleanField(_("работает"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("педагог")
        verbose_name_plural = _("педагоги")
        ordering = ["school", "last_name", "first_name", "middle_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name_key"],
                condition=Q(code=""),
                name="unique_teacher_name_in_school",
            ),
            models.UniqueConstraint(
                fields=["school", "code"],
                condition=~Q(code=""),
                name="unique_teacher_code_in_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "is_active"], name="teacher_school_active")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("staff:teacher", args=[self.pk])

    def clean(self) -> None:
        self.name_key = name_key(self.last_name, self.first_name, self.middle_name)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def is_under_35(self) -> bool:
        from opora.staff.choices import UNDER_35_BANDS

        return self.age_band in UNDER_35_BANDS


class Diagnostic(models.Model):
    """A professional-deficit diagnostic (диагностика профессиональных дефицитов) as held."""

    title = models.CharField(_("название"), max_length=255)
    provider = models.CharField(
        _("кто проводил"), max_length=255, blank=True, help_text=_("ЦНППМ, ИРО, ГЦРО…")
    )
    held_on = models.DateField(_("дата проведения"))
    start_year = models.PositiveSmallIntegerField(_("учебный год (год начала)"))
    threshold = models.FloatField(
        _("порог дефицита, %"),
        default=50,
        validators=PERCENT,
        help_text=_("Результат ниже порога — профессиональный дефицит."),
    )
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("организатор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("диагностика профессиональных дефицитов")
        verbose_name_plural = _("диагностики профессиональных дефицитов")
        ordering = ["-held_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "held_on"], name="unique_diagnostic")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("staff:map") + f"?diagnostic={self.pk}"

    @property
    def year_name(self) -> str:
        return dates.academic_year_label(self.start_year)


class DiagnosticScore(models.Model):
    """One teacher's result in one competency area (and subject) of a diagnostic, in %."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="scores")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="scores")
    # The school at the time of the diagnostic: maps stay right when a teacher moves, and
    # aggregates per school need no join through the teacher.
    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.CharField(_("область"), max_length=32, choices=CompetencyArea.choices)
    score = models.FloatField(_("результат, %"), validators=PERCENT)

    class Meta:
        verbose_name = _("результат диагностики педагога")
        verbose_name_plural = _("результаты диагностики педагогов")
        # NULL subjects are never equal in a unique index, hence the two partial ones.
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "teacher", "subject", "area"],
                condition=Q(subject__isnull=False),
                name="unique_score_subject",
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "teacher", "area"],
                condition=Q(subject__isnull=True),
                name="unique_score_general",
            ),
        ]
        indexes = [models.Index(fields=["diagnostic", "school"], name="score_diag_school")]

    def __str__(self) -> str:
        return f"{self.teacher}: {self.get_area_display()} {self.score}"


class DiagnosticAggregate(models.Model):
    """A school's result per subject × area when only aggregates are available."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="aggregates")
    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.CharField(_("область"), max_length=32, choices=CompetencyArea.choices)
    tested = models.PositiveIntegerField(_("прошли диагностику"))
    mean_score = models.FloatField(_("средний результат, %"), null=True, validators=PERCENT)
    deficit_share = models.FloatField(_("доля с дефицитом, %"), null=True, validators=PERCENT)

    class Meta:
        verbose_name = _("сводный результат диагностики школы")
        verbose_name_plural = _("сводные результаты диагностики школ")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "school", "subject", "area"],
                condition=Q(subject__isnull=False),
                name="unique_aggregate_subject",
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "school", "area"],
                condition=Q(subject__isnull=True),
                name="unique_aggregate_general",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_area_display()}"


class Course(models.Model):
    """A professional-development course (курс повышения квалификации) of the catalogue."""

    code = models.SlugField(
        _("код"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Задан у курсов из поставляемого каталога."),
    )
    title = models.CharField(_("название"), max_length=500)
    provider = models.CharField(_("организация"), max_length=255)
    hours = models.PositiveSmallIntegerField(_("объём, часов"))
    format = models.CharField(_("форма"), max_length=16, choices=CourseFormat.choices)
    areas = models.JSONField(
        _("области компетенций"), default=list, blank=True, help_text=_("Какие дефициты закрывает.")
    )
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("предметы"), blank=True, related_name="+"
    )
    description = models.TextField(_("описание"), blank=True)
    is_active = models.BooleanField(_("набор открыт"), default=True)

    class Meta:
        verbose_name = _("курс")
        verbose_name_plural = _("курсы")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:course", args=[self.pk])

    def clean(self) -> None:
        unknown = [a for a in self.areas if a not in CompetencyArea.values]
        if unknown:
            raise ValidationError({"areas": _("Неизвестные области: %(a)s") % {"a": unknown}})

    @property
    def area_labels(self) -> list[str]:
        return [str(CompetencyArea(a).label) for a in self.areas if a in CompetencyArea.values]


class DevelopmentPlan(models.Model):
    """A teacher's individual development plan («ИОМ») for one academic year."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="plans")
    start_year = models.PositiveSmallIntegerField(_("учебный год (год начала)"))
    note = models.TextField(_("цели и примечания"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("индивидуальный образовательный маршрут")
        verbose_name_plural = _("индивидуальные образовательные маршруты")
        ordering = ["-start_year", "teacher__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "start_year"], name="unique_plan_year")
        ]

    def __str__(self) -> str:
        return f"ИОМ {self.year_name}: {self.teacher}"

    def get_absolute_url(self) -> str:
        return reverse("staff:plan", args=[self.pk])

    @property
    def year_name(self) -> str:
        return dates.academic_year_label(self.start_year)


def certificate_path(instance: PlanItem, filename: str) -> str:
    return f"staff/certificates/{instance.plan_id}/{stored_name(filename)}"


class PlanItem(models.Model):
    """One step of a plan: a catalogue course or the teacher's own activity, with its due date
    and, once done, the completion date and optionally the certificate."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("вид"), max_length=16, choices=ItemKind.choices)
    course = models.ForeignKey(
        Course,
        verbose_name=_("курс"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    title = models.CharField(_("мероприятие"), max_length=500, blank=True)
    area = models.CharField(
        _("область компетенций"), max_length=32, choices=CompetencyArea.choices, blank=True
    )
    due_on = models.DateField(_("срок"))
    status = models.CharField(
        _("состояние"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    completed_on = models.DateField(_("выполнено"), null=True, blank=True)
    certificate = models.FileField(_("удостоверение"), upload_to=certificate_path, blank=True)
    certificate_name = models.CharField(_("имя файла"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("пункт ИОМ")
        verbose_name_plural = _("пункты ИОМ")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="planitem_status_due")]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == ItemKind.COURSE and self.course_id is None:
            errors["course"] = _("Выберите курс из каталога.")
        if self.kind == ItemKind.OWN and not self.title.strip():
            errors["title"] = _("Опишите мероприятие.")
        if self.status == ItemStatus.DONE and self.completed_on is None:
            errors["completed_on"] = _("Укажите дату выполнения.")
        if self.status != ItemStatus.DONE and self.completed_on is not None:
            errors["completed_on"] = _("Дата выполнения — только у выполненных пунктов.")
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        if self.course_id is not None and self.course is not None:
            return self.course.title
        return self.title
