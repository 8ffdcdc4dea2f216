"""Choices of the registry: kinds of territories and organisations, school attributes.

Roles are `opora.core.choices.Role`: access (`opora.core.access`) is built on them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    COUNTRY = "country", _("Страна")
    REGION = "region", _("Субъект РФ")
    MUNICIPALITY = "municipality", _("Муниципальное образование")
    CITY_DISTRICT = "city_district", _("Район города")
    SETTLEMENT = "settlement", _("Населённый пункт")


class OrganizationKind(models.TextChoices):
    EDUCATION_AUTHORITY = "authority", _("Орган управления образованием")
    METHODICAL_CENTRE = "methodical_centre", _("Методический центр")
    SCHOOL = "school", _("Общеобразовательная организация")
    PARTNER = "partner", _("Организация-партнёр")


class PartnerKind(models.TextChoices):
    CULTURE = "culture", _("Культура")
    SPORT = "sport", _("Спорт")
    ADDITIONAL_EDUCATION = "additional_education", _("Дополнительное образование")
    HIGHER_EDUCATION = "higher_education", _("Профессиональное / высшее образование")
    SOCIAL = "social", _("Социальная сфера")
    OTHER = "other", _("Другое")


class SchoolType(models.TextChoices):
    SOSH = "sosh", _("СОШ")
    OOSH = "oosh", _("ООШ")
    NOSH = "nosh", _("НОШ")
    GYMNASIUM = "gymnasium", _("Гимназия")
    LYCEUM = "lyceum", _("Лицей")
    EVENING = "evening", _("В(С)ОШ")
    BOARDING = "boarding", _("Школа-интернат")


class Locality(models.TextChoices):
    URBAN = "urban", _("Городская")
    RURAL = "rural", _("Сельская")


class Ownership(models.TextChoices):
    MUNICIPAL = "municipal", _("Муниципальная")
    STATE = "state", _("Государственная")
    PRIVATE = "private", _("Частная")


# Words a registry file uses for each school type, checked in this order (a "лицей-интернат"
# is a boarding school before it is a lyceum).
SCHOOL_TYPE_WORDS: tuple[tuple[str, SchoolType], ...] = (
    ("интернат", SchoolType.BOARDING),
    ("вечерн", SchoolType.EVENING),
    ("в(с)ош", SchoolType.EVENING),
    ("всош", SchoolType.EVENING),
    ("сменн", SchoolType.EVENING),
    ("гимназ", SchoolType.GYMNASIUM),
    ("лице", SchoolType.LYCEUM),
    ("оош", SchoolType.OOSH),
    ("основная", SchoolType.OOSH),
    ("нош", SchoolType.NOSH),
    ("начальная", SchoolType.NOSH),
    ("сош", SchoolType.SOSH),
    ("средняя", SchoolType.SOSH),
)


def parse_school_type(text: str) -> SchoolType | None:
    lowered = text.lower().replace("ё", "е")
    for value in SchoolType:
        if lowered == value.label.lower() or lowered == value.value:
            return value
    for word, value in SCHOOL_TYPE_WORDS:
        if word in lowered:
            return value
    return None


class OrderKind(models.TextChoices):
    """What an order (приказ) approves; the drafting of its text depends on it."""

    IDENTIFICATION = "identification", _("Перечень школ с низкими результатами")
    PROGRAMME = "programme", _("Программа поддержки")
    ROADMAP = "roadmap", _("Дорожная карта")
    BODY = "body", _("Состав совета, рабочей группы")
    CURATORS = "curators", _("Закрепление кураторов")
    EVENTS = "events", _("Проведение мероприятия")
    OTHER = "other", _("Другое")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Проект")
    REGISTERED = "registered", _("Зарегистрирован")
    CANCELLED = "cancelled", _("Отменён")
