"""Demo surveys: a satisfaction round open now for the programme's schools (students and
parents) and the 500+ round of 2024/25 (director, teachers, students, parents), answered
in bulk so that each school's answers follow its problems — the identification's flags and
problem types, and the social context the results demo planted. Some groups stay below
their minimum. Every school of the approved 2024 list then gets a risk profile computed
from those answers."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.contrib.auth.models import User

from opora.core import dates
from opora.core.demo import DemoContext, demo_step
from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.surveys.choices import QuestionKind, RiskFactor
from opora.surveys.models import Answer, Question, Questionnaire, Response, SurveyLink
from opora.surveys.services import (
    link_access_set,
    link_codes_generate,
    risk_profiles_compute,
    round_create,
)

F = RiskFactor

# How the identification's findings raise the chance of risky answers per factor.
FLAG_RISK: dict[str, dict[str, float]] = {
    "low_results": {
        F.ACADEMIC_FAILURE: 0.35,
        F.TEACHER_COMPETENCE: 0.25,
        F.LOW_ADAPTIVITY: 0.2,
    },
    "unfavourable": {
        F.PARENT_INVOLVEMENT: 0.35,
        F.SCHOOL_CLIMATE: 0.2,
        F.LANGUAGE_BARRIERS: 0.15,
        F.SPECIAL_NEEDS: 0.15,
        F.EQUIPMENT: 0.15,
    },
    "low-staff-potential": {
        F.STAFF_SHORTAGE: 0.4,
        F.NO_INTERNAL_PD: 0.3,
        F.TEACHER_COMPETENCE: 0.2,
    },
    "ineffective-management": {F.NO_INTERNAL_PD: 0.3, F.SCHOOL_CLIMATE: 0.15},
    "high-deviation": {F.SCHOOL_CLIMATE: 0.4, F.ACADEMIC_FAILURE: 0.1},
    "parental-deprivation": {F.PARENT_INVOLVEMENT: 0.4},
    "social-institution": {F.SPECIAL_NEEDS: 0.3, F.LANGUAGE_BARRIERS: 0.2},
    "depressed-territory": {F.EQUIPMENT: 0.35, F.STAFF_SHORTAGE: 0.2},
}

TEXTS = {
    "s-improve": [
        "Сделать ремонт в спортзале",
        "Больше кружков по робототехнике и программированию",
        "Чтобы меньше задавали на дом",
        "Нормальный интернет в кабинете информатики",
        "Улучшить питание в столовой",
    ],
    "p-wishes": [
        "Больше внимания подготовке к ОГЭ",
        "Проводить собрания вечером, после работы",
        "Нужен психолог в начальной школе",
        "Спасибо классному руководителю!",
    ],
    "d-comment": [
        "Нехватка учителей математики и физики, ведут совместители",
        "Устаревшее оборудование кабинетов, медленный интернет",
        "Низкая вовлечённость родителей, многие работают вахтой",
    ],
    "t-comment": [
        "Курсы по работе с детьми с трудностями в обучении",
        "Наставник для молодых учителей",
        "Меньше отчётов, больше времени на подготовку",
        "Методическая помощь по формирующему оцениванию",
    ],
    "u-wish": [
        "Дополнительные занятия по математике",
        "Чтобы учителя объясняли понятнее",
        "Меньше домашних заданий",
    ],
    "r-wish": [
        "Кружки и секции после уроков",
        "Ремонт кабинетов",
        "Больше информации об успеваемости",
    ],
}


def _risks(outcome: Any | None, latent: Any | None, rng: random.Random) -> dict[str, float]:
    """The school's chance of risky answers per factor (0–1)."""
    base = 0.18 if outcome is None or not outcome.in_list else 0.24
    risks = {f: base + rng.gauss(0, 0.07) for f in RiskFactor.values}
    if outcome is not None:
        found = [k for k in ("low_results", "unfavourable") if getattr(outcome, k)]
        for key in found + list(outcome.problem_types or []):
            for factor, extra in FLAG_RISK.get(key, {}).items():
                risks[factor] += extra
    if latent is not None:
        # A harder social context shows in equipment and in the families' involvement.
        for factor in (F.EQUIPMENT, F.PARENT_INVOLVEMENT, F.LANGUAGE_BARRIERS):
            risks[factor] -= 0.06 * latent.context
    return {f: min(0.95, max(0.02, v)) for f, v in risks.items()}


class AnswerGenerator:
    """Generates one response's answers from the school's risks and satisfaction."""

    def __init__(self, questionnaire: Questionnaire, rng: random.Random) -> None:
        self.rng = rng
        self.questions = list(Question.objects.filter(questionnaire=questionnaire))
        # question code → [(factor, {value: points} or ranges)]
        self.rules: dict[str, list[tuple[str, Any]]] = {}
        for factor, spec in (questionnaire.scoring.get("factors") or {}).items():
            for item in spec.get("items", []):
                self.rules.setdefault(item["question"], []).append(
                    (factor, item.get("points") or item.get("ranges"))
                )

    def rules_factors(self) -> set[str]:
        return {factor for rules in self.rules.values() for factor, _points in rules}

    def _u(self, p: float) -> float:
        return min(0.999, max(0.0, self.rng.gauss(p, 0.22)))

    def _by_points(self, points: dict[str, float], p: float) -> str:
        levels = sorted(set(points.values()))
        level = levels[int(self._u(p) * len(levels))]
        return self.rng.choice([v for v, pts in points.items() if pts == level])

    def make(self, risks: dict[str, float], satisfaction: float) -> dict[Question, Any]:
        values: dict[Question, Any] = {}
        for q in self.questions:
            rules = self.rules.get(q.code, [])
            if q.kind == QuestionKind.TEXT:
                if self.rng.random() < 0.25:
                    values[q] = self.rng.choice(TEXTS.get(q.code, ["Всё устраивает"]))
            elif q.kind == QuestionKind.MULTIPLE:
                if rules:
                    chosen = {
                        v
                        for factor, points in rules
                        for v, pts in points.items()
                        if pts > 0 and self.rng.random() < risks[factor] * 0.7
                    }
                else:
                    chosen = {
                        o["value"] for o in q.options if self.rng.random() < satisfaction * 0.7
                    }
                values[q] = sorted(chosen)
            elif q.kind == QuestionKind.NUMBER:
                if rules:
                    factor, ranges = rules[0]
                    low, high, _pts = ranges[int(self._u(risks[factor]) * len(ranges))]
                    low = 0 if low is None else low
                    high = low + 6 if high is None else high
                    values[q] = float(self.rng.randint(int(low), max(int(low), int(high) - 1)))
                else:
                    values[q] = float(self.rng.choice((1, 1, 1, 2, 2, 3)))
            elif rules:
                factor, points = rules[0]
                value = self._by_points(points, risks[factor])
                values[q] = int(value) if q.kind == QuestionKind.SCALE else value
            elif q.kind == QuestionKind.SCALE:
                span = (q.scale_max or 5) - (q.scale_min or 1)
                values[q] = (q.scale_min or 1) + round(span * min(1, self._u(satisfaction)))
            else:
                # Unscored options are written from the good answer to the bad one.
                options = [o["value"] for o in q.options]
                values[q] = options[int(self._u(1 - satisfaction) * len(options))]
        return values


def answer_fields(question: Question, value: Any) -> dict[str, Any]:
    if question.kind == QuestionKind.SCALE:
        return {"option": str(value), "number": float(value)}
    if question.kind == QuestionKind.NUMBER:
        return {"number": float(value)}
    if question.kind == QuestionKind.TEXT:
        return {"text": value}
    return {"option": str(value)}


def _answer_round(
    context: DemoContext,
    links: list[SurveyLink],
    sizes: dict[str, tuple[int, int]],
    risks: dict[int, dict[str, float]],
    first_day: datetime.date,
    last_day: datetime.date,
) -> tuple[int, int]:
    """Answer every link in bulk; returns (responses, groups below the minimum)."""
    rng = context.random
    generators: dict[int, AnswerGenerator] = {}
    span = max(0, (last_day - first_day).days)
    below = 0
    total = 0
    for link in links:
        questionnaire = link.questionnaire
        generator = generators.setdefault(questionnaire.pk, AnswerGenerator(questionnaire, rng))
        low, high = sizes[questionnaire.group]
        count = rng.randint(low, high)
        if questionnaire.min_respondents > 1 and rng.random() < 0.15:
            # Some schools do not gather enough answers in some groups.
            count = rng.randint(
                max(0, questionnaire.min_respondents - 4), questionnaire.min_respondents - 1
            )
        if count < questionnaire.min_respondents:
            below += 1
        school_risks = risks[link.school_id]
        satisfaction = 1 - sum(school_risks.values()) / len(school_risks)
        values = [generator.make(school_risks, satisfaction) for _ in range(count)]
        days = sorted(first_day + datetime.timedelta(days=rng.randint(0, span)) for _ in values)
        responses = Response.objects.bulk_create(
            [Response(link=link, submitted_on=d) for d in days]
        )
        rows = []
        for response, answers in zip(responses, values, strict=True):
            for question, value in answers.items():
                # A multiple choice is one row per chosen option, as `response_submit` does.
                for one in value if isinstance(value, list) else [value]:
                    rows.append(
                        Answer(
                            response=response,
                            link=link,
                            question=question,
                            **answer_fields(question, one),
                        )
                    )
        Answer.objects.bulk_create(rows, batch_size=5000)
        total += count
    return total, below


@demo_step(order=57, name="Анкетирование: удовлетворённость и анкеты 500+, профили рисков")
def surveys_demo(context: DemoContext) -> None:
    rng = context.random
    programme: Programme = context.objects["programme"]
    home: Organization = context.objects["home_school"]
    owner = context.objects["methodical_centres"][0]
    analyst = User.objects.get(username="analyst")
    outcomes = {
        o.school_id: o
        for o in SchoolIdentification.objects.filter(run__status=RunStatus.APPROVED).select_related(
            "school"
        )
    }
    listed = [o.school for o in outcomes.values() if o.in_list]
    members = list(
        Organization.objects.filter(
            pk__in=ProgrammeSchool.objects.filter(programme=programme).values("school_id")
        ).order_by("short_name")
    )
    schools = list({s.pk: s for s in [home, *members, *listed]}.values())
    latent = context.objects.get("results_latent", {})
    risks = {s.pk: _risks(outcomes.get(s.pk), latent.get(s.pk), rng) for s in schools}

    today = dates.today()
    satisfaction = round_create(
        title="Удовлетворённость качеством образования",
        owner=owner,
        year=dates.academic_year_of(today),
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=21),
        questionnaires=Questionnaire.objects.filter(
            slug__in=["satisfaction-students", "satisfaction-parents"]
        ),
        schools=schools,
        programme=programme,
        user=analyst,
    )
    risk500 = round_create(
        title="Профиль рисков 500+, 2024/25",
        owner=owner,
        year=2024,
        opens_on=datetime.date(2024, 10, 1),
        closes_on=datetime.date(2024, 10, 31),
        questionnaires=Questionnaire.objects.filter(slug__startswith="risk500-"),
        schools=schools,
        programme=programme,
        user=analyst,
    )
    links = list(SurveyLink.objects.filter(round=satisfaction).select_related("questionnaire"))
    sat_total, sat_below = _answer_round(
        context,
        links,
        {"students": (12, 30), "parents": (8, 20)},
        risks,
        today - datetime.timedelta(days=14),
        today,
    )
    links = list(SurveyLink.objects.filter(round=risk500).select_related("questionnaire"))
    risk_total, risk_below = _answer_round(
        context,
        links,
        {"director": (1, 1), "teachers": (6, 18), "students": (15, 40), "parents": (10, 25)},
        risks,
        risk500.opens_on,
        risk500.closes_on,
    )
    # The home school's pupils go on answering in class with one-time codes (a batch for one
    # class, printed from the link's page); its parents' link takes at most 60 answers.
    home_links = {
        link.questionnaire.group: link
        for link in SurveyLink.objects.filter(round=satisfaction, school=home).select_related(
            "questionnaire"
        )
    }
    link_codes_generate(link=home_links["students"], count=28, user=analyst)
    link_access_set(link=home_links["parents"], requires_code=False, respondent_limit=60)
    profiles = risk_profiles_compute(schools=schools, year=2024, user=analyst)
    levels = Counter(level for p in profiles for level in p.levels.values())
    context.objects["survey_rounds"] = [satisfaction, risk500]
    context.summary.append(
        f"анкетирований: 2, ссылок: {SurveyLink.objects.count()} (одна по кодам, одна с пределом "
        f"ответов), ответов: "
        f"{sat_total + risk_total} (групп ниже минимума: {sat_below + risk_below}); профилей "
        f"рисков: {len(profiles)} (уровни факторов: высокий {levels['high']}, средний "
        f"{levels['medium']}, низкий {levels['low']})"
    )
