"""Choices of the events app: kinds of events, their states, registrations' states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Семинар")
    WEBINAR = "webinar", _("Вебинар")
    MASTER_CLASS = "master_class", _("Мастер-класс")
    CONFERENCE = "conference", _("Конференция")
    FORUM = "forum", _("Форум")
    ROUND_TABLE = "round_table", _("Круглый стол")
    ASSOCIATION = "association", _("Заседание методического объединения")
    COURSE_SESSION = "course_session", _("Занятие курсов")


class EventStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Объявлено")
    HELD = "held", _("Проведено")
    CANCELLED = "cancelled", _("Отменено")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Записан")
    CANCELLED = "cancelled", _("Запись отменена")
