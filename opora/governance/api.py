"""REST API of governance, read-only: bodies and decisions, with the same reach as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from opora.governance import selectors
from opora.governance.models import Body, Decision


class BodySerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.short_name", read_only=True)
    last_meeting = serializers.DateField(source="last_held", read_only=True)

    class Meta:
        model = Body
        fields = (
            "id",
            "kind",
            "name",
            "owner",
            "owner_name",
            "programme",
            "rhythm_months",
            "quorum_percent",
            "is_active",
            "last_meeting",
        )


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """Bodies the user may read (territory roles over the owner, and the members)."""

    serializer_class = BodySerializer

    def get_queryset(self) -> QuerySet[Body]:
        return selectors.body_list(self.request.user)


class DecisionSerializer(serializers.ModelSerializer):
    body = serializers.IntegerField(source="meeting.body_id", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    responsible_name = serializers.CharField(source="responsible", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = (
            "id",
            "body",
            "meeting",
            "meeting_date",
            "text",
            "responsible_person",
            "responsible_organization",
            "responsible_name",
            "due_on",
            "status",
            "state",
            "done_on",
        )

    def get_state(self, obj: Decision) -> str:
        return str(selectors.decision_state(obj).value)


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Decisions the user may see; `?state=open|due_soon|overdue|done|cancelled`, `?mine=true`."""

    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[Decision]:
        params = self.request.query_params
        return selectors.decision_list(
            self.request.user,
            state=params.get("state", ""),
            mine=params.get("mine") in ("true", "1"),
        )
