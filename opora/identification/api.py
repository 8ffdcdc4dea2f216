"""REST API of identification, read-only: runs with their summary and each school's outcome
with its reasons, and the methodologies with their versions — what an analyst scripts
around the yearly list. Same reach as the UI."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from opora.identification import selectors
from opora.identification.models import (
    IdentificationRun,
    Methodology,
    MethodologyVersion,
    SchoolIdentification,
)


class RunSerializer(serializers.ModelSerializer):
    methodology = serializers.CharField(source="version.methodology.name", read_only=True)
    methodology_version = serializers.IntegerField(source="version.number", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    # From the registered approving order (registry.Order), the one source of truth.
    order_number = serializers.CharField(read_only=True)
    order_date = serializers.DateField(read_only=True, allow_null=True)

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
            "order",
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
            "results_se",
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


class MethodologySerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.short_name", read_only=True, default=None)
    current_version = serializers.IntegerField(source="current_number", read_only=True)

    class Meta:
        model = Methodology
        fields = (
            "id",
            "name",
            "description",
            "is_builtin",
            "owner",
            "owner_name",
            "current_version",
        )


class MethodologyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MethodologyVersion
        fields = ("number", "comment", "created_at", "params")


class MethodologyViewSet(viewsets.ReadOnlyModelViewSet):
    """Methodologies the user may see: the built-in one (territory roles), those of
    organisations in reach and those of runs the user sees; `versions` lists the parameters
    of each version, newest first."""

    serializer_class = MethodologySerializer

    def get_queryset(self) -> QuerySet[Methodology]:
        return selectors.methodology_list(self.request.user)

    @extend_schema(responses=MethodologyVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: Any = None) -> Response:
        methodology = self.get_object()
        items = selectors.methodology_versions(request.user, methodology)
        return Response(MethodologyVersionSerializer(items, many=True).data)
