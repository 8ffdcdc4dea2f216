"""Reasons in plain Russian for every flag, with the figures and the rule behind them.

Each reason is {"flag": ..., "text": ...}; the school card and the export show them as
written, so that a coordinator can read them out to a school director.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from opora.identification.choices import Flag
from opora.identification.engine import NEAR_Z, CutReport, Outcome
from opora.identification.methodology import Params
from opora.results.models import Assessment, ContextIndicator, Subject

# Longer lists are cut: the card shows the first ones and how many more there are.
MAX_LISTED = 4


def lower_first(text: str) -> str:
    """«Доля обучающихся с ОВЗ» → «доля обучающихся с ОВЗ» (abbreviations stay capitals)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def fmt(value: float | None, digits: int = 2) -> str:
    """A number the Russian way: decimal comma, a real minus sign."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",").replace("-", "−")


def years_text(years: list[int]) -> str:
    if len(years) == 1:
        return _("в %(y)s году") % {"y": years[0]}
    return _("в %(list)s и %(last)s годах") % {
        "list": ", ".join(str(y) for y in years[:-1]),
        "last": years[-1],
    }


def cut_warnings(cuts: list[CutReport]) -> list[str]:
    """Why a cut's list is not the size its percentage aims at (ties at the cut, the rule
    that settled them), and how many schools had no value to be ranked by."""
    what = {"results": _("индексу результатов (ШНОР)"), "context": _("индексу контекста (ШНСУ)")}
    rules = {
        "all": _("по правилу методики все равные на пороге вошли в список"),
        "none": _("по правилу методики равные на пороге в список не вошли"),
        "secondary": _("по правилу методики равные разделены вторым индексом"),
    }
    out = []
    for c in cuts:
        if c.tied:
            text = _(
                "По %(what)s в нижние %(pct)s %% должно войти школ: %(target)s из %(n)s, "
                "вошло: %(got)s — одинаковое значение на пороге (%(cut)s) у школ: %(tied)s; "
                "%(rule)s."
            ) % {
                "what": what[c.measure],
                "pct": fmt(c.percent, 1),
                "target": c.target,
                "n": c.schools,
                "got": c.selected,
                "tied": c.tied,
                "cut": fmt(c.tie_value),
                "rule": rules.get(c.rule, c.rule),
            }
            if c.unresolved:
                text += " " + _(
                    "Равных и по второму индексу (или без него) школ: %(u)s — они вошли все."
                ) % {"u": c.unresolved}
            out.append(text)
        if c.missing:
            out.append(
                _(
                    "Школ без %(what)s (недостаточно данных): %(m)s; процент считается от "
                    "школ со значением: %(n)s."
                )
                % {
                    "m": c.missing,
                    "what": _("индекса результатов")
                    if c.measure == "results"
                    else _("индекса контекста"),
                    "n": c.schools,
                }
            )
    return out


class ReasonWriter:
    """Writes the reasons of one run's outcome, one school at a time."""

    def __init__(self, outcome: Outcome, params: Params) -> None:
        self.outcome = outcome
        self.params = params
        self.assessments = {a.code: a for a in Assessment.objects.all()}
        self.subjects = dict(Subject.objects.values_list("code", "name"))
        self.indicators = {i.code: i for i in ContextIndicator.objects.all()}
        self.fail_rows = self._group(outcome.fail_rows)
        self.objectivity_rows = self._group(outcome.objectivity_rows)
        self.context = self._group(outcome.context_used)
        self.history: dict[int, dict[int, float | None]] = defaultdict(dict)
        for row in outcome.history.iter_rows(named=True):
            self.history[row["school_id"]][row["year"]] = row["results_index"]
        self.type_names = {t.code: t for t in params.problem_types}
        self.context_weights = {c.indicator for c in params.context_components if c.weight}

    @staticmethod
    def _group(frame: pl.DataFrame) -> dict[int, list[dict[str, Any]]]:
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in frame.iter_rows(named=True):
            grouped[row["school_id"]].append(row)
        return grouped

    def work(self, row: dict[str, Any]) -> str:
        assessment = self.assessments.get(row["assessment"])
        name = assessment.name if assessment else row["assessment"]
        grade = f"-{row['grade']}" if row["grade"] else ""
        subject = lower_first(self.subjects.get(row["subject"], row["subject"]))
        return f"{name}{grade} по предмету «{subject}»"

    def reasons(self, record: dict[str, Any]) -> list[dict[str, str]]:
        school = record["school_id"]
        p = self.params
        out: list[dict[str, str]] = []

        def add(flag: str, text: str) -> None:
            out.append({"flag": flag, "text": text})

        if record["insufficient_data"]:
            add(
                Flag.INSUFFICIENT,
                _(
                    "Недостаточно данных за %(year)s год: учтено результатов %(n)s, нужно не "
                    "меньше %(min)s (результаты, где участников меньше %(part)s, не учитываются). "
                    "Школа не оценивается по индексу, а не считается нулевой."
                )
                % {
                    "year": self.outcome.year,
                    "n": record["components"] or 0,
                    "min": p.min_components,
                    "part": p.min_participants,
                },
            )
        if record["low_by_index"]:
            add(
                Flag.LOW_RESULTS,
                _(
                    "Индекс результатов %(idx)s%(se)s%(span)s — в нижних %(pct)s %% школ "
                    "(порог %(cut)s включительно; процентиль школы %(rank)s)."
                )
                % {
                    "idx": fmt(record["results_index"]),
                    "se": self._uncertainty(record),
                    "span": self._span(),
                    "pct": fmt(p.low_results_percent, 1),
                    "cut": fmt(self.outcome.results_cut),
                    "rank": fmt(record["results_percentile"], 0),
                },
            )
        if record["low_by_fail"]:
            add(Flag.LOW_RESULTS, self._fail_text(school))
        if record["unfavourable"]:
            add(
                Flag.UNFAVOURABLE,
                _(
                    "Индекс социального контекста %(idx)s — в нижних %(pct)s %% школ (порог "
                    "%(cut)s включительно). %(values)s"
                )
                % {
                    "idx": fmt(record["context_index"]),
                    "pct": fmt(p.unfavourable_percent, 1),
                    "cut": fmt(self.outcome.context_cut),
                    "values": self._context_text(school),
                },
            )
        if record["resilient"]:
            add(
                Flag.RESILIENT,
                _(
                    "Результаты выше ожидаемых при таком контексте на %(z)s ст. откл. "
                    "(ожидался индекс %(exp)s, фактически %(idx)s), а контекст трудный — "
                    "процентиль %(ctx)s (нужно не выше %(lim)s)."
                )
                % {
                    "z": fmt(record["residual_z"]),
                    "exp": fmt(record["expected"]),
                    "idx": fmt(record["results_index"]),
                    "ctx": fmt(record["context_percentile"], 0),
                    "lim": fmt(p.resilient_context_percent, 0),
                },
            )
        if record["below_expected"]:
            add(
                Flag.BELOW_EXPECTED,
                _(
                    "Результаты ниже ожидаемых при таком контексте на %(z)s ст. откл. "
                    "(ожидался индекс %(exp)s, фактически %(idx)s; порог %(lim)s)."
                )
                % {
                    "z": fmt(abs(record["residual_z"])),
                    "exp": fmt(record["expected"]),
                    "idx": fmt(record["results_index"]),
                    "lim": fmt(p.below_expected_z),
                },
            )
        if record["risk"]:
            if record["falling"]:
                add(Flag.RISK, self._trend_text(school))
            if record["near_threshold"] and record["results_se"] is not None:
                add(
                    Flag.RISK,
                    _(
                        "Индекс результатов %(idx)s близок к порогу ШНОР %(cut)s: порог "
                        "в пределах погрешности (±%(margin)s — 95 %% интервал)."
                    )
                    % {
                        "idx": fmt(record["results_index"]),
                        "cut": fmt(self.outcome.results_cut),
                        "margin": fmt(NEAR_Z * record["results_se"]),
                    },
                )
            elif record["near_threshold"]:
                add(
                    Flag.RISK,
                    _(
                        "Индекс результатов близок к порогу ШНОР: процентиль %(rank)s при "
                        "пороге %(cut)s (зона риска — ещё %(near)s процентилей)."
                    )
                    % {
                        "rank": fmt(record["results_percentile"], 0),
                        "cut": fmt(p.low_results_percent, 0),
                        "near": fmt(p.near_threshold_points, 0),
                    },
                )
            if record["below_expected"]:
                add(Flag.RISK, _("В группе риска, потому что результаты ниже ожидаемых."))
        if record["objectivity_marks"]:
            rows = self.objectivity_rows.get(school, [])
            for row in rows[:MAX_LISTED]:
                parts = []
                if (
                    row["share_lower"] is not None
                    and row["share_lower"] >= p.objectivity_lower_share
                ):
                    parts.append(
                        _("понизили отметку по журналу %(v)s %% (порог %(t)s %%)")
                        % {"v": fmt(row["share_lower"], 1), "t": fmt(p.objectivity_lower_share, 0)}
                    )
                if (
                    row["share_raise"] is not None
                    and row["share_raise"] >= p.objectivity_raise_share
                ):
                    parts.append(
                        _("повысили отметку по журналу %(v)s %% (порог %(t)s %%)")
                        % {"v": fmt(row["share_raise"], 1), "t": fmt(p.objectivity_raise_share, 0)}
                    )
                add(Flag.OBJECTIVITY, f"{self.work(row)}: " + "; ".join(parts) + ".")
            if len(rows) > MAX_LISTED:
                add(
                    Flag.OBJECTIVITY,
                    _("Так же ещё в %(n)s работах этого года.") % {"n": len(rows) - MAX_LISTED},
                )
        if record["jump"]:
            add(Flag.OBJECTIVITY, self._jump_text(school))
        for code in record["problem_types"] or []:
            add("problem_type", self._type_text(school, code))
        return out

    def _fail_text(self, school: int) -> str:
        p = self.params
        by_work: dict[tuple[str, str, int], list[dict[str, Any]]] = defaultdict(list)
        for row in self.fail_rows.get(school, []):
            by_work[(row["assessment"], row["subject"], row["grade"])].append(row)
        years = sorted({r["year"] for rows in by_work.values() for r in rows})
        any_marks = any(
            (a := self.assessments.get(code)) is None or a.has_marks for code, _s, _g in by_work
        )
        level = _("с отметкой «2»") if any_marks else _("на недостаточном уровне")
        works = []
        # The works failing in most years first: they carry the rule.
        ordered = sorted(by_work.values(), key=lambda rows: (-len(rows), self.work(rows[0])))
        for rows in ordered[:MAX_LISTED]:
            shares = ", ".join(
                f"{fmt(r['share_fail'], 0)} % ({r['year']})"
                for r in sorted(rows, key=lambda r: r["year"])
            )
            works.append(f"{self.work(rows[0])} — {shares}")
        more = len(by_work) - MAX_LISTED
        tail = _("; и ещё %(n)s") % {"n": more} if more > 0 else ""
        return _(
            "Доля участников %(level)s не меньше %(t)s %% не менее чем в %(n)s работах "
            "%(years)s (%(k)s года подряд): %(works)s%(tail)s."
        ) % {
            "level": level,
            "t": fmt(p.fail_share_threshold, 0),
            "n": p.fail_min_assessments,
            "years": years_text(years),
            "k": p.fail_consecutive_years,
            "works": "; ".join(works),
            "tail": tail,
        }

    def _context_text(self, school: int) -> str:
        parts = []
        for row in self.context.get(school, []):
            if row["indicator"] not in self.context_weights:
                continue
            indicator = self.indicators.get(row["indicator"])
            if indicator is None:
                continue
            unit = f" {indicator.unit}" if indicator.unit and indicator.unit != "группа" else ""
            year = f" ({row['year']})" if row["year"] != self.outcome.year else ""
            parts.append(f"{lower_first(indicator.name)} — {fmt(row['value'], 1)}{unit}{year}")
        if not parts:
            return ""
        return _("Значения: %(list)s.") % {"list": "; ".join(parts)}

    def _span(self) -> str:
        """«за 2023–2025 гг., веса 3:2:1» when the index spans several years."""
        p = self.params
        window = [y for y in self.outcome.data_years if y <= self.outcome.year][-p.index_years :]
        if p.index_years <= 1 or len(window) <= 1:
            return ""
        weights = ":".join(fmt(w, 1) for w in p.year_weights) or _("равные")
        return _(" (за %(first)s–%(last)s гг., веса %(w)s)") % {
            "first": window[0],
            "last": window[-1],
            "w": weights,
        }

    @staticmethod
    def _uncertainty(record: dict[str, Any]) -> str:
        se = record.get("results_se")
        return "" if se is None else f" ± {fmt(NEAR_Z * se)}"

    def _trend_text(self, school: int) -> str:
        years = list(self.outcome.data_years)[-self.params.trend_years :]
        history = self.history.get(school, {})
        steps = " → ".join(f"{fmt(history.get(y))} ({y})" for y in years)
        return _("Индекс результатов снижается %(n)s года подряд: %(steps)s.") % {
            "n": self.params.trend_years,
            "steps": steps,
        }

    def _jump_text(self, school: int) -> str:
        years = self.outcome.data_years
        history = self.history.get(school, {})
        previous = [history.get(y) for y in years[-4:-1]]
        known = [v for v in previous if v is not None]
        baseline = sum(known) / len(known) if known else None
        return _(
            "Индекс результатов резко вырос: %(now)s против %(base)s в среднем за прошлые годы "
            "(рост %(d)s при пороге %(t)s) — проверьте объективность проведения."
        ) % {
            "now": fmt(history.get(self.outcome.year)),
            "base": fmt(baseline),
            "d": fmt((history.get(self.outcome.year) or 0) - (baseline or 0)),
            "t": fmt(self.params.objectivity_jump),
        }

    def _type_text(self, school: int, code: str) -> str:
        problem = self.type_names.get(code)
        if problem is None:
            return code
        values = {r["indicator"]: r["value"] for r in self.context.get(school, [])}
        met = []
        for condition in problem.conditions:
            value = values.get(condition.indicator)
            if value is None:
                continue
            if (condition.op == ">=" and value >= condition.value) or (
                condition.op == "<=" and value <= condition.value
            ):
                indicator = self.indicators.get(condition.indicator)
                name = lower_first(indicator.name) if indicator else condition.indicator
                sign = "≥" if condition.op == ">=" else "≤"
                met.append(f"{name} — {fmt(value, 1)} (условие {sign} {fmt(condition.value, 1)})")
        return _("Тип проблем: %(name)s — %(why)s.") % {
            "name": lower_first(problem.name),
            "why": "; ".join(met),
        }
