"""The 500+ scoring rules: data on each questionnaire (`Questionnaire.scoring`), read here.

The rules say, for each risk factor, which questions count, how many risk points each
answer gives, the weight of each question, and the two thresholds (0–100) that turn the
factor's score into a level::

    {"factors": {"equipment": {"medium": 35, "high": 60, "items": [
        {"question": "d-internet", "points": {"1": 0, "2": 1, "3": 2}, "weight": 1},
        {"question": "d-vacancies", "ranges": [[null, 1, 0], [1, 3, 1], [3, null, 2]]}]}}}

A question's score in a school is the mean of its risk points over the answers, divided by
the maximum points (so 0–1); for a multiple choice the points of the chosen options add up
and the maximum is the sum of the positive points. A factor's score is the weighted mean of
its questions' scores × 100; across the questionnaires of a school (director, teachers,
students, parents) the scores are averaged with the weights of the questions that had
answers, and so are the thresholds. score ≥ high → «высокий», ≥ medium → «средний», else
«низкий». Everything here works on counts already aggregated in SQL, never on responses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from opora.surveys.choices import QuestionKind, RiskFactor, RiskLevel

DEFAULT_MEDIUM = 35.0
DEFAULT_HIGH = 60.0


class ScoringError(Exception):
    """Scoring rules that cannot be used, with every problem in Russian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ItemRule:
    question: str
    weight: float = 1.0
    points: dict[str, float] = field(default_factory=dict)
    # [from, to, points]: from inclusive, to exclusive, None = open end (number questions).
    ranges: tuple[tuple[float | None, float | None, float], ...] = ()

    def points_for_number(self, value: float) -> float:
        for low, high, pts in self.ranges:
            if (low is None or value >= low) and (high is None or value < high):
                return pts
        return 0.0


@dataclass(frozen=True)
class FactorRule:
    factor: str
    medium: float = DEFAULT_MEDIUM
    high: float = DEFAULT_HIGH
    items: tuple[ItemRule, ...] = ()


@dataclass
class QuestionCounts:
    """What SQL returned for one question at one link: answers per option / per number."""

    kind: str
    values: dict[str, int] = field(default_factory=dict)
    numbers: dict[float, int] = field(default_factory=dict)


def _num(value: Any, where: str, problems: list[str]) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        problems.append(_("%(where)s: «%(v)s» — не число") % {"where": where, "v": value})
        return None


def parse_scoring(data: Mapping[str, Any], questions: Mapping[str, Any]) -> dict[str, FactorRule]:
    """Check the rules against the questionnaire's questions (`code` → Question) and return
    them per factor; raises ScoringError listing every problem."""
    problems: list[str] = []
    rules: dict[str, FactorRule] = {}
    factors = (data or {}).get("factors", {}) or {}
    if not isinstance(factors, dict):
        raise ScoringError([_("Правила подсчёта: ожидается словарь факторов.")])
    labels = dict(RiskFactor.choices)
    for factor, spec in factors.items():
        if factor not in labels:
            problems.append(_("Неизвестный фактор риска «%(f)s».") % {"f": factor})
            continue
        name = str(labels[factor])
        medium = _num(spec.get("medium", DEFAULT_MEDIUM), name, problems)
        high = _num(spec.get("high", DEFAULT_HIGH), name, problems)
        if medium is not None and high is not None and not 0 <= medium <= high <= 100:
            problems.append(
                _("%(f)s: пороги должны быть 0 ≤ средний ≤ высокий ≤ 100.") % {"f": name}
            )
        items = []
        for item in spec.get("items", []) or []:
            code = str(item.get("question", ""))
            where = f"{name}, {code or '?'}"
            question = questions.get(code)
            if question is None:
                problems.append(_("%(w)s: в анкете нет вопроса с таким кодом.") % {"w": where})
                continue
            weight = _num(item.get("weight", 1), where, problems)
            if weight is not None and weight <= 0:
                problems.append(_("%(w)s: вес должен быть больше нуля.") % {"w": where})
            kind = question.kind
            if kind == QuestionKind.TEXT:
                problems.append(_("%(w)s: свободные ответы не подсчитываются.") % {"w": where})
                continue
            if kind == QuestionKind.NUMBER:
                ranges = []
                for entry in item.get("ranges", []) or []:
                    if not isinstance(entry, list | tuple) or len(entry) != 3:
                        problems.append(_("%(w)s: диапазон — [от, до, баллы].") % {"w": where})
                        continue
                    low = None if entry[0] is None else _num(entry[0], where, problems)
                    high_ = None if entry[1] is None else _num(entry[1], where, problems)
                    pts = _num(entry[2], where, problems)
                    ranges.append((low, high_, pts or 0.0))
                if not ranges:
                    problems.append(
                        _("%(w)s: для числового вопроса нужны диапазоны.") % {"w": where}
                    )
                elif max(r[2] for r in ranges) <= 0:
                    problems.append(_("%(w)s: ни один диапазон не даёт баллов.") % {"w": where})
                items.append(ItemRule(code, weight or 1.0, ranges=tuple(ranges)))
                continue
            allowed = (
                {str(v) for v in question.scale_values}
                if kind == QuestionKind.SCALE
                else set(question.option_labels)
            )
            points: dict[str, float] = {}
            for value, pts in (item.get("points") or {}).items():
                if str(value) not in allowed:
                    problems.append(
                        _("%(w)s: у вопроса нет варианта «%(v)s».") % {"w": where, "v": value}
                    )
                    continue
                number = _num(pts, where, problems)
                if number is not None and number < 0:
                    problems.append(_("%(w)s: баллы не могут быть отрицательными.") % {"w": where})
                points[str(value)] = number or 0.0
            if not points or max(points.values()) <= 0:
                problems.append(_("%(w)s: ни один ответ не даёт баллов риска.") % {"w": where})
                continue
            items.append(ItemRule(code, weight or 1.0, points=points))
        rules[factor] = FactorRule(factor, medium or 0.0, high or 0.0, tuple(items))
    if problems:
        raise ScoringError(problems)
    return rules


def item_score(
    rule: ItemRule, counts: QuestionCounts | None, responses: int
) -> tuple[float, int] | None:
    """(0–1 score, answers counted) of one question at one link, or None without answers."""
    if counts is None:
        return None
    if counts.kind == QuestionKind.NUMBER:
        answered = sum(counts.numbers.values())
        top = max(p for *_, p in rule.ranges)
        total = sum(rule.points_for_number(x) * n for x, n in counts.numbers.items())
        return (total / (answered * top), answered) if answered and top > 0 else None
    if counts.kind == QuestionKind.MULTIPLE:
        top = sum(p for p in rule.points.values() if p > 0)
        total = sum(rule.points.get(v, 0.0) * n for v, n in counts.values.items())
        # Every respondent answered a multiple choice, if only by choosing nothing.
        return (total / (responses * top), responses) if responses and top > 0 else None
    answered = sum(counts.values.values())
    top = max(rule.points.values())
    total = sum(rule.points.get(v, 0.0) * n for v, n in counts.values.items())
    return (total / (answered * top), answered) if answered and top > 0 else None


@dataclass
class FactorPart:
    """One questionnaire's contribution to a factor of one school."""

    group: str
    score: float  # 0–100
    weight: float
    medium: float
    high: float
    respondents: int


def factor_part(
    rule: FactorRule,
    by_code: Mapping[str, QuestionCounts],
    responses: int,
    group: str,
) -> FactorPart | None:
    total = weights = 0.0
    for item in rule.items:
        found = item_score(item, by_code.get(item.question), responses)
        if found is None:
            continue
        total += found[0] * item.weight
        weights += item.weight
    if not weights:
        return None
    return FactorPart(group, 100 * total / weights, weights, rule.medium, rule.high, responses)


def level_for(score: float, medium: float, high: float) -> str:
    if score >= high:
        return RiskLevel.HIGH
    if score >= medium:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def combine(parts: Iterable[FactorPart]) -> tuple[float, str] | None:
    """The school's score and level of one factor from its questionnaires' parts."""
    parts = list(parts)
    weights = sum(p.weight for p in parts)
    if not weights:
        return None
    score = sum(p.score * p.weight for p in parts) / weights
    medium = sum(p.medium * p.weight for p in parts) / weights
    high = sum(p.high * p.weight for p in parts) / weights
    return round(score, 1), level_for(score, medium, high)


# --- The form's line syntax: «код: значение=баллы, …; вес 2» ------------------------------

LINE = re.compile(r"^\s*([\w-]+)\s*:\s*(.+?)\s*(?:;\s*вес\s*([\d.,]+))?\s*$", re.IGNORECASE)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def items_to_lines(items: Iterable[Mapping[str, Any]]) -> str:
    """The items of a factor as the form's lines (one question per line)."""
    lines = []
    for item in items:
        if item.get("ranges"):
            parts = [f"{_fmt(a)}..{_fmt(b)}={_fmt(p)}" for a, b, p in item["ranges"]]
        else:
            parts = [f"{v}={_fmt(float(p))}" for v, p in (item.get("points") or {}).items()]
        line = f"{item['question']}: {', '.join(parts)}"
        weight = float(item.get("weight", 1))
        if weight != 1:
            line += f"; вес {_fmt(weight)}"
        lines.append(line)
    return "\n".join(lines)


def lines_to_items(text: str, factor_name: str) -> list[dict[str, Any]]:
    """Parse the form's lines back into items; raises ScoringError with the line numbers."""
    items: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = _("%(f)s, строка %(n)s") % {"f": factor_name, "n": number}
        match = LINE.match(raw)
        if not match:
            problems.append(_("%(w)s: ожидается «код: значение=баллы, …; вес N».") % {"w": where})
            continue
        code, body, weight = match.groups()
        item: dict[str, Any] = {"question": code}
        if weight:
            item["weight"] = float(weight.replace(",", "."))
        pairs = [p.strip() for p in body.split(",") if p.strip()]
        points: dict[str, float] = {}
        ranges: list[list[float | None]] = []
        for pair in pairs:
            key, sep, value = pair.partition("=")
            try:
                pts = float(value.strip().replace(",", "."))
            except ValueError:
                problems.append(
                    _("%(w)s: «%(p)s» — нужно значение=баллы.") % {"w": where, "p": pair}
                )
                continue
            if not sep:
                problems.append(
                    _("%(w)s: «%(p)s» — нужно значение=баллы.") % {"w": where, "p": pair}
                )
                continue
            key = key.strip()
            if ".." in key:
                low, _dots, high = key.partition("..")
                try:
                    ranges.append(
                        [
                            float(low) if low.strip() else None,
                            float(high) if high.strip() else None,
                            pts,
                        ]
                    )
                except ValueError:
                    problems.append(
                        _("%(w)s: диапазон «%(k)s» — «от..до».") % {"w": where, "k": key}
                    )
            else:
                points[key] = pts
        if ranges:
            item["ranges"] = ranges
        else:
            item["points"] = points
        items.append(item)
    if problems:
        raise ScoringError(problems)
    return items
