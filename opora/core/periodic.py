"""Periodic jobs: work that runs by itself once a day (reminders), as ordinary jobs.

An app registers `@periodic(kind, title, hour)` next to the job handler of that kind. The
scheduler (`opora scheduler`, started by `opora serve` beside the worker) calls
`periodic_run()` every minute (and `jobs_reap()`, which marks failed the jobs whose worker
died); a periodic job starts once a day, at or after its hour, and the job list shows it like
any other. "Started today" is read from the job table, so a restarted scheduler does not
start it again; one scheduler is expected (two started at the same second could both start
the day's job).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from opora.core.jobs import job_start
from opora.core.models import Job


@dataclass(frozen=True)
class PeriodicJob:
    kind: str
    title: str
    hour: int


_PERIODIC: dict[str, PeriodicJob] = {}


def periodic(kind: str, title: str, hour: int) -> None:
    """Run the job handler of `kind` every day at or after `hour` (local time)."""
    _PERIODIC[kind] = PeriodicJob(kind, title, hour)


def periodic_jobs() -> list[PeriodicJob]:
    return list(_PERIODIC.values())


@transaction.atomic
def periodic_run(now: datetime.datetime | None = None) -> list[Job]:
    """Start the periodic jobs that are due and have not started today."""
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    started = []
    for job in _PERIODIC.values():
        if now.hour < job.hour:
            continue
        if not Job.objects.filter(kind=job.kind, created_at__gte=midnight).exists():
            started.append(
                job_start(
                    kind=job.kind,
                    title=job.title,
                    params={"date": now.date().isoformat()},
                    user=None,
                )
            )
    return started
