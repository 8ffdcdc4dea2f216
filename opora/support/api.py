"""REST API of the support network, read-only, with the same reach as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from opora.support import selectors
from opora.support.models import Recommendation, Visit

# --- visits ---


class VisitSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lead_name = serializers.CharField(source="lead.full_name", read_only=True)
    recommendation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Visit
        fields = (
            "id",
            "school",
            "school_name",
            "kind",
            "kind_label",
            "planned_on",
            "status",
            "status_label",
            "status_reason",
            "organiser",
            "lead_name",
            "purpose",
            "programme",
            "template",
            "findings",
            "closed_at",
            "recommendation_count",
        )


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Visits in the user's reach (a curator's schools, a director's own school, the
    territory of a methodist, coordinator or council member); `?school=`, `?status=`."""

    serializer_class = VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        qs = selectors.visit_list(self.request.user)
        params = self.request.query_params
        if params.get("school", "").isdigit():
            qs = qs.filter(school_id=int(params["school"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs


class RecommendationSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    addressee_label = serializers.CharField(source="get_addressee_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "school",
            "school_name",
            "visit",
            "text",
            "addressee",
            "addressee_label",
            "due_on",
            "status",
            "status_label",
            "is_overdue",
            "answer",
            "answered_at",
            "done_on",
            "activity",
        )


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Recommendations in the user's reach with `is_overdue` (due date passed, not done or
    withdrawn); `?school=`, `?status=`, `?overdue=true`."""

    serializer_class = RecommendationSerializer

    def get_queryset(self) -> QuerySet[Recommendation]:
        qs = selectors.recommendation_list(self.request.user)
        params = self.request.query_params
        if params.get("school", "").isdigit():
            qs = qs.filter(school_id=int(params["school"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("overdue") in ("true", "1"):
            qs = qs.filter(**{"is_overdue": True})
        return qs
