"""Forms of the support network. Services check and refuse; forms only read the input."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.selects import RussianSelects
from opora.support.choices import ConsultationForm, EngagementSignal

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
