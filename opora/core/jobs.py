"""Background jobs: what users see (Job) on top of the django-tasks queue that runs them.

A capability registers a handler for a job kind with `@job_handler("registry.import")`;
`job_start` records the Job and enqueues it after the transaction commits; the worker
(`opora db_worker`, started by `opora serve`) calls `job_run`, which reports progress, log
and result on the Job row so the job page can show them while the work goes on.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.choices import JobStatus
from opora.core.models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (Russian, says what and where)."""


class JobReporter:
    """Writes a running job's progress and log where the job page reads them."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, percent: float, text: str | None = None) -> None:
        percent = max(0, min(100, int(percent)))
        fields: dict[str, Any] = {"progress": percent}
        if text is not None:
            fields["progress_text"] = text[:255]
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def log(self, message: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        Job.objects.filter(pk=self.job.pk).update(
            log=Concat(F("log"), Value(f"[{stamp}] {message}\n"))
        )


JobHandler = Callable[[Job, JobReporter], dict[str, Any]]
_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the function that does the work of jobs of `kind`."""

    def register(func: JobHandler) -> JobHandler:
        _HANDLERS[kind] = func
        return func

    return register


def job_start(
    *,
    kind: str,
    title: str,
    params: dict[str, Any],
    user: User | None,
    organization_id: int | None = None,
) -> Job:
    """Record a job and put it on the queue once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise LookupError(f"No handler for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title,
        params=params,
        created_by=user if user is not None and user.is_authenticated else None,
        organization_id=organization_id,
    )

    def enqueue() -> None:
        from opora.core.tasks import run_job

        run_job.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def job_run(job_id: int) -> None:
    """Run a queued job to its end, recording success or the failure users can read."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        logger.warning("Job %s is %s, not queued; skipped", job_id, job.status)
        return
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    reporter = JobReporter(job)
    try:
        result = _HANDLERS[job.kind](job, reporter)
    except JobError as exc:
        reporter.log(str(exc))
        _finish(job, JobStatus.FAILED, error=str(exc))
    except Exception:
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        reporter.log(traceback.format_exc(limit=5))
        _finish(
            job,
            JobStatus.FAILED,
            error=_(
                "Внутренняя ошибка при выполнении задачи. Данные не изменены; "
                "сообщите администратору номер задачи %(id)s."
            )
            % {"id": job.pk},
        )
    else:
        _finish(job, JobStatus.SUCCEEDED, result=result)


def _finish(
    job: Job, status: JobStatus, *, result: dict[str, Any] | None = None, error: str = ""
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, progress_text=_("Готово"))
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job.pk).update(**fields)
