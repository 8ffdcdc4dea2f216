"""Engagement: supported schools that do not engage with their signals and figures, the
escalation to the director, the director's answer; who may and who may not."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.access import Action, restrict, restrict_within
from opora.core.choices import TimelineVerb
from opora.core.dates import date_ru, today
from opora.core.models import TimelineEvent
from opora.core.tests.russian import not_russian
from opora.registry.choices import OrderKind
from opora.registry.models import Person, Programme, ProgrammeSchool
from opora.registry.tests.factories import SchoolFactory, registered_order
from opora.roadmaps.choices import ReportOutcome, RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.execution import report_submit
from opora.roadmaps.models import ExecutionReport, Roadmap
from opora.roadmaps.progress import progress_recount
from opora.roadmaps.services import roadmap_create
from opora.support.choices import EngagementSignal
from opora.support.models import Consultation, Escalation, Recommendation, Visit
from opora.support.selectors import engagement_rows

pytestmark = pytest.mark.django_db

PAGE = reverse("support:engagement")


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def programme_with(world, *schools, owner=None) -> Programme:
    programme = Programme.objects.create(
        name="Программа поддержки ШНОР",
        owner=owner or world.department,
        starts_on=days_ago(400),
        ends_on=today() + datetime.timedelta(days=700),
    )
    for school in schools:
        ProgrammeSchool.objects.create(programme=programme, school=school, joined_on=days_ago(300))
    return programme


def recommendation(school, due: int, status: str = "open", addressee: str = "school", **kw):
    return Recommendation.objects.create(
        school=school,
        text=f"Рекомендация, срок {due} дн. назад",
        addressee=addressee,
        due_on=days_ago(due),
        status=status,
        **kw,
    )


def visit(world, school, status: str, ago: int) -> Visit:
    return Visit.objects.create(
        school=school,
        kind="landing",
        planned_on=days_ago(ago),
        organiser=world.methodical_centre,
        lead=Person.objects.get(user=world.user("analyst")),
        purpose="Методический десант",
        status=status,
    )


def executing_roadmap(world, programme, school, *, report_ago: int | None) -> Roadmap:
    draft = DraftRoadmap(
        title=f"Программа перехода {school.short_name}",
        sections=[
            DraftSection(
                number="1",
                title="Меры",
                activities=[DraftActivity(number="1", text="Педсовет", schedule="сентябрь")],
            )
        ],
    )
    roadmap = roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.TRANSITION,
        draft=draft,
        user=world.user("coordinator"),
        source="тест",
    )
    order = registered_order(programme.owner, OrderKind.ROADMAP, date=days_ago(200))
    Roadmap.objects.filter(pk=roadmap.pk).update(status=RoadmapStatus.EXECUTION, order=order)
    if report_ago is not None:
        report = ExecutionReport.objects.create(
            activity=roadmap.activities.get(), outcome="done", text="Проведён"
        )
        ExecutionReport.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=report_ago)
        )
    # Written around the services (status, order, report): recount as they would.
    progress_recount(roadmap_ids=[roadmap.pk], today=today())
    return roadmap


@pytest.fixture
def supported(world):
    """School A: two overdue recommendations to the school and no report for 45 days.
    School B: one visit refused in the half-year and a fresh report — one signal.
    A school off the programme and school C (Другой город) have signals nobody here sees."""
    programme = programme_with(world, world.school_a, world.school_b)
    recommendation(world.school_a, 10, "open")
    recommendation(world.school_a, 40, "accepted")
    recommendation(world.school_a, 50, "done", done_on=days_ago(45))
    recommendation(world.school_a, 20, "disputed")
    recommendation(world.school_a, -5, "open")  # not due yet
    recommendation(world.school_a, 30, "open", addressee="curator")  # not the school's to do
    executing_roadmap(world, programme, world.school_a, report_ago=45)
    visit(world, world.school_b, "refused", 20)
    visit(world, world.school_b, "refused", 300)  # beyond the half-year
    visit(world, world.school_b, "done", 10)
    executing_roadmap(world, programme, world.school_b, report_ago=5)
    off_programme = SchoolFactory(territory=world.north, short_name="СОШ вне программы")
    recommendation(off_programme, 10)
    programme_with(world, world.school_c, owner=world.other_department)
    recommendation(world.school_c, 10)
    return programme


def test_the_signals_and_their_figures_for_a_designed_case(world, supported):
    rows = {row.school_id: row for row in engagement_rows(world.user("coordinator"))}
    assert set(rows) == {world.school_a.pk, world.school_b.pk}
    a = {s.code: s for s in rows[world.school_a.pk].signals}
    assert set(a) == {EngagementSignal.OVERDUE_RECOMMENDATIONS, EngagementSignal.NO_ROADMAP_REPORT}
    overdue = a[EngagementSignal.OVERDUE_RECOMMENDATIONS]
    assert (overdue.count, overdue.date) == (2, days_ago(40))
    assert overdue.text == f"2 рекомендации просрочены, самый ранний срок — {date_ru(days_ago(40))}"
    report = a[EngagementSignal.NO_ROADMAP_REPORT]
    assert (report.date, report.days) == (days_ago(45), 45)
    assert "45 дней назад" in report.text
    b = rows[world.school_b.pk].signals
    assert [(s.code, s.count, s.date) for s in b] == [
        (EngagementSignal.REFUSED_VISITS, 1, days_ago(20))
    ]
    assert b[0].text.startswith("1 отказ школы от выезда за полгода")
    # The weightiest first.
    assert [r.school_id for r in engagement_rows(world.user("analyst"))] == [
        world.school_a.pk,
        world.school_b.pk,
    ]
    # Filtered by a signal.
    only = engagement_rows(world.user("coordinator"), signal=EngagementSignal.REFUSED_VISITS)
    assert [r.school_id for r in only] == [world.school_b.pk]


def test_thresholds_are_settings(world, supported, settings):
    settings.OPORA_ENGAGEMENT_REPORT_DAYS = 60
    settings.OPORA_ENGAGEMENT_OVERDUE_RECOMMENDATIONS = 3
    settings.OPORA_ENGAGEMENT_REFUSED_DAYS = 10
    assert engagement_rows(world.user("coordinator")) == []


def test_a_roadmap_without_reports_counts_from_its_order(world):
    programme = programme_with(world, world.school_a, world.school_b)
    old = executing_roadmap(world, programme, world.school_a, report_ago=None)
    fresh = executing_roadmap(world, programme, world.school_b, report_ago=None)
    Roadmap.objects.filter(pk=fresh.pk).update(
        order=registered_order(programme.owner, OrderKind.ROADMAP, date=days_ago(5))
    )
    rows = engagement_rows(world.user("coordinator"))
    assert [r.school_id for r in rows] == [old.school_id]
    assert rows[0].signals[0].text == "по исполняемой дорожной карте не было ни одного отчёта"


def test_a_report_through_the_service_clears_the_signal(world, supported):
    """The last report is read from the roadmap's stored counters: the report service keeps
    them, so a school that reports today is off the list at once."""
    flagged = {r.school_id for r in engagement_rows(world.user("coordinator"))}
    assert world.school_a.pk in flagged
    roadmap = Roadmap.objects.get(school=world.school_a)
    report_submit(
        activity=roadmap.activities.get(),
        user=world.user("coordinator"),
        outcome=ReportOutcome.IN_PROGRESS,
        text="Педсовет проведён",
        done_on=None,
        uploads=[],
    )
    rows = {r.school_id: r for r in engagement_rows(world.user("coordinator"))}
    signals = {s.code for s in rows[world.school_a.pk].signals}
    assert signals == {EngagementSignal.OVERDUE_RECOMMENDATIONS}


def test_a_school_that_left_the_programme_is_not_shown(world, supported):
    ProgrammeSchool.objects.filter(school=world.school_b).update(left_on=days_ago(1))
    assert [r.school_id for r in engagement_rows(world.user("coordinator"))] == [world.school_a.pk]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("analyst", 200),
        ("council", 200),
        ("curator", 404),
        ("director_a", 404),
        ("staff_a", 404),
        ("teacher", 404),
    ],
)
def test_who_opens_the_engagement_page(world, supported, persona, status):
    response = world.client(persona).get(PAGE)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "СОШ № 1" in page and "Гимназия № 2" in page
        assert "СОШ вне программы" not in page
        # School C is in Другой город: only the regional coordinator reaches it.
        assert ("СОШ № 3" in page) == (persona == "regional")
        assert not_russian(page) == []
        # Only coordinators escalate.
        assert ("Обратиться к директору" in page) == (persona in ("coordinator", "regional"))


def test_an_outsider_sees_only_their_own_territory(world, supported):
    page = world.client("outsider").get(PAGE).content.decode()
    assert "СОШ № 3" in page
    assert "СОШ № 1" not in page and "Гимназия № 2" not in page


def test_anonymous_is_sent_to_log_in(world):
    assert world.client("anonymous").get(PAGE).status_code == 302


def _page_queries(client, url=PAGE) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _signalling_schools(world, programme, count: int) -> None:
    for n in range(count):
        school = SchoolFactory(territory=world.south)
        ProgrammeSchool.objects.create(programme=programme, school=school)
        recommendation(school, 10 + n)
        visit(world, school, "refused", 5)
        executing_roadmap(world, programme, school, report_ago=40)
        Escalation.objects.create(
            school=school, note="Обращение", respond_by=today() + datetime.timedelta(days=7)
        )


def test_the_page_query_count_does_not_grow_with_schools(world):
    programme = programme_with(world)
    client = world.client("coordinator")
    _signalling_schools(world, programme, 3)
    few = _page_queries(client)
    _signalling_schools(world, programme, 30)
    assert _page_queries(client) == few
    # Also on a later page and filtered by programme.
    url = f"{PAGE}?programme={programme.pk}&page=1"
    assert _page_queries(client, url) == _page_queries(client, url)


# --- Escalation ----------------------------------------------------------------------------


def escalate(world, persona="coordinator", school=None, **values):
    school = school or world.school_a
    data = {
        "note": "Прошу ответить на рекомендации выезда и сдать отчёт по дорожной карте.",
        "respond_by": (today() + datetime.timedelta(days=14)).isoformat(),
        **values,
    }
    return world.client(persona).post(reverse("support:escalation-new", args=[school.pk]), data)


def test_the_coordinator_escalates_and_the_director_answers(
    world, supported, django_capture_on_commit_callbacks
):
    director = world.user("director_a")
    director.email = "director@school-a.ru"
    director.save()
    coordinator = world.user("coordinator")
    coordinator.email = "coordinator@do.ru"
    coordinator.save()
    form = world.client("coordinator").get(
        reverse("support:escalation-new", args=[world.school_a.pk])
    )
    assert "2 рекомендации просрочены" in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = escalate(world)
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.created_by == coordinator
    assert escalation.respond_by == today() + datetime.timedelta(days=14)
    assert [r["code"] for r in escalation.reasons] == [
        EngagementSignal.OVERDUE_RECOMMENDATIONS,
        EngagementSignal.NO_ROADMAP_REPORT,
    ]
    assert escalation.reasons[0]["count"] == 2
    # On the school's timeline, in the same transaction.
    event = TimelineEvent.objects.get(verb=TimelineVerb.ESCALATED)
    assert event.target == world.school_a and event.actor == coordinator
    history = world.client("coordinator").get(
        reverse("core:history", args=[event.content_type_id, world.school_a.pk])
    )
    assert "Направлено обращение к директору" in history.content.decode()
    assert not_russian(history.content.decode()) == []
    # The letter to the director, in Russian, with the date and the reasons.
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["director@school-a.ru"]
    assert date_ru(escalation.respond_by) in letter.subject
    assert "2 рекомендации просрочены" in letter.body
    assert not_russian(f"{letter.subject} {letter.body}") == []

    # The director sees it on the school card and answers.
    card = world.client("director_a").get(world.school_a.get_tab_url("support")).content.decode()
    assert "Обращение к директору от" in card and "ответить до" in card
    answer = reverse("support:escalation-answer", args=[escalation.pk])
    response = world.client("director_a").post(answer, {"reply": "  "})
    assert response.status_code == 400
    assert "Напишите ответ" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("director_a").post(
            answer, {"reply": "Отчёт сдан, рекомендации приняты."}
        )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None and escalation.resolved_by == director
    assert escalation.reply == "Отчёт сдан, рекомендации приняты."
    assert TimelineEvent.objects.filter(verb=TimelineVerb.ESCALATION_ANSWERED).count() == 1
    assert mail.outbox[-1].to == ["coordinator@do.ru"]
    assert "Отчёт сдан" in mail.outbox[-1].body
    # Answered once; the page shows the answer and no form.
    page = world.client("coordinator").get(reverse("support:escalation", args=[escalation.pk]))
    assert "Отчёт сдан, рекомендации приняты." in page.content.decode()
    again = world.client("director_a").post(answer, {"reply": "Ещё"}, follow=True)
    assert "пока оно открыто" in again.content.decode()
    assert Escalation.objects.get().reply == "Отчёт сдан, рекомендации приняты."
    engagement = world.client("coordinator").get(PAGE).content.decode()
    assert "Обратиться к директору" in engagement  # resolved: the school may be escalated again


def test_bad_escalations_are_refused_in_russian(world, supported):
    response = escalate(world, note=" ")
    assert response.status_code == 400
    assert "Напишите обращение" in response.content.decode()
    response = escalate(world, respond_by=(today() - datetime.timedelta(days=1)).isoformat())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Срок ответа должен быть позже сегодняшнего дня" in page
    assert "Прошу ответить на рекомендации" in page  # what was typed is kept
    assert not Escalation.objects.exists()
    assert not TimelineEvent.objects.filter(verb=TimelineVerb.ESCALATED).exists()


def test_a_director_without_an_address_is_escalated_with_a_warning(world, supported):
    client = world.client("coordinator")
    response = client.post(
        reverse("support:escalation-new", args=[world.school_a.pk]),
        {"note": "Обращение", "respond_by": (today() + datetime.timedelta(days=5)).isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "письмо не отправлено" in page
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    "persona", ["analyst", "council", "curator", "director_a", "teacher", "outsider"]
)
def test_only_coordinators_of_the_territory_escalate(world, supported, persona):
    assert escalate(world, persona).status_code == 404
    assert not Escalation.objects.exists()


def test_a_school_off_the_programme_is_not_escalated(world, supported):
    off = SchoolFactory(territory=world.north)
    assert escalate(world, school=off).status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees", "answers"),
    [
        ("director_a", 200, True),
        ("coordinator", 200, False),
        ("analyst", 200, False),
        ("council", 200, False),
        ("curator", 200, False),
        ("staff_a", 404, False),
        ("teacher", 404, False),
        ("director_b", 404, False),
        ("outsider", 404, False),
    ],
)
def test_who_sees_and_answers_an_escalation(world, persona, sees, answers):
    escalation = Escalation.objects.create(
        school=world.school_a, note="Обращение", respond_by=today() + datetime.timedelta(days=3)
    )
    client = world.client(persona)
    assert client.get(reverse("support:escalation", args=[escalation.pk])).status_code == sees
    response = client.post(
        reverse("support:escalation-answer", args=[escalation.pk]), {"reply": "Ответ"}
    )
    assert (response.status_code == 302) == answers
    escalation.refresh_from_db()
    assert (escalation.resolved_at is not None) == answers


def test_the_service_checks_the_school_again(world, supported):
    """A forged call (a coordinator elsewhere, a school of another territory) is refused by
    the service itself, whatever the page did."""
    from django.core.exceptions import ValidationError

    from opora.support.services import escalation_create

    for persona, school in (("outsider", world.school_a), ("analyst", world.school_a)):
        with pytest.raises(ValidationError, match="координатор программы её территории"):
            escalation_create(
                user=world.user(persona),
                school=school,
                note="Обращение",
                respond_by=today() + datetime.timedelta(days=5),
            )
    assert not Escalation.objects.exists()


def test_a_schools_support_rows_within_it_are_what_restrict_gives(world, supported):
    """Visits, recommendations, escalations and consultations are `decided_by_organization`
    through their school (by the visit, escalation and consultation roles): `restrict_within`
    gives each persona, for every action and school, exactly what `restrict` does."""
    schools = [world.school_a, world.school_b, world.school_c]
    for school in schools:
        Escalation.objects.create(
            school=school, note="Обращение", respond_by=today() + datetime.timedelta(days=7)
        )
        Consultation.objects.create(
            school=school,
            topic="Рабочие программы",
            question="Вопрос",
            preferred_form="online",
            requested_by=world.user("director_a"),
        )
    seen = 0
    for model in (Visit, Recommendation, Escalation, Consultation):
        for persona, user in world.users.items():
            for action in Action:
                for school in schools:
                    expected = restrict(model.objects.filter(school=school), user, action)
                    found = restrict_within(model.objects.all(), user, school, action)
                    assert set(found) == set(expected), (model.__name__, persona, action, school)
                    seen += len(expected)
    assert seen > 50
