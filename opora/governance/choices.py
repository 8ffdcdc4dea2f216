"""Choices of governance: kinds of bodies, members' roles, meetings' and decisions' states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    """The bodies of the programme (seed 000 appendix 2, seed 001 items 2.4, 2.9, seed 002
    item 1, seed 004 items 1.1–1.3)."""

    COORDINATING_COUNCIL = "coordinating_council", _("Координационный совет")
    WORKING_GROUP = "working_group", _("Рабочая группа")
    DIRECTORS_COUNCIL = "directors_council", _("Совет директоров")
    EXPERT_COUNCIL = "expert_council", _("Экспертный совет")
    DISTRICT_ASSOCIATION = "district_association", _("Районное методическое объединение")
    SCHOOL_ASSOCIATION = "school_association", _("Школьное методическое объединение")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Председатель")
    DEPUTY = "deputy", _("Заместитель председателя")
    SECRETARY = "secretary", _("Секретарь")
    MEMBER = "member", _("Член")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Запланировано")
    HELD = "held", _("Состоялось")
    FAILED = "failed", _("Не состоялось")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("На исполнении")
    DONE = "done", _("Исполнено")
    CANCELLED = "cancelled", _("Снято с контроля")


class DecisionState(models.TextChoices):
    """What the register filters by: the stored status, with open decisions split by due date."""

    OPEN = "open", _("На исполнении")
    DUE_SOON = "due_soon", _("Скоро срок")
    OVERDUE = "overdue", _("Просрочено")
    DONE = "done", _("Исполнено")
    CANCELLED = "cancelled", _("Снято с контроля")


# Rhythms a regulation sets, in months (the form's choices; the model keeps any number).
RHYTHM_CHOICES = (
    (1, _("не реже 1 раза в месяц")),
    (3, _("не реже 1 раза в квартал")),
    (6, _("не реже 1 раза в полугодие")),
    (12, _("не реже 1 раза в год")),
)
