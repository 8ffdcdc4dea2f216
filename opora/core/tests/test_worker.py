"""The real queue: a job enqueued on the database backend and run by `db_worker`.

The rest of the suite runs jobs with django-tasks' ImmediateBackend; here `job_start` puts
the job on django-tasks-db's table, and one in-process `db_worker --batch` run takes it from
there, as the worker started by `opora serve` does.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from opora.core.choices import JobStatus
from opora.core.jobs import JobError, JobReporter, job_handler, job_start
from opora.core.models import Job
from opora.registry.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@job_handler("tests.echo")
def echo_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    reporter.progress(40, "Половина пути")
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    reporter.log("Эхо: " + job.params["text"])
    return {"echo": job.params["text"]}


@job_handler("tests.refuse")
def refusing_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    raise JobError("Строка 7, столбец «Код»: пусто")


@job_handler("tests.crash")
def crashing_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    # Handlers write in one transaction (docs/architecture.md, "Jobs"): the crash undoes it.
    with transaction.atomic():
        Organization.objects.filter(kind="school").update(name="испорчено")
        raise ValueError("boom")


@pytest.fixture(autouse=True)
def worker_side_effects() -> Iterator[None]:
    """Undo what an in-process db_worker leaves behind: its signal handlers, log levels."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _run(kind: str, settings: Any) -> Job:
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        job = job_start(kind=kind, title="Проверка", params={"text": "привет"}, user=None)
        # Nothing is queued until the transaction commits.
        assert not DBTaskResult.objects.exists()
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert DBTaskResult.objects.get().status == "READY"
    call_command(
        "db_worker",
        "--batch",
        "--interval",
        "0",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    # The queue row is done whatever the job's outcome: job_run records failures itself.
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    return Job.objects.get(pk=job.pk)


def test_worker_runs_a_queued_job(settings):
    job = _run("tests.echo", settings)
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"echo": "привет"}
    assert "Эхо: привет" in job.log
    assert job.error == ""
    assert job.started_at and job.finished_at


def test_user_facing_failure_keeps_its_message(settings):
    job = _run("tests.refuse", settings)
    assert job.status == JobStatus.FAILED
    assert job.error == "Строка 7, столбец «Код»: пусто"
    assert "Строка 7, столбец «Код»: пусто" in job.log
    assert job.result == {}


def test_crash_fails_with_a_generic_message_and_data_unchanged(settings, world):
    assert Organization.objects.filter(kind="school").exists()  # something to spoil
    names = sorted(Organization.objects.values_list("name", flat=True))
    job = _run("tests.crash", settings)
    assert job.status == JobStatus.FAILED
    assert "Внутренняя ошибка" in job.error and "Данные не изменены" in job.error
    assert str(job.pk) in job.error
    assert "boom" not in job.error
    assert "ValueError" in job.log  # the traceback is kept for the administrator
    assert sorted(Organization.objects.values_list("name", flat=True)) == names
