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
