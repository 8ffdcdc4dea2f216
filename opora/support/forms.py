"""Forms of the support network: they validate what was typed; services decide and write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.access import UserLike
from opora.core.selects import RussianSelects
from opora.registry.forms import DATE_INPUT
from opora.registry.models import Organization, Person
from opora.support import selectors
from opora.support.choices import ConsultationForm, EngagementSignal, MentorArea
from opora.support.models import NetworkAgreement
from opora.support.services import AgreementDraft

# --- network ---

CHOOSE = _("— выберите —")


class CuratorChoiceField(forms.ModelChoiceField):
    """A curator with their current load, so the coordinator sees who is free."""

    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(name)s — школ сейчас: %(n)s") % {"name": obj.full_name, "n": obj.load})


class SchoolChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.short_name} ({obj.territory.name})"
        if not getattr(obj, "has_curator", True):
            label += str(_(" — без куратора"))
        return label


class CuratorAssignForm(RussianSelects, forms.Form):
    curator = CuratorChoiceField(
        label=_("Куратор"), queryset=Person.objects.none(), empty_label=CHOOSE
    )
    schools = SchoolChoiceField(
        label=_("Школы"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Удерживайте Ctrl (⌘ на Mac), чтобы выбрать несколько школ."),
    )
    since = forms.DateField(label=_("С"), widget=DATE_INPUT)
    until = forms.DateField(
        label=_("По"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Пусто — без срока окончания."),
    )
    order_number = forms.CharField(label=_("Номер приказа"), max_length=64)
    order_date = forms.DateField(label=_("Дата приказа"), widget=DATE_INPUT)

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = selectors.curator_candidates(user)  # type: ignore[attr-defined]
        self.fields["schools"].queryset = selectors.curator_school_choices(user)  # type: ignore[attr-defined]
        self.fields["since"].initial = dates.today()


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.territory.name})"


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {obj.subject[:80]}"


class MentorPairForm(RussianSelects, forms.Form):
    """A mentor pair with an existing agreement or a new one filled on the same form."""

    mentor = MentorChoiceField(
        label=_("Школа-наставник"), queryset=Organization.objects.none(), empty_label=CHOOSE
    )
    since = forms.DateField(label=_("С"), widget=DATE_INPUT)
    until = forms.DateField(
        label=_("По"), widget=DATE_INPUT, required=False, help_text=_("Пусто — без срока.")
    )
    areas = forms.MultipleChoiceField(
        label=_("Направления работы"),
        choices=MentorArea.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Примечание"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreement = AgreementChoiceField(
        label=_("Записанный договор"),
        queryset=NetworkAgreement.objects.none(),
        required=False,
        empty_label=_("— без договора или новый (ниже) —"),
    )
    agreement_owner = forms.ModelChoiceField(
        label=_("Кто ведёт договор"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    agreement_number = forms.CharField(label=_("Номер договора"), max_length=64, required=False)
    agreement_signed_on = forms.DateField(
        label=_("Дата подписания"), widget=DATE_INPUT, required=False
    )
    agreement_subject = forms.CharField(
        label=_("Предмет договора"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreement_file = forms.FileField(
        label=_("Подписанный договор (PDF, Word, скан)"), required=False
    )

    NEW_AGREEMENT_FIELDS = (
        "agreement_owner",
        "agreement_number",
        "agreement_signed_on",
        "agreement_subject",
        "agreement_file",
    )

    def __init__(self, *args: Any, user: UserLike, school: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        mentors = selectors.mentor_choices(user).exclude(pk=school.pk)
        self.fields["mentor"].queryset = mentors.select_related("territory")  # type: ignore[attr-defined]
        self.fields["agreement"].queryset = selectors.agreement_choices(user)  # type: ignore[attr-defined]
        owners = selectors.agreement_owner_choices(user)
        self.fields["agreement_owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["agreement_owner"].initial = owners.first()
        self.fields["since"].initial = dates.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.wants_new_agreement():
            if not data.get("agreement_subject"):
                self.add_error("agreement_subject", _("Укажите предмет нового договора."))
            if not data.get("agreement_owner"):
                self.add_error("agreement_owner", _("Укажите, кто ведёт договор."))
        return data

    def wants_new_agreement(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("agreement_subject")
            or data.get("agreement_file")
            or data.get("agreement_number")
        )

    def new_agreement(self) -> AgreementDraft | None:
        if not self.wants_new_agreement():
            return None
        data = self.cleaned_data
        return AgreementDraft(
            owner=data["agreement_owner"],
            subject=data["agreement_subject"],
            since=data["since"],
            until=data.get("until"),
            number=data.get("agreement_number") or "",
            signed_on=data.get("agreement_signed_on"),
            file=data.get("agreement_file"),
        )


class PartyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} — {obj.get_kind_display().lower()} ({obj.territory.name})"


class AgreementForm(RussianSelects, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Кто ведёт договор"), queryset=Organization.objects.none(), empty_label=CHOOSE
    )
    number = forms.CharField(label=_("Номер"), max_length=64, required=False)
    signed_on = forms.DateField(label=_("Дата подписания"), widget=DATE_INPUT, required=False)
    subject = forms.CharField(label=_("Предмет договора"), widget=forms.Textarea(attrs={"rows": 3}))
    parties = PartyChoiceField(
        label=_("Стороны"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_(
            "Школы, организации-партнёры, органы управления; удерживайте Ctrl (⌘ на Mac), "
            "чтобы выбрать несколько."
        ),
    )
    since = forms.DateField(label=_("Действует с"), widget=DATE_INPUT)
    until = forms.DateField(
        label=_("Действует по"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Пусто — бессрочно."),
    )
    file = forms.FileField(
        label=_("Подписанный договор"),
        required=False,
        help_text=_("PDF, документ Word или изображение (скан)."),
    )

    def __init__(
        self, *args: Any, user: UserLike, agreement: NetworkAgreement | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        owners = selectors.agreement_owner_choices(user)
        if agreement is not None:
            # The keeper stays a choice, so saving other fields never moves the agreement.
            owners = (owners | Organization.objects.filter(pk=agreement.owner_id)).distinct()
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["parties"].queryset = selectors.agreement_party_choices(user)  # type: ignore[attr-defined]
        if agreement is not None:
            self.initial.update(
                {
                    "owner": agreement.owner_id,
                    "number": agreement.number,
                    "signed_on": agreement.signed_on,
                    "subject": agreement.subject,
                    "parties": [p.pk for p in agreement.parties.all()],
                    "since": agreement.since,
                    "until": agreement.until,
                }
            )
            if agreement.file:
                self.fields["file"].help_text = _(
                    "Сейчас: «%(name)s». Новый файл заменит его; пусто — оставить как есть."
                ) % {"name": agreement.file_name}
        else:
            self.fields["owner"].initial = owners.first()
            self.fields["since"].initial = dates.today()

    def draft(self) -> AgreementDraft:
        data = self.cleaned_data
        return AgreementDraft(
            owner=data["owner"],
            subject=data["subject"],
            since=data["since"],
            until=data.get("until"),
            number=data.get("number") or "",
            signed_on=data.get("signed_on"),
            file=data.get("file"),
        )


# --- engagement ---

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ConsultationRequestForm(RussianSelects, forms.Form):
    school: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Школа"), queryset=None, empty_label=None
    )
    topic = forms.CharField(
        label=_("Тема"),
        max_length=255,
        required=False,
        help_text=_("Например: «Подготовка к ОГЭ по математике», «Рабочие программы»."),
    )
    question = forms.CharField(
        label=_("Вопрос"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Что нужно решить, что уже сделано, какие документы есть."),
    )
    preferred_form = forms.ChoiceField(
        label=_("Удобная форма"),
        choices=ConsultationForm.choices,
        initial=ConsultationForm.ONLINE,
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["school"]
        field.queryset = schools
        # Required text is checked by the service, so the refusal reads the same everywhere.


class ConsultationScheduleForm(RussianSelects, forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Дата и время"), widget=DATETIME_INPUT, required=False
    )
    form = forms.ChoiceField(
        label=_("Форма проведения"),
        choices=[c for c in ConsultationForm.choices if c[0] != ConsultationForm.WRITTEN],
    )


class ConsultationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Ответ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Школа получит ответ по электронной почте и увидит его в «Опоре»."),
    )


class EngagementFilterForm(RussianSelects, forms.Form):
    programme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Программа"), queryset=None, required=False, empty_label=_("Все")
    )
    signal = forms.ChoiceField(
        label=_("Сигнал"),
        choices=[("", _("Любой")), *EngagementSignal.choices],
        required=False,
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["programme"]
        field.queryset = programmes


def respond_by_default() -> datetime.date:
    return dates.today() + datetime.timedelta(days=14)


class EscalationForm(forms.Form):
    note = forms.CharField(
        label=_("Обращение к директору"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Что школе нужно сделать и к какому сроку; основания приложатся сами."),
    )
    respond_by = forms.DateField(
        label=_("Ответить до"), widget=DATE_INPUT, required=False, initial=respond_by_default
    )


class EscalationReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Ответ директора"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Что школа сделала или сделает и к какому сроку."),
    )
