"""Forms of the events pages; the services check everything that matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.choices import Role
from opora.core.selects import EMPTY_OPTIONAL, RussianSelects
from opora.events.choices import EventKind
from opora.events.models import AUDIENCE_ROLES, Event
from opora.registry.models import Territory
from opora.results.models import Subject

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(RussianSelects, forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        label=_("Для кого"),
        choices=[(r.value, r.label) for r in AUDIENCE_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ничего не отмечено — для всех работников школ."),
    )
    online_url = forms.URLField(
        label=_("Ссылка на трансляцию"), required=False, max_length=500, assume_scheme="https"
    )
    programme = forms.FileField(
        label=_("Программа мероприятия"),
        required=False,
        help_text=_("PDF, документ или презентация."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "organizer",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "hours",
            "audience_territory",
            "audience_schools",
            "audience_roles",
            "subjects",
            "description",
            "activity",
            "is_public",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            "audience_schools": forms.SelectMultiple(attrs={"size": 6}),
            "subjects": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(
        self,
        *args: Any,
        organizers: Any,
        schools: Any,
        territories: Any,
        activities: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organizer"].queryset = organizers
        fields["organizer"].empty_label = None
        fields["audience_schools"].queryset = schools
        fields["audience_schools"].required = False
        territory = fields["audience_territory"]
        territory.queryset = territories
        territory.empty_label = EMPTY_OPTIONAL
        fields["subjects"].queryset = Subject.objects.order_by("name")
        fields["kind"].choices = EventKind.choices
        activity = fields["activity"]
        activity.queryset = activities
        activity.empty_label = EMPTY_OPTIONAL
        activity.label_from_instance = activity_label
        for name in ("starts_at", "ends_at"):
            fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"]

    def clean_audience_roles(self) -> list[str]:
        return [Role(r).value for r in self.cleaned_data["audience_roles"]]


def activity_label(activity: Any) -> str:
    text = " ".join(activity.text.split())
    text = text if len(text) <= 90 else text[:89] + "…"
    return f"{activity.roadmap.title[:60]}: {activity.number} {text}".strip()


def territory_choices(organizers: Any) -> Any:
    """The territories of the organisers the user may hold events for, and below them."""
    paths = {o.territory.path for o in organizers.select_related("territory")}
    q = Territory.objects.none()
    for path in paths:
        q = q | Territory.objects.filter(path__startswith=path)
    return q.order_by("path")


class NominateForm(forms.Form):
    teachers: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Педагоги"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Педагоги вашей школы из реестра кадров."),
    )

    def __init__(self, *args: Any, teachers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["teachers"]
        field.queryset = teachers
        field.label_from_instance = lambda t: t.full_name


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Выгрузка участников вебинара (.xlsx)"),
        help_text=_(
            "Столбцы «ФИО» и (или) «E-mail»; каждая строка должна найтись среди записанных."
        ),
    )


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Название"), max_length=500, required=False)
    file = forms.FileField(label=_("Файл"), required=False)
    url = forms.URLField(
        label=_("или ссылка (запись трансляции)"), required=False, assume_scheme="https"
    )
