"""Questionnaires («анкеты»), survey rounds with anonymous links, responses and the 500+ risk
profile of a school.

A `Questionnaire` is sections → questions, each question with a stable `code` that scoring
rules refer to. A `SurveyRound` sends questionnaires to schools: one `SurveyLink` (random
token) per school × questionnaire, i.e. per school × respondent group. A `Response` knows
only its link and its day: no user, address, browser or session. `Answer` rows carry the
link too, so that aggregation is one grouped scan of one table. A `RiskProfile` is the level
of each of the ten risk factors of a school in an academic year, computed from the 500+
questionnaires or entered by an analyst; every computation or entry is a new row, so the
latest one is the profile and the earlier ones are its history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core import dates
from opora.registry.models import AcademicYear, Organization, Programme
from opora.surveys.choices import (
    ProfileSource,
    QuestionKind,
    QuestionnaireKind,
    RespondentGroup,
    RiskFactor,
    RiskLevel,
)


class Questionnaire(models.Model):
    """A questionnaire (анкета) for one respondent group; built-in ones are only copied."""

    title = models.CharField(_("название"), max_length=500)
    description = models.TextField(
        _("обращение к респонденту"),
        blank=True,
        help_text=_("Показывается над вопросами: зачем анкета и что ответы анонимны."),
    )
    group = models.CharField(_("респонденты"), max_length=20, choices=RespondentGroup.choices)
    kind = models.CharField(_("вид"), max_length=20, choices=QuestionnaireKind.choices)
    is_builtin = models.BooleanField(_("поставляется с Опорой"), default=False)
    # Built-in questionnaires are found again by their slug when the shipped set is updated.
    slug = models.SlugField(_("код"), max_length=100, blank=True)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("организация-владелец"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_respondents = models.PositiveSmallIntegerField(
        _("минимум ответов"),
        default=5,
        help_text=_("Меньше ответов от школы — результаты не показываются (анонимность)."),
    )
    scoring: models.JSONField[Any, Any] = models.JSONField(
        _("правила подсчёта рисков"), default=dict, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкеты")
        ordering = ["-is_builtin", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=~models.Q(slug=""), name="unique_questionnaire_slug"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire", args=[self.pk])

    def clean(self) -> None:
        if not self.is_builtin and self.owner_id is None:
            raise ValidationError({"owner": _("Укажите организацию-владельца анкеты.")})
        if self.min_respondents < 1:
            raise ValidationError({"min_respondents": _("Минимум ответов — не меньше 1.")})


class QuestionSection(models.Model):
    """A titled part of a questionnaire (e.g. «Условия обучения»)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(_("порядок"))
    title = models.CharField(_("название раздела"), max_length=500)

    class Meta:
        verbose_name = _("раздел анкеты")
        verbose_name_plural = _("разделы анкеты")
        ordering = ["questionnaire", "position"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question with its kind, options or scale, and the code scoring rules refer to."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(QuestionSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("порядок"))
    code = models.SlugField(
        _("код вопроса"),
        max_length=50,
        help_text=_("Латиница, цифры, «-» и «_»; по коду вопрос находят правила подсчёта."),
    )
    text = models.TextField(_("вопрос"))
    help_text = models.CharField(_("пояснение"), max_length=500, blank=True)
    kind = models.CharField(_("вид вопроса"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("обязательный"), default=True)
    # [{"value": "1", "label": "Да"}, …]: values stay when labels are reworded.
    options: models.JSONField[Any, Any] = models.JSONField(
        _("варианты ответа"), default=list, blank=True
    )
    scale_min = models.SmallIntegerField(_("шкала от"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("шкала до"), null=True, blank=True)
    min_label = models.CharField(_("подпись минимума"), max_length=100, blank=True)
    max_label = models.CharField(_("подпись максимума"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("вопрос")
        verbose_name_plural = _("вопросы")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_question_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:80]}"

    def clean(self) -> None:
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            values = [str(o.get("value", "")) for o in self.options or []]
            if len(values) < 2:
                raise ValidationError({"options": _("Нужно не меньше двух вариантов ответа.")})
            if len(set(values)) != len(values) or not all(values):
                raise ValidationError({"options": _("Значения вариантов должны быть разными.")})
        if self.kind == QuestionKind.SCALE:
            if self.scale_min is None or self.scale_max is None:
                raise ValidationError({"scale_max": _("Укажите начало и конец шкалы.")})
            if not 2 <= self.scale_max - self.scale_min + 1 <= 11:
                raise ValidationError(
                    {"scale_max": _("Шкала — от 2 до 11 делений, конец больше начала.")}
                )

    @property
    def option_labels(self) -> dict[str, str]:
        return {str(o["value"]): str(o["label"]) for o in self.options or []}

    @property
    def scale_values(self) -> list[int]:
        if self.scale_min is None or self.scale_max is None:
            return []
        return list(range(self.scale_min, self.scale_max + 1))


class SurveyRound(models.Model):
    """One sending-out of questionnaires to schools (e.g. «500+, октябрь 2024»)."""

    title = models.CharField(_("название"), max_length=500)
    owner = models.ForeignKey(
        Organization, verbose_name=_("проводит"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("программа"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("учебный год (год начала)"), help_text=_("Например, 2024 для 2024/25.")
    )
    opens_on = models.DateField(_("ссылки открыты с"))
    closes_on = models.DateField(_("по"))
    questionnaires = models.ManyToManyField(
        Questionnaire, verbose_name=_("анкеты"), related_name="rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("анкетирование")
        verbose_name_plural = _("анкетирования")
        ordering = ["-opens_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:round", args=[self.pk])

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("Дата закрытия раньше даты открытия.")})

    @property
    def year_name(self) -> str:
        return AcademicYear(start_year=self.year).name

    def is_open(self, day: Any = None) -> bool:
        day = day or dates.today()
        return bool(self.opens_on <= day <= self.closes_on)


class SurveyLink(models.Model):
    """The anonymous link of one school for one questionnaire of a round.

    Open, it takes answers from anyone who has it, up to `respondent_limit` if set; with
    `requires_code`, each answer needs one of the link's one-time codes (`SurveyCode`)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="links")
    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(_("ключ ссылки"), max_length=64, unique=True)
    requires_code = models.BooleanField(
        _("только по одноразовым кодам"),
        default=False,
        help_text=_("Каждый ответ — по коду с листочка; один код — один ответ."),
    )
    respondent_limit = models.PositiveIntegerField(
        _("принимать ответов не больше"),
        null=True,
        blank=True,
        help_text=_("Пусто — без ограничения."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ссылка на анкету")
        verbose_name_plural = _("ссылки на анкеты")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "school", "questionnaire"], name="unique_link_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.questionnaire}"

    def get_public_url(self) -> str:
        return reverse("survey_public:answer", args=[self.token])

    def clean(self) -> None:
        if self.respondent_limit is not None and self.respondent_limit < 1:
            raise ValidationError(
                {"respondent_limit": _("Не меньше одного ответа, или оставьте поле пустым.")}
            )


class SurveyCode(models.Model):
    """A one-time code (одноразовый код) of a link, printed on a slip for one respondent.

    Deliberately without a tie to the response it let in and without a time: only whether it
    has been used, so that whoever handed the slips out cannot tell who answered what. Codes
    are unique across Opora, so that a respondent can enter the code alone at /s/."""

    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("код"), max_length=16, unique=True)
    # Codes are issued in batches (one per class, say), so a batch can be printed again.
    batch = models.PositiveSmallIntegerField(_("выпуск"))
    used = models.BooleanField(_("использован"), default=False)

    class Meta:
        verbose_name = _("одноразовый код")
        verbose_name_plural = _("одноразовые коды")
        ordering = ["link", "batch", "pk"]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """«4KX7-M9PT»: two halves are easier to copy from paper."""
        half = len(self.code) // 2
        return f"{self.code[:half]}-{self.code[half:]}"


class Response(models.Model):
    """One filled questionnaire. Deliberately only the link and the day: nothing that could
    tell who answered (no user, IP address, browser, session, time of day)."""

    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField(_("дата ответа"))

    class Meta:
        verbose_name = _("ответ на анкету")
        verbose_name_plural = _("ответы на анкеты")

    def __str__(self) -> str:
        return f"{self.link_id}: {self.submitted_on}"


class Answer(models.Model):
    """One answer to one question; a multiple choice is one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # Denormalised from the response so that results group one table by link and question.
    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.CharField(_("вариант"), max_length=50, blank=True)
    number = models.FloatField(_("число"), null=True, blank=True)
    text = models.TextField(_("текст"), blank=True)

    class Meta:
        verbose_name = _("ответ на вопрос")
        verbose_name_plural = _("ответы на вопросы")
        indexes = [models.Index(fields=["link", "question"], name="answer_link_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option or self.number or self.text[:40]}"


class RiskProfile(models.Model):
    """A school's 500+ risk profile (профиль рисков) in an academic year: a level and a score
    for each of the ten risk factors; a factor without data is absent (never «низкий»)."""

    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("учебный год (год начала)"))
    source = models.CharField(_("источник"), max_length=20, choices=ProfileSource.choices)
    levels: models.JSONField[Any, Any] = models.JSONField(_("уровни рисков"), default=dict)
    scores: models.JSONField[Any, Any] = models.JSONField(
        _("баллы (0–100)"), default=dict, blank=True
    )
    # Per factor: which groups counted and how many answered (for the card and the export).
    details: models.JSONField[Any, Any] = models.JSONField(_("основания"), default=dict, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    computed_at = models.DateTimeField(_("рассчитан / введён"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("профиль рисков")
        verbose_name_plural = _("профили рисков")
        ordering = ["school", "-year", "-computed_at", "-pk"]
        indexes = [models.Index(fields=["school", "year"], name="risk_profile_school_year")]

    def __str__(self) -> str:
        return f"{self.school}: {self.year_name}"

    def clean(self) -> None:
        factors, levels = set(RiskFactor.values), set(RiskLevel.values)
        bad = [f for f, v in (self.levels or {}).items() if f not in factors or v not in levels]
        if bad:
            raise ValidationError({"levels": _("Неизвестные факторы или уровни: %s") % bad})

    @property
    def year_name(self) -> str:
        return AcademicYear(start_year=self.year).name

    def rows(self) -> list[dict[str, Any]]:
        """The ten factors in order with level, label and score (None = no data)."""
        labels = dict(RiskLevel.choices)
        result = []
        for factor in RiskFactor:
            level = (self.levels or {}).get(factor.value)
            result.append(
                {
                    "factor": factor.value,
                    "label": factor.label,
                    "level": level,
                    "level_label": labels.get(level) if level else None,
                    "score": (self.scores or {}).get(factor.value),
                    "details": (self.details or {}).get(factor.value, []),
                }
            )
        return result
