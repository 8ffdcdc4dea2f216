"""REST API of the practice bank, read-only: the published bank and what else the user may see
(their organisation's drafts, practices under review in a handler's reach)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from opora.practices import selectors
from opora.practices.choices import PracticeStatus
from opora.practices.models import Practice
from opora.roadmaps.library import PROBLEM_TYPES
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---


class PracticeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Practice
        fields = (
            "id",
            "title",
            "summary",
            "organization",
            "organization_name",
            "problem_types",
            "risk_factors",
            "grades",
            "description",
            "conditions",
            "declared_effect",
            "started_on",
            "status",
            "status_display",
            "root",
            "version",
            "published_at",
        )


class PracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Practices the user may see; without `status`, the published bank. Filters: `q` (text),
    `problem_type`, `risk_factor`, `grade`, `status`."""

    serializer_class = PracticeSerializer

    def get_queryset(self) -> QuerySet[Practice]:
        params = self.request.query_params
        filters = selectors.BankFilter(text=params.get("q", "")[:200])
        problem = params.get("problem_type", "")
        if problem and problem not in PROBLEM_TYPES:
            raise ValidationError({"problem_type": "Неизвестный тип проблемы."})
        factor = params.get("risk_factor", "")
        if factor and factor not in RiskFactor.values:
            raise ValidationError({"risk_factor": "Неизвестный фактор риска."})
        status = params.get("status", "")
        if status and status not in PracticeStatus.values:
            raise ValidationError({"status": "Неизвестное состояние практики."})
        grade = params.get("grade", "")
        if grade and not (grade.isdigit() and 1 <= int(grade) <= 11):
            raise ValidationError({"grade": "Класс — число от 1 до 11."})
        filters.problem_type, filters.risk_factor, filters.status = problem, factor, status
        filters.grade = int(grade) if grade else None
        if self.action == "retrieve":
            # One practice by id: any the user may see, not only the published bank.
            return selectors.practice_list_all(self.request.user)
        return selectors.practice_list(self.request.user, filters)
