"""REST API of the support network, read-only: mentor pairs and curator assignments, with
the same reach as the pages."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from opora.core.access import Action
from opora.registry.models import CuratorAssignment
from opora.support import selectors
from opora.support.choices import ConsultationStatus
from opora.support.models import Consultation, MentorPair, Recommendation, Visit

# --- network ---


class MentorPairSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    mentor_code = serializers.CharField(source="mentor.code", read_only=True)
    mentor_name = serializers.CharField(source="mentor.short_name", read_only=True)

    class Meta:
        model = MentorPair
        fields = (
            "id",
            "school",
            "school_code",
            "school_name",
            "mentor",
            "mentor_code",
            "mentor_name",
            "since",
            "until",
            "areas",
            "agreement",
            "note",
        )


class MentorPairViewSet(viewsets.ReadOnlyModelViewSet):
    """Mentor pairs the user may see (as the supported school's or the mentor's)."""

    serializer_class = MentorPairSerializer

    def get_queryset(self) -> QuerySet[MentorPair]:
        return selectors.mentor_pair_list(self.request.user)


class CuratorAssignmentSerializer(serializers.ModelSerializer):
    curator_name = serializers.CharField(source="curator.full_name", read_only=True)
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    # From the registered order (registry.Order), the one source of truth.
    order_number = serializers.CharField(read_only=True)
    order_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = CuratorAssignment
        fields = (
            "id",
            "curator",
            "curator_name",
            "school",
            "school_code",
            "school_name",
            "since",
            "until",
            "order",
            "order_number",
            "order_date",
        )


class CuratorAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Curator assignments of the schools whose people the user may see (a curator's name
    is personal data: teachers and council members get none)."""

    serializer_class = CuratorAssignmentSerializer

    def get_queryset(self) -> QuerySet[CuratorAssignment]:
        return selectors.curator_assignment_list(self.request.user, Action.VIEW_PEOPLE).order_by(
            "-since", "-pk"
        )


# --- engagement ---


def _seconds(start: datetime.datetime | None, end: datetime.datetime | None) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


class ConsultationSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.short_name", read_only=True)
    methodist_name = serializers.CharField(
        source="methodist.full_name", read_only=True, default=None
    )
    wait_to_take_seconds = serializers.SerializerMethodField(
        help_text="From the request to the methodist taking it (or answering, if never taken)."
    )
    wait_to_answer_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = (
            "id",
            "school",
            "school_code",
            "school_name",
            "topic",
            "question",
            "preferred_form",
            "status",
            "requested_at",
            "methodist",
            "methodist_name",
            "taken_at",
            "scheduled_for",
            "scheduled_form",
            "answer",
            "answered_at",
            "wait_to_take_seconds",
            "wait_to_answer_seconds",
        )

    def get_wait_to_take_seconds(self, obj: Consultation) -> int | None:
        return _seconds(obj.requested_at, obj.taken_at or obj.answered_at)

    def get_wait_to_answer_seconds(self, obj: Consultation) -> int | None:
        return _seconds(obj.requested_at, obj.answered_at)


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultations the user may see (the school's own, or those of schools in reach),
    newest first; `?status=new|taken|scheduled|answered|cancelled`, `?school=<id>`."""

    serializer_class = ConsultationSerializer

    def get_queryset(self) -> QuerySet[Consultation]:
        items = selectors.consultation_list(self.request.user)
        status = self.request.query_params.get("status", "")
        if status in ConsultationStatus.values:
            items = items.filter(status=status)
        school = self.request.query_params.get("school", "")
        if school.isdigit():
            items = items.filter(school_id=int(school))
        return items.order_by("-requested_at", "-pk")


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
