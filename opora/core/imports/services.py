"""Import steps as services: upload a file, set its column mapping, preview, save as a job.

No spreadsheet is read inside a database transaction: on SQLite a transaction holds the
write lock, and a long read would lock every login out. The upload request reads only the
header and the first rows (bounded in rows and time); a large file is read in full by the
background job, and every write is a short statement or transaction after the reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any, cast

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.access import Action, own_organizations
from opora.core.audit import timeline_event_record
from opora.core.choices import ImportStatus, JobStatus, TimelineVerb
from opora.core.imports.base import (
    Importer,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    UserLike,
    Validation,
    get_importer,
    guess_columns,
    map_rows,
    mapping_problems,
)
from opora.core.imports.limits import ReadLimits, check_size
from opora.core.imports.readers import Table, TableFileError, read_table
from opora.core.imports.selectors import import_upload_for_job
from opora.core.jobs import JobError, JobReporter, JobSave, job_handler, job_start, jobs_reap
from opora.core.models import ImportMapping, ImportUpload, Job
from opora.core.uploads import display_name

# The owner of a saved mapping: an organisation of the registry (the core names no app's model).
Organization = Any

PREVIEW_ROWS = 20
# Above this many rows the check of every row runs in the background job (with progress)
# instead of the preview request, which then shows only the first rows.
CHECK_IN_REQUEST_MAX_ROWS = 5000
# A request reads at most this long (its rows are bounded too); the job may take longer.
REQUEST_MAX_SECONDS = 20
IMPORT_JOB_KIND = "core.import"


def request_limits() -> ReadLimits:
    """The reading limits of a web request: those of the settings, and a shorter time."""
    limits = ReadLimits.from_settings()
    return ReadLimits.from_settings(max_seconds=min(limits.max_seconds, REQUEST_MAX_SECONDS))


def check_upload_size(uploaded: UploadedFile) -> None:
    """Refuse a file over the limit before reading it."""
    if uploaded.size is not None:
        try:
            check_size(uploaded.size, uploaded.name or "", ReadLimits.from_settings())
        except TableFileError as exc:
            raise ValidationError(str(exc)) from exc


def import_upload_create(
    *,
    importer_key: str,
    uploaded: UploadedFile,
    user: UserLike,
    mapping: ImportMapping | None = None,
) -> ImportUpload:
    """Store an uploaded file after checking it reads as a table; guess or reuse the mapping.

    Only the header and the first rows are read here, outside any transaction; a file with
    more rows than the preview checks is counted and checked by the import job."""
    importer = get_importer(importer_key)
    check_upload_size(uploaded)
    name = display_name(uploaded.name)
    try:
        table = read_table(
            cast(IO[bytes], uploaded),
            name,
            max_rows=CHECK_IN_REQUEST_MAX_ROWS,
            limits=request_limits(),
        )
    except TableFileError as exc:
        raise ValidationError(str(exc)) from exc
    uploaded.seek(0)
    columns = (
        {k: v for k, v in mapping.columns.items() if v in table.headers}
        if mapping is not None
        else guess_columns(importer, table.headers)
    )
    upload = ImportUpload(
        importer=importer.key,
        original_name=name,
        headers=table.headers,
        row_count=len(table.rows) if table.complete else None,
        columns=columns,
        options=dict(mapping.options) if mapping is not None else {},
        mapping=mapping,
        uploaded_by=user,  # type: ignore[misc]
    )
    upload.file.save(name, uploaded, save=False)
    upload.save()
    return upload


@transaction.atomic
def import_upload_set_columns(
    *,
    upload: ImportUpload,
    columns: dict[str, str],
    user: UserLike,
    save_as: str = "",
    options: dict[str, Any] | None = None,
    owner: Organization | None = None,
) -> ImportUpload:
    """Set the column mapping (and the options); optionally save both for next time as a
    mapping of `owner`, one of the organisations through which the user may import."""
    importer = get_importer(upload.importer)
    columns = {k: v for k, v in columns.items() if v}
    options = options if options is not None else upload.options
    problems = mapping_problems(
        importer, columns, upload.headers, ImportOptions.from_dict(options).defaults
    )
    if problems:
        raise ValidationError(problems)
    upload.columns = columns
    upload.options = options
    upload.status = ImportStatus.MAPPED
    if save_as.strip():
        upload.mapping = _mapping_save(
            importer=importer,
            name=save_as,
            columns=columns,
            options=options,
            user=user,
            owner=owner,
        )
    upload.save()
    return upload


def _mapping_save(
    *,
    importer: Importer,
    name: str,
    columns: dict[str, str],
    options: dict[str, Any],
    user: UserLike,
    owner: Organization | None,
) -> ImportMapping:
    """Create or update the organisation's own mapping of that name.

    Never a preset and never another organisation's: the same name as a preset or as a
    mapping of another organisation makes a new row, and the others read files as before.
    """
    own = own_organizations(user, Action.IMPORT)
    if owner is None and len(own) == 1:
        owner = own[0]
    if not own:
        raise ValidationError(
            {
                "save_as": _(
                    "Сохранить сопоставление может только сотрудник организации с правом "
                    "загрузки данных."
                )
            }
        )
    if owner is None or owner.pk not in {o.pk for o in own}:
        raise ValidationError(
            {"save_owner": _("Выберите, для какой из ваших организаций сохранить сопоставление.")}
        )
    # The territory for new schools belongs to this upload, not to the data source.
    kept = {k: v for k, v in options.items() if k != "territory_id"}
    mapping, _created = ImportMapping.objects.update_or_create(
        importer=importer.key,
        owner=owner,
        source_name=name.strip()[:255],
        defaults={"columns": columns, "options": kept, "created_by_id": user.pk},
    )
    return mapping


def upload_options(upload: ImportUpload) -> ImportOptions:
    options = ImportOptions.from_dict(upload.options, upload.original_name)
    options.upload_id = upload.pk
    return options


def _read_upload(
    upload: ImportUpload, *, max_rows: int | None = None, limits: ReadLimits | None = None
) -> Table:
    with upload.file.open("rb") as stream:
        return read_table(stream, upload.original_name, max_rows=max_rows, limits=limits)


def upload_is_large(upload: ImportUpload) -> bool:
    """Whether the upload is checked in the background job rather than in the preview."""
    return upload.row_count is None or upload.row_count > CHECK_IN_REQUEST_MAX_ROWS


@dataclass
class Preview:
    """What the preview page shows: the first mapped rows and the check of every row."""

    importer: Importer
    rows: list[MappedRow]
    validation: Validation | None
    total_rows: int

    @property
    def checked_in_background(self) -> bool:
        return self.validation is None

    @property
    def summary(self) -> list[str]:
        """What saving would do, each count saying of what."""
        if self.validation is None:
            return []
        return self.importer.summary(self.validation, done=False)


def import_preview(*, upload: ImportUpload, user: UserLike) -> Preview:
    """Map and validate every row of the upload (a large file: its first rows); writes nothing."""
    importer = get_importer(upload.importer)
    large = upload_is_large(upload)
    try:
        table = _read_upload(
            upload, max_rows=PREVIEW_ROWS if large else None, limits=request_limits()
        )
    except (TableFileError, OSError) as exc:
        raise ValidationError(str(exc)) from exc
    options = upload_options(upload)
    rows = map_rows(table, upload.columns, options.defaults)
    return Preview(
        importer=importer,
        rows=rows[:PREVIEW_ROWS],
        validation=None if large else importer.validate(rows, user=user, options=options),
        total_rows=(upload.row_count or 0) if large else len(rows),
    )


@transaction.atomic
def import_upload_commit(*, upload: ImportUpload, user: UserLike) -> Job:
    """Queue the all-or-nothing save of the upload as a background job.

    Confirming again leads to the job already saving (or done with) this file; a job that
    failed, or whose worker died, is replaced by a new one.
    """
    jobs_reap()  # a dead job is marked failed (and its upload with it) before we decide
    upload.refresh_from_db(fields=["status", "job"])
    current = upload.job
    if (
        current is not None
        and upload.status in (ImportStatus.QUEUED, ImportStatus.DONE)
        and current.status != JobStatus.FAILED
    ):
        return current
    importer = get_importer(upload.importer)
    job = job_start(
        kind=IMPORT_JOB_KIND,
        title=_("%(title)s: «%(file)s»") % {"title": importer.title, "file": upload.original_name},
        params={"upload_id": upload.pk},
        user=user,  # type: ignore[arg-type]
    )
    upload.job = job
    upload.status = ImportStatus.QUEUED
    upload.save(update_fields=["job", "status"])
    return job


def _import_failed(job: Job) -> None:
    """The upload of a failed (or dead) import job is «not saved» and may be confirmed again."""
    ImportUpload.objects.filter(job=job, status=ImportStatus.QUEUED).update(
        status=ImportStatus.FAILED
    )


def _import_restart(job: Job) -> None:
    """Started again, the job reads the stored file anew; only the upload's latest job may."""
    upload = ImportUpload.objects.filter(job=job).first()
    if upload is None:
        raise ValidationError(
            _("Этот файл уже сохраняется другой задачей; откройте список фоновых задач.")
        )
    if upload.status == ImportStatus.DONE:
        raise ValidationError(_("Файл «%(name)s» уже сохранён.") % {"name": upload.original_name})
    upload.status = ImportStatus.QUEUED
    upload.save(update_fields=["status"])


def _upload_done(upload: ImportUpload, *, row_count: int) -> None:
    """The upload is saved: its rows are in Opora (inside the job's save step)."""
    ImportUpload.objects.filter(pk=upload.pk).update(status=ImportStatus.DONE, row_count=row_count)


@job_handler(IMPORT_JOB_KIND, on_failure=_import_failed, on_restart=_import_restart)
def import_job(job: Job, reporter: JobReporter) -> JobSave:
    """Read and validate every row; the save step writes all rows or, on any error, none."""
    upload = import_upload_for_job(job)
    importer = get_importer(upload.importer)
    user = upload.uploaded_by
    reporter.progress(2, _("Чтение файла"))
    try:
        table = _read_upload(upload)
    except (TableFileError, OSError) as exc:
        raise JobError(str(exc)) from exc
    options = upload_options(upload)
    rows = map_rows(table, upload.columns, options.defaults)
    reporter.log(_("Прочитано строк: %(n)s") % {"n": len(rows)})

    def validation_progress(share: float, text: str) -> None:
        reporter.progress(5 + share * 45, text)

    validation = importer.validate(rows, user=user, options=options, progress=validation_progress)
    if not validation.is_valid:
        reporter.log("\n".join(str(error) for error in validation.errors[:1000]))
        raise JobError(
            _("В файле %(n)s ошибок; ничего не сохранено. Исправьте файл и загрузите снова.")
            % {"n": len(validation.errors)}
        )
    # The save step runs in the job's transaction: its progress would be invisible until the
    # commit, so it is reported as one step.
    reporter.progress(50, _("Сохранение %(n)s строк") % {"n": len(rows)})

    def save() -> dict[str, Any]:
        # The worker has no request: the uploader is the actor of every audited change.
        with set_actor(user):
            result = importer.save(validation, user=user)
            timeline_event_record(
                target=upload,
                verb=TimelineVerb.IMPORTED,
                actor=user,
                message=upload.original_name,
                data={"job": job.pk},
            )
        _upload_done(upload, row_count=len(table.rows))
        summary = importer.summary(validation, done=True)
        for line in summary:
            reporter.log(line)
        for note in validation.notes_for(done=True):
            reporter.log(note)
        return {
            "created": validation.created,
            "updated": validation.updated,
            "unchanged": validation.unchanged,
            "skipped": validation.skipped,
            # The result page shows these lines: every count says of what.
            "summary": summary,
            **result,
        }

    return save


def run_import_now(
    *,
    importer_key: str,
    table: Table,
    columns: dict[str, str] | None,
    user: UserLike,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> Validation:
    """Validate and save a table in this process (CLI and benchmarks); all or nothing."""
    importer = get_importer(importer_key)
    options = options or ImportOptions()
    if columns:
        columns = {k: v for k, v in columns.items() if v in table.headers}
    else:
        columns = guess_columns(importer, table.headers)
    problems = mapping_problems(importer, columns, table.headers, options.defaults)
    if problems:
        raise ValidationError(problems)
    rows = map_rows(table, columns, options.defaults)
    validation = importer.validate(rows, user=user, options=options, progress=progress)
    if validation.is_valid and not dry_run:
        with transaction.atomic(), set_actor(user):
            importer.save(validation, user=user, progress=progress)
    return validation
