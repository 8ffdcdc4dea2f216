"""Forms of governance: they validate what was typed; services decide and write."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.access import UserLike
from opora.core.selects import RussianSelects
from opora.governance import selectors
from opora.governance.choices import RHYTHM_CHOICES, BodyKind, DecisionState, MemberRole
from opora.governance.models import AgendaItem, Body, Meeting
from opora.governance.services import ItemDraft
from opora.registry import selectors as registry_selectors
from opora.registry.choices import OrderKind
from opora.registry.forms import DATE_INPUT, OrderApproveForm, OrderChoiceField
from opora.registry.models import Order, Person, Programme

CHOOSE = _("— выберите —")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class FoundField(forms.CharField):
    """A record named by typing (a person's name, a school's number) and found by a search,
    instead of a select listing the whole registry or territory: the page stays the same
    size however large they grow. Cleans to the record, or to None when left empty."""

    def __init__(
        self,
        *,
        find: Any = None,
        describe: Any = str,
        not_found: Any = "",
        several: Any = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.find = find
        self.describe = describe
        self.not_found = not_found
        self.several = several

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        found = self.find(text)
        if not found:
            raise forms.ValidationError(self.not_found % {"text": text})
        if len(found) > 1:
            names = ", ".join(dict.fromkeys(self.describe(x) for x in found))
            raise forms.ValidationError(self.several % {"text": text, "names": names})
        return found[0]


class BodyForm(RussianSelects, forms.Form):
    owner = FoundField(
        label=_("При ком создан"),
        max_length=500,
        not_found=_("«%(text)s»: такой организации нет среди тех, где вы координатор."),
        several=_("«%(text)s»: найдено несколько организаций (%(names)s) — уточните."),
        help_text=_(
            "Управление образования или методический центр; для школьного методического "
            "объединения — школа (название или номер)."
        ),
    )
    kind = forms.ChoiceField(label=_("Вид"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Название"), max_length=500)
    programme = forms.ModelChoiceField(
        label=_("Программа"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("— без программы —"),
    )
    rhythm_months = forms.TypedChoiceField(
        label=_("Периодичность заседаний по положению"),
        choices=[("", _("— положение не устанавливает —")), *RHYTHM_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    quorum_percent = forms.IntegerField(
        label=_("Кворум: присутствует более, % состава"), min_value=0, max_value=99, initial=50
    )
    regulation = forms.FileField(label=_("Положение (файл)"), required=False)

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.find = partial(selectors.body_owner_find, user)
        owner.describe = lambda o: o.short_name or o.name
        self.fields["programme"].queryset = registry_selectors.programme_list(user)  # type: ignore[attr-defined]


class CompositionForm(forms.Form):
    """The composition as rows (person, role, position), prefilled with the current one."""

    order = OrderChoiceField(
        label=_("Приказ об утверждении"),
        queryset=Order.objects.none(),
        required=False,
        empty_label=_("— подготовить проект приказа —"),
        help_text=_(
            "Зарегистрированный приказ органа управления об утверждении состава. Если его ещё "
            "нет, состав сохранится как проект, а Опора подготовит проект приказа."
        ),
    )
    since = forms.DateField(
        label=_("Состав действует с"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Если пусто — с даты приказа."),
    )
    note = forms.CharField(
        label=_("Примечание"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self,
        *args: Any,
        user: UserLike,
        body: Body,
        row_count: int = 12,
        current_members: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        rows = self.rows = row_count
        self.fields["order"].queryset = registry_selectors.order_approval_choices(  # type: ignore[attr-defined]
            user, body.owner, OrderKind.BODY
        )

        def find(text: str) -> list[Any]:
            return selectors.person_find(text, prefer=current_members)

        for i in range(rows):
            self.fields[f"person_{i}"] = FoundField(
                label=_("Человек"),
                required=False,
                max_length=320,
                find=find,
                describe=lambda p: p.full_name,
                not_found=_(
                    "«%(text)s» нет в реестре людей: проверьте ФИО (полностью, как в реестре) "
                    "или укажите эл. почту."
                ),
                several=_(
                    "«%(text)s»: в реестре несколько человек с таким ФИО — укажите эл. почту."
                ),
                widget=forms.TextInput(
                    attrs={"placeholder": _("Фамилия Имя Отчество или эл. почта")}
                ),
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=_("Роль"), choices=MemberRole.choices, initial=MemberRole.MEMBER
            )
            self.fields[f"position_{i}"] = forms.CharField(
                label=_("Должность, место работы"), max_length=500, required=False
            )

    def row_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"person_{i}"], self[f"role_{i}"], self[f"position_{i}"])
            for i in range(self.rows)
        ]

    def members(self) -> list[Any]:
        from opora.governance.services import MemberDraft

        data = self.cleaned_data
        return [
            MemberDraft(data[f"person_{i}"], data[f"role_{i}"], data[f"position_{i}"])
            for i in range(self.rows)
            if data.get(f"person_{i}") is not None
        ]


class CompositionApproveForm(OrderApproveForm):
    """The approval of a proposed composition: one of the owner's registered BODY orders."""

    def __init__(self, *args: Any, user: UserLike, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, user=user, issuer=body.owner, kind=OrderKind.BODY, **kwargs)


def agenda_parse(text: str) -> list[ItemDraft]:
    """«Вопрос | докладчик» (or «Вопрос — докладчик») per line."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in ("|", " — "):
            if separator in line:
                title, speaker = line.rsplit(separator, 1)
                items.append(ItemDraft(title.strip(), speaker.strip()))
                break
        else:
            items.append(ItemDraft(line))
    return items


def agenda_text(items: list[AgendaItem]) -> str:
    return "\n".join(f"{i.title} | {i.speaker}" if i.speaker else i.title for i in items)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Дата"), widget=DATE_INPUT)
    time = forms.TimeField(label=_("Время"), widget=TIME_INPUT, required=False)
    place = forms.CharField(label=_("Место"), max_length=500, required=False)
    online_url = forms.URLField(
        label=_("Ссылка на трансляцию"), required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Повестка"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "По одному вопросу в строке; докладчик — после «|», например: "
            "«О ходе реализации программы | Петрова И. О.»."
        ),
    )


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Присутствовали члены органа"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    guests = forms.CharField(
        label=_("Приглашённые"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("По одному в строке: фамилия, инициалы, должность."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [m.person_id for m in selectors.meeting_members(meeting)]
        field = self.fields["present"]
        field.queryset = Person.objects.filter(pk__in=ids).order_by("last_name", "first_name")  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]


class FailForm(forms.Form):
    reason = forms.CharField(
        label=_("Почему не состоялось"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MinutesForm(RussianSelects, forms.Form):
    """The minutes: number, who signs, and per agenda item the texts, the votes and one new
    decision (more are added by saving again)."""

    number = forms.CharField(label=_("Номер протокола"), max_length=32)
    chair = PersonChoiceField(
        label=_("Председательствующий"), queryset=Person.objects.none(), empty_label=CHOOSE
    )
    secretary = PersonChoiceField(
        label=_("Секретарь"), queryset=Person.objects.none(), empty_label=CHOOSE
    )

    def __init__(
        self, *args: Any, user: UserLike, meeting: Meeting, agenda: list[AgendaItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items = agenda
        present = meeting.present.order_by("last_name", "first_name")
        self.fields["chair"].queryset = present  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = present  # type: ignore[attr-defined]
        members = Person.objects.filter(
            pk__in=[m.person_id for m in selectors.meeting_members(meeting)]
        ).order_by("last_name", "first_name")

        def find_organization(text: str) -> list[Any]:
            return selectors.responsible_organization_find(user, meeting.body, text)

        for item in items:
            p = f"item_{item.pk}_"
            self.fields[p + "heard"] = forms.CharField(
                label=_("Слушали"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=item.heard,
            )
            self.fields[p + "spoke"] = forms.CharField(
                label=_("Выступили"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=item.spoke,
            )
            self.fields[p + "decided"] = forms.CharField(
                label=_("Решили"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=item.decided,
            )
            for name, label in (
                ("votes_for", _("За")),
                ("votes_against", _("Против")),
                ("votes_abstained", _("Воздержались")),
            ):
                self.fields[p + name] = forms.IntegerField(
                    label=label, min_value=0, required=False, initial=getattr(item, name)
                )
            self.fields[p + "decision"] = forms.CharField(
                label=_("Новое решение с контролем исполнения"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields[p + "person"] = PersonChoiceField(
                label=_("Ответственный"),
                queryset=members,
                required=False,
                empty_label=_("— не указан —"),
            )
            self.fields[p + "organization"] = FoundField(
                label=_("Ответственная организация"),
                required=False,
                max_length=500,
                find=find_organization,
                describe=lambda o: o.short_name or o.name,
                not_found=_("Организация «%(text)s» не найдена на территории органа."),
                several=_("«%(text)s»: найдено несколько организаций (%(names)s) — уточните."),
                widget=forms.TextInput(attrs={"placeholder": _("Например: СОШ № 1, ГЦРО")}),
            )
            self.fields[p + "due_on"] = forms.DateField(
                label=_("Срок"), widget=DATE_INPUT, required=False
            )

    def item_rows(self) -> list[dict[str, Any]]:
        rows = []
        for item in self.items:
            p = f"item_{item.pk}_"
            rows.append(
                {
                    "item": item,
                    "key": f"item_{item.pk}",
                    "texts": [self[p + n] for n in ("heard", "spoke", "decided")],
                    "votes": [
                        self[p + n] for n in ("votes_for", "votes_against", "votes_abstained")
                    ],
                    "decision": [
                        self[p + n] for n in ("decision", "person", "organization", "due_on")
                    ],
                }
            )
        return rows

    def minutes(self) -> list[Any]:
        from opora.governance.services import DecisionDraft, ItemMinutes

        data = self.cleaned_data
        result = []
        for item in self.items:
            p = f"item_{item.pk}_"
            decisions = []
            if (
                data.get(p + "decision")
                or data.get(p + "person")
                or data.get(p + "organization")
                or data.get(p + "due_on")
            ):
                decisions.append(
                    DecisionDraft(
                        data.get(p + "decision") or "",
                        data.get(p + "person"),
                        data.get(p + "organization"),
                        data.get(p + "due_on"),
                    )
                )
            result.append(
                ItemMinutes(
                    item=item,
                    heard=data.get(p + "heard") or "",
                    spoke=data.get(p + "spoke") or "",
                    decided=data.get(p + "decided") or "",
                    votes_for=data.get(p + "votes_for"),
                    votes_against=data.get(p + "votes_against"),
                    votes_abstained=data.get(p + "votes_abstained"),
                    decisions=decisions,
                )
            )
        return result


class DecisionDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Дата исполнения"), widget=DATE_INPUT, required=False)
    report = forms.CharField(
        label=_("Что сделано"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.FileField(label=_("Подтверждение (файл)"), required=False)


class DecisionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Почему снимается с контроля"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Состояние"), choices=[("", _("Все")), *DecisionState.choices], required=False
    )
    body = forms.ModelChoiceField(
        label=_("Орган"), queryset=Body.objects.none(), required=False, empty_label=_("Все")
    )
    q = forms.CharField(label=_("Поиск"), required=False)
    mine = forms.BooleanField(label=_("Только мои"), required=False)

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = selectors.body_list(user)  # type: ignore[attr-defined]


class ActivityMeetingsForm(forms.Form):
    meetings = forms.ModelMultipleChoiceField(
        label=_("Состоявшиеся заседания"),
        queryset=Meeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, meeting_candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meetings"].queryset = meeting_candidates  # type: ignore[attr-defined]
        self.fields["meetings"].label_from_instance = lambda m: f"{m.body.name}, {m.date:%d.%m.%Y}"  # type: ignore[attr-defined]
