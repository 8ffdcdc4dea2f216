"""Reads of results and context data through the user's reach."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from opora.core.access import UserLike, restrict
from opora.core.imports.selectors import import_presets
from opora.core.models import ImportMapping
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject


def results_overview(user: UserLike) -> list[dict[str, Any]]:
    """How many result rows and schools there are per year and assessment, within reach."""
    return [
        dict(row)
        for row in restrict(SchoolResult.objects.all(), user)
        .values("year", "assessment__name")
        .annotate(rows=Count("pk"), schools=Count("school", distinct=True))
        .order_by("-year", "assessment__name")
    ]


def context_overview(user: UserLike) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in restrict(ContextValue.objects.all(), user)
        .values("year")
        .annotate(values=Count("pk"), schools=Count("school", distinct=True))
        .order_by("-year")
    ]


def presets() -> QuerySet[ImportMapping]:
    return import_presets()


def catalogue() -> dict[str, Any]:
    return {
        "assessments": Assessment.objects.all(),
        "subjects": Subject.objects.all(),
        "indicators": ContextIndicator.objects.all(),
    }


def assessment_find(pk: Any) -> Assessment | None:
    """An assessment of the shared catalogue by id, or None (a report's parameter)."""
    try:
        return Assessment.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


# The columns of `result_rows`, in order (a report turns them into a column-oriented frame).
RESULT_ROW_FIELDS = (
    "school_id",
    "school__short_name",
    "school__territory__path",
    "year",
    "assessment_id",
    "subject__name",
    "grade",
    "participants",
    "mean_score",
    "share_fail",
    "share_good",
    "share_below_min",
    "share_lower",
    "share_raise",
)


def result_rows(
    user: UserLike,
    *,
    territory_path: str,
    years: list[int],
    assessment_id: int | None = None,
    exclude_assessment_id: int | None = None,
) -> list[tuple[Any, ...]]:
    """The results of the schools of a territory (its subtree) in `years` that the user may
    see, as tuples of `RESULT_ROW_FIELDS`: one query whatever the number of schools."""
    qs = restrict(SchoolResult.objects.all(), user).filter(
        school__territory__path__startswith=territory_path, year__in=sorted(years)
    )
    if assessment_id is not None:
        qs = qs.filter(assessment_id=assessment_id)
    if exclude_assessment_id is not None:
        qs = qs.exclude(assessment_id=exclude_assessment_id)
    return list(
        qs.order_by("school_id", "year", "assessment_id", "subject__name", "grade").values_list(
            *RESULT_ROW_FIELDS
        )
    )
