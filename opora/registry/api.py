"""REST API of the registry: the same reach as the UI, writes through services.

An object outside the user's reach answers 404; an object the user may see but not change
answers 403 on a write, before the request body is even validated. New organisations (and
moves to another territory) are for territory-wide roles, within their territory only.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from opora.core.access import Action, UserLike, permits
from opora.core.audit import audit_actor_set
from opora.registry import selectors, services
from opora.registry.choices import Locality, OrganizationKind, SchoolType
from opora.registry.models import Order, Organization, Programme, Territory

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
# Viewset actions that change an existing object and so need Action.CHANGE on it.
WRITE_ACTIONS = frozenset({"update", "partial_update", "destroy"})


# --- Fields and serializers ----------------------------------------------------------------


class VisibleTerritoryField(serializers.PrimaryKeyRelatedField):
    """A territory id; territories outside the user's reach do not exist for the API."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Территория «{pk_value}» не найдена."),
        "incorrect_type": gettext_lazy("Ожидается номер территории."),
        "required": gettext_lazy("Укажите территорию."),
        "null": gettext_lazy("Укажите территорию."),
    }

    def get_queryset(self) -> QuerySet[Territory]:
        return selectors.territory_list(self.context["request"].user)


class VisibleOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organisation id; organisations outside the user's reach do not exist for the API."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Организация «{pk_value}» не найдена."),
        "incorrect_type": gettext_lazy("Ожидается номер организации."),
    }

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.organization_list(self.context["request"].user)


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "name", "kind", "code", "depth", "path"]


class RegistryCodeMixin:
    """The code is the organisation's key in the registry: unique, and fixed once created."""

    instance: Organization | None

    def validate_code(self, value: str) -> str:
        if self.instance is not None:
            if value != self.instance.code:
                raise serializers.ValidationError(
                    _("Код не меняется: это ключ организации в реестре.")
                )
            return value
        if selectors.organization_code_taken(value):
            raise serializers.ValidationError(_("Организация с кодом «%s» уже есть.") % value)
        return value

    def validate_parent(self, value: Organization | None) -> Organization | None:
        if value is not None and self.instance is not None and value.pk == self.instance.pk:
            raise serializers.ValidationError(
                _("Организация не может быть вышестоящей для самой себя.")
            )
        return value


class OrganizationSerializer(RegistryCodeMixin, serializers.ModelSerializer):
    territory = VisibleTerritoryField()
    # DRF's metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent = VisibleOrganizationField(required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Organization
        fields = ["id", "kind", "code", *ORGANIZATION_FIELDS]
        # Uniqueness is checked by validate_code with a Russian message.
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def validate_kind(self, value: str) -> str:
        if value == OrganizationKind.SCHOOL:
            raise serializers.ValidationError(_("Школы создаются и меняются через /api/schools/."))
        return value


class SchoolSerializer(RegistryCodeMixin, serializers.ModelSerializer):
    """A school: its organisation record with the school profile's fields alongside."""

    territory = VisibleTerritoryField()
    # DRF's metaclass pops declared fields, so this does not shadow Field.parent at runtime.
    parent = VisibleOrganizationField(required=False, allow_null=True)  # type: ignore[assignment]
    school_type = serializers.ChoiceField(
        choices=SchoolType.choices, source="school.school_type", label=gettext_lazy("вид ОО")
    )
    number = serializers.CharField(
        source="school.number",
        required=False,
        allow_blank=True,
        max_length=16,
        label=gettext_lazy("номер"),
    )
    locality = serializers.ChoiceField(
        choices=Locality.choices,
        source="school.locality",
        required=False,
        label=gettext_lazy("местность"),
    )
    enrolment = serializers.IntegerField(
        source="school.enrolment",
        required=False,
        allow_null=True,
        min_value=0,
        label=gettext_lazy("численность обучающихся"),
    )
    director_name = serializers.CharField(
        source="school.director_name",
        required=False,
        allow_blank=True,
        max_length=255,
        label=gettext_lazy("директор"),
    )

    class Meta:
        model = Organization
        fields = ["id", "code", *ORGANIZATION_FIELDS, *SCHOOL_FIELDS]
        extra_kwargs: dict[str, Any] = {
            "code": {"validators": []},
            # A new school without a short name takes its full name.
            "short_name": {"required": False},
        }


class ProgrammeSerializer(serializers.ModelSerializer):
    schools = serializers.SerializerMethodField()
    # From the registered approving order (registry.Order), the one source of truth.
    order_number = serializers.CharField(read_only=True)
    order_date = serializers.DateField(read_only=True, allow_null=True)

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
            "order",
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


# --- Filters -------------------------------------------------------------------------------


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label=gettext_lazy("Наименование, краткое наименование, номер или код")
    )
    territory = django_filters.NumberFilter(
        method="filter_territory", label=gettext_lazy("Территория (вместе с входящими в неё)")
    )
    school_type = django_filters.ChoiceFilter(
        field_name="school__school_type", choices=SchoolType.choices
    )
    locality = django_filters.ChoiceFilter(field_name="school__locality", choices=Locality.choices)

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return selectors.school_search(qs, value)

    def filter_territory(
        self, qs: QuerySet[Organization], name: str, value: int
    ) -> QuerySet[Organization]:
        territory = selectors.territory_find(self.request.user, value)
        if territory is None:
            return qs.none()
        return qs.filter(territory__path__startswith=territory.path)


# --- Access checks -------------------------------------------------------------------------


def _may_place_anywhere(user: UserLike) -> bool:
    """Whether the user holds a territory-wide right to change (or is a superuser)."""
    return selectors.creatable_territories(user).exists()


def _check_placement(user: UserLike, territory: Territory) -> None:
    """Organisations are added to (or moved into) a territory by a role that covers it."""
    if not selectors.creatable_territories(user).filter(pk=territory.pk).exists():
        raise PermissionDenied(
            _("Нет прав добавлять организации на территорию «%s».") % territory.name
        )


def _raise_as_api_error(exc: DjangoValidationError) -> None:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    raise APIValidationError(detail) from exc


# --- Viewsets ------------------------------------------------------------------------------


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and finds objects in the user's VIEW reach; writes need CHANGE on the object.

    Subclasses implement `get_queryset` with a registry selector (with the joins the
    serializer needs), which applies the reach. Missing and out-of-reach objects get the same
    404.
    """

    def get_object(self) -> Any:
        obj = super().get_object()  # missing: «Не найдено.» (opora.core.api.exception_handler)
        if self.action in WRITE_ACTIONS and not permits(self.request.user, obj, Action.CHANGE):
            raise PermissionDenied(_("Нет прав на изменение «%s».") % obj)
        return obj


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List and read."""


class WriteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """List, read, create and update; deleting registry records is left to the admin."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # auditlog's middleware ran before DRF authenticated the token: name the actor now.
        audit_actor_set(request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused before validation, which would otherwise tell anyone which codes exist.
        if not _may_place_anywhere(request.user):
            raise PermissionDenied(_("Нет прав добавлять организации."))
        return super().create(request, *args, **kwargs)


_READ_SCHEMA = {
    "list": extend_schema(summary="Список"),
    "retrieve": extend_schema(summary="Карточка"),
}
_WRITE_SCHEMA = {
    **_READ_SCHEMA,
    "create": extend_schema(summary="Добавить"),
    "update": extend_schema(summary="Изменить (все поля)"),
    "partial_update": extend_schema(summary="Изменить (отдельные поля)"),
}


@extend_schema_view(**_READ_SCHEMA)
class TerritoryViewSet(ReadOnlyViewSet):
    """Territories in the user's reach (and their ancestors)."""

    serializer_class = TerritorySerializer

    def get_queryset(self) -> QuerySet[Territory]:
        return selectors.territory_list(self.request.user)


@extend_schema_view(**_WRITE_SCHEMA)
class OrganizationViewSet(WriteViewSet):
    """Organisations other than schools: authorities, methodical centres, partners."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Organization]:
        return (
            selectors.organization_list(self.request.user)
            .exclude(kind=OrganizationKind.SCHOOL)
            .order_by("short_name")
        )

    def perform_create(self, serializer: Any) -> None:
        values = dict(serializer.validated_data)
        _check_placement(self.request.user, values["territory"])
        try:
            serializer.instance = services.organization_create(**values)
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)

    def perform_update(self, serializer: Any) -> None:
        organization: Organization = serializer.instance
        values = dict(serializer.validated_data)
        values.pop("code", None)
        territory = values.get("territory")
        if territory is not None and territory.pk != organization.territory_id:
            _check_placement(self.request.user, territory)
        try:
            services.organization_update(organization=organization, **values)
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)


@extend_schema_view(**_WRITE_SCHEMA)
class SchoolViewSet(WriteViewSet):
    """Schools with their attributes; filter by q, territory, school_type, locality."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter

    def get_queryset(self) -> QuerySet[Organization]:
        return selectors.school_list(self.request.user).order_by("short_name")

    @staticmethod
    def _split(validated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The organisation's and the profile's values, as `services.school_save` takes them."""
        school_values = dict(validated.pop("school", {}))
        organization_values = {k: v for k, v in validated.items() if k in ORGANIZATION_FIELDS}
        for key in ("territory", "parent"):
            if key in organization_values:
                related = organization_values.pop(key)
                organization_values[f"{key}_id"] = related.pk if related else None
        return organization_values, school_values

    def perform_create(self, serializer: Any) -> None:
        validated = dict(serializer.validated_data)
        _check_placement(self.request.user, validated["territory"])
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
        school: Organization = serializer.instance
        validated = dict(serializer.validated_data)
        validated.pop("code", None)
        territory = validated.get("territory")
        if territory is not None and territory.pk != school.territory_id:
            _check_placement(self.request.user, territory)
        organization_values, school_values = self._split(validated)
        try:
            serializer.instance = services.school_save(
                code=school.code,
                organization=school,
                organization_values=organization_values,
                school_values=school_values,
            )
        except DjangoValidationError as exc:
            _raise_as_api_error(exc)


@extend_schema_view(**_READ_SCHEMA)
class ProgrammeViewSet(ReadOnlyViewSet):
    """Programmes the user may see, with the ids of the visible participating schools."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        return (
            selectors.programme_list(self.request.user)
            .select_related("order")
            .prefetch_related("programmeschool_set")
            .order_by("-starts_on", "name")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["visible_school_ids"] = selectors.school_ids_visible(self.request.user)
        return context


class OrderSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.short_name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "issuer",
            "issuer_name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "title",
            "number",
            "date",
            "signatory",
            "registered_at",
            "cancel_reason",
        ]


class OrderViewSet(ReadOnlyViewSet):
    """Orders (приказы) of the authorities the user reaches; read-only — orders are drafted,
    registered and cancelled on their pages. `?status=registered`, `?kind=`, `?year=`."""

    serializer_class = OrderSerializer

    def get_queryset(self) -> QuerySet[Order]:
        qs = selectors.order_list(self.request.user).order_by("-date", "-pk")
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if (params.get("year") or "").isdigit():
            qs = qs.filter(year=int(params["year"]))
        return qs
