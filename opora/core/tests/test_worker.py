"""The real queue: a job enqueued on the database backend and run by `db_worker`.

The rest of the suite runs jobs with django-tasks' ImmediateBackend; here `job_start` puts
the job on django-tasks-db's table, and one in-process `db_worker --batch` run takes it from
there, as the worker started by `opora serve` does.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, transaction
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from opora.core import jobs
from opora.core.choices import JobStatus
from opora.core.jobs import JobError, JobReporter, JobSave, job_handler, job_start
from opora.core.management.commands import db_worker
from opora.core.models import Job
from opora.registry.models import Organization
from opora.registry.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@job_handler("tests.echo")
def echo_job(job: Job, reporter: JobReporter) -> JobSave:
    reporter.progress(40, "Половина пути")
    # Progress is written at once, outside any transaction: the job page sees it.
    running = Job.objects.get(pk=job.pk)
    assert running.status == JobStatus.RUNNING and running.progress == 40
    reporter.log("Эхо: " + job.params["text"])
    return lambda: {"echo": job.params["text"]}


@job_handler("tests.refuse")
def refusing_job(job: Job, reporter: JobReporter) -> JobSave:
    raise JobError("Строка 7, столбец «Код»: пусто")


@job_handler("tests.crash")
def crashing_job(job: Job, reporter: JobReporter) -> JobSave:
    def save() -> dict[str, Any]:
        Organization.objects.filter(kind="school").update(name="испорчено")
        OrganizationFactory(name="Лишняя")
        reporter.log("Записано, сейчас упадёт")
        raise ValueError("boom")

    return save


@job_handler("tests.write-early")
def early_writing_job(job: Job, reporter: JobReporter) -> JobSave:
    # Against the contract: a write before the save step is refused, not left behind.
    Organization.objects.filter(kind="school").update(name="испорчено")
    return lambda: {}


@job_handler("tests.heartbeat")
def slow_job(job: Job, reporter: JobReporter) -> JobSave:
    started = Job.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.5)
    beat = Job.objects.get(pk=job.pk).heartbeat_at
    return lambda: {"beat": bool(started and beat and beat > started)}


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
    # The log is the user's: Russian, no traceback (that goes to the server's log).
    assert "Записано, сейчас упадёт" in job.log and "ValueError" not in job.log
    assert sorted(Organization.objects.values_list("name", flat=True)) == names


def test_a_write_before_the_save_step_is_refused_and_undone(settings, world):
    names = sorted(Organization.objects.values_list("name", flat=True))
    job = _run("tests.write-early", settings)
    assert job.status == JobStatus.FAILED and "Данные не изменены" in job.error
    assert sorted(Organization.objects.values_list("name", flat=True)) == names


def test_heartbeat_is_refreshed_while_the_handler_works(settings, monkeypatch):
    monkeypatch.setattr(jobs, "heartbeat_interval", lambda: 0.05)
    job = _run("tests.heartbeat", settings)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"beat": True}


def test_worker_waits_out_a_locked_database_instead_of_exiting(settings, monkeypatch):
    """The library's worker exits when opening its claim transaction meets a lock."""
    real = library.exclusive_transaction
    calls: list[int] = []

    def locked_once(using: Any = None) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(using)

    pauses: list[float] = []
    monkeypatch.setattr(library, "exclusive_transaction", locked_once)
    monkeypatch.setattr(db_worker, "_sleep", pauses.append)
    job = _run("tests.echo", settings)
    assert job.status == JobStatus.SUCCEEDED
    assert pauses == [db_worker.PAUSE_FIRST]
