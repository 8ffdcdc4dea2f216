from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from opora.core.access import Action, UserLike, can
from opora.registry import selectors as registry_selectors
from opora.registry.choices import OrderKind
from opora.registry.forms import OrderChoiceField
from opora.registry.models import Order, Organization, Programme
from opora.roadmaps import selectors
from opora.roadmaps.choices import (
    EvidenceKind,
    MeasureTopic,
    PreviewRowKind,
    ReportOutcome,
    RoadmapKind,
)
from opora.roadmaps.drafts import ROW_FIELDS, DraftRow
from opora.roadmaps.library import MEASURES, PROBLEM_TYPES
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.schedule import parse_schedule
from opora.roadmaps.seeds import SEED_TEMPLATES
from opora.surveys.choices import RiskFactor

ROADMAP_SUFFIXES = (".docx", ".xlsx")


class RoadmapTargetForm(forms.Form):
    """Whose roadmap it is: the programme's own or one school's, and of which kind."""

    kind = forms.ChoiceField(label=_("Вид"), choices=RoadmapKind.choices)
    school = forms.ModelChoiceField(
        label=_("Школа"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— нет: дорожная карта самой программы —"),
        help_text=_("Пусто — дорожная карта самой программы."),
    )

    def __init__(self, *args: Any, user: UserLike, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.owner_may_change = can(user, Action.CHANGE, programme.owner)
        schools = selectors.roadmap_schools(user, programme)
        field: Any = self.fields["school"]
        field.queryset = schools
        if not self.owner_may_change:
            field.required = True
            field.empty_label = None
            field.help_text = ""
            self.fields["kind"].initial = RoadmapKind.TRANSITION

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        school = data.get("school")
        kind = data.get("kind")
        if school is None and kind and kind != RoadmapKind.MUNICIPAL:
            self.add_error("school", _("Программа этого вида составляется для школы: выберите её."))
        if school is not None and kind == RoadmapKind.MUNICIPAL:
            self.add_error("kind", _("У школы — программа школы, а не дорожная карта органа."))
        return data


class RoadmapFromTemplateForm(RoadmapTargetForm):
    template = forms.ChoiceField(
        label=_("Шаблон"), choices=[(t.slug, t.title) for t in SEED_TEMPLATES]
    )
    title = forms.CharField(
        label=_("Название"),
        max_length=1000,
        required=False,
        help_text=_("Если пусто — как в шаблоне."),
    )

    field_order = ["template", "title", "kind", "school"]


class RoadmapUploadForm(RoadmapTargetForm):
    file = forms.FileField(
        label=_("Файл дорожной карты"),
        help_text=_("Документ Word (.docx) или книга Excel (.xlsx) с таблицей мероприятий."),
    )

    field_order = ["file", "kind", "school"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(ROADMAP_SUFFIXES) and not name.endswith((".pdf", ".doc", ".xls")):
            raise forms.ValidationError(
                _("Файл «%(name)s»: нужен документ Word (.docx) или книга Excel (.xlsx).")
                % {"name": upload.name}
            )
        if upload.size > settings.OPORA_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Файл больше %(mb)s МБ.") % {"mb": settings.OPORA_MAX_UPLOAD_MB}
            )
        return upload


def preview_rows_from_post(
    data: QueryDict, recognised: list[DraftRow]
) -> tuple[list[DraftRow], list[int]]:
    """The preview's rows as the user corrected them, in the order shown, and the rows to
    move into the previous section. Each posted row names the recognised row it came from
    (`r-N-origin`, by default the row in that place), which supplies what the preview does
    not edit and what the post leaves out; a row named twice or from nowhere is ignored, and
    a recognised row the post lacks is kept at the end, so that nothing from the file is
    lost to a stale form."""
    rows: list[DraftRow] = []
    moves: list[int] = []
    used: set[int] = set()
    count = _int(data.get("rows"))
    for position in range(min(len(recognised) if count is None else count, len(recognised))):
        prefix = f"r-{position}-"
        origin = _int(data.get(prefix + "origin", str(position)))
        if origin is None or not 0 <= origin < len(recognised) or origin in used:
            continue
        used.add(origin)
        source = recognised[origin]
        kind = data.get(prefix + "kind", "")
        edited = {name: data.get(prefix + name, getattr(source, name)) for name in ROW_FIELDS}
        row = replace(
            source,
            kind=kind if kind in PreviewRowKind.values else source.kind,
            **{name: value.strip() for name, value in edited.items()},
        )
        if data.get(prefix + "move"):
            moves.append(len(rows))
        rows.append(row)
    rows.extend(r for r in recognised if r.origin not in used)
    return rows, moves


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Комментарий"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = OrderChoiceField(
        label=_("Приказ об утверждении"),
        queryset=Order.objects.none(),
        required=False,
        empty_label=_("— выберите зарегистрированный приказ —"),
    )

    def __init__(self, *args: Any, roadmap: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roadmap is not None and user is not None:
            self.fields["order"].queryset = registry_selectors.order_approval_choices(  # type: ignore[attr-defined]
                user, roadmap.programme.owner, OrderKind.ROADMAP
            )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Замечание"), widget=forms.Textarea(attrs={"rows": 2}))
    activity = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "section",
            "number",
            "text",
            "schedule_text",
            "due_on",
            "responsible",
            "result",
            "document",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "document": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "schedule_text": _(
                "Как в документе: «сентябрь 2024», «ежегодно (август)», «1 раз в полугодие», "
                "«до 15.03.2025», «по отдельному графику»."
            ),
        }

    def __init__(self, *args: Any, roadmap: Roadmap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["section"]
        field.queryset = Section.objects.filter(roadmap=roadmap)
        field.empty_label = None
        self.fields["text"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        schedule = parse_schedule(data.get("schedule_text") or "")
        if data.get("schedule_text") and not schedule.is_structured and not data.get("due_on"):
            self.add_error("due_on", schedule.note + " " + str(_("Или укажите срок датой.")))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Итог"), choices=ReportOutcome.choices)
    done_on = forms.DateField(
        label=_("Дата выполнения"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    text = forms.CharField(
        label=_("Отчёт о выполнении"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Что сделано, кто участвовал, какой получен результат."),
    )
    kind = forms.ChoiceField(
        label=_("Вид подтверждающих документов"), choices=EvidenceKind.choices, required=False
    )
    evidence = MultipleFileField(
        label=_("Подтверждающие документы"),
        required=False,
        help_text=_(
            "Приказ, протокол, программа, фотоотчёт: PDF, документы, таблицы, изображения, "
            "ZIP. Можно выбрать несколько файлов."
        ),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Причина отмены"), widget=forms.Textarea(attrs={"rows": 2}))


class ConstructorForm(forms.Form):
    """The school, the kind of programme and what it must answer: the constructor's input."""

    school = forms.ModelChoiceField(
        label=_("Школа"), queryset=Organization.objects.none(), empty_label=_("— выберите школу —")
    )
    kind = forms.ChoiceField(
        label=_("Вид программы"),
        choices=[c for c in RoadmapKind.choices if c[0] != RoadmapKind.MUNICIPAL],
        initial=RoadmapKind.ANTI_RISK,
    )
    title = forms.CharField(label=_("Название"), max_length=1000, required=False)
    risk_factors = forms.MultipleChoiceField(
        label=_("Факторы риска (500+)"),
        choices=RiskFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    problem_types = forms.MultipleChoiceField(
        label=_("Типы проблем (таблица 2)"),
        choices=list(PROBLEM_TYPES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.MultipleChoiceField(
        label=_("Направления"),
        choices=MeasureTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.MultipleChoiceField(
        required=False, choices=[(m.code, m.code) for m in MEASURES]
    )

    def __init__(self, *args: Any, user: UserLike, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["school"]
        field.queryset = selectors.roadmap_schools(user, programme)
