"""REST API of events, read-only: the events in the user's reach (organiser or audience), by
month and kind; counts, never names."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from opora.events import selectors
from opora.events.choices import EventKind
from opora.events.models import Event


class EventSerializer(serializers.ModelSerializer):
    organizer_name = serializers.CharField(source="organizer.short_name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    registered = serializers.IntegerField(source="registered_count", read_only=True)
    attended = serializers.IntegerField(source="attended_count", read_only=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "kind",
            "kind_display",
            "title",
            "organizer",
            "organizer_name",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "hours",
            "status",
            "status_display",
            "activity",
            "registered",
            "attended",
        )


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Events the user may see. Filters: `month=YYYY-MM`, `kind` (seminar, webinar…)."""

    serializer_class = EventSerializer

    def get_queryset(self) -> QuerySet[Event]:
        params = self.request.query_params
        kind = params.get("kind", "")
        if kind and kind not in EventKind.values:
            raise ValidationError({"kind": "Неизвестный вид мероприятия."})
        month = None
        if params.get("month"):
            try:
                year, number = (int(p) for p in params["month"].split("-"))
                month = datetime.date(year, number, 1)
            except ValueError as exc:
                raise ValidationError({"month": "Месяц пишется как ГГГГ-ММ."}) from exc
        return selectors.event_list(self.request.user, kind=kind, month=month)
