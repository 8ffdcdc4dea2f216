"""Visit templates (шаблоны протоколов выезда): the shipped ones, installed on migrate, and the
plain-text form in which an authority edits its own copy in the browser.

A template is areas, each with questions; a question is rated on the template's scale
(«rated») or answered in words only. The shipped wording follows the seeds — seed 000 item 1.1
and seed 001 item 2.1 (the interview with the administration), seed 003 item 1.7 (the first
visit of a curator), seed 002 items 13 and 18 (methodical landings with a visit programme and
a report) — and the usual Russian «протокол посещения урока».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opora.support.choices import VisitKind

SCALE_MIN, SCALE_MAX = 2, 7
AREA_MARK, RATED_MARK, NOTE_MARK = "#", "-", "~"


def _area(name: str, rated: list[str], notes: list[str] | None = None) -> dict[str, Any]:
    questions = [{"text": t, "rated": True} for t in rated]
    questions += [{"text": t, "rated": False} for t in notes or []]
    return {"area": name, "questions": questions}


SHIPPED: list[dict[str, Any]] = [
    {
        "kind": VisitKind.FIRST_CURATOR,
        "name": "Первый визит куратора в школу",
        "scale": ["нет", "частично", "да"],
        "areas": [
            _area(
                "Знакомство с администрацией",
                [
                    "Состоялась встреча с директором и заместителями, согласованы контакты и "
                    "порядок взаимодействия",
                    "Администрация знает результаты выявления и причины включения школы в "
                    "программу",
                    "Назначен ответственный за работу с куратором (школьный координатор)",
                ],
                ["Ожидания и запросы школы к куратору"],
            ),
            _area(
                "Документы",
                [
                    "Программа развития или программа перехода в эффективный режим работы: "
                    "есть, актуальна",
                    "Приказ об участии в проекте и о школьной рабочей группе",
                    "Анализ результатов ВПР, ОГЭ и ЕГЭ за последние три года",
                    "План внутришкольного контроля и положение о ВСОКО",
                    "Планы работы школьных методических объединений",
                ],
            ),
            _area(
                "Условия",
                [
                    "Кадровое обеспечение: вакансии закрыты, нагрузка педагогов обоснована",
                    "Материально-техническое оснащение, доступ к интернету в кабинетах",
                    "Сопровождение обучающихся с ОВЗ, с неродным русским языком, состоящих на "
                    "ВШУ и в КДН",
                ],
                ["Социальные партнёры школы"],
            ),
            _area(
                "Итоги визита",
                [],
                ["Первоочередные проблемы, названные школой", "Договорённости о следующих шагах"],
            ),
        ],
    },
    {
        "kind": VisitKind.LANDING,
        "name": "Методический десант: программа по направлениям",
        "scale": ["не выявлено", "частично", "в полной мере"],
        "areas": [
            _area(
                "Управление и планирование",
                [
                    "Результаты оценочных процедур анализируются и используются при планировании",
                    "Дорожная карта школы исполняется в установленные сроки",
                    "Работает школьная команда (рабочая группа) проекта",
                ],
            ),
            _area(
                "Преподавание и оценивание",
                [
                    "Учителя используют результаты диагностики для корректировки обучения",
                    "Организована работа с обучающимися, испытывающими трудности в обучении",
                    "Отметки согласуются с результатами внешних оценочных процедур",
                ],
            ),
            _area(
                "Методическая работа и профессиональное развитие",
                [
                    "Школьные методические объединения работают над профессиональными дефицитами",
                    "Педагоги проходят курсы повышения квалификации по выявленным дефицитам, "
                    "у них есть ИОМ",
                    "Действует наставничество, практикуется взаимопосещение уроков",
                ],
            ),
            _area(
                "Образовательная среда и работа с родителями",
                [
                    "Родители вовлечены в образовательный процесс",
                    "Внеурочная деятельность и дополнительное образование доступны обучающимся",
                    "Оказывается психолого-педагогическая поддержка",
                ],
            ),
            _area(
                "Работа команды десанта",
                [],
                [
                    "Проведённые консультации, семинары, посещённые уроки",
                    "Запросы школы на дальнейшую поддержку",
                ],
            ),
        ],
    },
    {
        "kind": VisitKind.LESSON_OBSERVATION,
        "name": "Протокол посещения урока",
        "scale": ["не проявляется", "проявляется частично", "проявляется в полной мере"],
        "areas": [
            _area(
                "Сведения об уроке",
                [],
                ["Класс, предмет, учитель, тема урока", "Цель посещения"],
            ),
            _area(
                "Организация урока",
                [
                    "Цели урока поставлены и понятны обучающимся",
                    "Структура урока соответствует его типу и целям",
                    "Время урока используется рационально",
                ],
            ),
            _area(
                "Содержание и методы",
                [
                    "Содержание соответствует ФГОС и рабочей программе",
                    "Используются приёмы активного обучения, работа в парах и группах",
                    "Задания дифференцированы по уровню подготовки обучающихся",
                    "Формируется функциональная грамотность",
                ],
            ),
            _area(
                "Оценивание и обратная связь",
                [
                    "Критерии оценивания известны обучающимся",
                    "Обучающиеся получают обратную связь на уроке",
                    "Проведены рефлексия и подведение итогов",
                ],
            ),
            _area(
                "Психологический климат",
                [
                    "Доброжелательная атмосфера, обучающиеся вовлечены в работу",
                    "Дисциплина и учебная мотивация",
                ],
            ),
            _area("Выводы", [], ["Сильные стороны урока", "Рекомендации учителю"]),
        ],
    },
    {
        "kind": VisitKind.INTERVIEW,
        "name": "Собеседование с администрацией школы",
        "scale": ["не представлено", "представлено частично", "представлено полностью"],
        "areas": [
            _area(
                "Образовательная программа",
                ["Анализ образовательной программы, результаты её выполнения"],
            ),
            _area("Внутришкольный контроль", ["Анализ состояния внутришкольного контроля"]),
            _area(
                "Повышение квалификации",
                ["Анализ состояния повышения квалификации педагогических работников"],
            ),
            _area(
                "Независимая оценка качества образования",
                ["Анализ результатов независимой оценки качества образования (ВПР, ОГЭ, ЕГЭ)"],
            ),
            _area(
                "Дорожная карта поддержки школы",
                [
                    "Предложения школы к дорожной карте комплекса мероприятий поддержки",
                    "Условия для реализации ФГОС и обеспечения качества образования",
                ],
                ["Потребность школы в поддержке"],
            ),
        ],
    },
    {
        "kind": VisitKind.CONSULTATION,
        "name": "Консультация на месте",
        "scale": ["нет", "частично", "да"],
        "areas": [
            _area("Запрос школы", [], ["Тема и вопрос консультации", "Участники"]),
            _area(
                "Консультация",
                [
                    "Даны разъяснения по существу вопроса",
                    "Школе переданы методические материалы",
                ],
                ["Что школе предстоит сделать"],
            ),
        ],
    },
]


def visit_templates_install(**kwargs: Any) -> None:
    """Add the shipped templates the database lacks (by kind and name); shipped ones have no
    owner and are never changed, so an existing one is left as it is."""
    from opora.support.models import VisitTemplate

    known = set(VisitTemplate.objects.filter(owner__isnull=True).values_list("kind", "name"))
    VisitTemplate.objects.bulk_create(
        [
            VisitTemplate(
                owner=None,
                kind=item["kind"],
                name=item["name"],
                areas=item["areas"],
                scale=item["scale"],
            )
            for item in SHIPPED
            if (str(item["kind"]), item["name"]) not in known
        ]
    )


# --- The text form of a template ------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of a template with its key in `Visit.answers` («area.question»)."""

    key: str
    text: str
    rated: bool


@dataclass(frozen=True)
class Area:
    title: str
    questions: list[Question]


def template_areas(areas: list[dict[str, Any]]) -> list[Area]:
    """The template's areas with each question's answer key."""
    return [
        Area(
            str(area.get("area", "")),
            [
                Question(f"{a}.{q}", str(item.get("text", "")), bool(item.get("rated")))
                for q, item in enumerate(area.get("questions", []))
            ],
        )
        for a, area in enumerate(areas)
    ]


def areas_to_text(areas: list[dict[str, Any]]) -> str:
    """The areas as the editor shows them: «# раздел», «- вопрос с оценкой», «~ вопрос без
    оценки», one a line."""
    lines: list[str] = []
    for area in areas:
        if lines:
            lines.append("")
        lines.append(f"{AREA_MARK} {area.get('area', '')}")
        for item in area.get("questions", []):
            mark = RATED_MARK if item.get("rated") else NOTE_MARK
            lines.append(f"{mark} {item.get('text', '')}")
    return "\n".join(lines)


def areas_from_text(text: str) -> list[dict[str, Any]]:
    """Parse the editor's text back into areas; every wrong line named at once."""
    areas: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        mark, rest = line[0], line[1:].strip()
        if mark == AREA_MARK:
            if not rest:
                problems.append(_("Строка %(n)s: у раздела нет названия.") % {"n": number})
                continue
            areas.append({"area": rest[:500], "questions": []})
        elif mark in (RATED_MARK, NOTE_MARK):
            if not rest:
                problems.append(_("Строка %(n)s: пустой вопрос.") % {"n": number})
            elif not areas:
                problems.append(
                    _("Строка %(n)s: вопрос до первого раздела — начните с «# Название раздела».")
                    % {"n": number}
                )
            else:
                areas[-1]["questions"].append({"text": rest[:1000], "rated": mark == RATED_MARK})
        else:
            problems.append(
                _(
                    "Строка %(n)s: непонятно, раздел это или вопрос. Раздел начинается с «#», "
                    "вопрос с оценкой — с «-», вопрос без оценки — с «~»."
                )
                % {"n": number}
            )
    if not problems:
        for area in areas:
            if not area["questions"]:
                problems.append(_("В разделе «%(a)s» нет вопросов.") % {"a": area["area"]})
        if not areas:
            problems.append(_("В шаблоне нет ни одного раздела с вопросами."))
    if problems:
        raise ValidationError({"areas": problems})
    return areas


def scale_from_text(text: str, *, needed: bool) -> list[str]:
    """The rating scale, one value a line, lowest first; required when a question is rated."""
    scale = [line.strip()[:100] for line in text.splitlines() if line.strip()]
    if not scale and not needed:
        return []
    if not SCALE_MIN <= len(scale) <= SCALE_MAX:
        raise ValidationError(
            {
                "scale": _(
                    "В шкале должно быть от %(a)s до %(b)s значений, по одному в строке, "
                    "от низшего к высшему (сейчас %(n)s)."
                )
                % {"a": SCALE_MIN, "b": SCALE_MAX, "n": len(scale)}
            }
        )
    if len(set(scale)) != len(scale):
        raise ValidationError({"scale": _("Значения шкалы повторяются.")})
    return scale
