"""Choices of the staff app: age bands, qualification categories, competency areas, courses
and the items of individual development plans."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    """Age bands a school reports instead of a birth date (minimal personal data); the bands
    split at 35 so that «teachers under 35» is exact."""

    UNDER_25 = "under-25", _("до 25 лет")
    FROM_25 = "25-29", _("25–29 лет")
    FROM_30 = "30-34", _("30–34 года")
    FROM_35 = "35-44", _("35–44 года")
    FROM_45 = "45-54", _("45–54 года")
    FROM_55 = "55-plus", _("55 лет и старше")


UNDER_35_BANDS = frozenset({AgeBand.UNDER_25, AgeBand.FROM_25, AgeBand.FROM_30})


class Category(models.TextChoices):
    """Qualification category (квалификационная категория) of a teacher."""

    NONE = "none", _("без категории")
    POSITION = "position", _("соответствие занимаемой должности")
    FIRST = "first", _("первая")
    HIGHEST = "highest", _("высшая")


class CompetencyArea(models.TextChoices):
    """Areas of a professional-deficit diagnostic: the three of seed 003 item 3.4, functional
    literacy measured by the centres of professional excellence (seed 002 direction 2), the
    digital / distance-learning competence of the seed 004 courses and the management
    competence diagnosed for school leaders (seed 003 item 3.3)."""

    SUBJECT = "subject", _("предметная")
    METHODICAL = "methodical", _("методическая")
    PSYCHOLOGICAL = "psychological", _("психолого-педагогическая")
    FUNCTIONAL_LITERACY = "functional-literacy", _("функциональная грамотность")
    DIGITAL = "digital", _("цифровая (ИКТ, дистанционное обучение)")
    MANAGEMENT = "management", _("управленческая")


# Other spellings of the areas met in diagnostic files.
AREA_WORDS: dict[str, CompetencyArea] = {
    "предметная": CompetencyArea.SUBJECT,
    "предметные": CompetencyArea.SUBJECT,
    "предметная компетентность": CompetencyArea.SUBJECT,
    "предметные компетенции": CompetencyArea.SUBJECT,
    "методическая": CompetencyArea.METHODICAL,
    "методические": CompetencyArea.METHODICAL,
    "методическая компетентность": CompetencyArea.METHODICAL,
    "методические компетенции": CompetencyArea.METHODICAL,
    "психолого-педагогическая": CompetencyArea.PSYCHOLOGICAL,
    "психолого-педагогические": CompetencyArea.PSYCHOLOGICAL,
    "психолого педагогическая": CompetencyArea.PSYCHOLOGICAL,
    "психолого-педагогическая компетентность": CompetencyArea.PSYCHOLOGICAL,
    "психолого-педагогические компетенции": CompetencyArea.PSYCHOLOGICAL,
    "функциональная грамотность": CompetencyArea.FUNCTIONAL_LITERACY,
    "фг": CompetencyArea.FUNCTIONAL_LITERACY,
    "цифровая": CompetencyArea.DIGITAL,
    "цифровые компетенции": CompetencyArea.DIGITAL,
    "икт": CompetencyArea.DIGITAL,
    "икт-компетентность": CompetencyArea.DIGITAL,
    "управленческая": CompetencyArea.MANAGEMENT,
    "управленческие компетенции": CompetencyArea.MANAGEMENT,
}


def parse_area(text: str) -> CompetencyArea | None:
    """The competency area a file names (code, label or another spelling), or None."""
    key = " ".join(text.lower().replace("ё", "е").split()).strip(" .")
    for area in CompetencyArea:
        if key in (area.value, str(area.label).lower()):
            return area
    return AREA_WORDS.get(key)


class CourseFormat(models.TextChoices):
    IN_PERSON = "in-person", _("очно")
    DISTANCE = "distance", _("дистанционно")
    BLENDED = "blended", _("смешанно")


class ItemKind(models.TextChoices):
    """What an item of an individual development plan is."""

    COURSE = "course", _("курс повышения квалификации")
    OWN = "own", _("самообразование, стажировка, другое")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in-progress", _("выполняется")
    DONE = "done", _("выполнено")
    CANCELLED = "cancelled", _("отменено")


OPEN_STATUSES = (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)
