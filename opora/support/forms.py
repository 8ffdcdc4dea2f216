"""Forms of the support network: they validate what was typed; services decide and write."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.core.access import UserLike
from opora.core.selects import RussianSelects
from opora.registry import selectors as registry_selectors
from opora.registry.choices import OrderKind
from opora.registry.forms import DATE_INPUT, OrderChoiceField
from opora.registry.models import Order, Organization, Person
from opora.roadmaps.forms import MultipleFileField
from opora.roadmaps.models import Activity
from opora.support import selectors
from opora.support.choices import (
    Addressee,
    ConsultationForm,
    EngagementSignal,
    MentorArea,
    RecommendationStatus,
    VisitKind,
)
from opora.support.models import NetworkAgreement, Visit, VisitTemplate
from opora.support.services import AgreementDraft
from opora.support.visit_templates import Area

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
    order = OrderChoiceField(
        label=_("Приказ о закреплении"),
        queryset=Order.objects.none(),
        help_text=_("Зарегистрированный приказ из реестра приказов."),
    )

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = registry_selectors.order_kind_choices(  # type: ignore[attr-defined]
            user, OrderKind.CURATORS
        )
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


# --- visits ---


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE_INPUT,
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SingleSchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.territory.name})"


class VisitPlanForm(RussianSelects, forms.Form):
    """Planning a visit: school, kind, date, organiser, lead and team, purpose, programme."""

    school = SingleSchoolChoiceField(label=_("Школа"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Вид выезда"), choices=VisitKind.choices)
    planned_on = _date_field(_("Дата"))
    organiser = forms.ModelChoiceField(
        label=_("Кто проводит"), queryset=Organization.objects.none(), empty_label=None
    )
    lead = PersonChoiceField(label=_("Руководитель выезда"), queryset=Person.objects.none())
    team = PeopleChoiceField(
        label=_("Состав группы"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Цель"), widget=forms.Textarea(attrs={"rows": 2}))
    programme = forms.CharField(
        label=_("Программа выезда"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("По пункту в строке: время, что делаем, с кем."),
    )
    template = forms.ModelChoiceField(
        label=_("Шаблон протокола"),
        queryset=VisitTemplate.objects.none(),
        required=False,
        empty_label=_("— по виду выезда —"),
    )
    form_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        schools: Any,
        organisers: list[Organization],
        people: Any,
        templates: Any,
        with_school: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, Any], self.fields)
        if with_school:
            fields["school"].queryset = schools
        else:
            del fields["school"]
        fields["organiser"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organisers]
        ).order_by("short_name")
        fields["lead"].queryset = people
        fields["team"].queryset = people
        fields["template"].queryset = templates.filter(is_active=True)
        if not self.is_bound and not self.initial.get("form_key"):
            self.initial["form_key"] = uuid.uuid4()


class VisitCancelForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Что произошло"),
        choices=[("cancelled", _("Выезд отменён")), ("refused", _("Школа отказалась от выезда"))],
        widget=forms.RadioSelect,
        initial="cancelled",
    )
    reason = forms.CharField(label=_("Причина"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationRowForm(RussianSelects, forms.Form):
    text = forms.CharField(
        label=_("Рекомендация"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    addressee = forms.ChoiceField(
        label=_("Кому"), choices=Addressee.choices, initial=Addressee.SCHOOL, required=False
    )
    due_on = _date_field(_("Срок"), required=False)

    def has_text(self) -> bool:
        return bool(self.is_valid() and (self.cleaned_data.get("text") or "").strip())


RecommendationRows = forms.formset_factory(RecommendationRowForm, extra=2)


class VisitRecordForm(forms.Form):
    """The visit record on the day: for each question of the template a rating (radios of the
    template's scale) and a note; the findings; photos. Fields are named by the question's
    key, `rating_<area>_<question>` and `note_<area>_<question>`."""

    findings = forms.CharField(
        label=_("Выводы"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Главное по итогам выезда: что получается у школы, что мешает."),
    )
    photos = MultipleFileField(
        label=_("Фотографии"),
        required=False,
        help_text=_("Снимки с телефона: JPEG, PNG, HEIC. Можно выбрать несколько."),
    )
    photo_caption = forms.CharField(label=_("Подпись к фотографиям"), required=False)
    form_key = forms.CharField(widget=forms.HiddenInput)
    # Not filled in: where the service's refusals of the new recommendations are shown.
    recommendations = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, areas: list[Area], scale: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        choices = [(str(i), label) for i, label in enumerate(scale)]
        self.questions: list[tuple[Area, list[tuple[Any, forms.BoundField | None, Any]]]] = []
        for area in areas:
            rows = []
            for question in area.questions:
                name = question.key.replace(".", "_")
                rating = None
                if question.rated and choices:
                    self.fields[f"rating_{name}"] = forms.ChoiceField(
                        label=question.text,
                        choices=choices,
                        required=False,
                        widget=forms.RadioSelect,
                    )
                    rating = self[f"rating_{name}"]
                self.fields[f"note_{name}"] = forms.CharField(
                    label=_("Заметка") if question.rated else question.text,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                rows.append((question, rating, self[f"note_{name}"]))
            self.questions.append((area, rows))

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        result = {}
        for area in self.areas:
            for question in area.questions:
                name = question.key.replace(".", "_")
                result[question.key] = {
                    "rating": data.get(f"rating_{name}") or None,
                    "note": data.get(f"note_{name}") or "",
                }
        return result


def record_initial(visit: Visit, areas: list[Area]) -> dict[str, Any]:
    """The form's values from what the visit holds (a saved draft of the record)."""
    initial: dict[str, Any] = {
        "findings": visit.findings,
        "form_key": str(visit.form_key),
    }
    for area in areas:
        for question in area.questions:
            name = question.key.replace(".", "_")
            answer = visit.answers.get(question.key) or {}
            if answer.get("rating") is not None:
                initial[f"rating_{name}"] = str(answer["rating"])
            initial[f"note_{name}"] = answer.get("note", "")
    return initial


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        whose = obj.roadmap.school.short_name if obj.roadmap.school else _("Программа")
        return f"{whose} — {obj.number} {obj.text[:120]}"


class VisitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}, {obj.planned_on:%d.%m.%Y} — {obj.school.short_name}"


class VisitActivityForm(forms.Form):
    activity = ActivityChoiceField(
        label=_("Мероприятие дорожной карты"),
        queryset=Activity.objects.none(),
        empty_label=_("— выберите —"),
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ActivityChoiceField, self.fields["activity"]).queryset = activities


class ActivityVisitsForm(forms.Form):
    """A page of the candidate visits as boxes; `shown` names the page's visits, so that a
    box left unticked unlinks its visit and those of other pages stay as they are."""

    visits = VisitChoiceField(
        label=_("Выезды, которыми выполнено мероприятие"),
        queryset=Visit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    shown = VisitChoiceField(
        queryset=Visit.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args: Any, candidates: Any, page: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visits = cast(VisitChoiceField, self.fields["visits"])
        # Any candidate is valid (the page may have moved since it was shown); the boxes are
        # the page's only: a municipal roadmap's candidates are the whole programme's visits.
        visits.queryset = candidates
        visits.choices = [(v.pk, visits.label_from_instance(v)) for v in page]
        cast(VisitChoiceField, self.fields["shown"]).queryset = candidates


class VisitTemplateForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=255)
    areas = forms.CharField(
        label=_("Разделы и вопросы"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_(
            "По одной строке: «# Раздел», «- вопрос с оценкой по шкале», «~ вопрос без оценки "
            "(только заметка)»."
        ),
    )
    scale = forms.CharField(
        label=_("Шкала оценки"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("От 2 до 7 значений, по одному в строке, от низшего к высшему."),
    )
    is_active = forms.BooleanField(
        label=_("Используется"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class TemplateCopyForm(RussianSelects, forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Для организации"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, owners: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = Organization.objects.filter(
            pk__in=[o.pk for o in owners]
        )


ANSWER_CHOICES = [
    (RecommendationStatus.ACCEPTED, _("Принята к исполнению")),
    (RecommendationStatus.DONE, _("Выполнена")),
    (RecommendationStatus.DISPUTED, _("Школа не согласна (оспорить)")),
]


class RecommendationAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Ответ"), choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Комментарий"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Для «оспорить» обязателен: почему школа не согласна."),
    )
    done_on = _date_field(_("Дата выполнения"), required=False)
    evidence = forms.FileField(
        label=_("Подтверждение"),
        required=False,
        help_text=_("Для «выполнена»: приказ, протокол, справка, фотографии (PDF, документ, ZIP)."),
    )


class RecommendationWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Почему рекомендация снимается"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RecommendationActivityForm(forms.Form):
    section = forms.ChoiceField(label=_("Раздел дорожной карты"))
    text = forms.CharField(label=_("Мероприятие"), widget=forms.Textarea(attrs={"rows": 3}))
    schedule_text = forms.CharField(label=_("Сроки"), max_length=1000)
    due_on = _date_field(_("Срок датой"), required=False)
    responsible = forms.CharField(label=_("Ответственные"), required=False)
    correction = forms.CharField(
        label=_("Основание корректировки дорожной карты"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Утверждённая дорожная карта меняется новой версией: она вернётся в проект и будет "
            "утверждена заново."
        ),
    )

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {str(s.pk): s for s in sections}
        cast(forms.ChoiceField, self.fields["section"]).choices = [
            (
                str(s.pk),
                f"{s.roadmap.title[:60]} — {s.number + '. ' if s.number else ''}{s.title[:80]}",
            )
            for s in sections
        ]

    def clean_section(self) -> Any:
        return self.sections[self.cleaned_data["section"]]
