"""The one form of the public app: a programme's publication settings."""

from __future__ import annotations

from django import forms

from opora.public.models import ProgrammePublication


class ProgrammePublicationForm(forms.ModelForm):
    class Meta:
        model = ProgrammePublication
        fields = ["is_public", "show_school_names", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 5})}
