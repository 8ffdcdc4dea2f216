"""The demo's practice bank: 25 practices of the city's schools and its methodical centre in
every state — drafts (one returned for revision), under review, published with reviews,
archived, one published practice with its next version under review — with materials, and
two collections (the department's municipal bank, the ministry's regional atlas).

Some of the published practices (bank's step 80) adopted by other schools of the city, two of
them as activities of those schools' draft roadmaps; each practice's start date placed inside
its authors' results years, so that the evidence of effect has years before and after.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from opora.core import dates
from opora.core.demo import DemoContext, demo_step
from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice
from opora.practices.services import adoption_create
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.results.models import SchoolResult
from opora.roadmaps.models import Section
from opora.roadmaps.services import EDITABLE

# --- The bank: practices, reviews, collections ---

# (title, problem types, risk factors, grades, what is done)
PRACTICES: tuple[tuple[str, list[str], list[str], list[int], str], ...] = (
    (
        "Наставничество «учитель — учитель» в малой сельской школе",
        ["low-staff-potential"],
        ["staff-shortage", "no-internal-pd"],
        [],
        "Пары опытного и начинающего учителя: взаимопосещение уроков, совместное планирование, "
        "разбор уроков раз в две недели.",
    ),
    (
        "Читательская грамотность через смысловое чтение на всех предметах",
        [],
        ["academic-failure", "teacher-competence"],
        [5, 6, 7],
        "Единые приёмы работы с текстом на уроках всех предметов, общий банк заданий, "
        "ежемесячная диагностика.",
    ),
    (
        "Родительский университет",
        ["parental-deprivation"],
        ["parent-involvement"],
        [1, 2, 3, 4],
        "Встречи с родителями раз в месяц: как помочь с домашним заданием, режим дня, трудности "
        "подросткового возраста.",
    ),
    (
        "Школьная служба примирения",
        ["high-deviation"],
        ["school-climate"],
        [5, 6, 7, 8, 9],
        "Обученные медиаторы из числа учеников и педагогов разбирают конфликты до того, как они "
        "доходят до администрации.",
    ),
    (
        "Индивидуальные образовательные маршруты для обучающихся с трудностями в обучении",
        [],
        ["academic-failure"],
        [5, 6, 7, 8],
        "Диагностика пробелов, маршрут на четверть, консультации учителя-предметника, контроль "
        "раз в месяц.",
    ),
    (
        "Методический день в школе: разбор уроков коллег",
        ["low-staff-potential"],
        ["no-internal-pd"],
        [],
        "Раз в месяц — открытые уроки и их разбор по единой карте наблюдения.",
    ),
    (
        "Формирующее оценивание на уроках математики",
        [],
        ["teacher-competence", "academic-failure"],
        [5, 6, 7, 8, 9],
        "Критерии успешности к каждому уроку, листы самооценки, обратная связь учителя без "
        "отметки.",
    ),
    (
        "Сетевое взаимодействие с учреждениями культуры",
        ["depressed-territory"],
        ["equipment", "school-climate"],
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "Уроки в музее и библиотеке, совместные проекты, договор о сетевой форме реализации "
        "программ.",
    ),
    (
        "Русский язык как неродной: адаптационные занятия",
        ["social-institution"],
        ["language-barriers"],
        [1, 2, 3, 4],
        "Групповые занятия по развитию речи для детей-инофонов, тьютор, словари по предметам.",
    ),
    (
        "Инклюзивная команда сопровождения",
        [],
        ["special-needs"],
        [],
        "Психолог, логопед, дефектолог и учитель вместе составляют план сопровождения ребёнка с "
        "ОВЗ.",
    ),
    (
        "Управленческая команда: еженедельный анализ данных",
        ["ineffective-management"],
        [],
        [],
        "Заместители директора раз в неделю разбирают посещаемость, отметки и выполнение плана "
        "по единой таблице.",
    ),
    (
        "Адаптивное расписание: сдвоенные уроки и проектные дни",
        [],
        ["low-adaptivity"],
        [8, 9, 10, 11],
        "Сдвоенные уроки по основным предметам, проектный день раз в месяц, гибкие группы.",
    ),
    (
        "Клуб молодого педагога",
        ["low-staff-potential"],
        ["staff-shortage"],
        [],
        "Встречи молодых учителей с наставниками, разбор трудных ситуаций, кейсы классного "
        "руководства.",
    ),
    (
        "Подготовка к ВПР без натаскивания",
        [],
        ["academic-failure"],
        [4, 5, 6, 7, 8],
        "Анализ результатов по элементам содержания, коррекционные блоки в рабочих программах.",
    ),
    (
        "Школьный медиацентр",
        ["depressed-territory"],
        ["school-climate", "equipment"],
        [7, 8, 9, 10, 11],
        "Ученическая редакция ведёт новости школы, сайт и страницу в соцсети; педагог-куратор.",
    ),
    (
        "Семейные выходные в школе",
        ["parental-deprivation"],
        ["parent-involvement"],
        [1, 2, 3, 4, 5, 6],
        "Раз в четверть — суббота для семей: мастерские, спорт, консультации специалистов.",
    ),
    (
        "Профилактика девиантного поведения через волонтёрство",
        ["high-deviation"],
        ["school-climate"],
        [7, 8, 9],
        "Волонтёрские отряды, проекты для микрорайона, наставники из старшеклассников.",
    ),
    (
        "Цифровая лаборатория в кабинете физики",
        [],
        ["equipment"],
        [7, 8, 9, 10, 11],
        "Лабораторные работы на цифровых датчиках, общий доступ для школ округа по графику.",
    ),
    (
        "Внутришкольные курсы повышения квалификации",
        ["low-staff-potential"],
        ["no-internal-pd", "teacher-competence"],
        [],
        "Модули по 8 часов, которые ведут учителя школы; зачёт — открытый урок.",
    ),
    (
        "Тьюторское сопровождение выпускников",
        [],
        ["academic-failure", "low-adaptivity"],
        [9, 11],
        "Каждый выпускник с рисками получает тьютора; план подготовки и еженедельная встреча.",
    ),
    (
        "Школа — центр местного сообщества",
        ["depressed-territory", "social-institution"],
        ["parent-involvement"],
        [],
        "Кружки для детей и взрослых, библиотека открыта вечером, совет родителей и жителей.",
    ),
    (
        "Языковой лагерь на каникулах",
        ["social-institution"],
        ["language-barriers"],
        [2, 3, 4, 5],
        "Две недели каникул: игровые занятия по русскому языку, экскурсии, проекты.",
    ),
    (
        "Совет обучающихся как участник управления",
        ["ineffective-management"],
        ["school-climate"],
        [8, 9, 10, 11],
        "Совет обучающихся участвует в решениях о правилах, мероприятиях и расписании кружков.",
    ),
    (
        "Ресурсный класс для детей с РАС",
        [],
        ["special-needs"],
        [1, 2, 3, 4],
        "Ресурсная зона, тьюторы, постепенное включение в обычный класс.",
    ),
)
# The state of each practice above, in order.
STATES = (
    ["draft"] * 3
    + ["revised"]
    + ["review"] * 3
    + ["review_one"]
    + ["published"] * 13
    + ["archived"] * 3
)
# The published practice (index) that has its next version under review.
VERSIONED = 0


def _pdf_bytes() -> bytes:
    from opora.core.documents import PDF_FONT, pdf_new

    pdf = pdf_new(title="Материалы практики")
    pdf.add_page()
    pdf.set_font(PDF_FONT, "", 12)
    pdf.multi_cell(0, 6, "Положение о практике, план мероприятий и разработки занятий.")
    return bytes(pdf.output())


@demo_step(order=80, name="Банк практик: 25 практик во всех состояниях, экспертиза, сборники")
def practices_demo(context: DemoContext) -> None:
    from opora.practices import selectors, services
    from opora.practices.choices import CollectionKind, ReviewConclusion
    from opora.practices.models import Collection, Practice
    from opora.registry.models import Membership, Organization, Person
    from opora.results.models import Subject

    rng = context.random
    analyst = User.objects.get(username="analyst")
    coordinator = User.objects.get(username="coordinator")
    regional = User.objects.get(username="regional")
    director = User.objects.get(username="director")
    gcro: Organization = context.objects["methodical_centres"][0]
    department: Organization = context.objects["department"]
    home: Organization = context.objects["home_school"]
    ministry = Membership.objects.get(
        person__user=regional, role="regional_coordinator"
    ).organization
    schools = list(
        Organization.objects.filter(
            kind="school", territory__path__startswith=gcro.territory.path, is_active=True
        )
        .exclude(pk=home.pk)
        .order_by("code")[:10]
    )
    subjects = list(Subject.objects.order_by("pk")[:8])
    pdf = _pdf_bytes()
    made: list[Any] = []
    today = dates.today()
    for index, (title, problems, factors, grades, description) in enumerate(PRACTICES):
        state = STATES[index]
        if index % 4 == 0:
            organization, author = home, director
        elif index % 7 == 3:
            organization, author = gcro, analyst
        else:
            organization, author = schools[index % len(schools)], analyst
        people = list(
            Person.objects.filter(
                memberships__organization=organization, memberships__is_active=True
            )
            .exclude(user=analyst)
            .exclude(user=coordinator)
            .distinct()
            .order_by("pk")[: rng.randint(1, 3)]
        )
        practice = services.practice_save(
            practice=Practice(
                organization=organization,
                title=title,
                summary=description.split(",")[0] + ".",
                problem_types=problems,
                risk_factors=factors,
                grades=grades,
                description=description,
                conditions="Нужны: приказ директора, ответственный педагог, 1–2 часа в неделю "
                "из плана внеурочной деятельности; особых расходов нет.",
                declared_effect="За год доля обучающихся с отметками «2» по итогам четверти "
                "снизилась, выросла удовлетворённость родителей по анкете.",
                started_on=today - datetime.timedelta(days=rng.randint(400, 1200)),
                other_authors="Коллектив методического объединения" if index % 5 == 0 else "",
            ),
            user=author,
            authors=people,
            subjects=rng.sample(subjects, min(len(subjects), rng.randint(0, 2))),
            material_file=SimpleUploadedFile("Положение о практике.pdf", pdf)
            if index % 3 != 2
            else None,
            material_url="https://school.example.org/practices/" + str(index + 1),
        )
        made.append(practice)
        if state == "draft":
            continue
        services.practice_submit(practice=practice, user=author)
        expert = coordinator if author == analyst else analyst
        criteria = selectors.active_criteria(expert, practice)

        def review(
            conclusion: str,
            comment: str,
            who: User = expert,
            practice: Any = practice,
            criteria: Any = criteria,
        ) -> None:
            services.review_create(
                practice=practice,
                user=who,
                criteria=criteria,
                scores={c.pk: rng.randint(1, c.max_score) for c in criteria},
                comment=comment,
                conclusion=conclusion,
            )

        if state == "revised":
            review(
                ReviewConclusion.REVISE,
                "Опишите условия переноса подробнее и приложите план занятий.",
            )
            continue
        if state == "review":
            continue
        if state == "review_one":
            review(ReviewConclusion.PUBLISH, "Практика применима в школах с похожими рисками.")
            continue
        review(
            ReviewConclusion.PUBLISH, "Рекомендую к публикации: эффект описан, материалы полные."
        )
        if index % 2:
            review(ReviewConclusion.PUBLISH, "Поддерживаю.", who=regional)
        services.practice_publish(practice=practice, user=coordinator)
        if state == "archived":
            services.practice_archive(practice=practice, user=coordinator)
    # The services return fresh rows; read the states as they ended.
    made = list(Practice.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))
    # A published practice whose next version is under review: the bank shows the first.
    first = next(p for p in made[VERSIONED:] + made if p.status == "published")
    second = services.practice_version_new(practice=first, user=director)
    second.declared_effect += " Во втором году к практике подключились две соседние школы."
    services.practice_save(
        practice=second, user=director, authors=list(first.authors.all()), subjects=[]
    )
    services.practice_submit(practice=second, user=director)
    made.append(second)

    published = [p for p in made if p.status == "published"]
    municipal = services.collection_save(
        collection=Collection(
            owner=department,
            kind=CollectionKind.MUNICIPAL_BANK,
            title="Муниципальный банк лучших практик — 2025",
            description="Практики школ города, прошедшие экспертизу методического совета.",
        ),
        user=coordinator,
    )
    for practice in published[:8]:
        services.collection_add(collection=municipal, practice=practice, user=coordinator)
    atlas = services.collection_save(
        collection=Collection(
            owner=ministry,
            kind=CollectionKind.REGIONAL_ATLAS,
            title="Региональный атлас образовательных практик",
            description="Практики, рекомендованные для школ с низкими результатами.",
        ),
        user=regional,
    )
    for practice in published[::2]:
        services.collection_add(collection=atlas, practice=practice, user=regional)
    context.objects["practices"] = made
    context.objects["practice_collections"] = [municipal, atlas]
    context.summary.append(
        f"практик в банке: {len(made)}, из них опубликовано: {len(published)}; сборников: 2"
    )


# --- Evidence of effect, adoption, the constructor's proposals ---

# How many practices are adopted, by how many schools each, how many go into roadmaps.
ADOPTED_PRACTICES = 3
SCHOOLS_PER_PRACTICE = (4, 3, 2)
INTO_ROADMAPS = 2


def _start_between_years(practice: Practice) -> None:
    """Begin the practice in the middle of its school's results years (demo data only)."""
    years = sorted(
        set(
            SchoolResult.objects.filter(school=practice.organization).values_list("year", flat=True)
        )
    )
    if len(years) < 2:
        return
    # Results of the middle year are the last «before»; the year after is the first «after».
    start = datetime.date(years[(len(years) - 1) // 2], 9, 1)
    if practice.started_on != start:
        Practice.objects.filter(pk=practice.pk).update(started_on=start)
        practice.started_on = start


@demo_step(order=82, name="Банк практик: внедрение практик другими школами")
def practices_adoption_demo(context: DemoContext) -> None:
    published = list(
        Practice.objects.filter(
            status=PracticeStatus.PUBLISHED, organization__kind=OrganizationKind.SCHOOL
        )
        .select_related("organization__territory")
        .order_by("pk")[:ADOPTED_PRACTICES]
    )
    if not published:
        context.log("Опубликованных практик школ нет: внедрять нечего.")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    # Schools with a roadmap that still takes activities come first: two adoptions go there.
    with_roadmap = {
        s.roadmap.school_id: s
        for s in Section.objects.filter(
            roadmap__status__in=sorted(EDITABLE), roadmap__school__isnull=False
        )
        .select_related("roadmap")
        .order_by("-roadmap_id", "-position")
    }
    into_roadmaps = 0
    made = 0
    # Each practice goes first to schools that have not adopted one yet: the demo shows
    # several adopting schools, not the same few again.
    adopting: set[int] = set()
    for practice, count in zip(published, SCHOOLS_PER_PRACTICE, strict=False):
        _start_between_years(practice)
        schools = list(
            Organization.objects.filter(
                kind=OrganizationKind.SCHOOL,
                is_active=True,
                # The authors' municipality (the second level of the territory tree).
                territory__path__startswith=practice.organization.territory.path[
                    : Territory.steplen * 2
                ],
            )
            .exclude(Q(pk=practice.organization_id) | Q(adoptions__practice=practice))
            .order_by("code", "pk")
        )
        schools.sort(key=lambda s: (s.pk not in with_roadmap, s.pk in adopting, s.code or "", s.pk))
        for school in schools[:count]:
            section = None
            if into_roadmaps < INTO_ROADMAPS and school.pk in with_roadmap:
                section = with_roadmap.pop(school.pk)
                into_roadmaps += 1
            adoption_create(
                practice=practice,
                school=school,
                user=admin,
                adopted_on=(practice.started_on or datetime.date(2024, 9, 1))
                + datetime.timedelta(days=365),
                note="Применяется в 5–7 классах, по опыту школы авторов.",
                section=section,
                responsible="Заместитель директора по учебной работе" if section else "",
            )
            adopting.add(school.pk)
            made += 1
    context.summary.append(
        f"Внедрений практик: {made} (в дорожных картах: {into_roadmaps}); "
        f"всего в базе {Adoption.objects.count()}"
    )
