"""Events (DESIGN.md step 11): seminars, webinars, master classes, conferences and other
municipal events for school teams, with their audience, registrations (a director nominates
staff, a teacher registers themselves), attendance, materials, feedback through an anonymous
survey link and numbered certificates of participation.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.choices import Role
from opora.core.uploads import dated_path
from opora.events.choices import EventKind, EventStatus, RegistrationStatus
from opora.registry.models import Organization, Person, Territory
from opora.results.models import Subject
from opora.roadmaps.models import Activity
from opora.staff.models import Teacher
from opora.surveys.models import SurveyRound

# The school roles an event may be meant for (its audience's roles).
AUDIENCE_ROLES = (Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.TEACHER)


def programme_path(instance: models.Model, filename: str) -> str:
    return dated_path("events/programmes", filename)


def material_path(instance: models.Model, filename: str) -> str:
    return dated_path("events/materials", filename)


class Event(models.Model):
    """An event (мероприятие): a seminar, webinar, conference… held by an authority, a
    methodical centre or a school for the staff of the schools in its audience."""

    kind = models.CharField(_("вид"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("название"), max_length=500)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("организатор"),
        on_delete=models.PROTECT,
        related_name="events_organized",
    )
    starts_at = models.DateTimeField(_("начало"), db_index=True)
    ends_at = models.DateTimeField(_("окончание"))
    place = models.CharField(_("место проведения"), max_length=500, blank=True)
    online_url = models.URLField(_("ссылка на трансляцию"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("мест"), null=True, blank=True, help_text=_("Пусто — без ограничения.")
    )
    hours = models.DecimalField(
        _("часов"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Пишется в сертификате участника, если указано."),
    )
    # The audience: all schools of a territory, or the schools named, or both.
    audience_territory = models.ForeignKey(
        Territory,
        verbose_name=_("все школы территории"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    audience_schools = models.ManyToManyField(
        Organization, verbose_name=_("школы"), blank=True, related_name="events_invited"
    )
    # School roles (AUDIENCE_ROLES values); empty: everyone working at the schools.
    audience_roles = models.JSONField(_("для кого"), default=list, blank=True)
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("предметы"), blank=True, related_name="+"
    )
    description = models.TextField(_("описание"), blank=True)
    programme_file = models.FileField(_("программа"), upload_to=programme_path, blank=True)
    programme_name = models.CharField(_("имя файла программы"), max_length=255, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("мероприятие дорожной карты"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    status = models.CharField(
        _("состояние"), max_length=16, choices=EventStatus.choices, default=EventStatus.ANNOUNCED
    )
    # An open event is shown on the authority's public calendar (title, kind, time, place,
    # organiser — never its participants).
    is_public = models.BooleanField(
        _("открытое мероприятие"),
        default=False,
        help_text=_("Показывается в публичном календаре на сайте без входа."),
    )
    feedback_round = models.ForeignKey(
        SurveyRound,
        verbose_name=_("обратная связь"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organizer", "starts_at"], name="event_organizer_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Окончание должно быть позже начала.")
        if not self.place.strip() and not self.online_url:
            errors["place"] = _("Укажите место проведения или ссылку на трансляцию.")
        unknown = [r for r in self.audience_roles if r not in AUDIENCE_ROLES]
        if unknown:
            errors["audience_roles"] = _("Неизвестные роли участников.")
        if errors:
            raise ValidationError(errors)

    @property
    def audience_role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.audience_roles if r in Role.values]


class Registration(models.Model):
    """A person registered for an event: nominated by their director or registered by
    themselves; attendance is marked by the organiser."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    school = models.ForeignKey(
        Organization, verbose_name=_("школа"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("человек"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    teacher = models.ForeignKey(
        Teacher,
        verbose_name=_("педагог"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    full_name = models.CharField(_("ФИО"), max_length=320)
    email = models.EmailField(_("эл. почта"), blank=True)
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    attended = models.BooleanField(_("присутствовал"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("записан"), auto_now_add=True)

    class Meta:
        verbose_name = _("запись на мероприятие")
        verbose_name_plural = _("записи на мероприятия")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False, status=RegistrationStatus.REGISTERED),
                name="unique_event_person",
            ),
            models.UniqueConstraint(
                fields=["event", "teacher"],
                condition=Q(teacher__isnull=False, status=RegistrationStatus.REGISTERED),
                name="unique_event_teacher",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return self.full_name


class Certificate(models.Model):
    """A certificate of participation (сертификат участника), numbered per organiser and year."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate"
    )
    organizer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("год"))
    number = models.PositiveIntegerField(_("номер"))
    issued_at = models.DateTimeField(_("выдан"), auto_now_add=True)

    class Meta:
        verbose_name = _("сертификат участника")
        verbose_name_plural = _("сертификаты участников")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "year", "number"], name="unique_certificate_number"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"


class Material(models.Model):
    """A material published after an event: a file (presentation, handout) or a link (the
    recording)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("название"), max_length=500)
    file = models.FileField(_("файл"), upload_to=material_path, blank=True)
    file_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    url = models.URLField(_("ссылка"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("добавлен"), auto_now_add=True)

    class Meta:
        verbose_name = _("материал мероприятия")
        verbose_name_plural = _("материалы мероприятий")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's secret .ics subscription address: whoever knows it reads the user's calendar,
    so it can be replaced."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("подписка на календарь")
        verbose_name_plural = _("подписки на календарь")

    def __str__(self) -> str:
        return str(self.user)
