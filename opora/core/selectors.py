"""Reads of the core's own records (background jobs), limited by `opora.core.access`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from opora.core.access import Action, UserLike, get_for_user, is_scoped, restrict
from opora.core.choices import JobStatus
from opora.core.jobs import job_may_restart
from opora.core.models import ImportUpload, Job, Notification


def job_list(user: UserLike) -> QuerySet[Job]:
    """The jobs the user started and those of organisations in their reach, newest first."""
    return restrict(Job.objects.select_related("created_by"), user)


def job_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Job:
    """A job the user may see (or, with CHANGE, start again: its owner); 404 otherwise."""
    return get_for_user(Job.objects.select_related("created_by"), user, pk, action)


def job_restart_allowed(user: UserLike, job: Job) -> bool:
    """Whether the page offers «Запустить снова»: a failed job, to the one who may change it."""
    return (
        job_may_restart(job)
        and restrict(Job.objects.filter(pk=job.pk), user, Action.CHANGE).exists()
    )


def job_upload(job: Job) -> ImportUpload | None:
    """The file an import job saves (shown on the job page to whoever may see the job)."""
    return ImportUpload.objects.filter(job=job).first()


def history_object_get(user: UserLike, content_type_id: int, pk: Any) -> Model:
    """The object whose history is asked for, if its model is scoped and `user` may see it
    (personal records only with VIEW_PEOPLE); 404 for anything else."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    model = content_type.model_class()
    if model is None or not is_scoped(model):
        raise Http404
    return get_for_user(model._default_manager.all(), user, pk)


def notification_list(user: UserLike) -> QuerySet[Notification]:
    """The user's own notices, newest first (nobody sees another's, an administrator
    included: the reach of «everything» does not extend to other people's bells)."""
    return restrict(Notification.objects.filter(recipient_id=user.pk or 0), user).order_by(
        "-created_at", "-pk"
    )


def notification_get(user: UserLike, pk: Any) -> Notification:
    """One of the user's own notices; 404 for another's or a missing one."""
    return get_for_user(Notification.objects.filter(recipient_id=user.pk or 0), user, pk)


HOME_JOBS = 5
HOME_JOBS_DAYS = 14


def home_jobs(user: UserLike) -> list[Job]:
    """The user's own jobs (imports, calculations) running, queued or failed, and those
    finished lately, newest first (one query): «Мои задачи» on the home page."""
    since = timezone.now() - datetime.timedelta(days=HOME_JOBS_DAYS)
    return list(
        restrict(Job.objects.filter(created_by_id=user.pk or 0), user)
        .filter(Q(created_at__gte=since) | ~Q(status=JobStatus.SUCCEEDED))
        .order_by("-created_at", "-pk")[:HOME_JOBS]
    )
