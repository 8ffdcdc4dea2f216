"""Choices of the support network: mentor areas, visits, recommendations, consultations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MentorArea(models.TextChoices):
    """What a mentor school helps with (seed 004 items 8.1, 8.2)."""

    SUBJECTS = "subjects", _("Преподавание предметов")
    ASSESSMENT = "assessment", _("Оценивание и объективность")
    MANAGEMENT = "management", _("Управление школой")
    METHODICAL = "methodical", _("Методическая работа")
    PARENTS = "parents", _("Работа с родителями")
    UPBRINGING = "upbringing", _("Воспитательная работа")
    INCLUSION = "inclusion", _("Инклюзия и поддержка обучающихся")


class VisitKind(models.TextChoices):
    FIRST_CURATOR = "first_curator", _("Первый визит куратора")
    LANDING = "landing", _("Методический десант")
    LESSON_OBSERVATION = "lesson_observation", _("Посещение уроков")
    INTERVIEW = "interview", _("Собеседование с администрацией")
    CONSULTATION = "consultation", _("Консультация на месте")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Запланирован")
    DONE = "done", _("Проведён")
    CANCELLED = "cancelled", _("Отменён")
    REFUSED = "refused", _("Школа отказалась")


class Addressee(models.TextChoices):
    """Whom a recommendation asks to act."""

    SCHOOL = "school", _("Школа")
    CURATOR = "curator", _("Куратор")
    METHODICAL_CENTRE = "methodical_centre", _("Методический центр")
    AUTHORITY = "authority", _("Орган управления образованием")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Ожидает ответа")
    ACCEPTED = "accepted", _("Принята к исполнению")
    DONE = "done", _("Выполнена")
    DISPUTED = "disputed", _("Оспорена")
    WITHDRAWN = "withdrawn", _("Снята")


class ConsultationForm(models.TextChoices):
    ON_SITE = "on_site", _("Очно в школе")
    AT_CENTRE = "at_centre", _("Очно в методическом центре")
    ONLINE = "online", _("Онлайн")
    PHONE = "phone", _("По телефону")
    WRITTEN = "written", _("Письменный ответ")


class ConsultationStatus(models.TextChoices):
    NEW = "new", _("Новая")
    TAKEN = "taken", _("Принята методистом")
    SCHEDULED = "scheduled", _("Назначена")
    ANSWERED = "answered", _("Дан ответ")
    CANCELLED = "cancelled", _("Отменена")


# --- engagement ---


class EngagementSignal(models.TextChoices):
    """Why a supported school shows on the engagement page (docs/architecture.md, «Support»)."""

    OVERDUE_RECOMMENDATIONS = "overdue_recommendations", _("Просрочены рекомендации")
    NO_ROADMAP_REPORT = "no_roadmap_report", _("Нет отчётов по дорожной карте")
    REFUSED_VISITS = "refused_visits", _("Отказы от выездов")
