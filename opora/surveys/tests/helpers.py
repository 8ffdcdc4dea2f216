"""Shared helpers of the surveys tests: built-in questionnaires, rounds, answered links."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from opora.surveys.models import Question, Questionnaire, SurveyLink, SurveyRound
from opora.surveys.services import response_submit, round_create


def builtin(slug: str) -> Questionnaire:
    return Questionnaire.objects.get(slug=slug)


def open_round(
    world: Any,
    questionnaires: list[Questionnaire],
    schools: list[Any] | None = None,
    year: int = 2024,
    **extra: Any,
) -> SurveyRound:
    today = timezone.localdate()
    return round_create(
        title=extra.pop("title", "Анкетирование"),
        owner=world.methodical_centre,
        year=year,
        opens_on=extra.pop("opens_on", today - datetime.timedelta(days=1)),
        closes_on=extra.pop("closes_on", today + datetime.timedelta(days=10)),
        questionnaires=questionnaires,
        schools=schools if schools is not None else [world.school_a, world.school_b],
        user=world.user("analyst"),
        **extra,
    )


def link_of(survey_round: SurveyRound, school: Any, questionnaire: Questionnaire) -> SurveyLink:
    return SurveyLink.objects.get(round=survey_round, school=school, questionnaire=questionnaire)


def answer(link: SurveyLink, times: int = 1, **by_code: Any) -> None:
    """Store `times` identical responses; answers by question code (defaults: first option,
    middle of scale, 1 for numbers, nothing for texts)."""
    questions = Question.objects.filter(questionnaire_id=link.questionnaire_id)
    values: dict[int, Any] = {}
    for q in questions:
        if q.code in by_code:
            values[q.pk] = by_code[q.code]
        elif q.kind == "single":
            values[q.pk] = q.options[0]["value"]
        elif q.kind == "multiple":
            values[q.pk] = []
        elif q.kind == "scale":
            values[q.pk] = (q.scale_min or 0) + ((q.scale_max or 0) - (q.scale_min or 0)) // 2
        elif q.kind == "number":
            values[q.pk] = 1
    for _ in range(times):
        response_submit(link=link, answers=values)
