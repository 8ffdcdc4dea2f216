"""What Opora ships for results data: the catalogue of assessments, subjects and context
indicators, and the column-mapping presets for the files users bring (a Russian results
table, a Russian context table, the Moscow ЕГЭ open data, the Chilean SIMCE files).

`presets_install` runs after every migrate: missing catalogue entries are added (entries a
user has edited are left alone) and the presets are brought up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opora.results.choices import AssessmentKind, Direction, IndicatorKind

ASSESSMENTS: tuple[dict[str, Any], ...] = (
    {"code": "vpr", "name": "ВПР", "kind": AssessmentKind.VPR, "grades": "4–8, 10–11"},
    {"code": "oge", "name": "ОГЭ", "kind": AssessmentKind.OGE, "grades": "9"},
    {
        "code": "ege",
        "name": "ЕГЭ",
        "kind": AssessmentKind.EGE,
        "grades": "11",
        "score_min": 0,
        "score_max": 100,
        "has_marks": False,
    },
    {"code": "kdr", "name": "КДР", "kind": AssessmentKind.KDR, "grades": "4–11"},
    {
        "code": "rdr",
        "name": "Региональная диагностическая работа",
        "kind": AssessmentKind.REGIONAL,
        "grades": "4–11",
    },
    {
        "code": "simce",
        "name": "SIMCE (Чили)",
        "kind": AssessmentKind.INTERNATIONAL,
        "grades": "4, 10",
        # SIMCE has no hard upper bound: its scale is centred near 250, and real school means
        # pass 400 (2m 2018 mathematics: 402), so only the lower bound is checked.
        "score_min": 100,
        "has_marks": False,
    },
)

SUBJECTS: tuple[dict[str, Any], ...] = (
    {"code": "rus", "name": "Русский язык", "aliases": ["русский", "рус. яз.", "рус"]},
    {"code": "math", "name": "Математика", "aliases": ["матем", "мат", "математика (база)"]},
    {
        "code": "math-prof",
        "name": "Математика (профильный уровень)",
        "aliases": ["математика профиль", "математика (профиль)", "профильная математика"],
    },
    {"code": "lit", "name": "Литература", "aliases": []},
    {
        "code": "reading",
        "name": "Чтение",
        "aliases": ["lectura", "lect", "читательская грамотность"],
    },
    {"code": "world", "name": "Окружающий мир", "aliases": ["окр. мир"]},
    {"code": "phys", "name": "Физика", "aliases": []},
    {"code": "chem", "name": "Химия", "aliases": []},
    {"code": "bio", "name": "Биология", "aliases": []},
    {"code": "hist", "name": "История", "aliases": []},
    {"code": "soc", "name": "Обществознание", "aliases": []},
    {"code": "geo", "name": "География", "aliases": []},
    {"code": "inf", "name": "Информатика", "aliases": ["информатика и икт"]},
    {"code": "eng", "name": "Английский язык", "aliases": ["англ. яз.", "английский"]},
    {
        "code": "science",
        "name": "Естественные науки",
        "aliases": ["ciencias naturales", "nat", "естествознание"],
    },
    {
        "code": "social-science",
        "name": "Общественные науки",
        "aliases": ["ciencias sociales", "historia"],
    },
    {
        "code": "sum3",
        "name": "Сумма баллов по трём предметам",
        "aliases": ["три предмета", "сумма трёх предметов", "сумма баллов"],
    },
)

_PERCENT = {"unit": "%", "value_min": 0, "value_max": 100}
INDICATORS: tuple[dict[str, Any], ...] = (
    {
        "code": "low-income",
        "name": "Доля обучающихся из малоимущих семей",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["малоимущие", "доля малоимущих"],
        **_PERCENT,
    },
    {
        "code": "parents-no-prof-education",
        "name": "Доля родителей без профессионального образования",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["родители без профобразования"],
        **_PERCENT,
    },
    {
        "code": "non-native",
        "name": "Доля обучающихся, для которых русский язык не родной",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["неродной русский", "инофоны"],
        **_PERCENT,
    },
    {
        "code": "risk-families",
        "name": "Доля детей из семей в социально опасном положении",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["соп", "семьи в соп"],
        **_PERCENT,
    },
    {
        "code": "registered-deviant",
        "name": "Доля обучающихся на внутришкольном учёте, учёте в ПДН и КДН",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["на учёте", "внутришкольный учёт"],
        **_PERCENT,
    },
    {
        "code": "special-needs",
        "name": "Доля обучающихся с ОВЗ",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["овз", "доля овз"],
        **_PERCENT,
    },
    {
        "code": "unemployment",
        "name": "Уровень безработицы в населённом пункте",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["безработица"],
        **_PERCENT,
    },
    {
        "code": "ses-group",
        "name": "Социально-экономическая группа семей (1 — низкая, 5 — высокая)",
        "kind": IndicatorKind.CONTEXT,
        "direction": Direction.HIGHER_IS_BETTER,
        "unit": "группа",
        "value_min": 1,
        "value_max": 5,
        "aliases": ["cod_grupo", "grupo socioeconómico", "сэс-группа"],
    },
    {
        "code": "teacher-vacancies",
        "name": "Доля вакантных ставок учителей",
        "kind": IndicatorKind.STAFFING,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["вакансии"],
        **_PERCENT,
    },
    {
        "code": "teachers-qualified",
        "name": "Доля учителей с высшей и первой категорией",
        "kind": IndicatorKind.STAFFING,
        "direction": Direction.HIGHER_IS_BETTER,
        "aliases": ["категория", "доля с категорией"],
        **_PERCENT,
    },
    {
        "code": "teachers-under-35",
        "name": "Доля учителей моложе 35 лет",
        "kind": IndicatorKind.STAFFING,
        "direction": Direction.HIGHER_IS_BETTER,
        "aliases": ["молодые учителя"],
        **_PERCENT,
    },
    {
        "code": "director-changes",
        "name": "Число смен руководителя за три года",
        "kind": IndicatorKind.CONDITIONS,
        "direction": Direction.HIGHER_IS_WORSE,
        "unit": "раз",
        "value_min": 0,
        "value_max": 20,
        "aliases": ["смены директора"],
    },
    {
        "code": "second-shift",
        "name": "Доля обучающихся во вторую смену",
        "kind": IndicatorKind.CONDITIONS,
        "direction": Direction.HIGHER_IS_WORSE,
        "aliases": ["вторая смена"],
        **_PERCENT,
    },
)


@dataclass(frozen=True)
class Preset:
    """A shipped column mapping: which importer, which header holds which field, and the
    values for the whole file that such files never carry in a column."""

    slug: str
    title: str
    importer: str
    columns: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)


def _simce_columns(grade: str) -> dict[str, str]:
    columns = {
        "code": "rbd",
        "name": "nom_rbd",
        "region_code": "cod_reg_rbd",
        "region": "nom_reg_rbd",
        "commune": "nom_com_rbd",
        "ownership": "cod_depe2",
        "locality": "cod_rural_rbd",
        "year": "agno",
        "grade": "grado",
        "ses_group": "cod_grupo",
    }
    for subject in ("lect", "mate", "nat", "soc"):
        columns[f"{subject}_participants"] = f"nalu_{subject}{grade}_rbd"
        columns[f"{subject}_mean"] = f"prom_{subject}{grade}_rbd"
        for level, short in (("insufficient", "ins"), ("elementary", "ele"), ("adequate", "ade")):
            columns[f"{subject}_{level}"] = f"palu_eda_{short}_{subject}{grade}_rbd"
    return columns


PRESETS: tuple[Preset, ...] = (
    Preset(
        slug="ru-results",
        title="Таблица результатов (строка = школа × предмет)",
        importer="results.table",
        columns={
            "code": "Код ОО",
            "name": "Наименование ОО",
            "year": "Год",
            "assessment": "Оценочная процедура",
            "subject": "Предмет",
            "grade": "Класс",
            "participants": "Число участников",
            "mean_score": "Средний балл",
            "share_fail": "Доля «2», %",
            "share_good": "Доля «4» и «5», %",
            "share_below_min": "Доля ниже минимального балла, %",
            "share_confirm": "Подтвердили отметку, %",
            "share_lower": "Понизили отметку, %",
            "share_raise": "Повысили отметку, %",
        },
    ),
    Preset(
        slug="ru-students",
        title="Результаты по обучающимся (обезличенные)",
        importer="results.students",
        columns={
            "code": "Код ОО",
            "year": "Год",
            "assessment": "Оценочная процедура",
            "subject": "Предмет",
            "grade": "Класс",
            "student": "Код участника",
            "score": "Первичный балл",
            "mark": "Отметка",
            "annual_mark": "Отметка по журналу",
        },
    ),
    Preset(
        slug="ru-context",
        title="Таблица показателей контекста (строка = школа × год)",
        importer="results.context",
        columns={"code": "Код ОО", "name": "Наименование ОО", "year": "Год"}
        # The context importer's keys are «indicator:<code>» (see results/imports.py).
        | {
            f"indicator:{item['code']}": item["name"]
            for item in INDICATORS
            if item["code"] != "ses-group"
        },
    ),
    Preset(
        slug="moscow-ege",
        title="ЕГЭ по школам Москвы (открытые данные, набор 9722)",
        importer="results.table",
        columns={
            "code": "OGRN",
            "name": "EDU_NAME",
            "territory": "AdmArea",
            "subterritory": "District",
            "year": "YEAR",
            "participants": "PASSED_NUMBER_FULL",
            "count_good": "PASSES_OVER_220",
            # Documented as "160 points or fewer", but it is never below PASSES_OVER_220 and
            # school 179 has 101 of 109: it counts graduates above 160 points.
            "count_passed": "PASSER_UNDER_160",
        },
        defaults={"assessment": "ege", "subject": "sum3", "grade": "11", "ownership": "state"},
    ),
    Preset(
        slug="simce-4b",
        title="SIMCE (Чили), 4 класс: результаты и социально-экономическая группа",
        importer="results.simce",
        columns=_simce_columns("4b"),
    ),
    Preset(
        slug="simce-2m",
        title="SIMCE (Чили), 2 год средней школы (10 класс): результаты и СЭС-группа",
        importer="results.simce",
        columns=_simce_columns("2m"),
    ),
)


def preset_get(slug: str) -> Preset:
    for preset in PRESETS:
        if preset.slug == slug:
            return preset
    raise LookupError(slug)


def presets_install(**kwargs: Any) -> None:
    """Add missing catalogue entries and install the presets as saved column mappings."""
    from opora.core.models import ImportMapping
    from opora.results.models import Assessment, ContextIndicator, Subject

    catalogue: tuple[tuple[Any, tuple[dict[str, Any], ...]], ...] = (
        (Assessment, ASSESSMENTS),
        (Subject, SUBJECTS),
        (ContextIndicator, INDICATORS),
    )
    for model, items in catalogue:
        known = set(model.objects.values_list("code", flat=True))
        model.objects.bulk_create([model(**item) for item in items if item["code"] not in known])
    # Each migrate puts the shipped presets back as shipped: ownerless, read-only, and with
    # Opora's own columns even if a database was edited by hand.
    for preset in PRESETS:
        ImportMapping.objects.update_or_create(
            preset=preset.slug,
            defaults={
                "importer": preset.importer,
                "owner": None,
                "source_name": preset.title,
                "columns": preset.columns,
                "options": {"defaults": preset.defaults} if preset.defaults else {},
                "created_by": None,
            },
        )
