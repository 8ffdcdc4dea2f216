"""Forms for editing registry records; they validate, services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.registry.models import Organization, Programme, SchoolProfile


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("Сайт"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "short_name", "ownership", "address", "phone", "email", "website"]


class SchoolProfileForm(forms.ModelForm):
    class Meta:
        model = SchoolProfile
        fields = ["school_type", "number", "locality", "enrolment", "director_name"]


class ProgrammeApproveForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["order_number", "order_date"]
        widgets = {"order_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["order_number"].required = True
        self.fields["order_date"].required = True
