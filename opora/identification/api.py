"""REST API of identification, read-only: runs with their summary and each school's outcome
with its reasons — what an analyst scripts around the yearly list. Same reach as the UI."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from opora.identification import selectors
from opora.identification.models import IdentificationRun, SchoolIdentification


class RunSerializer(serializers.ModelSerializer):
    methodology = serializers.CharField(source="version.methodology.name", read_only=True)
    methodology_version = serializers.IntegerField(source="version.number", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)

    class Meta:
        model = IdentificationRun
        fields = (
            "id",
            "year",
            "territory",
            "territory_name",
            "methodology",
            "methodology_version",
            "status",
            "order_number",
            "order_date",
            "computed_at",
            "summary",
        )


class SchoolOutcomeSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.short_name", read_only=True)

    class Meta:
        model = SchoolIdentification
        fields = (
            "school",
            "school_code",
            "school_name",
            "results_index",
            "results_percentile",
            "context_index",
            "context_percentile",
            "expected",
            "residual",
            "residual_z",
            "low_results",
            "unfavourable",
            "risk",
            "resilient",
            "below_expected",
            "objectivity",
            "insufficient_data",
            "in_list",
            "years_in_status",
            "change",
            "problem_types",
            "reasons",
        )


class IdentificationRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Identification runs in the user's reach; `schools` lists the outcomes the user may
    see (filter with `?status=low_results`, `unfavourable`, `risk`, `resilient`, …)."""

    serializer_class = RunSerializer

    def get_queryset(self) -> QuerySet[IdentificationRun]:
        return selectors.run_list(self.request.user)

    @extend_schema(responses=SchoolOutcomeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def schools(self, request: Request, pk: Any = None) -> Response:
        run = self.get_object()
        items = selectors.run_schools(
            run, request.user, status=request.query_params.get("status", "")
        )
        page = self.paginate_queryset(items)
        serializer = SchoolOutcomeSerializer(page if page is not None else items, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)
