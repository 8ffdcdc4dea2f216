"""The questionnaires shipped with Opora (installed on migrate, see `apps.py`).

- satisfaction with education: students and parents;
- the 500+ risk-profile set: director, teachers, students, parents. Each scored question says
  which risk factor(s) it feeds and the risk points of each answer; `scoring_of` turns that
  into the questionnaire's scoring rules (`scoring.py`), which analysts then edit on copies.

The points grow with the risk: 0 for the favourable answer. A 1–5 agreement scale where 5 is
good gives 4…0 points. Values of options are their numbers, so rewording keeps the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opora.surveys.choices import QuestionKind, QuestionnaireKind, RespondentGroup, RiskFactor
from opora.surveys.scoring import DEFAULT_HIGH, DEFAULT_MEDIUM

F = RiskFactor
AGREE = ("совсем не согласен", "полностью согласен")
REVERSED5 = {"1": 4, "2": 3, "3": 2, "4": 1, "5": 0}


@dataclass
class Q:
    code: str
    text: str
    kind: str = QuestionKind.SINGLE
    options: tuple[str, ...] = ()
    scale: tuple[int, int, str, str] | None = None
    required: bool = True
    # factor → {value: points} (or, for a number question, [[from, to, points], …])
    risk: dict[str, Any] = field(default_factory=dict)


def single(code: str, text: str, options: tuple[str, ...], **risk: Any) -> Q:
    return Q(code, text, QuestionKind.SINGLE, options, risk=_points(risk))


def scale5(code: str, text: str, labels: tuple[str, str] = AGREE, **risk: Any) -> Q:
    return Q(code, text, QuestionKind.SCALE, scale=(1, 5, *labels), risk=_points(risk))


def text(code: str, question: str) -> Q:
    return Q(code, question, QuestionKind.TEXT, required=False)


def _points(risk: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments use underscores; factors use hyphens. A tuple of points is given in
    the order of the options (values 1, 2, …)."""
    result = {}
    for name, points in risk.items():
        factor = F(name.replace("_", "-"))
        if isinstance(points, tuple):
            points = {str(i): p for i, p in enumerate(points, start=1)}
        result[factor.value] = points
    return result


@dataclass
class Builtin:
    slug: str
    title: str
    group: str
    kind: str
    min_respondents: int
    description: str
    sections: list[tuple[str, list[Q]]]


STUDENT_SATISFACTION = Builtin(
    "satisfaction-students",
    "Удовлетворённость качеством образования: анкета обучающегося",
    RespondentGroup.STUDENTS,
    QuestionnaireKind.SATISFACTION,
    5,
    "Анкета анонимная: мы не спрашиваем имя и не знаем, кто отвечал. Школа увидит только "
    "общие итоги, и только если ответят не меньше пяти человек. Ответьте честно — это поможет "
    "сделать школу лучше.",
    [
        (
            "Учёба",
            [
                Q(
                    "s-interest",
                    "Насколько вам интересно учиться в школе?",
                    QuestionKind.SCALE,
                    scale=(1, 5, "совсем не интересно", "очень интересно"),
                ),
                single(
                    "s-explain",
                    "Учителя понятно объясняют новый материал",
                    ("почти всегда", "часто", "иногда", "редко или никогда"),
                ),
                single(
                    "s-help",
                    "Если что-то непонятно, можно получить помощь учителя",
                    ("да, всегда", "обычно да", "редко", "нет"),
                ),
                single(
                    "s-load",
                    "Как вы оцениваете учебную нагрузку?",
                    (
                        "слишком маленькая",
                        "нормальная",
                        "большая, но справляюсь",
                        "слишком большая",
                    ),
                ),
                scale5("s-fair", "Учителя оценивают мои знания справедливо"),
            ],
        ),
        (
            "Школа и класс",
            [
                scale5("s-safe", "Я чувствую себя в школе в безопасности"),
                single(
                    "s-class",
                    "Как складываются отношения в вашем классе?",
                    ("дружные", "скорее хорошие", "есть конфликты", "плохие"),
                ),
                Q(
                    "s-conditions",
                    "Что в школе вас устраивает? (можно выбрать несколько)",
                    QuestionKind.MULTIPLE,
                    (
                        "кабинеты и оборудование",
                        "библиотека",
                        "спортзал и спортплощадка",
                        "питание в столовой",
                        "компьютеры и интернет",
                        "кружки и секции",
                    ),
                    required=False,
                ),
                Q(
                    "s-food",
                    "Оцените питание в школьной столовой",
                    QuestionKind.SCALE,
                    scale=(1, 5, "очень плохо", "отлично"),
                ),
                single(
                    "s-clubs",
                    "Занимаетесь ли вы в школьных кружках, секциях, на внеурочных занятиях?",
                    ("да, в нескольких", "да, в одном", "нет, но хотел бы", "нет, не интересно"),
                ),
                scale5("s-future", "Школа помогает мне выбрать будущую профессию"),
            ],
        ),
        (
            "Общая оценка",
            [
                Q(
                    "s-overall",
                    "Насколько вы в целом довольны своей школой?",
                    QuestionKind.SCALE,
                    scale=(1, 10, "совсем не доволен", "полностью доволен"),
                ),
                single(
                    "s-recommend",
                    "Посоветовали бы вы свою школу друзьям?",
                    ("да", "скорее да", "скорее нет", "нет"),
                ),
                text("s-improve", "Что бы вы изменили в школе в первую очередь?"),
            ],
        ),
    ],
)

PARENT_SATISFACTION = Builtin(
    "satisfaction-parents",
    "Удовлетворённость качеством образования: анкета родителя",
    RespondentGroup.PARENTS,
    QuestionnaireKind.SATISFACTION,
    5,
    "Уважаемые родители! Анкета анонимная: школа и орган управления образованием увидят "
    "только обобщённые результаты, и только если ответят не меньше пяти родителей. Ваше мнение "
    "поможет школе спланировать работу на следующий год.",
    [
        (
            "Обучение ребёнка",
            [
                Q(
                    "p-quality",
                    "Насколько вы удовлетворены качеством обучения вашего ребёнка?",
                    QuestionKind.SCALE,
                    scale=(1, 5, "совсем не удовлетворён", "полностью удовлетворён"),
                ),
                Q(
                    "p-teachers",
                    "Как вы оцениваете профессионализм учителей?",
                    QuestionKind.SCALE,
                    scale=(1, 5, "очень низко", "очень высоко"),
                ),
                single(
                    "p-info",
                    "Вы своевременно получаете информацию об успеваемости ребёнка",
                    ("да, всегда", "чаще да", "редко", "нет"),
                ),
                single(
                    "p-homework",
                    "Объём домашних заданий",
                    ("недостаточный", "оптимальный", "чрезмерный"),
                ),
                scale5("p-individual", "Учителя учитывают особенности и способности ребёнка"),
            ],
        ),
        (
            "Условия и атмосфера",
            [
                scale5("p-safe", "Мой ребёнок в школе в безопасности"),
                single(
                    "p-willing",
                    "Ребёнок ходит в школу с желанием",
                    ("почти всегда", "чаще да", "чаще нет", "почти никогда"),
                ),
                Q(
                    "p-conditions",
                    "Чем вы довольны в школе? (можно выбрать несколько)",
                    QuestionKind.MULTIPLE,
                    (
                        "ремонт и оснащение кабинетов",
                        "питание",
                        "внеурочная деятельность",
                        "психологическая поддержка",
                        "подготовка к экзаменам",
                        "электронный дневник и сайт школы",
                    ),
                    required=False,
                ),
                scale5("p-administration", "Администрация школы открыта для общения с родителями"),
                single(
                    "p-involve",
                    "Как часто вы участвуете в жизни школы (собрания, мероприятия)?",
                    ("регулярно", "иногда", "редко", "никогда"),
                ),
            ],
        ),
        (
            "Общая оценка",
            [
                Q(
                    "p-overall",
                    "В целом вы довольны школой, в которой учится ваш ребёнок?",
                    QuestionKind.SCALE,
                    scale=(1, 10, "совсем не доволен", "полностью доволен"),
                ),
                single(
                    "p-recommend",
                    "Порекомендовали бы вы эту школу знакомым?",
                    ("да", "скорее да", "скорее нет", "нет"),
                ),
                Q(
                    "p-children",
                    "Сколько ваших детей учится в этой школе?",
                    QuestionKind.NUMBER,
                    required=False,
                ),
                text("p-wishes", "Ваши предложения школе"),
            ],
        ),
    ],
)

DIRECTOR_500 = Builtin(
    "risk500-director",
    "500+: анкета директора школы",
    RespondentGroup.DIRECTOR,
    QuestionnaireKind.RISK500,
    1,
    "Анкета для определения профиля рисков школы (проект «500+»). Отвечает директор или "
    "заместитель по поручению директора, один раз за школу. Ответы нужны для выбора "
    "антирисковых мер, а не для оценки работы администрации.",
    [
        (
            "Оснащение",
            [
                single(
                    "d-computers",
                    "Обеспеченность учебных кабинетов компьютерами и проекторами",
                    ("все кабинеты", "большинство", "около половины", "меньше половины"),
                    equipment=(0, 1, 2, 3),
                ),
                scale5(
                    "d-internet",
                    "Скорость и стабильность интернета позволяют проводить уроки с цифровыми "
                    "ресурсами",
                    equipment=REVERSED5,
                ),
                single(
                    "d-labs",
                    "Оборудованы ли кабинеты физики, химии, биологии для лабораторных работ?",
                    ("да, все", "частично", "нет"),
                    equipment=(0, 1, 2),
                ),
            ],
        ),
        (
            "Кадры",
            [
                Q(
                    "d-vacancies",
                    "Число открытых вакансий педагогов на начало учебного года",
                    QuestionKind.NUMBER,
                    risk={F.STAFF_SHORTAGE.value: [[None, 1, 0], [1, 3, 1], [3, None, 2]]},
                ),
                single(
                    "d-nonspecialists",
                    "Есть ли предметы, которые ведут педагоги без профильного образования или "
                    "внешние совместители?",
                    ("нет", "1–2 предмета", "3 предмета и более"),
                    staff_shortage=(0, 1, 2),
                ),
                single(
                    "d-categories",
                    "Доля учителей с первой или высшей квалификационной категорией",
                    ("больше 70 %", "50–70 %", "30–50 %", "меньше 30 %"),
                    teacher_competence=(0, 1, 2, 3),
                ),
                single(
                    "d-courses",
                    "Доля учителей, прошедших курсы повышения квалификации за последние 3 года",
                    ("больше 90 %", "70–90 %", "50–70 %", "меньше 50 %"),
                    no_internal_pd=(0, 1, 2, 3),
                ),
                single(
                    "d-mentoring",
                    "Работают ли в школе наставничество и методические объединения?",
                    ("работают регулярно, по плану", "работают формально", "нет"),
                    no_internal_pd=(0, 1, 2),
                ),
            ],
        ),
        (
            "Обучающиеся",
            [
                single(
                    "d-ilr",
                    "Есть ли индивидуальные образовательные маршруты для обучающихся с "
                    "трудностями в обучении?",
                    ("да, для всех, кому нужны", "для части обучающихся", "нет"),
                    low_adaptivity=(0, 1, 2),
                ),
                single(
                    "d-failing",
                    "Доля обучающихся с «2» или академической задолженностью по итогам прошлого "
                    "года",
                    ("меньше 5 %", "5–10 %", "10–20 %", "больше 20 %"),
                    academic_failure=(0, 1, 2, 3),
                ),
                single(
                    "d-nonnative",
                    "Доля обучающихся, для которых русский язык не родной",
                    ("таких нет", "до 10 %", "10–30 %", "больше 30 %"),
                    language_barriers=(0, 1, 2, 3),
                ),
                single(
                    "d-adaptation",
                    "Есть ли программы языковой и социальной адаптации детей-инофонов?",
                    ("да", "нет, но они нужны", "не требуются"),
                    language_barriers=(0, 2, 0),
                ),
                single(
                    "d-ovz",
                    "Доля обучающихся с ограниченными возможностями здоровья (ОВЗ)",
                    ("до 3 %", "3–7 %", "7–15 %", "больше 15 %"),
                    special_needs=(0, 1, 2, 3),
                ),
                single(
                    "d-specialists",
                    "Сколько из специалистов сопровождения (педагог-психолог, учитель-логопед, "
                    "учитель-дефектолог, социальный педагог) есть в штате?",
                    ("все четыре", "два–три", "один", "ни одного"),
                    special_needs=(0, 1, 2, 3),
                ),
            ],
        ),
        (
            "Среда и родители",
            [
                single(
                    "d-climate",
                    "Были ли за год случаи травли или конфликты, потребовавшие вмешательства "
                    "администрации?",
                    ("нет", "единичные", "неоднократно"),
                    school_climate=(0, 1, 2),
                ),
                single(
                    "d-parents-council",
                    "Как работает родительский (управляющий) совет школы?",
                    ("активно, участвует в решениях", "формально", "совета нет"),
                    parent_involvement=(0, 1, 2),
                ),
                text(
                    "d-comment",
                    "Что, на ваш взгляд, больше всего мешает школе улучшить образовательные "
                    "результаты?",
                ),
            ],
        ),
    ],
)

TEACHER_500 = Builtin(
    "risk500-teachers",
    "500+: анкета педагога",
    RespondentGroup.TEACHERS,
    QuestionnaireKind.RISK500,
    5,
    "Анкета для определения профиля рисков школы (проект «500+»). Она анонимна: результаты "
    "видны только обобщённо и только если ответят не меньше пяти педагогов школы.",
    [
        (
            "Условия работы",
            [
                scale5(
                    "t-equipment",
                    "На моих уроках хватает оборудования и цифровых ресурсов",
                    equipment=REVERSED5,
                ),
                Q(
                    "t-load",
                    "Ваша учебная нагрузка, часов в неделю",
                    QuestionKind.NUMBER,
                    risk={F.STAFF_SHORTAGE.value: [[None, 25, 0], [25, 31, 1], [31, None, 2]]},
                ),
                single(
                    "t-other-subject",
                    "Приходится ли вам вести предметы не по специальности?",
                    ("нет", "да, один", "да, несколько"),
                    staff_shortage=(0, 1, 2),
                ),
                Q(
                    "t-difficulties",
                    "С какими трудностями вы чаще всего сталкиваетесь? (можно выбрать несколько)",
                    QuestionKind.MULTIPLE,
                    (
                        "не хватает оборудования",
                        "большая нагрузка и замены",
                        "многие ученики не справляются с программой",
                        "ученики плохо владеют русским языком",
                        "нет помощи специалистов для детей с ОВЗ",
                        "конфликты, нарушения дисциплины",
                        "родители не участвуют в учёбе детей",
                        "не хватает методической поддержки",
                    ),
                    required=False,
                    risk={
                        F.EQUIPMENT.value: {"1": 1},
                        F.STAFF_SHORTAGE.value: {"2": 1},
                        F.ACADEMIC_FAILURE.value: {"3": 1},
                        F.LANGUAGE_BARRIERS.value: {"4": 1},
                        F.SPECIAL_NEEDS.value: {"5": 1},
                        F.SCHOOL_CLIMATE.value: {"6": 1},
                        F.PARENT_INVOLVEMENT.value: {"7": 1},
                        F.NO_INTERNAL_PD.value: {"8": 1},
                    },
                ),
            ],
        ),
        (
            "Профессиональное развитие",
            [
                scale5(
                    "t-confidence",
                    "Я уверенно применяю современные методики и формирующее оценивание",
                    teacher_competence=REVERSED5,
                ),
                single(
                    "t-method-help",
                    "Нужна ли вам методическая помощь по преподаваемому предмету?",
                    ("нет", "иногда", "да, постоянно"),
                    teacher_competence=(0, 1, 2),
                ),
                single(
                    "t-visits",
                    "Как часто вы посещаете уроки коллег и обсуждаете их?",
                    ("ежемесячно", "раз в четверть", "раз в год", "никогда"),
                    no_internal_pd=(0, 1, 2, 3),
                ),
                single(
                    "t-mentor",
                    "Получали ли вы в этом году поддержку наставника или методического "
                    "объединения?",
                    ("да, регулярно", "эпизодически", "нет"),
                    no_internal_pd=(0, 1, 2),
                ),
            ],
        ),
        (
            "Ученики и родители",
            [
                single(
                    "t-differentiation",
                    "Как часто вы даёте разноуровневые задания?",
                    ("на большинстве уроков", "раз в неделю", "редко", "никогда"),
                    low_adaptivity=(0, 1, 2, 3),
                ),
                single(
                    "t-failing",
                    "Сколько учеников в ваших классах не справляются с программой?",
                    ("единицы", "около четверти", "около половины", "большинство"),
                    academic_failure=(0, 1, 2, 3),
                ),
                single(
                    "t-language",
                    "Мешает ли обучению недостаточное владение русским языком у части учеников?",
                    ("нет", "иногда", "часто"),
                    language_barriers=(0, 1, 2),
                ),
                single(
                    "t-ovz",
                    "Хватает ли вам поддержки специалистов для работы с детьми с ОВЗ?",
                    ("да", "частично", "нет", "таких детей в моих классах нет"),
                    special_needs=(0, 1, 2, 0),
                ),
                single(
                    "t-parents",
                    "Какая доля родителей приходит на собрания в ваших классах?",
                    ("больше 70 %", "40–70 %", "20–40 %", "меньше 20 %"),
                    parent_involvement=(0, 1, 2, 3),
                ),
                scale5(
                    "t-team",
                    "Мне комфортно работать в коллективе школы",
                    school_climate=REVERSED5,
                ),
                text("t-comment", "Какая помощь нужна вам в первую очередь?"),
            ],
        ),
    ],
)

STUDENT_500 = Builtin(
    "risk500-students",
    "500+: анкета обучающегося",
    RespondentGroup.STUDENTS,
    QuestionnaireKind.RISK500,
    10,
    "Анкета анонимная: мы не спрашиваем имя и не знаем, кто отвечал. Итоги видны только "
    "обобщённо, если ответят не меньше десяти учеников школы.",
    [
        (
            "Уроки",
            [
                scale5("u-interest", "Мне интересно на уроках", academic_failure=REVERSED5),
                single(
                    "u-understand",
                    "Как часто вы не понимаете материал урока?",
                    ("почти никогда", "иногда", "часто", "почти всегда"),
                    academic_failure=(0, 1, 2, 3),
                ),
                scale5(
                    "u-explain-again",
                    "Если я не понял, учитель объясняет по-другому или даёт задание по силам",
                    low_adaptivity=REVERSED5,
                ),
                single(
                    "u-choice",
                    "На уроках можно выбрать задание по уровню сложности",
                    ("часто", "иногда", "никогда"),
                    low_adaptivity=(0, 1, 2),
                ),
                single(
                    "u-computers",
                    "Как часто на уроках используются компьютеры, интерактивная доска, "
                    "лабораторное оборудование?",
                    ("почти на каждом уроке", "раз в неделю", "редко", "никогда"),
                    equipment=(0, 1, 2, 3),
                ),
                single(
                    "u-teacher-change",
                    "В этом году у нас часто менялись учителя или отменялись уроки",
                    ("нет", "иногда", "часто"),
                    staff_shortage=(0, 1, 2),
                ),
            ],
        ),
        (
            "Школа и дом",
            [
                scale5(
                    "u-safe", "Я чувствую себя в школе в безопасности", school_climate=REVERSED5
                ),
                single(
                    "u-bullying",
                    "Сталкивались ли вы в этом году с травлей или оскорблениями в школе?",
                    ("нет", "один-два раза", "часто"),
                    school_climate=(0, 1, 2),
                ),
                single(
                    "u-language",
                    "На каком языке вы чаще всего говорите дома?",
                    ("только на русском", "на русском и другом", "в основном на другом языке"),
                    language_barriers=(0, 1, 2),
                ),
                single(
                    "u-parents-help",
                    "Родители интересуются моей учёбой и помогают с уроками",
                    ("постоянно", "иногда", "редко", "никогда"),
                    parent_involvement=(0, 1, 2, 3),
                ),
                text("u-wish", "Что помогло бы вам учиться лучше?"),
            ],
        ),
    ],
)

PARENT_500 = Builtin(
    "risk500-parents",
    "500+: анкета родителя",
    RespondentGroup.PARENTS,
    QuestionnaireKind.RISK500,
    10,
    "Уважаемые родители! Анкета анонимная и нужна для того, чтобы школа получила адресную "
    "поддержку. Итоги видны только обобщённо, если ответят не меньше десяти родителей.",
    [
        (
            "Участие в учёбе ребёнка",
            [
                single(
                    "r-meetings",
                    "Как часто вы бываете на родительских собраниях?",
                    ("на каждом", "иногда", "редко", "не бываю"),
                    parent_involvement=(0, 1, 2, 3),
                ),
                single(
                    "r-diary",
                    "Как часто вы смотрите электронный дневник и оценки ребёнка?",
                    ("каждый день", "раз в неделю", "раз в месяц", "почти никогда"),
                    parent_involvement=(0, 1, 2, 3),
                ),
                single(
                    "r-events",
                    "Участвуете ли вы в школьных мероприятиях, работе родительского комитета?",
                    ("да, постоянно", "иногда", "нет"),
                    parent_involvement=(0, 1, 2),
                ),
                single(
                    "r-difficulty",
                    "Испытывает ли ребёнок трудности в учёбе?",
                    ("нет", "иногда", "по ряду предметов", "по большинству предметов"),
                    academic_failure=(0, 1, 2, 3),
                ),
                scale5(
                    "r-individual",
                    "Учителя учитывают особенности ребёнка и помогают при трудностях",
                    low_adaptivity=REVERSED5,
                ),
            ],
        ),
        (
            "Школа и семья",
            [
                single(
                    "r-willing",
                    "Ребёнок ходит в школу с желанием",
                    ("почти всегда", "чаще да", "чаще нет", "почти никогда"),
                    school_climate=(0, 1, 2, 3),
                ),
                scale5(
                    "r-safe", "Я спокоен за безопасность ребёнка в школе", school_climate=REVERSED5
                ),
                single(
                    "r-language",
                    "На каком языке говорят в вашей семье?",
                    ("на русском", "на русском и другом", "на другом языке"),
                    language_barriers=(0, 1, 2),
                ),
                single(
                    "r-ovz-support",
                    "Если у ребёнка есть особые образовательные потребности (ОВЗ), получает ли он "
                    "нужную помощь в школе?",
                    ("да", "частично", "нет", "к нам не относится"),
                    special_needs=(0, 1, 2, 0),
                ),
                scale5(
                    "r-conditions",
                    "Школа хорошо оснащена (кабинеты, компьютеры, спортзал)",
                    equipment=REVERSED5,
                ),
                text("r-wish", "Что, по-вашему, школе нужно улучшить в первую очередь?"),
            ],
        ),
    ],
)

# Feedback on a municipal event (opora.events): one anonymous link per event, results on the
# event's page from the minimum number of responses.
EVENT_FEEDBACK = Builtin(
    "event-feedback",
    "Обратная связь о мероприятии",
    RespondentGroup.TEACHERS,
    QuestionnaireKind.CUSTOM,
    3,
    "Анкета анонимная: организатор увидит только общие итоги, и только если ответят не меньше "
    "трёх участников.",
    [
        (
            "Мероприятие",
            [
                Q(
                    "e-useful",
                    "Насколько мероприятие было полезно для вашей работы?",
                    QuestionKind.SCALE,
                    scale=(1, 5, "бесполезно", "очень полезно"),
                ),
                scale5("e-apply", "Я применю услышанное на своих уроках"),
                single(
                    "e-format",
                    "Формат мероприятия был удобен",
                    ("да", "скорее да", "скорее нет", "нет"),
                ),
                text("e-wish", "Какие темы вы хотели бы обсудить на следующих мероприятиях?"),
            ],
        ),
    ],
)

BUILTINS: tuple[Builtin, ...] = (
    STUDENT_SATISFACTION,
    PARENT_SATISFACTION,
    DIRECTOR_500,
    TEACHER_500,
    STUDENT_500,
    PARENT_500,
    EVENT_FEEDBACK,
)


def options_of(question: Q) -> list[dict[str, str]]:
    return [{"value": str(i), "label": label} for i, label in enumerate(question.options, 1)]


def scoring_of(builtin: Builtin) -> dict[str, Any]:
    """The questionnaire's scoring rules from the points its questions declare."""
    factors: dict[str, Any] = {}
    for _title, questions in builtin.sections:
        for question in questions:
            for factor, points in question.risk.items():
                spec = factors.setdefault(
                    factor, {"medium": DEFAULT_MEDIUM, "high": DEFAULT_HIGH, "items": []}
                )
                item: dict[str, Any] = {"question": question.code, "weight": 1}
                if question.kind == QuestionKind.NUMBER:
                    item["ranges"] = points
                else:
                    item["points"] = points
                spec["items"].append(item)
    ordered = {f.value: factors[f.value] for f in RiskFactor if f.value in factors}
    return {"factors": ordered} if ordered else {}
