"""Demo data of the support network (`opora demo`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from opora.core import dates
from opora.core.choices import Role
from opora.core.demo import DemoContext, demo_step
from opora.registry.models import CuratorAssignment, Membership, Organization, Person
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity, Roadmap, Section

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


@demo_step(order=65, name="Поддержка: выезды в школы, записи по шаблонам, рекомендации")
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
