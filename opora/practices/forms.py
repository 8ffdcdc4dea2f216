"""Forms of the practice bank's pages; the services check everything that matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.selects import RussianSelects
from opora.registry.models import Organization
from opora.roadmaps.models import Section

# --- bank ---

# --- effect ---

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """«School: roadmap — section» (a school's roadmap; a municipal one has no school)."""
        roadmap = obj.roadmap
        school = f"{roadmap.school.short_name}: " if roadmap.school else ""
        return f"{school}{roadmap.title} — {obj.number} {obj.title}".strip()


class AdoptionForm(RussianSelects, forms.Form):
    """A school takes up a practice; optionally as an activity of its roadmap."""

    school: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Школа"), queryset=Organization.objects.none(), empty_label=None
    )
    adopted_on = forms.DateField(label=_("Внедряется с"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Как применяется"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Что школа берёт из практики и что меняет под себя."),
    )
    section = SectionChoiceField(
        label=_("Добавить в дорожную карту (раздел)"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("— не добавлять —"),
        help_text=_(
            "Можно выбрать раздел проекта дорожной карты школы (черновик или на доработке)."
        ),
    )
    responsible = forms.CharField(label=_("Ответственный"), required=False, max_length=500)
    due_on = forms.DateField(label=_("Срок"), required=False, widget=DATE_INPUT)

    def __init__(
        self, *args: Any, user: User | AnonymousUser, schools: Any, sections: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("adopted_on", dates.today())
        super().__init__(*args, **kwargs)
        school: Any = self.fields["school"]
        school.queryset = schools
        section: Any = self.fields["section"]
        if not isinstance(sections, QuerySet):
            sections = Section.objects.filter(pk__in=[s.pk for s in sections]).select_related(
                "roadmap__school"
            )
        section.queryset = sections
