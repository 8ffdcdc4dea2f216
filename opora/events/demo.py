"""The demo's events: a year of seminars, webinars and conferences of the city's methodical
centre and department, with registrations, attendance, materials, feedback and certificates;
some carry out activities of the programme's roadmap."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opora.core.demo import DemoContext, demo_step
from opora.events import services
from opora.events.choices import EventKind, EventStatus
from opora.events.models import Event, Registration
from opora.registry.models import Organization
from opora.roadmaps.models import Activity
from opora.staff.models import Teacher
from opora.surveys.models import Question, SurveyLink

# (days from today, kind, title, hours, linked to the roadmap); past ones are held.
K = EventKind
PLAN: tuple[tuple[int, str, str, int | None, bool], ...] = (
    (-200, K.CONFERENCE, "Августовская конференция: итоги года и задачи программы", 6, True),
    (-180, K.SEMINAR, "Формирующее оценивание на уроках математики", 3, True),
    (-160, K.WEBINAR, "Функциональная грамотность: банк заданий и как им пользоваться", 2, False),
    (-140, K.MASTER_CLASS, "Смысловое чтение на уроках истории и обществознания", 3, False),
    (-120, K.ASSOCIATION, "Городское методобъединение учителей начальных классов", 2, False),
    (-100, K.SEMINAR, "Школа молодого педагога: трудный класс и дисциплина", 4, True),
    (-80, K.ROUND_TABLE, "Круглый стол директоров: управление изменениями в школе", 2, False),
    (-60, K.WEBINAR, "Подготовка к ВПР: разбор типичных ошибок по русскому языку", 2, False),
    (-45, K.COURSE_SESSION, "Курсы «Наставничество в школе»: занятие 1", 4, False),
    (-30, K.SEMINAR, "Работа с обучающимися с трудностями в обучении", 3, True),
    (-15, K.FORUM, "Форум педагогических идей «Школа равных возможностей»", None, False),
    (12, K.WEBINAR, "Цифровые инструменты обратной связи на уроке", 2, False),
    (30, K.SEMINAR, "Школа молодого педагога: классное руководство", 3, False),
    (55, K.MASTER_CLASS, "Проектная деятельность в основной школе", 3, False),
    (90, K.CONFERENCE, "Весенняя конференция: итоги мониторинга программы", 6, False),
)  # fmt: skip
CANCELLED_AT = -120  # the association's meeting moved to the next term


def _programme_pdf(title: str) -> SimpleUploadedFile:
    from opora.core.documents import PDF_FONT, pdf_new

    pdf = pdf_new(title=title)
    pdf.add_page()
    pdf.set_font(PDF_FONT, "B", 14)
    pdf.multi_cell(0, 7, f"Программа: {title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", 11)
    for line in ("10:00 — открытие", "10:15 — основной доклад", "11:30 — работа в группах"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile("Программа мероприятия.pdf", bytes(pdf.output()))


def _feedback_answers(rng: Any, questions: list[Question]) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for q in questions:
        if q.kind == "scale":
            answers[q.pk] = rng.choice([3, 4, 4, 5, 5])
        elif q.kind == "single":
            answers[q.pk] = rng.choice(["1", "1", "2", "3"])
        elif rng.random() < 0.3:
            answers[q.pk] = rng.choice(
                ["Больше практики", "Разбор уроков коллег", "Работа с родителями"]
            )
    return answers


@demo_step(order=72, name="Мероприятия: семинары, вебинары и конференции за год")
def events_demo(context: DemoContext) -> None:
    from opora.surveys.services import response_submit

    rng = context.random
    analyst = User.objects.get(username="analyst")
    coordinator = User.objects.get(username="coordinator")
    director = User.objects.get(username="director")
    teacher_user = User.objects.get(username="teacher")
    centre: Organization = context.objects["methodical_centres"][0]
    department: Organization = context.objects["department"]
    home: Organization = context.objects["home_school"]
    teachers = list(
        Teacher.objects.filter(
            is_active=True, school__territory__path__startswith=centre.territory.path
        )
        .select_related("school", "person")
        .order_by("school__code", "last_name", "pk")
    )
    activities = list(
        Activity.objects.filter(
            roadmap__school__isnull=True, roadmap__programme=context.objects["programme"]
        ).order_by("position")[:4]
    )
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    made = held = registered = certificates = 0
    for index, (days, kind, title, hours, linked) in enumerate(PLAN):
        organizer = department if kind == EventKind.ROUND_TABLE else centre
        user = coordinator if organizer == department else analyst
        starts = now.replace(hour=10 if index % 2 else 15) + datetime.timedelta(days=abs(days) + 1)
        online = kind == EventKind.WEBINAR
        event = Event(
            kind=kind,
            title=title,
            organizer=organizer,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=hours or 3),
            place="" if online else "Городской центр развития образования, конференц-зал",
            online_url="https://webinar.example.org/gcro" if online else "",
            capacity=80 if kind == EventKind.MASTER_CLASS else None,
            hours=hours,
            audience_territory=centre.territory,
            description="Для педагогических команд школ программы и всех желающих.",
            activity=activities[len([p for p in PLAN[:index] if p[4]]) % len(activities)]
            if linked and activities
            else None,
        )
        services.event_save(
            event=event,
            user=user,
            programme=_programme_pdf(title) if index % 3 == 0 else None,
        )
        made += 1
        # Registrations while the event is ahead: the demo teacher registers themselves for
        # most of them, the home school's director nominates colleagues, others come too.
        chosen = rng.sample(teachers, min(len(teachers), rng.randint(12, 30)))
        for teacher in chosen:
            if teacher.person is not None and teacher.person.user_id == teacher_user.pk:
                continue
            services.registration_nominate(
                event=event, teacher=teacher, user=director if teacher.school == home else user
            )
            registered += 1
        if index % 4 != 3:
            services.registration_self(event=event, user=teacher_user)
            registered += 1
        if days >= 0:
            continue
        moved = now + datetime.timedelta(days=days)
        Event.objects.filter(pk=event.pk).update(
            starts_at=moved, ends_at=moved + datetime.timedelta(hours=hours or 3)
        )
        event.refresh_from_db()
        if days == CANCELLED_AT:
            Event.objects.filter(pk=event.pk).update(status=EventStatus.CANCELLED)
            continue
        regs = list(Registration.objects.filter(event=event))
        came = [
            r.pk
            for r in regs
            if (r.person is not None and r.person.user_id == teacher_user.pk) or rng.random() < 0.8
        ]
        services.attendance_mark(event=event, attended_ids=came, user=user)
        held += 1
        services.material_add(
            event=event,
            title="Презентация",
            user=user,
            file=SimpleUploadedFile("Презентация.pdf", _programme_pdf(title).read()),
        )
        if online:
            services.material_add(
                event=event,
                title="Запись вебинара",
                user=user,
                url="https://video.example.org/gcro",
            )
        # The certificates of the older events are issued; the demo teacher takes their own.
        if days <= -60:
            for registration in Registration.objects.filter(pk__in=came):
                services.certificate_issue(registration=registration)
                certificates += 1
        services.feedback_open(event=event, user=user)
        event.refresh_from_db()
        link = SurveyLink.objects.select_related("round").get(round=event.feedback_round)
        questions = list(Question.objects.filter(questionnaire_id=link.questionnaire_id))
        for _n in range(rng.randint(2, min(12, len(came)))):
            response_submit(link=link, answers=_feedback_answers(rng, questions))
    context.summary.append(
        f"Мероприятий: {made} (проведено {held}), записей: {registered}, "
        f"сертификатов: {certificates}"
    )
