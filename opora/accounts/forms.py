"""Forms of user administration; choices are limited to what the user may hand out, and the
services check the same rules again."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.accounts import selectors
from opora.accounts.choices import AccountState, RoleStatus
from opora.core.access import UserLike
from opora.core.choices import Role
from opora.registry.models import Organization, Person

CHOOSE = _("— выберите —")


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.territory.name})"


def _role_field(user: UserLike) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Роль"),
        choices=[("", CHOOSE), *((r.value, r.label) for r in selectors.role_choices(user))],
    )


class RoleFormMixin(forms.Form):
    """An organisation and a role in it that the user may grant."""

    user: UserLike

    def _setup_role_fields(self, user: UserLike) -> None:
        self.user = user
        self.fields["organization"] = OrganizationChoiceField(
            label=_("Организация"),
            queryset=selectors.manageable_organizations(user),
            empty_label=CHOOSE,
        )
        self.fields["role"] = _role_field(user)
        self.fields["position"] = forms.CharField(
            label=_("Должность"),
            required=False,
            max_length=255,
            help_text=_("Например: заместитель директора по УВР, учитель математики."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organization, role = data.get("organization"), data.get("role")
        if organization is not None and role:
            refusal = selectors.role_refusal(self.user, organization, role)
            if refusal is not None:
                self.add_error("role", refusal)
        return data


class InviteForm(RoleFormMixin):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    middle_name = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Эл. почта"),
        help_text=_("На неё придёт приглашение; она же станет именем пользователя для входа."),
    )
    phone = forms.CharField(label=_("Телефон"), max_length=64, required=False)
    send = forms.BooleanField(
        label=_("Отправить приглашение сейчас"),
        required=False,
        initial=True,
        help_text=_("Без письма учётная запись создаётся, а приглашение можно отправить позже."),
    )

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_role_fields(user)
        self.order_fields(
            [
                "last_name",
                "first_name",
                "middle_name",
                "email",
                "phone",
                "organization",
                "role",
                "position",
                "send",
            ]
        )


class GrantForm(RoleFormMixin):
    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_role_fields(user)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["last_name", "first_name", "middle_name", "email", "phone"]


class OrganizationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganizationChoiceField


class PersonFilter(django_filters.FilterSet):
    """The people list's filters: one membership must match organisation, role and status."""

    q = django_filters.CharFilter(label=_("ФИО или эл. почта"), method="filter_q")
    organization = OrganizationFilter(
        label=_("Организация"),
        queryset=Organization.objects.none(),
        method="filter_nothing",
        empty_label=_("Все"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Роль"), choices=Role.choices, method="filter_nothing", empty_label=_("Все")
    )
    status = django_filters.ChoiceFilter(
        label=_("Роли"),
        choices=RoleStatus.choices,
        method="filter_nothing",
        empty_label=_("Действующие и снятые"),
    )
    account = django_filters.ChoiceFilter(
        label=_("Учётная запись"),
        choices=AccountState.choices,
        method="filter_account",
        empty_label=_("Все"),
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["organization"].queryset = selectors.manageable_organizations(user)

    def filter_q(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return selectors.person_search(qs, value) if value.strip() else qs

    def filter_nothing(self, qs: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        # Organisation, role and status are applied together in filter_queryset.
        return qs

    def filter_account(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return selectors.person_state_filter(qs, value)

    def filter_queryset(self, queryset: QuerySet[Person]) -> QuerySet[Person]:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return selectors.person_membership_filter(
            qs,
            self.user,
            organization=data.get("organization"),
            role=data.get("role") or "",
            status=data.get("status") or "",
        )
