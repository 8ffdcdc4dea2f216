from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    """A list's way to approval: a draft is recomputed freely; an approved list is frozen."""

    QUEUED = "queued", _("считается")
    FAILED = "failed", _("ошибка расчёта")
    DRAFT = "draft", _("проект")
    SENT = "sent", _("на утверждении")
    APPROVED = "approved", _("утверждён")


class QualityStatus(models.TextChoices):
    QUEUED = "queued", _("считается")
    FAILED = "failed", _("ошибка расчёта")
    DONE = "done", _("рассчитана")


class MissingYears(models.TextChoices):
    """What the multi-year results index does with a school that lacks some of its years."""

    AVAILABLE = "available", _("по имеющимся годам (веса пересчитываются)")
    LATEST = "latest", _("нужен последний год, остальные — какие есть")
    ALL = "all", _("нужны все годы, иначе «недостаточно данных»")


class TieRule(models.TextChoices):
    """Schools tied with the school at a percentile cut (the same index value)."""

    ALL = "all", _("все равные на пороге входят в список")
    NONE = "none", _("равные на пороге не входят")
    SECONDARY = "secondary", _("равные разделяются вторым индексом")


class Flag(models.TextChoices):
    LOW_RESULTS = "low_results", _("ШНОР")
    UNFAVOURABLE = "unfavourable", _("ШНСУ")
    RISK = "risk", _("Группа риска")
    RESILIENT = "resilient", _("Устойчивая (резилиентная)")
    BELOW_EXPECTED = "below_expected", _("Ниже ожидаемого")
    OBJECTIVITY = "objectivity", _("Признаки необъективности")
    INSUFFICIENT = "insufficient_data", _("Недостаточно данных")


class Change(models.TextChoices):
    ENTERED = "entered", _("вошла в список")
    LEFT = "left", _("вышла из списка")
    STAYED = "stayed", _("остаётся в списке")
    NONE = "", _("—")
