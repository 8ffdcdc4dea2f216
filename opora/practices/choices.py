"""Choices of the practice bank: a practice's states, a reviewer's conclusion, collections."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PracticeStatus(models.TextChoices):
    """draft → review → published → archived; a review may send it back to draft."""

    DRAFT = "draft", _("Черновик")
    REVIEW = "review", _("На экспертизе")
    PUBLISHED = "published", _("Опубликована")
    ARCHIVED = "archived", _("В архиве")


class ReviewConclusion(models.TextChoices):
    PUBLISH = "publish", _("Рекомендовать к публикации")
    REVISE = "revise", _("Вернуть на доработку")
    REJECT = "reject", _("Отклонить")


class CollectionKind(models.TextChoices):
    MUNICIPAL_BANK = "municipal_bank", _("Муниципальный банк лучших практик")
    REGIONAL_ATLAS = "regional_atlas", _("Региональный атлас образовательных практик")
    THEMATIC = "thematic", _("Тематическая подборка")
