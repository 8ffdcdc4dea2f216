"""Core records: timeline events, background jobs, import uploads and saved column mappings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.choices import ImportStatus, JobStatus, TimelineVerb


class TimelineEvent(models.Model):
    """An important transition of an object (submitted, returned, approved) on its timeline.

    Field-level changes are in auditlog's LogEntry; these events carry the meaning.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    verb = models.CharField(_("событие"), max_length=32, choices=TimelineVerb.choices)
    message = models.TextField(_("комментарий"), blank=True)
    data = models.JSONField(_("данные"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("кто"),
    )
    request_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("событие")
        verbose_name_plural = _("события")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_verb_display()}: {self.content_type} #{self.object_id}"


class Job(models.Model):
    """A background job (фоновая задача) with the progress, log and result users see."""

    kind = models.CharField(_("вид"), max_length=64)
    title = models.CharField(_("задача"), max_length=255)
    status = models.CharField(
        _("состояние"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("выполнено, %"), default=0)
    progress_text = models.CharField(_("этап"), max_length=255, blank=True)
    log = models.TextField(_("журнал"), blank=True)
    params = models.JSONField(_("параметры"), default=dict, blank=True)
    result = models.JSONField(_("результат"), default=dict, blank=True)
    error = models.TextField(_("ошибка"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("запустил"),
    )
    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("организация"),
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("начата"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True)
    # Refreshed while the job runs; a running job silent for longer than the lease
    # (OPORA_JOB_LEASE_SECONDS) has lost its worker and is marked failed (jobs_reap).
    heartbeat_at = models.DateTimeField(_("последний признак работы"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("запусков"), default=0)

    class Meta:
        verbose_name = _("фоновая задача")
        verbose_name_plural = _("фоновые задачи")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="core_job_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ImportMapping(models.Model):
    """A saved column mapping for one data source (источник данных), reused on the next import.

    Two kinds: the presets Opora ships (`preset` set, no owner, read-only everywhere) and the
    mappings users save, each owned by one organisation and seen only within reach of it.
    """

    importer = models.CharField(_("вид загрузки"), max_length=64)
    source_name = models.CharField(_("источник данных"), max_length=255)
    columns = models.JSONField(_("сопоставление столбцов"), default=dict)
    # Values for the whole file and the unknown-school choice, reused with the mapping.
    options = models.JSONField(_("параметры загрузки"), default=dict, blank=True)
    # Set for the mappings Opora ships (e.g. "simce"); the command line finds them by it.
    preset = models.SlugField(_("предустановка"), max_length=64, blank=True)
    # Empty only for presets (and for mappings saved before owners existed whose author had
    # no organisation with the import right: those are seen by superusers only).
    owner = models.ForeignKey(
        "registry.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("организация"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("сопоставление столбцов")
        verbose_name_plural = _("сопоставления столбцов")
        ordering = ["source_name"]
        constraints = [
            # One name per organisation: another organisation's mapping (or a preset) of the
            # same name is a different row, never overwritten.
            models.UniqueConstraint(
                fields=["importer", "owner", "source_name"], name="unique_mapping_per_owner"
            ),
            models.UniqueConstraint(
                fields=["preset"], condition=~models.Q(preset=""), name="unique_preset_slug"
            ),
            models.CheckConstraint(
                condition=models.Q(preset="") | models.Q(owner__isnull=True),
                name="preset_has_no_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_preset(self) -> bool:
        return bool(self.preset)


def import_upload_path(instance: ImportUpload, filename: str) -> str:
    from opora.core.uploads import stored_name

    return f"imports/{instance.importer}/{stored_name(filename)}"


class ImportUpload(models.Model):
    """An uploaded file on its way through mapping, preview and the all-or-nothing save."""

    importer = models.CharField(_("вид загрузки"), max_length=64)
    file = models.FileField(_("файл"), upload_to=import_upload_path)
    original_name = models.CharField(_("имя файла"), max_length=255)
    headers = models.JSONField(_("заголовки"), default=list)
    # None until counted: a large file's rows are counted by the import job, not on upload.
    row_count = models.PositiveIntegerField(_("строк"), null=True, blank=True, default=0)
    columns = models.JSONField(_("сопоставление столбцов"), default=dict)
    options = models.JSONField(_("параметры загрузки"), default=dict, blank=True)
    mapping = models.ForeignKey(
        ImportMapping,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("сохранённое сопоставление"),
    )
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
    )
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("загруженный файл")
        verbose_name_plural = _("загруженные файлы")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """An in-app notice to one user about something that happened to their objects (the bell
    in the header): a recommendation addressed to their school, a report built, a list
    approved. E-mail reminders go on beside it; this is what the user sees on the next visit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("кому"),
    )
    text = models.CharField(_("уведомление"), max_length=500)
    url = models.CharField(_("ссылка"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.text
