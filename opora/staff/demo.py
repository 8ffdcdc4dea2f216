"""Demo staff: teacher registries of the approved list's schools and the home school, a
teachers' deficit diagnostic (deficits more frequent where results are weak), last year's
diagnostic as school aggregates, and development plans with courses — some done, some
overdue. The demo `teacher` account is a mathematics teacher of the home school."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth.models import User

from opora.core import dates
from opora.core.choices import Role
from opora.core.demo import DemoContext, demo_step
from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.demo import FEMALE, MALE
from opora.registry.models import Membership, Organization, Person
from opora.results.models import Subject
from opora.staff.choices import (
    AgeBand,
    Category,
    CompetencyArea,
    ItemKind,
    ItemStatus,
)
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    PlanItem,
    Teacher,
    name_key,
)

# A Russian school staff: few young teachers, many over 45.
AGE_WEIGHTS = (
    (AgeBand.UNDER_25, 6),
    (AgeBand.FROM_25, 9),
    (AgeBand.FROM_30, 10),
    (AgeBand.FROM_35, 22),
    (AgeBand.FROM_45, 28),
    (AgeBand.FROM_55, 25),
)
EXPERIENCE = {
    AgeBand.UNDER_25: (0, 3),
    AgeBand.FROM_25: (1, 8),
    AgeBand.FROM_30: (3, 12),
    AgeBand.FROM_35: (8, 22),
    AgeBand.FROM_45: (15, 32),
    AgeBand.FROM_55: (25, 45),
}
# (subject codes, weight); «начальные классы» is not an assessment subject: kept as text.
SUBJECT_MIX = (
    (("rus", "lit"), 14),
    (("math",), 13),
    ((), 16),
    (("eng",), 8),
    (("hist", "soc"), 8),
    (("bio",), 4),
    (("chem",), 3),
    (("phys",), 4),
    (("geo",), 4),
    (("inf",), 4),
)


def _category(rng: random.Random, band: str) -> str:
    if band in (AgeBand.UNDER_25, AgeBand.FROM_25):
        return rng.choices([Category.NONE, Category.POSITION, Category.FIRST], [6, 3, 1])[0]
    return rng.choices(
        [Category.NONE, Category.POSITION, Category.FIRST, Category.HIGHEST], [1, 3, 4, 3]
    )[0]


def _held_on(today: datetime.date) -> datetime.date:
    start = dates.academic_year_of(today)
    held = datetime.date(start, 10, 20)
    return held if held < today else datetime.date(start - 1, 10, 20)


def _clamp(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 1)


@demo_step(order=55, name="Педагоги: реестр, диагностика профессиональных дефицитов, ИОМ")
def staff_demo(context: DemoContext) -> None:
    rng = context.random
    today = dates.today()
    home: Organization = context.objects["home_school"]
    flagged = list(
        SchoolIdentification.objects.filter(run__status=RunStatus.APPROVED, in_list=True)
        .values_list("school_id", flat=True)
        .distinct()
    )
    others = Organization.objects.filter(pk__in=flagged).exclude(pk=home.pk).order_by("code")
    schools = [home, *others]
    subjects = {s.code: s for s in Subject.objects.all()}
    latent = context.objects.get("results_latent", {})

    # Teachers who already hold a role (and the demo teacher account) become records too.
    teacher_people: dict[int, list[Person]] = {}
    for m in Membership.objects.filter(role=Role.TEACHER, organization__in=schools).select_related(
        "person"
    ):
        teacher_people.setdefault(m.organization_id, []).append(m.person)
    demo_teacher = Person.objects.get(user__username="teacher")

    teachers: list[Teacher] = []
    teacher_subjects: list[tuple[Teacher, list[str]]] = []
    used: set[tuple[int, str]] = set()
    for school in schools:
        people = teacher_people.get(school.pk, [])
        for index in range(rng.randint(15, 40)):
            band = rng.choices([b for b, _ in AGE_WEIGHTS], [w for _, w in AGE_WEIGHTS])[0]
            codes = list(rng.choices([s for s, _ in SUBJECT_MIX], [w for _, w in SUBJECT_MIX])[0])
            person = people[index] if index < len(people) else None
            if person is not None:
                last, first, middle = person.last_name, person.first_name, person.middle_name
                if person == demo_teacher:
                    codes, band = ["math"], AgeBand.FROM_30
            else:
                while True:
                    surnames, names, patronymics = FEMALE if rng.random() < 0.8 else MALE
                    last, first, middle = (
                        rng.choice(surnames),
                        rng.choice(names),
                        rng.choice(patronymics),
                    )
                    if (school.pk, name_key(last, first, middle)) not in used:
                        break
            used.add((school.pk, name_key(last, first, middle)))
            low, high = EXPERIENCE[band]
            teacher = Teacher(
                school=school,
                last_name=last,
                first_name=first,
                middle_name=middle,
                name_key=name_key(last, first, middle),
                person=person,
                age_band=band,
                category=_category(rng, band),
                experience_years=rng.randint(low, high),
                last_course_year=rng.choice([None, None, *range(today.year - 6, today.year + 1)]),
                subjects_other="" if codes else "начальные классы",
                is_active=rng.random() > 0.03,
            )
            teachers.append(teacher)
            teacher_subjects.append((teacher, codes))
    Teacher.objects.bulk_create(teachers)
    Teacher.subjects.through.objects.bulk_create(
        [
            Teacher.subjects.through(teacher_id=t.pk, subject_id=subjects[c].pk)
            for t, codes in teacher_subjects
            for c in codes
            if c in subjects
        ]
    )

    # This autumn's diagnostic per teacher: subject (their first subject), methodical,
    # psychological-pedagogical, and functional literacy for half of them.
    analyst = User.objects.get(username="analyst")
    centre = context.objects["methodical_centres"][0]
    held_on = _held_on(today)
    diagnostic = Diagnostic.objects.create(
        title="Диагностика профессиональных дефицитов педагогов",
        provider="ЦНППМ Демо-области",
        held_on=held_on,
        start_year=dates.academic_year_of(held_on),
        threshold=50,
        organizer=centre,
        created_by=analyst,
    )
    scores = []
    for teacher, codes in teacher_subjects:
        if not teacher.is_active or rng.random() < 0.1:
            continue  # not everyone takes the diagnostic
        school_latent = latent.get(teacher.school_id)
        level = 0.55 * school_latent.context + school_latent.quality if school_latent else -0.5
        base = 60 + 7 * level
        areas: list[tuple[str, Subject | None]] = [
            (CompetencyArea.METHODICAL, None),
            (CompetencyArea.PSYCHOLOGICAL, None),
        ]
        if codes and codes[0] in subjects:
            areas.append((CompetencyArea.SUBJECT, subjects[codes[0]]))
        if rng.random() < 0.5:
            areas.append((CompetencyArea.FUNCTIONAL_LITERACY, None))
        for area, subject in areas:
            scores.append(
                DiagnosticScore(
                    diagnostic=diagnostic,
                    teacher=teacher,
                    school_id=teacher.school_id,
                    subject=subject,
                    area=area,
                    score=_clamp(rng.gauss(base, 14)),
                )
            )
    DiagnosticScore.objects.bulk_create(scores, batch_size=2000)

    # Last year's regional diagnostic arrived as school aggregates only.
    previous = Diagnostic.objects.create(
        title="Региональная диагностика профессиональных компетенций (сводные данные)",
        provider="Институт развития образования",
        held_on=held_on.replace(year=held_on.year - 1),
        start_year=dates.academic_year_of(held_on) - 1,
        threshold=50,
        organizer=centre,
        created_by=analyst,
    )
    aggregates = []
    for school in schools:
        school_latent = latent.get(school.pk)
        level = 0.55 * school_latent.context + school_latent.quality if school_latent else -0.5
        for area in (CompetencyArea.SUBJECT, CompetencyArea.METHODICAL):
            mean = _clamp(rng.gauss(58 + 7 * level, 4))
            aggregates.append(
                DiagnosticAggregate(
                    diagnostic=previous,
                    school=school,
                    area=area,
                    tested=rng.randint(8, 25),
                    mean_score=mean,
                    deficit_share=_clamp(100 - 1.6 * mean + rng.gauss(0, 5)),
                )
            )
    DiagnosticAggregate.objects.bulk_create(aggregates)

    # Development plans: for teachers with deficits, courses on their weakest areas; last
    # year's plans mostly done, this year's partly done and partly overdue.
    courses = list(Course.objects.filter(is_active=True).prefetch_related("subjects"))
    deficits: dict[int, list[DiagnosticScore]] = {}
    for score in scores:
        if score.score < diagnostic.threshold:
            deficits.setdefault(score.teacher.pk, []).append(score)
    by_pk = {t.pk: t for t, _codes in teacher_subjects}
    director = User.objects.get(username="director")
    plans: list[DevelopmentPlan] = []
    plan_courses: list[tuple[DevelopmentPlan, list[tuple[Course, str]]]] = []
    this_year = dates.academic_year_of(today)
    for teacher_pk, found in deficits.items():
        if by_pk[teacher_pk].person_id == demo_teacher.pk:
            continue  # the demo teacher's plan is written out below
        if rng.random() < 0.35 and by_pk[teacher_pk].person_id is None:
            continue  # not every plan has been drawn up yet
        chosen = _courses_for(found, courses)[:2]
        if not chosen:
            continue
        plan = DevelopmentPlan(
            teacher_id=teacher_pk,
            start_year=this_year,
            note="По итогам диагностики профессиональных дефицитов.",
            created_by=director,
        )
        plans.append(plan)
        plan_courses.append((plan, chosen))
        if rng.random() < 0.4:
            old = DevelopmentPlan(
                teacher_id=teacher_pk,
                start_year=this_year - 1,
                note="Курсовая подготовка по плану школы.",
                created_by=director,
            )
            plans.append(old)
            plan_courses.append((old, [(rng.choice(courses), "")]))
    DevelopmentPlan.objects.bulk_create(plans)
    items = []
    for plan, chosen in plan_courses:
        year_start = datetime.date(plan.start_year, 9, 1)
        for number, (course, area) in enumerate(chosen):
            due = year_start + datetime.timedelta(days=rng.randint(45, 260))
            item = PlanItem(plan=plan, kind=ItemKind.COURSE, course=course, area=area, due_on=due)
            roll = rng.random()
            if due < today and roll < 0.7:
                item.status = ItemStatus.DONE
                item.completed_on = min(due - datetime.timedelta(days=rng.randint(0, 30)), today)
            elif (due < today and roll < 0.8) or (due >= today and roll < 0.3):
                item.status = ItemStatus.IN_PROGRESS
            items.append(item)
            if number == 0 and rng.random() < 0.5:
                items.append(
                    PlanItem(
                        plan=plan,
                        kind=ItemKind.OWN,
                        title=rng.choice(OWN_ACTIVITIES),
                        area=area,
                        due_on=year_start + datetime.timedelta(days=rng.randint(60, 240)),
                    )
                )
    PlanItem.objects.bulk_create(items)
    _home_teacher_plan(demo_teacher, courses, director, today, this_year)

    overdue = sum(1 for i in items if i.status in ("planned", "in-progress") and i.due_on < today)
    context.summary.append(
        f"педагогов: {len(teachers)} в {len(schools)} школах, результатов диагностики: "
        f"{len(scores)}, ИОМ: {len(plans) + 1}, пунктов ИОМ: {len(items)} "
        f"(выполнено {sum(1 for i in items if i.status == ItemStatus.DONE)}, "
        f"просрочено {overdue})"
    )


OWN_ACTIVITIES = (
    "Открытый урок для коллег ШМО с последующим анализом",
    "Стажировка в школе-наставнике: посещение уроков",
    "Самообразование: изучение методических рекомендаций ФИПИ по предмету",
    "Выступление на заседании районного методического объединения",
    "Участие в методическом десанте ГЦРО",
)


def _courses_for(found: list[DiagnosticScore], courses: list[Course]) -> list[tuple[Course, str]]:
    """The courses that answer the lowest-scored deficits first (as `proposed_courses`)."""
    result: list[tuple[Course, str]] = []
    for score in sorted(found, key=lambda s: s.score):
        for course in courses:
            subject_ids = {s.pk for s in course.subjects.all()}
            if score.area not in course.areas:
                continue
            if subject_ids and (score.subject is None or score.subject.pk not in subject_ids):
                continue
            if all(course != c for c, _a in result):
                result.append((course, score.area))
                break
    return result


def _home_teacher_plan(
    person: Person, courses: list[Course], director: User, today: datetime.date, year: int
) -> None:
    """The demo teacher always has a plan: one course done with a date, one overdue."""
    teacher = Teacher.objects.filter(person=person).first()
    if teacher is None or DevelopmentPlan.objects.filter(teacher=teacher, start_year=year).exists():
        return
    plan = DevelopmentPlan.objects.create(
        teacher=teacher,
        start_year=year,
        note="Подготовка к ОГЭ по математике, формирующее оценивание.",
        created_by=director,
    )
    by_code: dict[Any, Course] = {c.code: c for c in courses}
    start = datetime.date(year, 9, 1)
    done_on = min(start + datetime.timedelta(days=40), today)
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=plan,
                kind=ItemKind.COURSE,
                course=by_code.get("math-gia") or courses[0],
                area=CompetencyArea.SUBJECT,
                due_on=start + datetime.timedelta(days=60),
                status=ItemStatus.DONE,
                completed_on=done_on,
            ),
            PlanItem(
                plan=plan,
                kind=ItemKind.COURSE,
                course=by_code.get("formative-assessment") or courses[-1],
                area=CompetencyArea.METHODICAL,
                due_on=min(start + datetime.timedelta(days=70), today - datetime.timedelta(days=1)),
            ),
            PlanItem(
                plan=plan,
                kind=ItemKind.OWN,
                title="Открытый урок по теме «Функции» для ШМО учителей математики",
                area=CompetencyArea.METHODICAL,
                due_on=datetime.date(year + 1, 4, 15),
            ),
        ]
    )
