"""Assessment results and context data per school and year.

Results are aggregates per school × year × assessment × subject × grade; student rows are
aggregated on import and kept only when OPORA_KEEP_STUDENT_ROWS is set. Context, staffing
and conditions indicators are a catalogue with values per school × year.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opora.results.choices import AssessmentKind, Direction, IndicatorKind


class Assessment(models.Model):
    """An assessment procedure (оценочная процедура): ВПР, ОГЭ, ЕГЭ, КДР or any other."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=255)
    kind = models.CharField(_("вид"), max_length=32, choices=AssessmentKind.choices)
    grades = models.CharField(
        _("классы"), max_length=64, blank=True, help_text=_("Например: 4–8 или 9, 11.")
    )
    score_min = models.FloatField(_("минимальный балл шкалы"), null=True, blank=True)
    score_max = models.FloatField(_("максимальный балл шкалы"), null=True, blank=True)
    minimum_score = models.FloatField(_("минимальный (пороговый) балл"), null=True, blank=True)
    has_marks = models.BooleanField(
        _("выставляются отметки 2–5"),
        default=True,
        help_text=_("Тогда «доля 2» — доля отметок «2»; иначе — доля «недостаточного уровня»."),
    )

    class Meta:
        verbose_name = _("оценочная процедура")
        verbose_name_plural = _("оценочные процедуры")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("предмет"), max_length=255)
    # Other spellings met in files: «математика (профиль)», «Matemática», «mate».
    aliases = models.JSONField(_("другие написания"), default=list, blank=True)

    class Meta:
        verbose_name = _("предмет")
        verbose_name_plural = _("предметы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchoolResult(models.Model):
    """A school's result in one assessment, subject and grade in one year (all optional)."""

    school = models.ForeignKey(
        "registry.Organization",
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("школа"),
    )
    year = models.PositiveSmallIntegerField(_("год"))
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, verbose_name=_("оценочная процедура")
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, verbose_name=_("предмет"))
    # 0 when the result is not per grade (e.g. the sum of three ЕГЭ subjects).
    grade = models.PositiveSmallIntegerField(_("класс"), default=0)
    participants = models.PositiveIntegerField(_("участников"), null=True, blank=True)
    mean_score = models.FloatField(_("средний балл"), null=True, blank=True)
    share_fail = models.FloatField(_("доля «2» / недостаточного уровня, %"), null=True, blank=True)
    share_good = models.FloatField(
        _("доля «4» и «5» / высоких результатов, %"), null=True, blank=True
    )
    share_below_min = models.FloatField(_("доля ниже минимального балла, %"), null=True, blank=True)
    share_confirm = models.FloatField(_("подтвердили отметку по журналу, %"), null=True, blank=True)
    share_lower = models.FloatField(_("понизили отметку по журналу, %"), null=True, blank=True)
    share_raise = models.FloatField(_("повысили отметку по журналу, %"), null=True, blank=True)
    upload = models.ForeignKey(
        "core.ImportUpload",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("загрузка"),
    )

    class Meta:
        verbose_name = _("результат школы")
        verbose_name_plural = _("результаты школ")
        ordering = ["school", "-year", "assessment", "subject", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "assessment", "subject", "grade"],
                name="unique_result_per_school_year_assessment_subject_grade",
            )
        ]
        indexes = [models.Index(fields=["year", "assessment"])]

    def __str__(self) -> str:
        grade = f", {self.grade} кл." if self.grade else ""
        return f"{self.assessment} {self.subject}{grade}, {self.year}"


class StudentResult(models.Model):
    """One student's result, kept only when configured (OPORA_KEEP_STUDENT_ROWS).

    The student is an anonymised id from the file, never a name.
    """

    school = models.ForeignKey("registry.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("год"))
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField(_("класс"), default=0)
    student_key = models.CharField(_("обезличенный код"), max_length=64)
    score = models.FloatField(_("балл"), null=True, blank=True)
    mark = models.PositiveSmallIntegerField(_("отметка"), null=True, blank=True)
    annual_mark = models.PositiveSmallIntegerField(_("отметка по журналу"), null=True, blank=True)

    class Meta:
        verbose_name = _("результат обучающегося")
        verbose_name_plural = _("результаты обучающихся")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "assessment", "subject", "grade", "student_key"],
                name="unique_student_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_key}: {self.assessment} {self.subject} {self.year}"


class ContextIndicator(models.Model):
    """A social-context, staffing or conditions indicator (показатель контекста)."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    name = models.CharField(_("показатель"), max_length=255)
    kind = models.CharField(_("группа"), max_length=32, choices=IndicatorKind.choices)
    direction = models.CharField(_("направление"), max_length=16, choices=Direction.choices)
    unit = models.CharField(_("единица"), max_length=32, blank=True)
    value_min = models.FloatField(_("наименьшее допустимое значение"), null=True, blank=True)
    value_max = models.FloatField(_("наибольшее допустимое значение"), null=True, blank=True)
    description = models.TextField(_("описание и источник"), blank=True)
    aliases = models.JSONField(_("другие названия столбца"), default=list, blank=True)

    class Meta:
        verbose_name = _("показатель контекста")
        verbose_name_plural = _("показатели контекста")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ContextValue(models.Model):
    school = models.ForeignKey(
        "registry.Organization",
        on_delete=models.CASCADE,
        related_name="context_values",
        verbose_name=_("школа"),
    )
    year = models.PositiveSmallIntegerField(_("год"))
    indicator = models.ForeignKey(
        ContextIndicator, on_delete=models.PROTECT, verbose_name=_("показатель")
    )
    value = models.FloatField(_("значение"))
    upload = models.ForeignKey(
        "core.ImportUpload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("значение показателя контекста")
        verbose_name_plural = _("значения показателей контекста")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "indicator"], name="unique_context_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.year})"
