"""The support network (DESIGN.md step 8): mentor pairs found by «schools like you», network
agreements with partners, visits and methodical landings with their records, recommendations
tracked to closure, consultations asked by schools, and escalations of schools that do not
engage.

Curator assignments stay in the registry (`registry.CuratorAssignment`): they give curators
their reach, which the access layer reads from the registry; this app manages them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.uploads import dated_path
from opora.registry.models import Organization, Person
from opora.roadmaps.models import Activity
from opora.support.choices import (
    Addressee,
    ConsultationForm,
    ConsultationStatus,
    RecommendationStatus,
    VisitKind,
    VisitStatus,
)


def agreement_path(instance: models.Model, filename: str) -> str:
    return dated_path("support/agreements", filename)


def visit_photo_path(instance: models.Model, filename: str) -> str:
    return dated_path("support/visits", filename)


def recommendation_evidence_path(instance: models.Model, filename: str) -> str:
    return dated_path("support/recommendations", filename)


class NetworkAgreement(models.Model):
    """A network agreement (договор о сетевом взаимодействии) between organisations: schools,
    mentor schools, partners of culture, sport, additional education, universities."""

    owner = models.ForeignKey(
        Organization,
        verbose_name=_("кто ведёт"),
        on_delete=models.PROTECT,
        related_name="agreements_owned",
    )
    number = models.CharField(_("номер"), max_length=64, blank=True)
    signed_on = models.DateField(_("дата подписания"), null=True, blank=True)
    subject = models.TextField(_("предмет договора"))
    since = models.DateField(_("действует с"))
    until = models.DateField(_("действует по"), null=True, blank=True)
    parties = models.ManyToManyField(
        Organization, verbose_name=_("стороны"), related_name="agreements"
    )
    file = models.FileField(_("подписанный договор"), upload_to=agreement_path, blank=True)
    file_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("договор о сетевом взаимодействии")
        verbose_name_plural = _("договоры о сетевом взаимодействии")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        number = f"№ {self.number}" if self.number else _("без номера")
        return f"{_('Договор')} {number}"

    def get_absolute_url(self) -> str:
        return reverse("support:agreement", args=[self.pk])


class MentorPair(models.Model):
    """A mentor school (школа-наставник) working with a supported school for a period."""

    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.CASCADE,
        related_name="mentor_pairs",
    )
    mentor = models.ForeignKey(
        Organization,
        verbose_name=_("школа-наставник"),
        on_delete=models.PROTECT,
        related_name="mentored_pairs",
    )
    since = models.DateField(_("с"))
    until = models.DateField(_("по"), null=True, blank=True)
    # MentorArea codes.
    areas = models.JSONField(_("направления работы"), default=list)
    agreement = models.ForeignKey(
        NetworkAgreement,
        verbose_name=_("договор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_pairs",
    )
    note = models.TextField(_("примечание"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("пара «школа — наставник»")
        verbose_name_plural = _("пары «школа — наставник»")
        ordering = ["-since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(school=models.F("mentor")), name="mentor_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.school}"


class VisitTemplate(models.Model):
    """The record a visit of a kind is filled from: areas, each with questions; a question
    is rated on the template's scale and/or answered in words. Shipped templates have no
    owner and are read-only; an authority copies one to change it."""

    owner = models.ForeignKey(
        Organization,
        verbose_name=_("владелец"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visit_templates",
    )
    kind = models.CharField(_("вид выезда"), max_length=32, choices=VisitKind.choices)
    name = models.CharField(_("название"), max_length=255)
    # [{"area": "…", "questions": [{"text": "…", "rated": true}]}]
    areas = models.JSONField(_("разделы и вопросы"), default=list)
    # The rating scale, lowest first: ["не выявлено", "частично", "в полной мере"].
    scale = models.JSONField(_("шкала оценки"), default=list)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("шаблон протокола выезда")
        verbose_name_plural = _("шаблоны протоколов выезда")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """A visit to a school: a curator's visit, a methodical landing, lessons observed, an
    interview with the administration, a consultation on site. Planned, then recorded on
    the day from its template (answers, findings) and closed."""

    school = models.ForeignKey(
        Organization, verbose_name=_("школа"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("вид выезда"), max_length=32, choices=VisitKind.choices)
    planned_on = models.DateField(_("дата"))
    organiser = models.ForeignKey(
        Organization,
        verbose_name=_("кто проводит"),
        on_delete=models.PROTECT,
        related_name="visits_organised",
    )
    lead = models.ForeignKey(
        Person,
        verbose_name=_("руководитель выезда"),
        on_delete=models.PROTECT,
        related_name="visits_led",
    )
    team = models.ManyToManyField(
        Person, verbose_name=_("состав группы"), related_name="visits", blank=True
    )
    purpose = models.TextField(_("цель"))
    programme = models.TextField(_("программа выезда"), blank=True)
    template = models.ForeignKey(
        VisitTemplate,
        verbose_name=_("шаблон протокола"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    # {"<area index>.<question index>": {"rating": 0-based index or null, "note": "…"}}
    answers = models.JSONField(_("ответы протокола"), default=dict, blank=True)
    findings = models.TextField(_("выводы"), blank=True)
    status_reason = models.TextField(_("причина отмены или отказа"), blank=True)
    closed_at = models.DateTimeField(_("закрыт"), null=True, blank=True)
    # Roadmap activities this visit carried out (its evidence there).
    activities = models.ManyToManyField(
        Activity, verbose_name=_("мероприятия дорожной карты"), related_name="visits", blank=True
    )
    # The record form's one-time key, turned over by each save: a phone that sends the same
    # record twice makes one record.
    form_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The plan form's key, kept for good (unlike `form_key`): the plan sent again — even after
    # the record has turned `form_key` over — finds this visit instead of planning another.
    plan_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("выезд в школу")
        verbose_name_plural = _("выезды в школы")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["school", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.school}"

    def get_absolute_url(self) -> str:
        return reverse("support:visit", args=[self.pk])


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("фотография"), upload_to=visit_photo_path)
    file_name = models.CharField(_("имя файла"), max_length=255)
    caption = models.CharField(_("подпись"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("загружена"), auto_now_add=True)

    class Meta:
        verbose_name = _("фотография выезда")
        verbose_name_plural = _("фотографии выездов")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.file_name


class Recommendation(models.Model):
    """A recommendation addressed to someone with a due date, tracked to closure: the
    director accepts it, reports it done with evidence or disputes it with a reason; it may
    become an activity of the school's roadmap."""

    # The school the recommendation concerns; none for one a report addresses to the
    # methodical centre or the authority as such (then `organization` is the addressee).
    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    # The addressed organisation when it is not a school (a report's recommendation to the
    # methodical centre or the department): its people see and answer it.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("адресат"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="addressed_recommendations",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("выезд"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    text = models.TextField(_("рекомендация"))
    addressee = models.CharField(
        _("кому адресована"), max_length=32, choices=Addressee.choices, default=Addressee.SCHOOL
    )
    due_on = models.DateField(_("срок"))
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    answer = models.TextField(_("ответ школы"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("дата ответа"), null=True, blank=True)
    done_on = models.DateField(_("выполнена"), null=True, blank=True)
    evidence = models.FileField(
        _("подтверждение"), upload_to=recommendation_evidence_path, blank=True
    )
    evidence_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("мероприятие дорожной карты"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("рекомендация")
        verbose_name_plural = _("рекомендации")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["school", "status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("support:recommendation", args=[self.pk])

    def clean(self) -> None:
        if self.school_id is None and self.organization_id is None:
            raise ValidationError(
                _("Укажите школу или организацию, которой адресована рекомендация.")
            )

    @property
    def addressed(self) -> Organization | None:
        """The organisation that acts on it: the school, else the addressed organisation."""
        return self.school or self.organization


class Consultation(models.Model):
    """A school's request for a consultation, taken and answered by a methodist."""

    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.CASCADE,
        related_name="consultations",
    )
    topic = models.CharField(_("тема"), max_length=255)
    question = models.TextField(_("вопрос"))
    preferred_form = models.CharField(
        _("удобная форма"), max_length=16, choices=ConsultationForm.choices
    )
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.NEW,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("запрошена"), auto_now_add=True)
    methodist = models.ForeignKey(
        Person,
        verbose_name=_("методист"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    taken_at = models.DateTimeField(_("принята"), null=True, blank=True)
    scheduled_for = models.DateTimeField(_("назначена на"), null=True, blank=True)
    # How the methodist holds it; the school's wish is `preferred_form`.
    scheduled_form = models.CharField(
        _("форма проведения"), max_length=16, choices=ConsultationForm.choices, blank=True
    )
    answer = models.TextField(_("ответ"), blank=True)
    answered_at = models.DateTimeField(_("дан ответ"), null=True, blank=True)

    class Meta:
        verbose_name = _("консультация")
        verbose_name_plural = _("консультации")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("support:consultation", args=[self.pk])


class Escalation(models.Model):
    """A note to the director of a school that does not engage, with a date to answer by;
    recorded on the school's timeline."""

    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    note = models.TextField(_("обращение к директору"))
    respond_by = models.DateField(_("ответить до"))
    # The signals that led to it, as shown to the coordinator then (codes of engagement
    # signals with their figures).
    reasons = models.JSONField(_("основания"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("направлено"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("снято"), null=True, blank=True)
    # The director's answer, which resolves it.
    reply = models.TextField(_("ответ директора"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто ответил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("обращение к директору")
        verbose_name_plural = _("обращения к директорам")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school}: {self.note[:60]}"
