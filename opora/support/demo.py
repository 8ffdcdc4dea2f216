"""Demo data of the support network."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.demo import DemoContext, demo_step
from opora.core.documents import PdfFontMissing, pdf_new
from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.choices import OrderKind, OrganizationKind
from opora.registry.demo import demo_order
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
)
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity, ExecutionReport, Roadmap, Section
from opora.roadmaps.progress import progress_recount
from opora.support import services
from opora.support.choices import ConsultationForm, ConsultationStatus, MentorArea
from opora.support.models import Consultation, Escalation
from opora.support.recommender import mentor_proposal
from opora.support.selectors import current_q, engagement_rows, school_signals
from opora.support.services import AgreementDraft

# --- network ---

# The registry's demo assigned its curators in March 2024; the order that did it.
FIRST_ORDER = ("47-од", datetime.date(2024, 2, 26))
# Curators for the rest of the approved 2024 list, by the order after its approval.
LIST_ORDER = ("118-од", datetime.date(2024, 9, 5))
LIST_SINCE = datetime.date(2024, 9, 9)
PAIRS_SINCE = datetime.date(2024, 10, 1)
# How many listed schools get a mentor in the demo: the rest are left for the user to pair.
DEMO_PAIRS = 12
PARTNER_AGREEMENTS = [
    (
        "ЦГБ",
        "Организация внеурочной деятельности по читательской грамотности: библиотечные уроки, "
        "клуб «Читаем вместе», доступ к электронной библиотеке.",
        "СД-14/2024",
        3,
    ),
    (
        "Театр «Диалог»",
        "Программа «Театр в школе»: посещение спектаклей с обсуждением, школьные театральные "
        "студии под руководством актёров театра.",
        "СД-21/2024",
        2,
    ),
    (
        "ДЮСШ «Олимп»",
        "Секции общей физической подготовки и футбола на базе школ, совместные соревнования.",
        "СД-09/2024",
        4,
    ),
    (
        "ДГПУ",
        "Педагогическая практика студентов, методическое сопровождение учителей математики и "
        "русского языка преподавателями университета, курсы повышения квалификации.",
        "СД-33/2024",
        3,
    ),
]


def _signed_copy(number: str, subject: str) -> SimpleUploadedFile | None:
    """A one-page PDF standing for the signed scan (none when the Cyrillic font is absent)."""
    try:
        pdf = pdf_new(title=f"Договор № {number}")
    except PdfFontMissing:
        return None
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0, 8, f"Договор о сетевом взаимодействии № {number}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, subject, new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile(f"Договор {number}.pdf", bytes(pdf.output()))


@demo_step(order=65, name="Поддержка: кураторы по приказу, школы-наставники, договоры с партнёрами")
def network_demo(context: DemoContext) -> None:
    rng = context.random
    coordinator = User.objects.get(username="coordinator")
    listed = list(
        Organization.objects.filter(
            pk__in=SchoolIdentification.objects.filter(
                run__status=RunStatus.APPROVED, in_list=True
            ).values("school_id")
        ).order_by("short_name", "pk")
    )
    department = context.objects.get("department") or Organization.objects.get(code="DEMO-DO")
    # The registry's assignments get the (registered) order they were made by.
    first_order = demo_order(
        issuer=department,
        kind=OrderKind.CURATORS,
        title="О закреплении кураторов за общеобразовательными организациями",
        number=FIRST_ORDER[0],
        date=FIRST_ORDER[1],
        user=coordinator,
    )
    CuratorAssignment.objects.filter(order__isnull=True).update(order=first_order)
    list_order = demo_order(
        issuer=department,
        kind=OrderKind.CURATORS,
        title="О закреплении кураторов за школами перечня 2024 года",
        number=LIST_ORDER[0],
        date=LIST_ORDER[1],
        user=coordinator,
    )
    # The demo's «curator» account keeps the few schools the registry gave it (its pages and
    # their walks in the tests stay small); the other curators take the rest of the list.
    curators = list(
        Membership.objects.filter(role=Role.CURATOR, is_active=True)
        .exclude(person__user__username="curator")
        .select_related("person")
        .order_by("person__last_name", "pk")
    )
    load = Counter(
        CuratorAssignment.objects.filter(current_q(LIST_SINCE)).values_list("curator_id", flat=True)
    )
    curated = set(
        CuratorAssignment.objects.filter(current_q(LIST_SINCE)).values_list("school_id", flat=True)
    )
    # Each listed school without a curator goes to the least loaded curator.
    plan: dict[int, list[Organization]] = {}
    for school in listed:
        if school.pk in curated:
            continue
        least = min(curators, key=lambda m: (load[m.person_id], m.person.last_name))
        load[least.person_id] += 1
        plan.setdefault(least.person_id, []).append(school)
    people = {m.person_id: m.person for m in curators}
    assigned = 0
    for person_id, schools in plan.items():
        assigned += len(
            services.curator_assign(
                user=coordinator,
                curator=people[person_id],
                schools=schools,
                since=LIST_SINCE,
                until=None,
                order=list_order,
            )
        )

    # Mentor pairs chosen by the recommender: the programme's listed schools first.
    home = context.objects.get("home_school")
    programme = context.objects.get("programme")
    in_programme = set(programme.schools.values_list("pk", flat=True)) if programme else set()
    order = sorted(listed, key=lambda s: (s != home, s.pk not in in_programme, s.short_name))
    pairs = 0
    with_agreement = 0
    for school in order:
        if pairs >= DEMO_PAIRS:
            break
        proposal = mentor_proposal(coordinator, school)
        if not proposal.candidates:
            continue
        mentor = proposal.candidates[0].school
        areas = [MentorArea.SUBJECTS, *rng.sample(list(MentorArea)[1:], 2)]
        agreement = None
        if pairs % 2 == 0:
            with_agreement += 1
            number = f"СН-{with_agreement:02d}/2024"
            subject = (
                f"Наставничество {mentor.short_name} для {school.short_name}: "
                "взаимное посещение уроков, совместные методические объединения, "
                "стажировки управленческой команды."
            )
            agreement = AgreementDraft(
                owner=department,
                subject=subject,
                since=PAIRS_SINCE,
                until=None,
                number=number,
                signed_on=PAIRS_SINCE - datetime.timedelta(days=5),
                file=_signed_copy(number, subject) if with_agreement == 1 else None,
            )
        services.mentor_pair_create(
            user=coordinator,
            school=school,
            mentor=mentor,
            since=PAIRS_SINCE,
            until=None,
            areas=areas,
            new_agreement=agreement,
        )
        pairs += 1

    # Agreements with partners: each with a few listed schools.
    partners = {o.short_name: o for o in Organization.objects.filter(kind=OrganizationKind.PARTNER)}
    partner_agreements = 0
    for name, subject, number, school_count in PARTNER_AGREEMENTS:
        partner = partners.get(name)
        if partner is None:
            continue
        services.agreement_create(
            user=coordinator,
            draft=AgreementDraft(
                owner=department,
                subject=subject,
                since=datetime.date(2024, 9, 1),
                until=None,
                number=number,
                signed_on=datetime.date(2024, 8, 26),
                file=_signed_copy(number, subject) if partner_agreements == 0 else None,
            ),
            parties=[partner, *rng.sample(listed, min(school_count, len(listed)))],
        )
        partner_agreements += 1
    context.summary.append(
        f"кураторы: всем {len(listed)} школам списка (новых закреплений по приказу: "
        f"{assigned}); пар «школа — наставник» по подбору: {pairs}; договоров: "
        f"с партнёрами {partner_agreements}, наставнических {with_agreement}"
    )


# --- engagement ---

# (topic, question, preferred form, days ago requested, hours to take, hours to answer or to
# the appointment, state). Waiting times vary so that the register's medians mean something.
CONSULTATIONS: list[tuple[str, str, str, int, float | None, float | None, str]] = [
    (
        "Подготовка к ОГЭ по математике",
        "Как выстроить повторение в 9 классе, если по итогам пробного ОГЭ треть учащихся не "
        "набирает минимальный балл?",
        ConsultationForm.ONLINE,
        84,
        3,
        30,
        ConsultationStatus.ANSWERED,
    ),
    (
        "Объективность оценивания ВПР",
        "Как организовать перекрёстную проверку ВПР с соседней школой?",
        ConsultationForm.WRITTEN,
        70,
        20,
        52,
        ConsultationStatus.ANSWERED,
    ),
    (
        "Рабочие программы по ФГОС",
        "Нужна помощь с рабочими программами по обновлённым ФГОС ООО для 5–7 классов.",
        ConsultationForm.AT_CENTRE,
        55,
        2,
        100,
        ConsultationStatus.ANSWERED,
    ),
    (
        "Школьная программа повышения качества",
        "Какие показатели включить в раздел мониторинга ШППКО?",
        ConsultationForm.WRITTEN,
        40,
        None,
        6,
        ConsultationStatus.ANSWERED,
    ),
    (
        "Работа с родителями",
        "Как провести родительское собрание по итогам анкетирования удовлетворённости?",
        ConsultationForm.ON_SITE,
        21,
        28,
        None,
        ConsultationStatus.SCHEDULED,
    ),
    (
        "Наставничество молодых педагогов",
        "Как оформить программу наставничества для двух молодых учителей?",
        ConsultationForm.PHONE,
        9,
        5,
        None,
        ConsultationStatus.TAKEN,
    ),
    (
        "Индивидуальные образовательные маршруты",
        "С чего начать ИОМ для учителей с дефицитами по формированию функциональной грамотности?",
        ConsultationForm.ONLINE,
        3,
        None,
        None,
        ConsultationStatus.NEW,
    ),
    (
        "Внеурочная деятельность",
        "Можно ли засчитать занятия в Доме культуры как внеурочную деятельность?",
        ConsultationForm.WRITTEN,
        1,
        None,
        None,
        ConsultationStatus.NEW,
    ),
    (
        "Расписание консультаций к ГИА",
        "Запрос отозван: вопрос решён на совещании директоров.",
        ConsultationForm.PHONE,
        30,
        None,
        None,
        ConsultationStatus.CANCELLED,
    ),
]

ANSWERS = [
    "Рекомендуем разбить повторение на три блока по типам заданий с диагностикой после "
    "каждого; материалы и график — в приложении к протоколу методического объединения.",
    "Перекрёстная проверка оформляется приказами обеих школ; образец приказа и графика "
    "проверки направлены на почту школы.",
    "Проведена консультация в ГЦРО: разобраны рабочие программы по математике и русскому "
    "языку, остальные предметы — по тому же образцу.",
    "Включите долю обучающихся с отметкой «2» по ВПР, долю выполнивших «программу минимум» и "
    "посещаемость; формулировки — по шаблону дорожной карты программы.",
]


def _reports_dated_as_done(now: datetime.datetime) -> None:
    """The demo's roadmap reports are all written when the demo loads; give each the day its
    work was done, as a school reporting on time would, so that «no report for 30 days»
    shows the schools whose last report is old."""
    reports = list(ExecutionReport.objects.filter(done_on__isnull=False).only("pk", "done_on"))
    tz = timezone.get_current_timezone()
    for report in reports:
        done_on = report.done_on or now.date()
        written = datetime.datetime.combine(done_on, datetime.time(15, 0), tzinfo=tz)
        report.created_at = min(written, now)
    ExecutionReport.objects.bulk_update(reports, ["created_at"], batch_size=500)
    # Redated around the services: recount the roadmaps' stored last reports as they would.
    progress_recount(
        roadmap_ids=Roadmap.objects.filter(activities__reports__isnull=False)
        .values_list("pk", flat=True)
        .distinct(),
        today=timezone.localdate(now),
    )


@demo_step(order=78, name="Поддержка: консультации школ и обращения к директорам")
def engagement_demo(context: DemoContext) -> None:
    programme: Programme = context.objects["programme"]
    home: Organization = context.objects["home_school"]
    now = timezone.now()
    _reports_dated_as_done(now)
    centre = context.objects["methodical_centres"][0]
    analyst = Person.objects.get(user__username="analyst")
    methodists = [analyst] + [
        m.person
        for m in Membership.objects.filter(organization=centre, role=Role.ANALYST)
        .exclude(person=analyst)
        .select_related("person")[:2]
    ]
    schools = [home] + [
        ps.school
        for ps in ProgrammeSchool.objects.filter(programme=programme)
        .exclude(school=home)
        .select_related("school")
        .order_by("school__short_name")[:5]
    ]
    director = User.objects.get(username="director")
    made = []
    asked_at = []
    for n, (topic, question, form, ago, take, answer, status) in enumerate(CONSULTATIONS):
        requested = (now - datetime.timedelta(days=ago)).replace(hour=9, minute=15) + (
            datetime.timedelta(minutes=37 * n)
        )
        school = schools[n % len(schools)]
        item = Consultation(
            school=school,
            topic=topic,
            question=question,
            preferred_form=form,
            status=status,
            requested_by=director if school == home else None,
        )
        if take is not None or status == ConsultationStatus.ANSWERED:
            item.methodist = methodists[n % len(methodists)]
        if take is not None:
            item.taken_at = requested + datetime.timedelta(hours=take)
        if status == ConsultationStatus.ANSWERED and answer is not None:
            item.answered_at = requested + datetime.timedelta(hours=answer)
            item.answer = ANSWERS[n % len(ANSWERS)]
        if status == ConsultationStatus.SCHEDULED:
            item.scheduled_for = (now + datetime.timedelta(days=6)).replace(
                hour=14, minute=30, second=0, microsecond=0
            )
            item.scheduled_form = ConsultationForm.ON_SITE
        made.append(item)
        asked_at.append(requested)
    Consultation.objects.bulk_create(made)
    # requested_at is set to now on creation (also on the instances); these were made earlier.
    for item, requested in zip(made, asked_at, strict=True):
        Consultation.objects.filter(pk=item.pk).update(requested_at=requested)

    # Two escalations: one to the home school's director, still open (the director sees it
    # on the school card); one to another school, answered.
    coordinator = User.objects.get(username="coordinator")
    today = dates.today()
    # The answered one goes to a school the engagement page shows.
    quiet_id = next(
        (r.school_id for r in engagement_rows(coordinator) if r.school_id != home.pk), None
    )
    quiet = Organization.objects.get(pk=quiet_id) if quiet_id else schools[-1]
    escalations = []
    for school, note, days_ago, reply in (
        (
            home,
            "Прошу до указанного срока ответить на рекомендации по итогам методического "
            "десанта и представить отчёт об исполнении антирисковой программы за текущий "
            "месяц.",
            4,
            "",
        ),
        (
            quiet,
            "Школа дважды отказалась от выезда методистов. Прошу согласовать дату выезда до "
            "конца месяца.",
            25,
            "Дата согласована с куратором, выезд состоится в ближайший вторник.",
        ),
    ):
        escalation = Escalation.objects.create(
            school=school,
            note=note,
            respond_by=today + datetime.timedelta(days=14 - days_ago),
            reasons=[s.as_reason() for s in school_signals(coordinator, school)],
            created_by=coordinator,
        )
        created = now - datetime.timedelta(days=days_ago)
        Escalation.objects.filter(pk=escalation.pk).update(created_at=created)
        timeline_event_record(
            target=school, verb=TimelineVerb.ESCALATED, actor=coordinator, message=note
        )
        if reply:
            director_user = (
                User.objects.filter(
                    person__memberships__organization=school,
                    person__memberships__role=Role.SCHOOL_DIRECTOR,
                ).first()
                or coordinator
            )
            Escalation.objects.filter(pk=escalation.pk).update(
                reply=reply,
                resolved_at=created + datetime.timedelta(days=3),
                resolved_by=director_user if director_user != coordinator else None,
            )
            timeline_event_record(
                target=school,
                verb=TimelineVerb.ESCALATION_ANSWERED,
                actor=director_user if director_user != coordinator else None,
                message=reply,
            )
        escalations.append(escalation)
    context.summary.append(
        f"консультаций: {len(made)}, обращений к директорам: {len(escalations)} (одно с ответом)"
    )


# --- visits ---

FINDINGS = (
    "Администрация знает причины низких результатов, но анализ ВПР не доведён до учителей; "
    "методические объединения работают формально.",
    "Школьная команда проекта сформирована, дорожная карта исполняется; слабое место — "
    "работа с обучающимися, испытывающими трудности в обучении.",
    "Уроки выстроены традиционно, обратная связь обучающимся даётся редко; учителя готовы "
    "к взаимопосещению.",
    "Родители мало вовлечены в жизнь школы; внеурочная деятельность держится на двух педагогах.",
    "Оценивание в целом объективно; отметки по математике завышены по сравнению с ВПР.",
)
NOTES = (
    "Представлено на встрече",
    "Нужна помощь методиста",
    "Обсудили на совещании при директоре",
    "Документ в работе",
)
RECOMMENDATIONS = (
    "Провести педагогический совет по итогам ВПР с анализом по каждому классу",
    "Организовать взаимопосещение уроков учителями математики и русского языка",
    "Включить в план ВШК контроль работы с обучающимися группы риска",
    "Провести родительское собрание о подготовке к ОГЭ с участием педагога-психолога",
    "Направить учителей начальных классов на курсы по формированию функциональной грамотности",
    "Разработать индивидуальные образовательные маршруты для педагогов с дефицитами",
    "Обновить положение о ВСОКО и согласовать его с управляющим советом",
    "Организовать консультации для обучающихся 9-х классов по математике",
)
PURPOSES = {
    "first_curator": "Знакомство с администрацией, документами и условиями школы",
    "landing": "Методическая помощь школьной команде по итогам выявления",
    "lesson_observation": "Посещение уроков математики и русского языка",
    "interview": "Собеседование по формированию дорожной карты поддержки школы",
    "consultation": "Консультация по запросу школы: подготовка к ВПР",
}
PROGRAMME = (
    "9:00 — встреча с администрацией\n"
    "9:30 — посещение уроков\n"
    "12:00 — работа со школьной командой\n"
    "13:30 — подведение итогов"
)
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
VISIT_COUNT = 60


def _answers(rng: Any, template: Any) -> dict[str, Any]:
    from opora.support.visit_templates import template_areas

    answers: dict[str, Any] = {}
    for area in template_areas(template.areas):
        for question in area.questions:
            note = rng.choice(NOTES) if rng.random() < 0.3 or not question.rated else ""
            rating = rng.randint(0, len(template.scale) - 1) if question.rated else None
            answers[question.key] = {"rating": rating, "note": note}
    return answers


@demo_step(order=70, name="Поддержка: выезды в школы, записи по шаблонам, рекомендации")
def visits_demo(context: DemoContext) -> None:
    """About 60 visits over the year in every state, recorded from the shipped templates;
    recommendations done, overdue, disputed and withdrawn; two of them activities of a roadmap;
    landings counted as evidence of the programme's «методические десанты»."""
    from opora.support import services
    from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
    from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate

    rng = context.random
    today = dates.today()
    home: Organization = context.objects["home_school"]
    gcro: Organization = context.objects["methodical_centres"][0]
    director = User.objects.get(username="director")
    coordinator = User.objects.get(username="coordinator")
    templates = {t.kind: t for t in VisitTemplate.objects.filter(owner__isnull=True)}
    methodists = [
        m.person
        for m in Membership.objects.filter(organization=gcro, role=Role.ANALYST).select_related(
            "person"
        )
    ]
    assignments = list(CuratorAssignment.objects.select_related("curator", "school").order_by("pk"))
    curator_of = {a.school_id: a.curator for a in assignments}
    schools = [a.school for a in assignments]
    # The school whose programme was returned for revision: two recommendations become
    # activities there (a draft takes them without a correction).
    returned = (
        Roadmap.objects.filter(status=RoadmapStatus.RETURNED, school__isnull=False)
        .select_related("school")
        .first()
    )
    if returned is not None and returned.school is not None and returned.school not in schools:
        schools.append(returned.school)

    kinds = [VisitKind.LANDING, VisitKind.LESSON_OBSERVATION, VisitKind.INTERVIEW]
    kinds += [VisitKind.CONSULTATION]
    plans: list[dict[str, Any]] = []
    # The demo school: a first visit long ago, a landing with recommendations to answer, a
    # lesson observation today (the curator records it), an interview ahead.
    plans += [
        {"school": home, "kind": VisitKind.FIRST_CURATOR, "days": -250, "status": "done"},
        {"school": home, "kind": VisitKind.LANDING, "days": -45, "status": "done", "home": True},
        {"school": home, "kind": VisitKind.LESSON_OBSERVATION, "days": 0, "status": "planned"},
        {"school": home, "kind": VisitKind.INTERVIEW, "days": 12, "status": "planned"},
    ]
    if returned is not None:
        plans.append(
            {
                "school": returned.school,
                "kind": VisitKind.INTERVIEW,
                "days": -30,
                "status": "done",
                "fresh": True,
            }
        )
    first_done = {home.pk}
    while len(plans) < VISIT_COUNT:
        school = rng.choice(schools)
        future = rng.random() < 0.12
        days = rng.randint(1, 50) if future else -rng.randint(1, 300)
        if future:
            status = "planned"
        else:
            roll = rng.random()
            status = (
                "done"
                if roll < 0.8
                else "cancelled"
                if roll < 0.87
                else "refused"
                if roll < 0.94
                else "planned"
            )
        kind = rng.choice(kinds)
        if school.pk not in first_done and not future:
            kind, days = VisitKind.FIRST_CURATOR, -rng.randint(240, 300)
            first_done.add(school.pk)
        plans.append({"school": school, "kind": kind, "days": days, "status": status})

    visits: list[Visit] = []
    teams: list[tuple[Visit, list[Person]]] = []
    # What each visit's recommendations are for: answering in the browser, or a roadmap.
    special: dict[int, str] = {}
    for item in plans:
        school = item["school"]
        curator = curator_of.get(school.pk) or rng.choice(methodists)
        kind = item["kind"]
        lead = rng.choice(methodists) if kind == VisitKind.LANDING else curator
        day = today + datetime.timedelta(days=item["days"])
        template = templates[kind]
        visit = Visit(
            school=school,
            kind=kind,
            planned_on=day,
            organiser=gcro,
            lead=lead,
            purpose=PURPOSES[kind],
            programme=PROGRAMME if kind == VisitKind.LANDING else "",
            template=template,
        )
        status = item["status"]
        if status == "done":
            visit.status = VisitStatus.DONE
            visit.answers = _answers(rng, template)
            visit.findings = rng.choice(FINDINGS)
            visit.closed_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(15, 30))
            )
        elif status in ("cancelled", "refused"):
            visit.status = VisitStatus.CANCELLED if status == "cancelled" else VisitStatus.REFUSED
            visit.status_reason = (
                "Перенесён по просьбе методического центра"
                if status == "cancelled"
                else "Школа сослалась на загруженность педагогов в период ВПР"
            )
        if item.get("home"):
            special[len(visits)] = "home"
        elif item.get("fresh"):
            special[len(visits)] = "fresh"
        visits.append(visit)
        team = [curator] if lead != curator else []
        if kind == VisitKind.LANDING:
            team += rng.sample([m for m in methodists if m != lead], 2)
        teams.append((visit, team))
    Visit.objects.bulk_create(visits)
    for visit, team in teams:
        if team:
            visit.team.set(team)

    recommendations: list[Recommendation] = []
    to_activities: list[Recommendation] = []
    for index, visit in enumerate(visits):
        if visit.status != VisitStatus.DONE:
            continue
        home_landing = special.get(index) == "home"
        fresh = special.get(index) == "fresh"
        count = 4 if home_landing else 2 if fresh else rng.randint(1, 3)
        for n in range(count):
            due = visit.planned_on + datetime.timedelta(days=rng.randint(20, 120))
            if home_landing:
                # To answer in the browser: two open ahead, one overdue, one disputed.
                due = today + datetime.timedelta(days=(20, 35, -5, 10)[n])
            recommendation = Recommendation(
                school=visit.school,
                visit=visit,
                text=rng.choice(RECOMMENDATIONS),
                addressee=Addressee.SCHOOL if rng.random() < 0.8 else Addressee.METHODICAL_CENTRE,
                due_on=due,
            )
            answered = timezone.make_aware(
                datetime.datetime.combine(min(due, today), datetime.time(11, 0))
            )
            if fresh:
                recommendation.addressee = Addressee.SCHOOL
                recommendation.due_on = today + datetime.timedelta(days=60 + 30 * n)
                to_activities.append(recommendation)
            elif home_landing:
                recommendation.addressee = Addressee.SCHOOL
                if n == 2:
                    recommendation.status = RecommendationStatus.ACCEPTED
                    recommendation.answered_by, recommendation.answered_at = director, answered
                elif n == 3:
                    recommendation.status = RecommendationStatus.DISPUTED
                    recommendation.answer = "Педагоги уже прошли такие курсы в прошлом году."
                    recommendation.answered_by, recommendation.answered_at = director, answered
            elif due < today:
                roll = rng.random()
                if roll < 0.55:
                    recommendation.status = RecommendationStatus.DONE
                    late = rng.random() < 0.25
                    recommendation.done_on = min(
                        due + datetime.timedelta(days=rng.randint(1, 20))
                        if late
                        else due - datetime.timedelta(days=rng.randint(0, 10)),
                        today,
                    )
                    recommendation.answer = "Выполнено, материалы на сайте школы."
                    recommendation.answered_at = answered
                elif roll < 0.8:
                    # Overdue: accepted or never answered.
                    if rng.random() < 0.5:
                        recommendation.status = RecommendationStatus.ACCEPTED
                        recommendation.answered_at = answered
                elif roll < 0.92:
                    recommendation.status = RecommendationStatus.DISPUTED
                    recommendation.answer = "Школа считает мероприятие избыточным."
                    recommendation.answered_at = answered
                else:
                    recommendation.status = RecommendationStatus.WITHDRAWN
            elif rng.random() < 0.4:
                recommendation.status = RecommendationStatus.ACCEPTED
                recommendation.answered_at = answered
            recommendations.append(recommendation)
    Recommendation.objects.bulk_create(recommendations)
    # A few done recommendations carry their evidence, and a few visits their photos.
    done = [r for r in recommendations if r.status == RecommendationStatus.DONE]
    for recommendation in rng.sample(done, min(len(done), 5)):
        recommendation.evidence = ContentFile(b"%PDF-1.4\n% demo\n", name="протокол.pdf")
        recommendation.evidence_name = "протокол педсовета.pdf"
        recommendation.save(update_fields=["evidence", "evidence_name"])
    done_visits = [v for v in visits if v.status == VisitStatus.DONE]
    home_visits = [visits[i] for i, flag in special.items() if flag == "home"]
    for visit in home_visits + done_visits[-3:]:
        VisitPhoto.objects.create(
            visit=visit,
            file=ContentFile(PHOTO, name="photo.png"),
            file_name="Работа со школьной командой.png",
            caption="Работа со школьной командой",
        )

    # Two recommendations become activities of the returned (editable) programme.
    made = 0
    if returned is not None:
        section = Section.objects.filter(roadmap=returned).order_by("position").first()
        for recommendation in to_activities if section is not None else []:
            services.recommendation_to_activity(
                user=coordinator,
                recommendation=recommendation,
                section=section,  # type: ignore[arg-type]
                text=recommendation.text,
                schedule_text=f"до {dates.date_ru(recommendation.due_on)}",
                responsible="Директор школы",
                due_on=recommendation.due_on,
            )
            made += 1

    # The landings carried out count for the programme's «методические десанты».
    landing = (
        Activity.objects.filter(
            roadmap__school__isnull=True,
            roadmap__status=RoadmapStatus.EXECUTION,
            text__icontains="десант",
        )
        .order_by("pk")
        .first()
    )
    linked = 0
    if landing is not None:
        for visit in done_visits:
            if (
                visit.kind == VisitKind.LANDING
                and landing.roadmap.programme.schools.filter(pk=visit.school_id).exists()
            ):
                visit.activities.add(landing)
                linked += 1
    overdue = sum(
        1
        for r in recommendations
        if r.due_on < today
        and r.status
        in (RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED, RecommendationStatus.DISPUTED)
    )
    context.summary.append(
        f"выездов: {len(visits)} (проведено {len(done_visits)}), рекомендаций: "
        f"{len(recommendations)} (просрочено {overdue}, в дорожной карте {made}), "
        f"выездов засчитано в мероприятие: {linked}"
    )


def visits_make(
    rng: random.Random,
    *,
    schools: list[Organization],
    curator_of: dict[int, Person],
    organiser: Organization,
    methodists: list[Person],
    count: int,
) -> tuple[int, int]:
    """Visits of a municipality's methodical centre to its supported `schools` over the last
    year, from the shipped templates, with recommendations answered, done and overdue (a
    smaller round of `visits_demo`, without its planted cases); the visits and the
    recommendations made."""
    from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
    from opora.support.models import Recommendation, Visit, VisitTemplate

    today = dates.today()
    templates = {t.kind: t for t in VisitTemplate.objects.filter(owner__isnull=True)}
    kinds = [
        VisitKind.FIRST_CURATOR,
        VisitKind.LANDING,
        VisitKind.LESSON_OBSERVATION,
        VisitKind.INTERVIEW,
        VisitKind.CONSULTATION,
    ]
    visits: list[Visit] = []
    for n in range(count):
        school = schools[n % len(schools)]
        kind = kinds[0] if n < len(schools) else rng.choice(kinds[1:])
        curator = curator_of.get(school.pk) or rng.choice(methodists)
        days = -rng.randint(200, 300) if kind == kinds[0] else rng.randint(-180, 30)
        day = today + datetime.timedelta(days=days)
        visit = Visit(
            school=school,
            kind=kind,
            planned_on=day,
            organiser=organiser,
            lead=curator,
            purpose=PURPOSES[kind],
            programme=PROGRAMME if kind == VisitKind.LANDING else "",
            template=templates[kind],
        )
        if day < today:
            roll = rng.random()
            if roll < 0.85:
                visit.status = VisitStatus.DONE
                visit.answers = _answers(rng, templates[kind])
                visit.findings = rng.choice(FINDINGS)
                visit.closed_at = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(15, 30))
                )
            elif roll < 0.93:
                visit.status = VisitStatus.REFUSED
                visit.status_reason = "Школа сослалась на загруженность педагогов"
        visits.append(visit)
    Visit.objects.bulk_create(visits)
    recommendations = []
    for visit in visits:
        if visit.status != VisitStatus.DONE:
            continue
        for _ in range(rng.randint(1, 2)):
            due = visit.planned_on + datetime.timedelta(days=rng.randint(20, 120))
            recommendation = Recommendation(
                school=visit.school,
                visit=visit,
                text=rng.choice(RECOMMENDATIONS),
                addressee=Addressee.SCHOOL,
                due_on=due,
            )
            if due < today and rng.random() < 0.6:
                recommendation.status = RecommendationStatus.DONE
                recommendation.done_on = due - datetime.timedelta(days=rng.randint(0, 10))
                recommendation.answer = "Выполнено, материалы на сайте школы."
                recommendation.answered_at = timezone.make_aware(
                    datetime.datetime.combine(recommendation.done_on, datetime.time(11, 0))
                )
            recommendations.append(recommendation)
    Recommendation.objects.bulk_create(recommendations)
    return len(visits), len(recommendations)


def reports_dated_as_done() -> None:
    """For steps that write roadmap reports after this app's (see `_reports_dated_as_done`)."""
    _reports_dated_as_done(timezone.now())


@demo_step(order=97, name="Уведомления: что произошло с объектами пользователей демо")
def notifications_demo(context: DemoContext) -> None:
    """The bell of the demo's accounts is not empty: the notices the support services write,
    for the visits, recommendations and consultations the demo enters directly (without the
    services, for speed)."""
    from opora.support.choices import RecommendationStatus, VisitStatus
    from opora.support.models import Recommendation, Visit

    home: Organization = context.objects["home_school"]
    for recommendation in Recommendation.objects.filter(
        school=home, status=RecommendationStatus.OPEN
    ).order_by("due_on")[:2]:
        services.recommendation_notify(recommendation=recommendation)
    visit = Visit.objects.filter(school=home, status=VisitStatus.PLANNED).order_by("planned_on")
    if (coming := visit.first()) is not None:
        services.visit_notify(visit=coming)
    answered = Recommendation.objects.filter(
        school=home, status__in=(RecommendationStatus.DONE, RecommendationStatus.DISPUTED)
    ).first()
    if answered is not None:
        services.recommendation_answer_notify(recommendation=answered, user=None)
    for consultation in Consultation.objects.filter(
        status=ConsultationStatus.ANSWERED, requested_by__isnull=False
    ).order_by("-answered_at")[:3]:
        services.consultation_notify(consultation=consultation)
