"""REST API of the support network, read-only: the same reach as the pages."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from opora.support import selectors
from opora.support.choices import ConsultationStatus
from opora.support.models import Consultation

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
