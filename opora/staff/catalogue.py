"""The starter course catalogue Opora ships, installed on migrate (like the results
catalogue): courses of municipal and regional professional-development centres that the
seeds name (seed 004 section 4, seed 003 item 5.2) and others typical of a ГЦРО / ИРО plan.
Analysts edit, add and close courses; a shipped course is only ever added, never rewritten.
"""

from __future__ import annotations

from typing import Any

from opora.staff.choices import CompetencyArea as A
from opora.staff.choices import CourseFormat as F

COURSES: tuple[dict[str, Any], ...] = (
    {
        "code": "quality-management",
        "title": "Управление качеством образования",
        "provider": "МКУДПО «Городской центр развития образования»",
        "hours": 72,
        "format": F.BLENDED,
        "areas": [A.MANAGEMENT],
        "subjects": [],
        "description": "Целевые курсы для руководителей школ, показывающих низкие результаты: "
        "анализ данных, школьная программа повышения качества образования, ВСОКО.",
    },
    {
        "code": "fgos-technologies",
        "title": "Современные педагогические технологии: практические аспекты реализации ФГОС",
        "provider": "МКУДПО «Городской центр развития образования»",
        "hours": 72,
        "format": F.IN_PERSON,
        "areas": [A.METHODICAL],
        "subjects": [],
        "description": "Деятельностные технологии, проектирование урока по обновлённым ФГОС, "
        "индивидуализация обучения.",
    },
    {
        "code": "distance-learning",
        "title": "Технологии дистанционного и электронного обучения: создание онлайн-курсов",
        "provider": "МКУДПО ГЦИ «Эгида»",
        "hours": 36,
        "format": F.DISTANCE,
        "areas": [A.DIGITAL],
        "subjects": [],
        "description": "Электронные образовательные ресурсы, дистанционные образовательные "
        "технологии, разработка онлайн-курса для обучающихся.",
    },
    {
        "code": "special-needs",
        "title": "Психолого-педагогическое сопровождение обучающихся с ОВЗ в условиях "
        "инклюзивного образования",
        "provider": "МКУ ДПО ГЦОиЗ «Магистр»",
        "hours": 72,
        "format": F.BLENDED,
        "areas": [A.PSYCHOLOGICAL],
        "subjects": [],
        "description": "Адаптированные программы, специальные условия обучения, работа с "
        "семьями детей с ОВЗ.",
    },
    {
        "code": "burnout-prevention",
        "title": "Профилактика профессионального выгорания",
        "provider": "Информационно-методический центр",
        "hours": 36,
        "format": F.IN_PERSON,
        "areas": [A.PSYCHOLOGICAL],
        "subjects": [],
        "description": "Учебный модуль для программ повышения квалификации (seed 003, п. 5.2).",
    },
    {
        "code": "learning-difficulties",
        "title": "Работа с обучающимися, испытывающими трудности в обучении и поведении",
        "provider": "МКУ ДПО ГЦОиЗ «Магистр»",
        "hours": 36,
        "format": F.IN_PERSON,
        "areas": [A.PSYCHOLOGICAL, A.METHODICAL],
        "subjects": [],
        "description": "Учебная неуспешность, мотивация, поведенческие проблемы, "
        "взаимодействие с родителями.",
    },
    {
        "code": "functional-literacy",
        "title": "Формирование и оценка функциональной грамотности обучающихся",
        "provider": "Центр непрерывного повышения профессионального мастерства (ИРО)",
        "hours": 36,
        "format": F.BLENDED,
        "areas": [A.FUNCTIONAL_LITERACY, A.METHODICAL],
        "subjects": [],
        "description": "Читательская, математическая, естественно-научная грамотность: "
        "задания PISA-типа и их использование на уроке.",
    },
    {
        "code": "formative-assessment",
        "title": "Оценивание образовательных результатов: формирующее оценивание и "
        "объективность оценки",
        "provider": "Институт развития образования",
        "hours": 24,
        "format": F.DISTANCE,
        "areas": [A.METHODICAL],
        "subjects": [],
        "description": "Критериальное и формирующее оценивание, объективность ВПР и текущих "
        "отметок.",
    },
    {
        "code": "results-analysis",
        "title": "Анализ результатов оценочных процедур для учителя-предметника",
        "provider": "МКУДПО «Городской центр развития образования»",
        "hours": 16,
        "format": F.IN_PERSON,
        "areas": [A.METHODICAL, A.SUBJECT],
        "subjects": [],
        "description": "Анализ ВПР, ОГЭ и ЕГЭ по элементам содержания, корректировка рабочей "
        "программы по итогам анализа.",
    },
    {
        "code": "mentoring",
        "title": "Наставничество в образовательной организации: введение молодого педагога "
        "в профессию",
        "provider": "Институт развития образования",
        "hours": 36,
        "format": F.BLENDED,
        "areas": [A.METHODICAL, A.PSYCHOLOGICAL],
        "subjects": [],
        "description": "Целевая модель наставничества, адресные программы для молодых педагогов.",
    },
    {
        "code": "math-gia",
        "title": "Подготовка обучающихся к ГИА по математике: анализ типичных ошибок",
        "provider": "Институт развития образования",
        "hours": 36,
        "format": F.BLENDED,
        "areas": [A.SUBJECT, A.METHODICAL],
        "subjects": ["math", "math-prof"],
        "description": "Трудные темы ОГЭ и ЕГЭ, методика работы с обучающимися группы риска.",
    },
    {
        "code": "russian-gia",
        "title": "Методика подготовки к ОГЭ и ЕГЭ по русскому языку",
        "provider": "Институт развития образования",
        "hours": 36,
        "format": F.BLENDED,
        "areas": [A.SUBJECT, A.METHODICAL],
        "subjects": ["rus", "lit"],
        "description": "Сочинение и изложение, орфографическая и пунктуационная грамотность, "
        "критерии оценивания.",
    },
    {
        "code": "physics-fgos",
        "title": "Содержание и методика преподавания физики по обновлённым ФГОС",
        "provider": "Центр непрерывного повышения профессионального мастерства (ИРО)",
        "hours": 36,
        "format": F.DISTANCE,
        "areas": [A.SUBJECT],
        "subjects": ["phys"],
        "description": "Предметное содержание, эксперимент на уроке, задания ВПР и ОГЭ.",
    },
    {
        "code": "history-social",
        "title": "Актуальные вопросы преподавания истории и обществознания",
        "provider": "Институт развития образования",
        "hours": 36,
        "format": F.DISTANCE,
        "areas": [A.SUBJECT],
        "subjects": ["hist", "soc"],
        "description": "Единая концепция преподавания истории, финансовая грамотность.",
    },
    {
        "code": "natural-science",
        "title": "Естественно-научная грамотность на уроках биологии, химии и географии",
        "provider": "Центр непрерывного повышения профессионального мастерства (ИРО)",
        "hours": 24,
        "format": F.DISTANCE,
        "areas": [A.SUBJECT, A.FUNCTIONAL_LITERACY],
        "subjects": ["bio", "chem", "geo"],
        "description": "Исследовательские задания, интерпретация данных, задания PISA-типа.",
    },
    {
        "code": "digital-environment",
        "title": "Цифровая образовательная среда школы: ресурсы и сервисы для учителя",
        "provider": "МКУДПО ГЦИ «Эгида»",
        "hours": 24,
        "format": F.DISTANCE,
        "areas": [A.DIGITAL],
        "subjects": ["inf"],
        "description": "Федеральные цифровые платформы, электронный журнал, цифровые "
        "образовательные ресурсы на уроке.",
    },
    {
        "code": "school-team",
        "title": "Школьная команда: управление изменениями в школе с низкими "
        "образовательными результатами",
        "provider": "Институт развития образования",
        "hours": 48,
        "format": F.BLENDED,
        "areas": [A.MANAGEMENT, A.METHODICAL],
        "subjects": [],
        "description": "Для директоров и заместителей: антирисковые программы, работа "
        "с профилем рисков, стажировки в школах-наставниках.",
    },
)


def courses_install(**kwargs: Any) -> None:
    """Add the shipped courses the database lacks (by code); edits by analysts are kept."""
    from opora.results.models import Subject
    from opora.staff.models import Course

    known = set(Course.objects.exclude(code=None).values_list("code", flat=True))
    missing = [c for c in COURSES if c["code"] not in known]
    if not missing:
        return
    subjects = dict(Subject.objects.values_list("code", "pk"))
    for item in missing:
        values = {k: v for k, v in item.items() if k != "subjects"}
        values["areas"] = [str(a) for a in values["areas"]]
        course = Course.objects.create(**values)
        course.subjects.set([subjects[c] for c in item["subjects"] if c in subjects])
