"""Execution of roadmaps: due dates from schedules, reports with evidence, reminders.

Writes here follow the services' rules (keyword-only, atomic, the caller has the object
through access scoping); they live apart from services.py because execution is its own
part of the cycle (DESIGN.md step 6).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from opora.core.access import Action
from opora.core.dates import academic_years_between
from opora.core.dates import today as local_today
from opora.core.files import EvidenceUpload, evidence_check
from opora.core.uploads import display_name
from opora.roadmaps.choices import (
    ActivityStatus,
    ReportOutcome,
    RoadmapStatus,
    ScheduleKind,
)
from opora.roadmaps.models import Activity, Deadline, Evidence, ExecutionReport, Roadmap
from opora.roadmaps.progress import progress_recount
from opora.roadmaps.schedule import Schedule, due_dates, parse_schedule
from opora.roadmaps.selectors import activity_get, roadmap_get, roadmap_may


def _schedule(activity: Activity) -> Schedule:
    return Schedule(
        kind=ScheduleKind(activity.schedule_kind),
        text=activity.schedule_text,
        periods=tuple((int(p[0]), int(p[1])) for p in activity.schedule_periods),
        years=tuple(activity.schedule_years),
        on=activity.schedule_date,
    )


def activity_due_dates(
    activity: Activity, start: datetime.date, end: datetime.date
) -> set[datetime.date]:
    """Every due date of the activity within the period. Seed 002 writes the dates into each
    year's key result instead of a schedule column; those count too."""
    dates: set[datetime.date] = set()
    schedules = [_schedule(activity)]
    if not due_dates(schedules[0], start.year) and activity.year_results:
        schedules += [parse_schedule(text) for text in activity.year_results.values()]
    for year in academic_years_between(start, end):
        for schedule in schedules:
            dates.update(due_dates(schedule, year))
    if activity.due_on:
        dates.add(activity.due_on)
    return {d for d in dates if start <= d <= end}


@transaction.atomic
def deadlines_generate(*, roadmap: Roadmap) -> int:
    """Bring the roadmap's due dates in line with its schedules; closed ones stay as they are.
    Returns how many due dates are open."""
    start = roadmap.starts_on or roadmap.programme.starts_on
    end = roadmap.ends_on or roadmap.programme.ends_on
    activities = list(Activity.objects.filter(roadmap=roadmap))
    existing: dict[tuple[int, datetime.date], Deadline] = {
        (d.activity_id, d.due_on): d for d in Deadline.objects.filter(roadmap=roadmap)
    }
    wanted: set[tuple[int, datetime.date]] = set()
    for activity in activities:
        if activity.status == ActivityStatus.CANCELLED:
            continue
        for due in activity_due_dates(activity, start, end):
            wanted.add((activity.pk, due))
    stale = [d.pk for key, d in existing.items() if key not in wanted and d.closed_on is None]
    Deadline.objects.filter(pk__in=stale).delete()
    Deadline.objects.bulk_create(
        [
            Deadline(activity_id=activity_id, roadmap=roadmap, due_on=due)
            for activity_id, due in sorted(wanted - set(existing))
        ]
    )
    progress_recount(roadmap_ids=[roadmap.pk], today=local_today())
    return Deadline.objects.filter(roadmap=roadmap, closed_on__isnull=True).count()


def may_report(user: User, activity: Activity) -> bool:
    """The person named as the activity's executor, and those who may change the roadmap."""
    executor = activity.executor
    if executor is not None and executor.user_id == user.pk:
        return True
    return roadmap_may(user, activity.roadmap, Action.CHANGE)


def reportable_activity_get(user: User, pk: Any, *, roadmap: Roadmap | None = None) -> Activity:
    """An activity the user may report on (its executor, or one who may change its roadmap),
    with its roadmap — the report form, and the pages of other apps that count their records
    (visits, meetings) as its evidence; 404 otherwise."""
    activity = activity_get(user, pk, roadmap=roadmap)
    if roadmap is None:
        activity.roadmap = roadmap_get(user, activity.roadmap_id)
    if not may_report(user, activity):
        raise Http404
    return activity


@transaction.atomic
def report_submit(
    *,
    activity: Activity,
    user: User,
    outcome: ReportOutcome,
    text: str,
    done_on: datetime.date | None,
    uploads: list[EvidenceUpload],
) -> ExecutionReport:
    """Report on an activity with its evidence; all or nothing, so a rejected file leaves
    everything as it was. A «done» report closes the earliest open due date."""
    roadmap = activity.roadmap
    if roadmap.status != RoadmapStatus.EXECUTION:
        raise ValidationError(_("Отчитаться можно, когда дорожная карта исполняется."))
    if not may_report(user, activity):
        raise ValidationError(_("Это действие вам недоступно."))
    if not text.strip():
        raise ValidationError({"text": _("Опишите, что сделано.")})
    today = local_today()
    if outcome == ReportOutcome.DONE:
        done_on = done_on or today
        if done_on > today:
            raise ValidationError({"done_on": _("Дата выполнения ещё не наступила.")})
    evidence_check(upload.file for upload in uploads)
    deadline = (
        Deadline.objects.select_for_update()
        .filter(activity=activity, closed_on__isnull=True)
        .order_by("due_on")
        .first()
    )
    report = ExecutionReport.objects.create(
        activity=activity,
        deadline=deadline,
        outcome=outcome,
        done_on=done_on if outcome == ReportOutcome.DONE else None,
        text=text.strip(),
        author=user,
    )
    for upload in uploads:
        Evidence.objects.create(
            report=report,
            kind=upload.kind,
            file=upload.file,
            original_name=display_name(upload.file.name),
            size=upload.file.size or 0,
            content_type=(upload.file.content_type or "application/octet-stream")[:100],
        )
    if outcome == ReportOutcome.DONE:
        assert done_on is not None
        late = deadline is not None and done_on > deadline.due_on
        if deadline is not None:
            deadline.closed_on = done_on
            deadline.closed_late = late
            deadline.save(update_fields=["closed_on", "closed_late"])
        still_open = Deadline.objects.filter(activity=activity, closed_on__isnull=True).exists()
        was_late = late or Deadline.objects.filter(activity=activity, closed_late=True).exists()
        if still_open:
            activity.status = ActivityStatus.IN_PROGRESS
        else:
            activity.status = ActivityStatus.DONE_LATE if was_late else ActivityStatus.DONE
    elif outcome == ReportOutcome.IN_PROGRESS:
        activity.status = ActivityStatus.IN_PROGRESS
    else:
        activity.status = ActivityStatus.NOT_DONE
    activity.save(update_fields=["status"])
    progress_recount(roadmap_ids=[roadmap.pk], today=today)
    return report


@transaction.atomic
def activity_cancel(*, activity: Activity, user: User, reason: str) -> None:
    """Cancel an activity during execution (its open due dates go with it)."""
    if not roadmap_may(user, activity.roadmap, Action.CHANGE):
        raise ValidationError(_("Это действие вам недоступно."))
    if not reason.strip():
        raise ValidationError({"reason": _("Укажите причину отмены.")})
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status"])
    Deadline.objects.filter(activity=activity, closed_on__isnull=True).delete()
    ExecutionReport.objects.create(
        activity=activity, outcome=ReportOutcome.NOT_DONE, text=reason.strip(), author=user
    )
    progress_recount(roadmap_ids=[activity.roadmap_id], today=local_today())
