"""Forms for editing registry records; they validate, services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.access import UserLike
from opora.core.selects import RussianSelects
from opora.registry import selectors
from opora.registry.choices import OrganizationKind, PartnerKind
from opora.registry.models import Order, Organization, Programme, SchoolProfile, Territory


class OrganizationForm(RussianSelects, forms.ModelForm):
    website = forms.URLField(label=_("Сайт"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "short_name", "ownership", "address", "phone", "email", "website"]


NON_SCHOOL_KINDS = [
    (value, label) for value, label in OrganizationKind.choices if value != OrganizationKind.SCHOOL
]
CHOOSE = _("— выберите —")


class NonSchoolOrganizationForm(OrganizationForm):
    """A department of education, methodical centre or partner: placed on a territory the
    user may add organisations to, optionally under a parent organisation they see."""

    class Meta(OrganizationForm.Meta):
        fields = [
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
        ]

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        current = self.instance.territory_id if self.instance.pk else None
        # The organisation's own territory stays a choice even if the user could not add
        # organisations there, so that saving other fields never moves it.
        territory.queryset = (  # type: ignore[attr-defined]
            selectors.creatable_territories(user) | Territory.objects.filter(pk=current)
        ).distinct()
        territory.empty_label = CHOOSE  # type: ignore[attr-defined]
        parent = self.fields["parent"]
        parent.queryset = selectors.parent_organization_choices(  # type: ignore[attr-defined]
            user, self.instance
        )
        parent.empty_label = _("— нет —")  # type: ignore[attr-defined]
        parent.help_text = _("Например, департамент образования для методического центра.")
        partner_kind = self.fields["partner_kind"]
        partner_kind.choices = [("", CHOOSE), *PartnerKind.choices]  # type: ignore[attr-defined]
        partner_kind.help_text = _("Только для организаций-партнёров.")
        if self.instance.pk and self.instance.kind != OrganizationKind.PARTNER:
            del self.fields["partner_kind"]


class OrganizationCreateForm(NonSchoolOrganizationForm):
    kind = forms.ChoiceField(label=_("Тип"), choices=[("", CHOOSE), *NON_SCHOOL_KINDS])

    class Meta(NonSchoolOrganizationForm.Meta):
        fields = ["kind", "code", *NonSchoolOrganizationForm.Meta.fields]

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.order_fields(["kind", "code"])


class SchoolProfileForm(RussianSelects, forms.ModelForm):
    class Meta:
        model = SchoolProfile
        fields = ["school_type", "number", "locality", "enrolment", "director_name"]


class SchoolCreateForm(OrganizationForm):
    """The organisation part of a new school: its code and territory besides the common fields."""

    class Meta(OrganizationForm.Meta):
        fields = ["code", "territory", *OrganizationForm.Meta.fields]

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        territory.queryset = selectors.creatable_territories(user)  # type: ignore[attr-defined]


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(RussianSelects, forms.ModelForm):
    schools = forms.ModelMultipleChoiceField(
        label=_("Школы-участники"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Удерживайте Ctrl (⌘ на Mac), чтобы выбрать несколько школ."),
    )

    class Meta:
        model = Programme
        # The approving order is its own transition (ProgrammeApproveForm), not an edit.
        fields = ["name", "owner", "starts_on", "ends_on", "goal", "tasks"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.programme_owner_choices(  # type: ignore[attr-defined]
            user
        )
        schools = self.fields["schools"]
        schools.queryset = selectors.programme_school_choices(user)  # type: ignore[attr-defined]
        if self.instance.pk:
            schools.initial = list(self.instance.schools.values_list("pk", flat=True))

    def programme_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "schools"}

    def selected_schools(self) -> list[Organization]:
        """The chosen schools plus participants the user cannot change, which stay as they are."""
        chosen = list(self.cleaned_data["schools"])
        if not self.instance.pk:
            return chosen
        choices = self.fields["schools"].queryset  # type: ignore[attr-defined]
        return chosen + list(self.instance.schools.exclude(pk__in=choices.values("pk")))


class OrderChoiceField(forms.ModelChoiceField):
    """A registered order, shown by its number, date and title."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} «{obj.title[:100]}»"


class OrderApproveForm(RussianSelects, forms.Form):
    """An approval step: choose one of the issuer's registered orders of the right kind."""

    order = OrderChoiceField(
        label=_("Приказ об утверждении"),
        queryset=Order.objects.none(),
        help_text=_(
            "Зарегистрированный приказ. Если его ещё нет в Опоре, подготовьте проект приказа, "
            "подпишите и зарегистрируйте его."
        ),
    )

    def __init__(
        self, *args: Any, user: UserLike, issuer: Organization | None, kind: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["order"]
        field.queryset = (  # type: ignore[attr-defined]
            selectors.order_approval_choices(user, issuer, kind)
            if issuer is not None
            else Order.objects.none()
        )


class ProgrammeApproveForm(OrderApproveForm):
    pass


class OrderDraftForm(RussianSelects, forms.ModelForm):
    class Meta:
        model = Order
        fields = ["issuer", "kind", "title", "signatory", "note"]
        labels = {"note": _("Пункты приказа (по одному в строке) и примечания")}
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": _("Об утверждении …")}),
            "note": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuers = selectors.order_issuer_choices(user)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]
        if not self.instance.pk and issuers.count() == 1:
            self.fields["issuer"].initial = issuers.first()


class OrderRegisterForm(forms.Form):
    number = forms.CharField(label=_("Номер"), max_length=64, required=False)
    date = forms.DateField(label=_("Дата"), widget=DATE_INPUT, required=False)
    signatory = forms.CharField(
        label=_("Подписал"),
        max_length=255,
        required=False,
        help_text=_("Должность и фамилия, например: «Начальник управления И. О. Петрова»."),
    )
    file = forms.FileField(
        label=_("Подписанный приказ"),
        required=False,
        help_text=_("PDF, документ Word или скан (JPG, PNG)."),
    )


class OrderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина отмены"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
