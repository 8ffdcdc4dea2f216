"""Jobs that fail keep the data unchanged, dead jobs are found, failed jobs start again.

Jobs run here with django-tasks' ImmediateBackend inside the test's transaction (the save step
is a savepoint); `test_worker.py` runs the same contract through the real worker.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from opora.core import jobs
from opora.core.choices import ImportStatus, JobStatus
from opora.core.jobs import JobError, JobReporter, JobSave, job_handler, job_start, jobs_reap
from opora.core.mail import mail_on_commit
from opora.core.models import ImportUpload, Job
from opora.registry.models import Organization
from opora.registry.tests.factories import OrganizationFactory
from opora.registry.tests.test_import import ROWS, csv_bytes, run_import

pytestmark = pytest.mark.django_db

LOCKS: list[int] = []


@job_handler("tests.jobs.write-then-fail")
def write_then_fail(job: Job, reporter: JobReporter) -> JobSave:
    def save() -> dict[str, Any]:
        OrganizationFactory(name="Не должна остаться")
        mail_on_commit(subject="Письмо", message="Не уйдёт", recipient_list=["a@example.ru"])
        reporter.log("Записано")
        raise JobError("Отказ после записи")

    return save


@job_handler("tests.jobs.mail")
def mailing_job(job: Job, reporter: JobReporter) -> JobSave:
    def save() -> dict[str, Any]:
        mail_on_commit(subject="Письмо", message="Уйдёт", recipient_list=["a@example.ru"])
        return {}

    return save


@job_handler("tests.jobs.locked")
def locked_job(job: Job, reporter: JobReporter) -> JobSave:
    LOCKS.append(1)
    if len(LOCKS) <= job.params["locked"]:
        raise OperationalError("database is locked")

    def save() -> dict[str, Any]:
        OrganizationFactory(name=f"Записана с попытки {len(LOCKS)}")
        return {"tries": len(LOCKS)}

    return save


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    def start(kind: str, **params: Any) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(kind=kind, title="Проверка", params=params, user=None)
        job.refresh_from_db()
        return job

    return start


@pytest.fixture
def pauses(monkeypatch: Any) -> list[float]:
    LOCKS.clear()
    recorded: list[float] = []
    monkeypatch.setattr(jobs, "_pause", recorded.append)
    return recorded


def test_a_save_step_that_fails_after_writing_leaves_nothing_and_sends_nothing(
    world, run, mailoutbox
):
    before = Organization.objects.count()
    job = run("tests.jobs.write-then-fail")
    assert job.status == JobStatus.FAILED
    assert job.error == "Отказ после записи"
    assert "Записано" in job.log  # lines written in the rolled-back step are kept
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(name="Не должна остаться").exists()
    assert mailoutbox == []


def test_mail_of_a_job_goes_when_it_commits(run, mailoutbox):
    assert run("tests.jobs.mail").status == JobStatus.SUCCEEDED
    assert [m.body for m in mailoutbox] == ["Уйдёт"]


def test_a_locked_database_is_waited_out(run, pauses):
    job = run("tests.jobs.locked", locked=1)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"tries": 2}
    assert pauses == [jobs.DB_RETRY_DELAYS[0]]
    assert "База данных занята; повтор через 1 с." in job.log
    assert Organization.objects.filter(name="Записана с попытки 2").exists()


def test_a_lock_that_stays_fails_the_job_with_data_unchanged(run, pauses):
    job = run("tests.jobs.locked", locked=99)
    assert job.status == JobStatus.FAILED
    assert "Данные не изменены" in job.error
    assert pauses == list(jobs.DB_RETRY_DELAYS)


def _stuck_import(client: Any) -> tuple[ImportUpload, Job]:
    """An import confirmed, picked up by a worker that then died: «running, 50 %»."""
    upload, _preview = run_import(client, csv_bytes(ROWS))
    # No on_commit capture: the job is recorded and never run, as with a dead worker.
    response = client.post(reverse("core:import-preview", args=[upload.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    long_ago = timezone.now() - jobs.job_lease() - datetime.timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=50, started_at=long_ago, heartbeat_at=long_ago
    )
    return upload, job


def test_a_job_whose_worker_died_is_failed_on_its_page_and_restarts_to_success(
    world, django_capture_on_commit_callbacks
):
    client = world.client("coordinator")
    upload, job = _stuck_import(client)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Задача прервана: обработчик остановился" in job.error
    assert "Данные не изменены" in job.error
    assert "Задача прервана: обработчик остановился" in page
    assert "Запустить снова" in page and "загружать его ещё раз не нужно" in page
    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED

    restart = reverse("core:job-restart", args=[job.pk])
    # Those who may not change the job neither see the button nor reach the action.
    for persona in ("outsider", "analyst", "director_a"):
        assert world.client(persona).post(restart).status_code == 404, persona
    assert world.client("anonymous").post(restart).status_code == 302
    assert client.get(restart).status_code == 405
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restart)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.result["created"] == 3 and job.attempts == 1
    assert "Запущена снова" in job.log and job.error == ""
    assert Organization.objects.filter(code__in=["NEW-1", "NEW-2", "NEW-3"]).count() == 3
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Запустить снова" not in page


def test_the_job_list_finds_dead_jobs_too(world):
    client = world.client("coordinator")
    _upload, job = _stuck_import(client)
    assert "Ошибка" in client.get(reverse("core:jobs")).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_confirming_again_after_a_dead_job_starts_a_new_job(
    world, django_capture_on_commit_callbacks
):
    client = world.client("coordinator")
    upload, dead = _stuck_import(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-preview", args=[upload.pk]))
    new = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert new.pk != dead.pk
    assert new.status == JobStatus.SUCCEEDED, new.log
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED
    # The dead job's file is saved by the new one: restarting the old one is refused.
    response = client.post(reverse("core:job-restart", args=[dead.pk]), follow=True)
    assert "уже сохраняется другой задачей" in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED
    # Confirming once more leads to the job that saved the file.
    response = client.post(reverse("core:import-preview", args=[upload.pk]))
    assert response["Location"] == new.get_absolute_url()


def test_only_a_failed_job_starts_again(world, run):
    job = run("tests.jobs.mail")
    job.created_by = world.user("coordinator")
    job.save()
    response = world.client("coordinator").post(
        reverse("core:job-restart", args=[job.pk]), follow=True
    )
    assert "только задачу, завершившуюся ошибкой" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_the_scheduler_fails_dead_jobs_and_leaves_live_ones(capsys):
    now = timezone.now()
    old = now - jobs.job_lease() - datetime.timedelta(seconds=1)
    dead = Job.objects.create(
        kind="tests.jobs.mail", title="Мёртвая", status=JobStatus.RUNNING, heartbeat_at=old
    )
    alive = Job.objects.create(
        kind="tests.jobs.mail", title="Живая", status=JobStatus.RUNNING, heartbeat_at=now
    )
    call_command("scheduler", "--once")
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "Задача прервана" in dead.error
    assert alive.status == JobStatus.RUNNING
    assert f"Задача № {dead.pk} «Мёртвая» прервана" in capsys.readouterr().out
    assert jobs_reap() == []  # once


def test_a_late_worker_does_not_overwrite_the_failure(world, run, monkeypatch):
    """A job marked dead while its worker was only slow: the worker's save is undone."""

    @job_handler("tests.jobs.slow")
    def slow(job: Job, reporter: JobReporter) -> JobSave:
        assert reporter._guard is not None
        # The worker stalls past its lease and the scheduler marks the job failed meanwhile
        # (another process in life, hence the writes allowed here).
        with reporter._guard.allow():
            Job.objects.filter(pk=job.pk).update(
                heartbeat_at=timezone.now() - jobs.job_lease() - datetime.timedelta(seconds=1)
            )
            jobs_reap()

        def save() -> dict[str, Any]:
            OrganizationFactory(name="Опоздавшая")
            return {}

        return save

    job = run("tests.jobs.slow")
    assert job.status == JobStatus.FAILED and "Задача прервана" in job.error
    assert not Organization.objects.filter(name="Опоздавшая").exists()


def test_a_busy_database_does_not_break_the_job_pages(world, monkeypatch):
    def locked(**kwargs: Any) -> list[Job]:
        raise OperationalError("database is locked")

    monkeypatch.setattr(jobs, "jobs_reap", locked)
    assert world.client("coordinator").get(reverse("core:jobs")).status_code == 200
