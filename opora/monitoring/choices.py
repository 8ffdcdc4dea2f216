from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorUnit(models.TextChoices):
    """What a school's value of an indicator is."""

    PERCENT = "percent", _("%")
    NUMBER = "number", _("число")
    SCORE = "score", _("балл")
    # A yes/no answer per school («в ОУ разработана дорожная карта»); the programme's figure
    # is then the share of schools that answered yes.
    FLAG = "flag", _("да / нет")


class IndicatorMethod(models.TextChoices):
    """How a value comes about."""

    ENTERED = "entered", _("вводится школой")
    COMPUTED = "computed", _("рассчитывается по данным «Опоры»")
    RATIO = "ratio", _("отношение двух показателей")


class IndicatorLevel(models.TextChoices):
    """Who reports the value: every school, or the authority once for the whole programme."""

    SCHOOL = "school", _("школа")
    MUNICIPALITY = "municipality", _("муниципалитет (орган управления)")


class IndicatorDirection(models.TextChoices):
    UP = "up", _("чем больше, тем лучше")
    DOWN = "down", _("чем меньше, тем лучше")


class CheckpointKind(models.TextChoices):
    """Seed 002 item 19: entry in September, intermediate in January, final in June."""

    ENTRY = "entry", _("входной")
    INTERMEDIATE = "intermediate", _("промежуточный")
    FINAL = "final", _("итоговый")
    OTHER = "other", _("другой")


class CheckpointStatus(models.TextChoices):
    OPEN = "open", _("сбор данных")
    CLOSED = "closed", _("закрыта")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("представлена")
    RETURNED = "returned", _("возвращена на доработку")
    APPROVED = "approved", _("принята")


class ValueOrigin(models.TextChoices):
    ENTERED = "entered", _("введено")
    IMPORTED = "imported", _("загружено")
    COMPUTED = "computed", _("рассчитано")


class Light(models.TextChoices):
    """The traffic light of a value against its target."""

    REACHED = "reached", _("достигнуто")
    CLOSE = "close", _("близко к цели")
    FAR = "far", _("далеко от цели")
    NONE = "none", _("нет данных или цели")
