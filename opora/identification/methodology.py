"""A methodology (методика выявления) as data: what enters the indices, the thresholds, and the
rules of every flag. Stored as JSON in a methodology version; read and checked here.

`parse_params` refuses a methodology that makes no sense (all weights zero, negative
thresholds, unknown indicators) with reasons in Russian.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MEASURES = {
    "mean_score": gettext_lazy("средний балл"),
    "share_fail": gettext_lazy("доля «2» / недостаточного уровня"),
    "share_good": gettext_lazy("доля «4» и «5» / высоких результатов"),
    "share_below_min": gettext_lazy("доля ниже минимального балла"),
}
# Measures where a higher figure is a worse result: turned around before entering the index.
LOWER_IS_BETTER = frozenset({"share_fail", "share_below_min"})
ANY = "*"


class MethodologyError(ValueError):
    """The methodology cannot be used; `problems` are Russian sentences for the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ResultComponent:
    """Results of one assessment (or any), subject (or any), grade (or any) in one measure."""

    assessment: str = ANY
    subject: str = ANY
    grade: int = 0
    measure: str = "mean_score"
    weight: float = 1.0


@dataclass(frozen=True)
class ContextComponent:
    indicator: str
    weight: float = 1.0


@dataclass(frozen=True)
class Condition:
    """A problem-type condition on a context indicator's value: ">=" or "<=" a threshold."""

    indicator: str
    op: str
    value: float


@dataclass(frozen=True)
class ProblemType:
    """A problem type of seed 004 table 2; a school has it when any of its conditions holds."""

    code: str
    name: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Params:
    results_components: tuple[ResultComponent, ...]
    context_components: tuple[ContextComponent, ...]
    problem_types: tuple[ProblemType, ...] = ()
    # A figure from fewer participants cannot enter an index or trigger a flag.
    min_participants: int = 5
    # Fewer usable figures than this: the school is listed as "недостаточно данных".
    min_components: int = 2
    # ШНОР by the index: at or below this percentile of the results index.
    low_results_percent: float = 10.0
    # ШНОР by marks: share of "2" at or above this in at least `fail_min_assessments`
    # assessments, in `fail_consecutive_years` data years running (0 assessments: rule off).
    fail_share_threshold: float = 30.0
    fail_min_assessments: int = 2
    fail_consecutive_years: int = 2
    # ШНСУ: at or below this percentile of the context index.
    unfavourable_percent: float = 15.0
    # Context values older than this many years before the run's year are not used.
    context_max_age_years: int = 2
    # Residual of the regression of results on context, in standard deviations.
    below_expected_z: float = -1.0
    resilient_z: float = 1.0
    # Resilient only in a hard context: context percentile at or below this.
    resilient_context_percent: float = 25.0
    # Risk group: the index fell in each of the last `trend_years` data years by at least
    # `trend_min_drop` in all, or the school is within `near_threshold_points` of the cut.
    trend_years: int = 3
    trend_min_drop: float = 0.2
    near_threshold_points: float = 5.0
    # Objectivity warnings: shares of marks lowered / raised against the register, and a
    # jump of the index above the mean of the previous years (standard deviations).
    objectivity_lower_share: float = 40.0
    objectivity_raise_share: float = 15.0
    objectivity_jump: float = 1.5
    # The results index over several data years (the run's year first): `index_years` years
    # weighted by `year_weights` (empty: equally); `missing_years` says what a school lacking
    # some of them gets (choices.MissingYears). The defaults are one year, as before.
    index_years: int = 1
    year_weights: tuple[float, ...] = ()
    missing_years: str = "available"
    # Empirical-Bayes shrinkage of the index toward the mean in proportion to its sampling
    # noise (participants); with it, each index has an uncertainty and «near the threshold»
    # is decided by that uncertainty.
    shrinkage: bool = False
    # Schools tied at a percentile cut (choices.TieRule).
    tie_rule: str = "all"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Settings that are not numbers: read by `_options`.
OPTIONS = frozenset({"year_weights", "missing_years", "shrinkage", "tie_rule"})
SCALARS = (
    {f.name for f in fields(Params)}
    - {
        "results_components",
        "context_components",
        "problem_types",
    }
    - OPTIONS
)
PERCENT_FIELDS = (
    "low_results_percent",
    "fail_share_threshold",
    "unfavourable_percent",
    "resilient_context_percent",
    "near_threshold_points",
    "objectivity_lower_share",
    "objectivity_raise_share",
)
NON_NEGATIVE_FIELDS = (
    "min_participants",
    "min_components",
    "fail_min_assessments",
    "fail_consecutive_years",
    "context_max_age_years",
    "resilient_z",
    "trend_years",
    "trend_min_drop",
    "objectivity_jump",
)
# What a version that predates a setting means by it.
PARAM_DEFAULTS = {f.name: f.default for f in fields(Params) if f.name in SCALARS}
# The longest results history an index may span.
MAX_INDEX_YEARS = 10


def parse_params(data: dict[str, Any], *, indicators: set[str] | None = None) -> Params:
    """Read a methodology's JSON; every problem found is reported at once."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise MethodologyError([_("Параметры методики должны быть объектом JSON.")])
    unknown = (
        set(data)
        - SCALARS
        - OPTIONS
        - {"results_components", "context_components", "problem_types"}
    )
    if unknown:
        problems.append(
            _("Неизвестные параметры: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    scalars: dict[str, Any] = {}
    defaults = {f.name: f.default for f in fields(Params) if f.name in SCALARS}
    for name in SCALARS:
        value = data.get(name, defaults[name])
        convert: Any = int if isinstance(defaults[name], int) else float
        try:
            scalars[name] = convert(value)
        except (TypeError, ValueError):
            problems.append(
                _("«%(name)s»: «%(value)s» — не число.") % {"name": name, "value": value}
            )
    for name in PERCENT_FIELDS:
        if name in scalars and not 0 <= scalars[name] <= 100:
            problems.append(
                _("«%(name)s» = %(value)s: порог в процентах должен быть от 0 до 100.")
                % {"name": name, "value": scalars[name]}
            )
    for name in NON_NEGATIVE_FIELDS:
        if name in scalars and scalars[name] < 0:
            problems.append(
                _("«%(name)s» = %(value)s: порог не может быть отрицательным.")
                % {"name": name, "value": scalars[name]}
            )
    if scalars.get("below_expected_z", 0) > 0:
        problems.append(
            _("«below_expected_z» должен быть не больше 0: это отставание от ожидаемого.")
        )
    if scalars.get("min_components") == 0:
        problems.append(_("«min_components» должен быть не меньше 1."))
    options = _options(data, scalars, problems)
    results = _components(
        data.get("results_components"), ResultComponent, _("результатов"), problems
    )
    for component in results:
        if component.measure not in MEASURES:
            problems.append(
                _("Показатель результата «%(m)s» неизвестен; допустимо: %(known)s.")
                % {"m": component.measure, "known": ", ".join(MEASURES)}
            )
    context = _components(
        data.get("context_components"), ContextComponent, _("контекста"), problems
    )
    types: list[ProblemType] = []
    for item in data.get("problem_types") or []:
        try:
            conditions = tuple(Condition(**c) for c in item.get("conditions", []))
            types.append(ProblemType(item["code"], item["name"], conditions))
        except (TypeError, KeyError, AttributeError):
            problems.append(_("Тип проблем записан неверно: %(item)s.") % {"item": item})
            continue
        for condition in conditions:
            if condition.op not in (">=", "<="):
                problems.append(
                    _("Условие типа «%(t)s»: знак «%(op)s»; допустимо «>=» или «<=».")
                    % {"t": item["name"], "op": condition.op}
                )
    if indicators is not None:
        used = {c.indicator for c in context} | {
            cond.indicator for t in types for cond in t.conditions
        }
        for code in sorted(used - indicators):
            problems.append(
                _("Показателя контекста «%(code)s» нет в справочнике.") % {"code": code}
            )
    if problems:
        raise MethodologyError(problems)
    return Params(
        results_components=tuple(results),
        context_components=tuple(context),
        problem_types=tuple(types),
        **scalars,
        **options,
    )


def data_problems(
    params: Params,
    year: int,
    *,
    data_years: list[int],
    without_participants: list[tuple[str, int]],
) -> list[str]:
    """What keeps a valid methodology from running on a territory's data for `year`: the
    index's years without results, shrinkage without participant counts (named assessment
    and year). Empty when it can run. (A tie the second index cannot settle — the tied schools
    have none — is not refused: they all enter and the run says so.)"""
    problems: list[str] = []
    earlier = sorted(y for y in data_years if y <= year)
    # Weights given year by year are a claim that each of those years counts: refused when a
    # year has no data. Equal weights mean «up to N years»: fewer are used, and the run says so.
    if params.year_weights and len(earlier) < params.index_years:
        weights = ", ".join(str(w).removesuffix(".0") for w in params.year_weights)
        problems.append(
            _(
                "В индекс результатов методики входят %(n)s года(лет)%(weights)s, а у "
                "территории результаты есть только за %(have)s: для остальных весов лет данных "
                "нет. Загрузите результаты прежних лет или уменьшите число лет в методике."
            )
            % {
                "n": params.index_years,
                "weights": _(" (веса %(w)s)") % {"w": weights} if weights else "",
                "have": ", ".join(f"{y} г." for y in earlier) or _("ни один год"),
            }
        )
    if params.shrinkage and without_participants:
        named = ", ".join(f"«{name}» за {each} г." for name, each in without_participants)
        problems.append(
            _(
                "Включено сглаживание для малых школ, но в результатах %(named)s нет числа "
                "участников: без него нельзя оценить надёжность результата школы. Загрузите "
                "результаты с числом участников или выключите сглаживание."
            )
            % {"named": named}
        )
    return problems


def _options(data: dict[str, Any], scalars: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The multi-year index, shrinkage and tie settings, checked together."""
    from opora.identification.choices import MissingYears, TieRule

    options: dict[str, Any] = {}
    years = scalars.get("index_years", 1)
    if not 1 <= years <= MAX_INDEX_YEARS:
        problems.append(
            _("«index_years» = %(n)s: в индекс результатов входит от 1 до %(max)s лет.")
            % {"n": years, "max": MAX_INDEX_YEARS}
        )
    raw_weights = data.get("year_weights") or []
    weights: list[float] = []
    if not isinstance(raw_weights, list | tuple):
        problems.append(_("«year_weights» — список весов лет, например [3, 2, 1]."))
    else:
        for value in raw_weights:
            try:
                weights.append(float(value))
            except (TypeError, ValueError):
                problems.append(_("Вес года «%(w)s» — не число.") % {"w": value})
        if weights and len(weights) != years:
            problems.append(
                _(
                    "Весов лет %(n)s, а лет в индексе %(years)s: задайте по весу на каждый год "
                    "(первый — год расчёта) или не задавайте весов (все годы равны)."
                )
                % {"n": len(weights), "years": years}
            )
        if any(w < 0 for w in weights):
            problems.append(_("Вес года не может быть отрицательным."))
        if weights and weights[0] <= 0:
            problems.append(_("Вес года расчёта должен быть больше нуля."))
    options["year_weights"] = tuple(weights)
    missing = data.get("missing_years", MissingYears.AVAILABLE)
    if missing not in MissingYears.values:
        problems.append(
            _("«missing_years» = «%(v)s»; допустимо: %(known)s.")
            % {"v": missing, "known": ", ".join(MissingYears.values)}
        )
    options["missing_years"] = missing
    shrinkage = data.get("shrinkage", False)
    if not isinstance(shrinkage, bool):
        problems.append(_("«shrinkage» — да (true) или нет (false)."))
    options["shrinkage"] = bool(shrinkage)
    tie = data.get("tie_rule", TieRule.ALL)
    if tie not in TieRule.values:
        problems.append(
            _("«tie_rule» = «%(v)s»; допустимо: %(known)s.")
            % {"v": tie, "known": ", ".join(TieRule.values)}
        )
    options["tie_rule"] = tie
    return options


def _components(items: Any, cls: type[Any], what: str, problems: list[str]) -> list[Any]:
    if not items:
        problems.append(_("В индекс %(what)s не входит ни один показатель.") % {"what": what})
        return []
    components = []
    for item in items:
        try:
            component = cls(**item)
        except TypeError:
            problems.append(
                _("Слагаемое индекса %(what)s записано неверно: %(item)s.")
                % {"what": what, "item": item}
            )
            continue
        try:
            weight = float(component.weight)
        except (TypeError, ValueError):
            problems.append(_("Вес «%(w)s» — не число.") % {"w": component.weight})
            continue
        if weight < 0:
            problems.append(
                _("Вес %(w)s в индексе %(what)s отрицательный.") % {"w": weight, "what": what}
            )
        components.append(component)
    if components and all(float(c.weight) == 0 for c in components):
        problems.append(
            _("Все веса индекса %(what)s равны нулю: индекс не из чего считать.") % {"what": what}
        )
    return components


BASE_METHODOLOGY: dict[str, Any] = {
    "results_components": [
        {"assessment": "vpr", "subject": ANY, "grade": 0, "measure": "share_fail", "weight": 1},
        {"assessment": "vpr", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {"assessment": "oge", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {"assessment": "oge", "subject": ANY, "grade": 0, "measure": "share_fail", "weight": 1},
        {"assessment": "ege", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {
            "assessment": "ege",
            "subject": ANY,
            "grade": 0,
            "measure": "share_below_min",
            "weight": 1,
        },
        {"assessment": "ege", "subject": ANY, "grade": 0, "measure": "share_good", "weight": 1},
        {"assessment": "kdr", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {"assessment": "rdr", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {"assessment": "simce", "subject": ANY, "grade": 0, "measure": "mean_score", "weight": 1},
        {"assessment": "simce", "subject": ANY, "grade": 0, "measure": "share_fail", "weight": 1},
    ],
    "context_components": [
        {"indicator": "low-income", "weight": 1},
        {"indicator": "parents-no-prof-education", "weight": 1},
        {"indicator": "non-native", "weight": 0.5},
        {"indicator": "risk-families", "weight": 1},
        {"indicator": "special-needs", "weight": 0.5},
        {"indicator": "unemployment", "weight": 1},
        {"indicator": "ses-group", "weight": 1},
    ],
    "problem_types": [
        {
            "code": "social-institution",
            "name": "Школа с признаками социального учреждения",
            "conditions": [
                {"indicator": "risk-families", "op": ">=", "value": 5},
                {"indicator": "special-needs", "op": ">=", "value": 15},
            ],
        },
        {
            "code": "depressed-territory",
            "name": "Школа на территории с признаками депрессивности",
            "conditions": [{"indicator": "unemployment", "op": ">=", "value": 10}],
        },
        {
            "code": "low-staff-potential",
            "name": "Школа с низким уровнем кадрового потенциала",
            "conditions": [
                {"indicator": "teacher-vacancies", "op": ">=", "value": 10},
                {"indicator": "teachers-qualified", "op": "<=", "value": 40},
            ],
        },
        {
            "code": "ineffective-management",
            "name": "Школа с признаками неэффективного управления",
            "conditions": [{"indicator": "director-changes", "op": ">=", "value": 2}],
        },
        {
            "code": "high-deviation",
            "name": "Школа с высоким уровнем девиации детей",
            "conditions": [{"indicator": "registered-deviant", "op": ">=", "value": 5}],
        },
        {
            "code": "parental-deprivation",
            "name": "Школа с высоким уровнем депривации родителей",
            "conditions": [{"indicator": "parents-no-prof-education", "op": ">=", "value": 60}],
        },
    ],
    **{
        name: value
        for name, value in asdict(Params(results_components=(), context_components=())).items()
        if name in SCALARS
    },
    # Version 2 (issue 16): chosen on the quality figures of the SIMCE files, the Moscow file
    # and the demo — see the user guide's methodology page, «Обоснование настроек».
    "index_years": 3,
    "year_weights": [],
    "missing_years": "latest",
    "shrinkage": True,
    "tie_rule": "secondary",
}
# Said in the new version's comment when an installation moves to the new base settings.
BASE_METHODOLOGY_CHANGE = (
    "Версия 2: индекс результатов за три последних года с данными (веса 1 : 1 : 1, нужен год "
    "расчёта), сглаживание для малых школ, равные на пороге разделяются вторым индексом. "
    "Обоснование — в руководстве пользователя, «Методика выявления»."
)

BASE_METHODOLOGY_NAME = "Базовая методика"
BASE_METHODOLOGY_DESCRIPTION = (
    "Школа с низкими образовательными результатами (ШНОР) — в нижних 10 % по индексу "
    "результатов за три последних года (со сглаживанием для малых школ) или с долей «2» "
    "не меньше 30 % по двум и более работам два года подряд. Школа в неблагоприятных "
    "социальных условиях (ШНСУ) — в нижних 15 % по индексу социального контекста (равные на "
    "пороге разделяются индексом результатов). Устойчивая (резилиентная) школа — в трудном "
    "контексте (нижние 25 %), а результаты выше ожидаемых на 1 стандартное отклонение и "
    "больше. Подробно — в руководстве пользователя, раздел «Базовая методика выявления»."
)


def default_params() -> Params:
    return parse_params(BASE_METHODOLOGY)


@dataclass(frozen=True)
class ParamDoc:
    name: str
    label: Any
    unit: Any = ""


# What each scalar parameter means, for the edit form and the methodology page.
PARAM_DOCS: tuple[ParamDoc, ...] = (
    ParamDoc(
        "min_participants",
        gettext_lazy("Минимум участников, при котором результат учитывается"),
        gettext_lazy("чел."),
    ),
    ParamDoc(
        "min_components",
        gettext_lazy("Минимум результатов для расчёта индекса"),
        gettext_lazy("шт."),
    ),
    ParamDoc(
        "index_years",
        gettext_lazy("Лет результатов в индексе (последние годы с данными)"),
        gettext_lazy("лет"),
    ),
    ParamDoc("low_results_percent", gettext_lazy("ШНОР: нижние … % по индексу результатов"), "%"),
    ParamDoc("fail_share_threshold", gettext_lazy("ШНОР: доля «2» не меньше"), "%"),
    ParamDoc(
        "fail_min_assessments",
        gettext_lazy("ШНОР: … и более работ с такой долей «2»"),
        gettext_lazy("шт."),
    ),
    ParamDoc("fail_consecutive_years", gettext_lazy("ШНОР: … лет подряд"), gettext_lazy("лет")),
    ParamDoc("unfavourable_percent", gettext_lazy("ШНСУ: нижние … % по индексу контекста"), "%"),
    ParamDoc(
        "context_max_age_years", gettext_lazy("Данные контекста не старше"), gettext_lazy("лет")
    ),
    ParamDoc(
        "below_expected_z",
        gettext_lazy("Ниже ожидаемого: остаток не больше"),
        gettext_lazy("ст. откл."),
    ),
    ParamDoc(
        "resilient_z",
        gettext_lazy("Устойчивая школа: остаток не меньше"),
        gettext_lazy("ст. откл."),
    ),
    ParamDoc(
        "resilient_context_percent", gettext_lazy("Устойчивая школа: контекст в нижних … %"), "%"
    ),
    ParamDoc(
        "trend_years",
        gettext_lazy("Группа риска: снижение индекса … лет подряд"),
        gettext_lazy("лет"),
    ),
    ParamDoc(
        "trend_min_drop",
        gettext_lazy("Группа риска: суммарное снижение не меньше"),
        gettext_lazy("ст. откл."),
    ),
    ParamDoc(
        "near_threshold_points",
        gettext_lazy("Группа риска (без сглаживания): не выше порога ШНОР на … процентилей"),
        "",
    ),
    ParamDoc(
        "objectivity_lower_share", gettext_lazy("Объективность: понизили отметку не меньше"), "%"
    ),
    ParamDoc(
        "objectivity_raise_share", gettext_lazy("Объективность: повысили отметку не меньше"), "%"
    ),
    ParamDoc(
        "objectivity_jump",
        gettext_lazy("Объективность: скачок индекса не меньше"),
        gettext_lazy("ст. откл."),
    ),
)


# The settings that are not numbers, for the edit form and the methodology page.
OPTION_LABELS = {
    "year_weights": gettext_lazy("Веса лет в индексе (первый — год расчёта)"),
    "missing_years": gettext_lazy("Если у школы нет результатов части лет"),
    "shrinkage": gettext_lazy("Сглаживание для малых школ (эмпирический Байес)"),
    "tie_rule": gettext_lazy("Равные на пороге процентиля"),
}


def weights_text(weights: Any) -> str:
    """(3, 2, 1) → «3 : 2 : 1»; none → «равные»."""
    if not weights:
        return str(gettext_lazy("равные"))
    return " : ".join(f"{float(w):g}".replace(".", ",") for w in weights)


def option_rows(data: dict[str, Any]) -> list[tuple[Any, str]]:
    """Each non-numeric setting of a methodology's JSON with its value in words."""
    from opora.identification.choices import MissingYears, TieRule

    missing = data.get("missing_years", MissingYears.AVAILABLE)
    tie = data.get("tie_rule", TieRule.ALL)
    return [
        (OPTION_LABELS["year_weights"], weights_text(data.get("year_weights"))),
        (
            OPTION_LABELS["missing_years"],
            str(dict(MissingYears.choices).get(missing, missing)),
        ),
        (
            OPTION_LABELS["shrinkage"],
            str(gettext_lazy("да") if data.get("shrinkage") else gettext_lazy("нет")),
        ),
        (OPTION_LABELS["tie_rule"], str(dict(TieRule.choices).get(tie, tie))),
    ]


def problem_type_names(params: Params) -> dict[str, str]:
    return {t.code: t.name for t in params.problem_types}


def measure_label(measure: str) -> str:
    return str(MEASURES.get(measure, measure))


def field_names() -> list[str]:
    return [d.name for d in PARAM_DOCS]
