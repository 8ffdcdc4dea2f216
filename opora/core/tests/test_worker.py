"""The real queue: a job enqueued on the database backend and run by `db_worker`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from opora.core.choices import JobStatus
from opora.core.jobs import JobError, JobReporter, job_handler, job_start
from opora.core.models import Job
from opora.registry.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@job_handler("tests.echo")
def echo_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    reporter.progress(40, "Половина пути")
    reporter.log("Эхо: " + job.params["text"])
    return {"echo": job.params["text"]}


@job_handler("tests.refuse")
def refusing_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    raise JobError("Строка 7, столбец «Код»: пусто")


@job_handler("tests.crash")
def crashing_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    with transaction.atomic():
        Organization.objects.filter(kind="school").update(name="испорчено")
        raise ValueError("boom")


def _run(kind: str, settings: Any) -> Job:
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        job = job_start(kind=kind, title="Проверка", params={"text": "привет"}, user=None)
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    call_command(
        "db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0
    )
    return Job.objects.get(pk=job.pk)


def test_worker_runs_a_queued_job(settings):
    job = _run("tests.echo", settings)
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"echo": "привет"}
    assert "Эхо: привет" in job.log
    assert job.started_at and job.finished_at


def test_user_facing_failure_keeps_its_message(settings):
    job = _run("tests.refuse", settings)
    assert job.status == JobStatus.FAILED
    assert job.error == "Строка 7, столбец «Код»: пусто"


def test_crash_fails_with_a_generic_message_and_data_unchanged(settings, world):
    job = _run("tests.crash", settings)
    assert job.status == JobStatus.FAILED
    assert "Внутренняя ошибка" in job.error and "Данные не изменены" in job.error
    assert not Organization.objects.filter(name="испорчено").exists()
