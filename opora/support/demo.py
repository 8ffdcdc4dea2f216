"""Demo data of the support network (`opora demo`)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.demo import DemoContext, demo_step
from opora.registry.models import Membership, Organization, Person, Programme, ProgrammeSchool
from opora.roadmaps.models import ExecutionReport
from opora.support.choices import ConsultationForm, ConsultationStatus
from opora.support.models import Consultation, Escalation
from opora.support.selectors import engagement_rows, school_signals

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
