"""Programmes' roadmaps («дорожные карты»): sections (directions) → activities.

A `Roadmap` belongs to a programme: the authority's own roadmap (no school) or one of a
school's programmes. Its sections and activities are the current text; every approval
stores the whole text as a `RoadmapVersion` snapshot, so a correction of an approved
roadmap is a new version and the differences between versions stay visible.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.uploads import dated_path
from opora.registry.models import ApprovedByOrder, Organization, Person, Programme
from opora.roadmaps.choices import (
    ActivityStatus,
    EvidenceKind,
    Level,
    ReportOutcome,
    RoadmapKind,
    RoadmapStatus,
    ScheduleKind,
)


class Roadmap(ApprovedByOrder, models.Model):
    """A roadmap (дорожная карта) of a programme, or of one school within it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("программа"), on_delete=models.CASCADE, related_name="roadmaps"
    )
    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadmaps",
        help_text=_("Пусто — дорожная карта самой программы (органа управления)."),
    )
    kind = models.CharField(_("вид"), max_length=20, choices=RoadmapKind.choices)
    title = models.CharField(_("название"), max_length=1000)
    status = models.CharField(
        _("состояние"), max_length=20, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("версия"), default=1)
    starts_on = models.DateField(_("начало"), null=True, blank=True)
    ends_on = models.DateField(_("окончание"), null=True, blank=True)
    # Seed 002 writes a separate key result for each year of the roadmap.
    result_years = models.JSONField(_("годы ключевых результатов"), default=list, blank=True)
    # The order approving it (a registered document of the registry); a draft order is
    # linked while it is prepared.
    order = models.ForeignKey(
        "registry.Order",
        verbose_name=_("приказ об утверждении"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadmaps",
    )
    source = models.CharField(
        _("источник"),
        max_length=500,
        blank=True,
        help_text=_("Шаблон, файл или конструктор, из которого создана дорожная карта."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("дорожная карта")
        verbose_name_plural = _("дорожные карты")
        ordering = ["programme", "school__name", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:roadmap", args=[self.pk])


class Section(models.Model):
    """A section (направление, раздел) of a roadmap; seed 003 nests sub-sections 2.1–2.3."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("порядок"))
    number = models.CharField(_("номер"), max_length=20, blank=True)
    title = models.TextField(_("название"))

    class Meta:
        verbose_name = _("раздел")
        verbose_name_plural = _("разделы")
        ordering = ["roadmap", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Activity(models.Model):
    """An activity (мероприятие) with its schedule, responsible, result and document."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="activities")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(_("порядок"))
    number = models.CharField(_("номер"), max_length=20, blank=True)
    text = models.TextField(_("мероприятие"))
    # The schedule as written, and as understood (see `schedule.parse_schedule`).
    schedule_text = models.CharField(_("сроки"), max_length=1000, blank=True)
    schedule_kind = models.CharField(
        _("вид срока"), max_length=20, choices=ScheduleKind.choices, default=ScheduleKind.UNPARSED
    )
    schedule_periods = models.JSONField(_("месяцы"), default=list, blank=True)
    schedule_years = models.JSONField(_("годы"), default=list, blank=True)
    schedule_date = models.DateField(_("дата"), null=True, blank=True)
    due_on = models.DateField(
        _("срок вручную"),
        null=True,
        blank=True,
        help_text=_("Для сроков «по отдельному графику» и нераспознанных."),
    )
    responsible = models.TextField(_("ответственные"), blank=True)
    # The person who reports on the activity and gets the reminders.
    executor = models.ForeignKey(
        Person,
        verbose_name=_("исполнитель (отчитывается)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    result = models.TextField(_("планируемый результат"), blank=True)
    year_results = models.JSONField(_("ключевые результаты по годам"), default=dict, blank=True)
    document = models.TextField(_("документ, подтверждающий результат"), blank=True)
    # Seed 003 marks an activity «ФП, РП»: it belongs to the federal and the regional project.
    levels = models.JSONField(_("уровень"), default=list, blank=True)
    indicators = models.JSONField(_("показатели"), default=list, blank=True)
    measure = models.CharField(
        _("мера библиотеки"), max_length=100, blank=True, help_text=_("Код меры конструктора.")
    )
    status = models.CharField(
        _("исполнение"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        ordering = ["roadmap", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:80]}".strip()

    @property
    def level_labels(self) -> list[str]:
        return level_labels(self.levels)


def level_labels(levels: list[str]) -> list[str]:
    """The labels of an activity's levels, those still known."""
    return [str(Level(v).label) for v in levels if v in Level.values]


class RoadmapVersion(ApprovedByOrder, models.Model):
    """The whole text of a roadmap as it was approved (or submitted): the basis of diffs."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("версия"))
    status = models.CharField(_("состояние"), max_length=20, choices=RoadmapStatus.choices)
    snapshot: models.JSONField[Any, Any] = models.JSONField(_("текст"))
    # The order approving it (a registered document of the registry); a draft order is
    # linked while it is prepared.
    order = models.ForeignKey(
        "registry.Order",
        verbose_name=_("приказ об утверждении"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadmap_versions",
    )
    comment = models.TextField(_("комментарий"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("версия дорожной карты")
        verbose_name_plural = _("версии дорожной карты")
        ordering = ["roadmap", "number"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="unique_roadmap_version")
        ]

    def __str__(self) -> str:
        return f"{self.roadmap}, версия {self.number}"


class RoadmapUpload(models.Model):
    """A Word or Excel roadmap recognised and waiting in the preview to be checked and saved."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("вид"), max_length=20, choices=RoadmapKind.choices)
    file_name = models.CharField(_("файл"), max_length=255)
    draft: models.JSONField[Any, Any] = models.JSONField(_("распознано"))
    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("загрузка дорожной карты")
        verbose_name_plural = _("загрузки дорожных карт")

    def __str__(self) -> str:
        return self.file_name


class ReviewComment(models.Model):
    """A reviewer's or author's remark on a roadmap under review, or on one of its activities."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="comments")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    version = models.PositiveIntegerField(_("версия"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("замечание"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("замечание")
        verbose_name_plural = _("замечания")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class Deadline(models.Model):
    """One due date of an activity in one academic year, from its schedule (or set by hand);
    a report closes it. Kept as rows so that overdue lists over a region stay one query."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deadlines")
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("срок"))
    closed_on = models.DateField(_("закрыт"), null=True, blank=True)
    closed_late = models.BooleanField(_("с опозданием"), default=False)

    class Meta:
        verbose_name = _("срок мероприятия")
        verbose_name_plural = _("сроки мероприятий")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "due_on"], name="unique_activity_due")
        ]
        indexes = [
            # The open due dates in the order the overdue and «soon» lists show them: a page
            # of the oldest is read from the index's start, the roadmaps' reach checked per
            # row, instead of sorting every open due date of the region (see benchmarks.md,
            # «The overdue list»).
            models.Index(
                fields=["due_on", "roadmap", "activity"],
                condition=models.Q(closed_on__isnull=True),
                name="deadline_open_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.due_on:%d.%m.%Y}"


class RoadmapProgress(models.Model):
    """Stored counters of a roadmap's due dates, so that the programme dashboard and «кто не
    отчитался» page roadmaps of a whole region without counting every due date.

    Every service that opens, closes or deletes due dates recounts its roadmap in the same
    transaction (`progress.progress_recount`). «Overdue» and «upcoming» also change with the
    date alone: they are split at `counted_on`, and `next_due_on` (the earliest open due date
    on or after it) says when that split stops being true; readers recount just the roadmaps
    whose `next_due_on` has passed (`progress.progress_refresh`)."""

    roadmap = models.OneToOneField(
        Roadmap, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    on_time = models.PositiveIntegerField(_("в срок"), default=0)
    late = models.PositiveIntegerField(_("с опозданием"), default=0)
    overdue = models.PositiveIntegerField(_("просрочено"), default=0)
    upcoming = models.PositiveIntegerField(_("впереди"), default=0)
    counted_on = models.DateField(_("подсчитано на"))
    next_due_on = models.DateField(_("ближайший открытый срок"), null=True, blank=True)
    # When the roadmap's newest report was written (engagement's «no report for N days»):
    # kept with the counters, since every report is written by a service that recounts them.
    last_report_at = models.DateTimeField(_("последний отчёт"), null=True, blank=True)

    class Meta:
        verbose_name = _("счётчики исполнения")
        verbose_name_plural = _("счётчики исполнения")

    def __str__(self) -> str:
        return f"{self.roadmap_id}: {self.on_time}/{self.late}/{self.overdue}/{self.upcoming}"


class ExecutionReport(models.Model):
    """A report on an activity: what was done, when, with the evidence files attached."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reports")
    deadline = models.ForeignKey(
        Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    outcome = models.CharField(_("итог"), max_length=20, choices=ReportOutcome.choices)
    done_on = models.DateField(_("дата выполнения"), null=True, blank=True)
    text = models.TextField(_("отчёт о выполнении"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("отчёт об исполнении")
        verbose_name_plural = _("отчёты об исполнении")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_outcome_display()}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return dated_path("evidence", filename)


class Evidence(models.Model):
    """A file proving an activity was done (order, minutes, programme, photo report)."""

    report = models.ForeignKey(ExecutionReport, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("вид документа"), max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(_("файл"), upload_to=evidence_path)
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveBigIntegerField(_("размер"))
    content_type = models.CharField(_("тип"), max_length=100)

    class Meta:
        verbose_name = _("подтверждающий документ")
        verbose_name_plural = _("подтверждающие документы")

    def __str__(self) -> str:
        return self.original_name


class ReminderSent(models.Model):
    """A day's reminder letter to one person, so that nobody gets two in a day."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "sent_on"], name="unique_reminder_day")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.sent_on}"
