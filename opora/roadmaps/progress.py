"""Stored execution counters of roadmaps (`RoadmapProgress`): recounted by the services that
change due dates, and refreshed by readers when the date alone has made them wrong.

Why counters and not one aggregate per page view: the dashboard of a region sorts and pages
thousands of roadmaps by how overdue they are; a grouped count over every due date of the
region (~160,000 at 8,000 schools) grows with the region, the counters do not (see
docs/benchmarks.md, «Roadmaps»). Why refresh on read rather than only by a daily job: the
figures must be right on the day without a scheduler running (a development server, a bench,
a test); the read costs one indexed query when nothing is stale, and on the morning after
many due dates came it recounts just those roadmaps, once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet

from opora.roadmaps.models import Deadline, ExecutionReport, Roadmap, RoadmapProgress

COUNTERS = ("on_time", "late", "overdue", "upcoming")
BATCH = 500


def _counts(today: datetime.date) -> dict[str, Any]:
    closed = Q(closed_on__isnull=False)
    open_ = Q(closed_on__isnull=True)
    return {
        "on_time": Count("pk", filter=closed & Q(closed_late=False)),
        "late": Count("pk", filter=closed & Q(closed_late=True)),
        "overdue": Count("pk", filter=open_ & Q(due_on__lt=today)),
        "upcoming": Count("pk", filter=open_ & Q(due_on__gte=today)),
        "next_due_on": Min("due_on", filter=open_ & Q(due_on__gte=today)),
    }


def _recount(ids: list[int], today: datetime.date) -> None:
    """Count the roadmaps' due dates and find their newest reports afresh and store them (two
    grouped queries and an upsert per batch of roadmaps)."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows: dict[int, dict[str, Any]] = {
            row["roadmap_id"]: dict(row)
            for row in Deadline.objects.filter(roadmap_id__in=batch)
            .values("roadmap_id")
            .annotate(**_counts(today))
            .order_by()
        }
        last_reports = dict(
            ExecutionReport.objects.filter(activity__roadmap_id__in=batch)
            .values("activity__roadmap_id")
            .annotate(last=Max("created_at"))
            .order_by()
            .values_list("activity__roadmap_id", "last")
        )
        empty: dict[str, Any] = dict.fromkeys(COUNTERS, 0) | {"next_due_on": None}
        RoadmapProgress.objects.bulk_create(
            [
                RoadmapProgress(
                    roadmap_id=pk,
                    counted_on=today,
                    last_report_at=last_reports.get(pk),
                    **{k: rows.get(pk, empty)[k] for k in (*COUNTERS, "next_due_on")},
                )
                for pk in batch
            ],
            update_conflicts=True,
            unique_fields=["roadmap"],
            update_fields=[*COUNTERS, "counted_on", "next_due_on", "last_report_at"],
        )


@transaction.atomic
def progress_recount(*, roadmap_ids: Iterable[int], today: datetime.date) -> None:
    """Recount these roadmaps' counters; called by every service that opens, closes, moves or
    deletes due dates, in its own transaction."""
    ids = sorted(set(roadmap_ids))
    # Lock the rows first, so that a reader refreshing them at the same time waits and a
    # writer's fresh figures are never overwritten by a reader's older ones.
    list(RoadmapProgress.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    _recount(ids, today)


def progress_stale(roadmaps: QuerySet[Roadmap], today: datetime.date) -> QuerySet[Roadmap]:
    """Those of `roadmaps` whose counters are missing (rows written around the services, as
    benches do) or no longer true today: an open due date counted as upcoming has come."""
    return roadmaps.filter(
        Q(progress__isnull=True)
        | Q(progress__next_due_on__lt=today)
        | Q(progress__counted_on__gt=today)
    )


def progress_is_stale(stored: RoadmapProgress | None, today: datetime.date) -> bool:
    """`progress_stale` for counters already read (a roadmap fetched with its `progress`)."""
    return (
        stored is None
        or (stored.next_due_on is not None and stored.next_due_on < today)
        or stored.counted_on > today
    )


def progress_refresh(roadmaps: QuerySet[Roadmap], today: datetime.date) -> int:
    """Make the counters of `roadmaps` true for `today` before they are read: one query when
    none is stale; otherwise a recount of just the stale ones. Returns how many were."""
    ids = list(progress_stale(roadmaps, today).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            list(RoadmapProgress.objects.select_for_update().filter(pk__in=batch).values_list("pk"))
            # Recount only those still stale once locked: a writer may have just recounted.
            still = progress_stale(Roadmap.objects.filter(pk__in=batch), today)
            _recount(sorted(still.values_list("pk", flat=True)), today)
    return len(ids)
