"""REST API of the registry: the same reach as the UI, writes through services.

An object outside the user's reach answers 404; an object the user may see but not change
answers 403 on a write.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.request import Request

from opora.core.access import Action, can, reach, restrict
from opora.core.audit import audit_actor_set
from opora.registry import services
from opora.registry.choices import Locality, OrganizationKind, SchoolType
from opora.registry.models import Organization, Programme, Territory
from opora.registry.selectors import school_search

SCHOOL_FIELDS = ("school_type", "number", "locality", "enrolment", "director_name")
ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "territory",
    "parent",
    "partner_kind",
    "ownership",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
)


class VisibleTerritoryField(serializers.PrimaryKeyRelatedField):
    """A territory id; territories outside the user's reach do not exist for the API."""

    default_error_messages = {
        "does_not_exist": "Территория «{pk_value}» не найдена.",
        "incorrect_type": "Ожидается номер территории.",
        "required": "Укажите территорию.",
    }

    def get_queryset(self) -> QuerySet[Territory]:
        return restrict(Territory.objects.all(), self.context["request"].user)


class VisibleOrganizationField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": "Организация «{pk_value}» не найдена."}

    def get_queryset(self) -> QuerySet[Organization]:
        return restrict(Organization.objects.all(), self.context["request"].user)


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "name", "kind", "code", "depth", "path"]


class OrganizationSerializer(serializers.ModelSerializer):
    territory = VisibleTerritoryField()
    # DRF's metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent = VisibleOrganizationField(required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Organization
        fields = ["id", "kind", "code", *ORGANIZATION_FIELDS]
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def validate_kind(self, value: str) -> str:
        if value == OrganizationKind.SCHOOL:
            raise serializers.ValidationError(_("Школы создаются через /api/schools/."))
        return value


class SchoolSerializer(serializers.ModelSerializer):
    territory = VisibleTerritoryField()
    # DRF's metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent = VisibleOrganizationField(required=False, allow_null=True)  # type: ignore[assignment]
    school_type = serializers.ChoiceField(choices=SchoolType.choices, source="school.school_type")
    number = serializers.CharField(
        source="school.number", required=False, allow_blank=True, max_length=16
    )
    locality = serializers.ChoiceField(
        choices=Locality.choices, source="school.locality", required=False
    )
    enrolment = serializers.IntegerField(
        source="school.enrolment", required=False, allow_null=True, min_value=0
    )
    director_name = serializers.CharField(
        source="school.director_name", required=False, allow_blank=True, max_length=255
    )

    class Meta:
        model = Organization
        fields = ["id", "code", *ORGANIZATION_FIELDS, *SCHOOL_FIELDS]
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def validate_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(_("Код школы не меняется: это её ключ в реестре."))
        if self.instance is None and Organization.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Организация с кодом «%s» уже есть.") % value)
        return value


class ProgrammeSerializer(serializers.ModelSerializer):
    schools = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "owner",
            "starts_on",
            "ends_on",
            "goal",
            "tasks",
            "order_number",
            "order_date",
            "schools",
        ]

    def get_schools(self, programme: Programme) -> list[int]:
        """Ids of the participating schools the user may see."""
        visible: set[int] = self.context["visible_school_ids"]
        return [
            ps.school_id for ps in programme.programmeschool_set.all() if ps.school_id in visible
        ]


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Название, номер или код")
    territory = django_filters.NumberFilter(
        method="filter_territory", label="Территория (с входящими)"
    )
    school_type = django_filters.ChoiceFilter(
        field_name="school__school_type", choices=SchoolType.choices
    )
    locality = django_filters.ChoiceFilter(field_name="school__locality", choices=Locality.choices)

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return school_search(qs, value)

    def filter_territory(
        self, qs: QuerySet[Organization], name: str, value: int
    ) -> QuerySet[Organization]:
        territory = restrict(Territory.objects.all(), self.request.user).filter(pk=value).first()
        if territory is None:
            return qs.none()
        return qs.filter(territory__path__startswith=territory.path)


def _check_change(request: Request, organization: Organization) -> None:
    if not can(request.user, Action.CHANGE, organization):
        raise PermissionDenied(_("Нет прав на изменение «%s».") % organization.short_name)


def _check_create(request: Request, territory: Territory) -> None:
    """New organisations go only where a territory-wide role of the user may change things."""
    r = reach(request.user, Action.CHANGE)
    if not (r.everything or any(territory.path.startswith(p) for p in r.territory_paths)):
        raise PermissionDenied(
            _("Нет прав добавлять организации на территорию «%s».") % territory.name
        )


def _raise_as_api_error(exc: DjangoValidationError) -> None:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    raise APIValidationError(detail) from exc


class AuditedViewSetMixin:
    """Records the token-authenticated user as the actor of audited changes."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        audit_actor_set(request.user)


class WriteViewSet(
    AuditedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update; deleting registry records is left to the admin."""


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Territories in the user's reach (and their ancestors)."""

    serializer_class = TerritorySerializer

    def get_queryset(self) -> QuerySet[Territory]:
        return restrict(Territory.objects.order_by("path"), self.request.user)


class OrganizationViewSet(WriteViewSet):
    """Organisations other than schools: authorities, methodical centres, partners."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Organization]:
        qs = (
            Organization.objects.exclude(kind=OrganizationKind.SCHOOL)
            .select_related("territory")
            .order_by("short_name")
        )
        return restrict(qs, self.request.user)

    def perform_create(self, serializer: Any) -> None:
        values = dict(serializer.validated_data)
        _check_create(self.request, values["territory"])
        try:
            serializer.instance = services.organization_create(**values)
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)

    def perform_update(self, serializer: Any) -> None:
        _check_change(self.request, serializer.instance)
        values = dict(serializer.validated_data)
        values.pop("kind", None)
        values.pop("code", None)
        try:
            services.organization_update(organization=serializer.instance, **values)
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)


class SchoolViewSet(WriteViewSet):
    """Schools with their attributes; filter by q, territory, school_type, locality."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter

    def get_queryset(self) -> QuerySet[Organization]:
        qs = (
            Organization.objects.filter(kind=OrganizationKind.SCHOOL)
            .select_related("school", "territory")
            .order_by("short_name")
        )
        return restrict(qs, self.request.user)

    @staticmethod
    def _split(validated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        school_values = dict(validated.pop("school", {}))
        organization_values = {k: v for k, v in validated.items() if k in ORGANIZATION_FIELDS}
        for key in ("territory", "parent"):
            if key in organization_values:
                related = organization_values.pop(key)
                organization_values[f"{key}_id"] = related.pk if related else None
        return organization_values, school_values

    def perform_create(self, serializer: Any) -> None:
        validated = dict(serializer.validated_data)
        _check_create(self.request, validated["territory"])
        code = validated.pop("code")
        organization_values, school_values = self._split(validated)
        organization_values.setdefault("short_name", organization_values.get("name", ""))
        try:
            serializer.instance = services.school_save(
                code=code,
                organization=None,
                organization_values=organization_values,
                school_values=school_values,
            )
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)

    def perform_update(self, serializer: Any) -> None:
        school = serializer.instance
        _check_change(self.request, school)
        validated = dict(serializer.validated_data)
        validated.pop("code", None)
        organization_values, school_values = self._split(validated)
        if (
            "territory_id" in organization_values
            and organization_values["territory_id"] != school.territory_id
        ):
            _check_create(
                self.request, Territory.objects.get(pk=organization_values["territory_id"])
            )
        try:
            serializer.instance = services.school_save(
                code=school.code,
                organization=school,
                organization_values=organization_values,
                school_values=school_values,
            )
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes the user may see, with the ids of the visible participating schools."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return (
            restrict(Programme.objects.all(), self.request.user)
            .prefetch_related("programmeschool_set")
            .order_by("-starts_on", "name")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["visible_school_ids"] = set(
            restrict(
                Organization.objects.filter(kind=OrganizationKind.SCHOOL), self.request.user
            ).values_list("pk", flat=True)
        )
        return context
