"""Choices shared by the core: roles, job states, timeline verbs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("В очереди")
    RUNNING = "running", _("Выполняется")
    SUCCEEDED = "succeeded", _("Завершено")
    FAILED = "failed", _("Ошибка")


class TimelineVerb(models.TextChoices):
    """Important transitions recorded as separate events on an object's timeline."""

    CREATED = "created", _("Создано")
    SUBMITTED = "submitted", _("Отправлено на рассмотрение")
    REVIEWING = "reviewing", _("Взято на рассмотрение")
    RETURNED = "returned", _("Возвращено на доработку")
    RECOMMENDED = "recommended", _("Рекомендовано к утверждению")
    APPROVED = "approved", _("Утверждено")
    STARTED = "started", _("Начато исполнение")
    COMPLETED = "completed", _("Завершено")
    CORRECTION = "correction", _("Начата корректировка")
    IMPORTED = "imported", _("Загружено из файла")
    COMPUTED = "computed", _("Рассчитано")
    # People and accounts (opora.accounts).
    INVITED = "invited", _("Отправлено приглашение")
    INVITATION_ACCEPTED = "invitation_accepted", _("Приглашение принято, пароль задан")
    ROLE_GRANTED = "role_granted", _("Назначена роль")
    ROLE_ENDED = "role_ended", _("Роль снята")
    DEACTIVATED = "deactivated", _("Учётная запись отключена")
    REACTIVATED = "reactivated", _("Учётная запись включена")
    # Engagement of supported schools (opora.support), on the school's timeline.
    ESCALATED = "escalated", _("Направлено обращение к директору")
    ESCALATION_ANSWERED = "escalation_answered", _("Директор ответил на обращение")
    # Visits and recommendations (opora.support), on the school's timeline.
    VISIT_PLANNED = "visit_planned", _("Запланирован выезд")
    VISIT_DONE = "visit_done", _("Проведён выезд")
    VISIT_CANCELLED = "visit_cancelled", _("Выезд отменён")
    VISIT_REFUSED = "visit_refused", _("Школа отказалась от выезда")
    RECOMMENDATION_ANSWERED = "recommendation_answered", _("Ответ на рекомендацию")
    RECOMMENDATION_WITHDRAWN = "recommendation_withdrawn", _("Рекомендация снята")
    RECOMMENDATION_ACTIVITY = "recommendation_activity", _("Рекомендация включена в дорожную карту")
    # Governance (opora.governance), on the timeline of the body's owner and of the
    # organisation responsible for a decision.
    MEETING_HELD = "meeting_held", _("Проведено заседание органа")
    DECISION_DONE = "decision_done", _("Исполнено решение органа")
    # The public site (opora.public), on the programme's or the school roadmap's timeline.
    MADE_PUBLIC = "made_public", _("Опубликовано на публичных страницах")
    MADE_PRIVATE = "made_private", _("Снято с публичных страниц")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Файл загружен")
    MAPPED = "mapped", _("Столбцы сопоставлены")
    QUEUED = "queued", _("Сохраняется")
    DONE = "done", _("Сохранено")
    FAILED = "failed", _("Не сохранено")


class Role(models.TextChoices):
    """A person's role in an organisation; `opora.core.access` says what each may reach.

    Memberships (`registry.Membership`) store these values; the role belongs to the core
    because access is computed from it."""

    REGIONAL_COORDINATOR = "regional_coordinator", _("Региональный координатор")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("Координатор программы")
    ANALYST = "analyst", _("Аналитик / методист")
    CURATOR = "curator", _("Куратор")
    SCHOOL_DIRECTOR = "school_director", _("Директор школы")
    SCHOOL_STAFF = "school_staff", _("Сотрудник школы")
    TEACHER = "teacher", _("Учитель")
    COUNCIL_MEMBER = "council_member", _("Член совета / рабочей группы")
