"""REST API of the support network, read-only: mentor pairs and curator assignments, with
the same reach as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from opora.core.access import Action
from opora.registry.models import CuratorAssignment
from opora.support import selectors
from opora.support.models import MentorPair

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
