"""The home page says what to do, per role: each card's list, who sees it and who does not,
and a query count that does not grow with the number of schools and activities."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.choices import JobStatus
from opora.core.models import Job
from opora.registry.models import CuratorAssignment, Person, ProgrammeSchool
from opora.registry.tests.factories import SchoolFactory
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import Activity, Deadline, Roadmap
from opora.roadmaps.services import roadmap_create
from opora.staff.choices import ItemKind
from opora.staff.tests.factories import ItemFactory, PlanFactory, TeacherFactory
from opora.support.choices import Addressee
from opora.support.models import Recommendation
from opora.support.tests.visits_helpers import plan, running_roadmap

pytestmark = pytest.mark.django_db

HOME = "/"


def page(world, persona):
    response = world.client(persona).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def school_roadmap(world, school, programme, *, status=RoadmapStatus.EXECUTION, n=1):
    """A roadmap of `school` in `programme` with `n` activities and no due dates of its own."""
    draft = DraftRoadmap(
        title=f"Карта {school.short_name}",
        sections=[
            DraftSection(
                number="1",
                title="Меры",
                activities=[
                    DraftActivity(number=f"1.{i}", text=f"Мероприятие {i} школы {school.pk}")
                    for i in range(1, n + 1)
                ],
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
    Roadmap.objects.filter(pk=roadmap.pk).update(status=status)
    roadmap.refresh_from_db()
    return roadmap


def due(roadmap, days, text=None):
    """A due date `days` from today for the roadmap's first activity (or a named one)."""
    activity = (
        Activity.objects.get(roadmap=roadmap, text=text)
        if text
        else Activity.objects.filter(roadmap=roadmap).order_by("position").first()
    )
    return Deadline.objects.create(
        activity=activity, roadmap=roadmap, due_on=dates.today() + datetime.timedelta(days=days)
    )


def recommendation(world, school, text, days, *, created_by="curator"):
    return Recommendation.objects.create(
        school=school,
        text=text,
        addressee=Addressee.SCHOOL,
        due_on=dates.today() + datetime.timedelta(days=days),
        created_by=world.user(created_by),
    )


@pytest.fixture
def school_a_work(world):
    """School A: a running roadmap with an overdue activity, one due soon and one far away;
    a recommendation past its date and one still in time; school B has its own."""
    roadmap = running_roadmap(world)
    Deadline.objects.filter(roadmap=roadmap).delete()
    activity = Activity.objects.get(roadmap=roadmap)
    Activity.objects.create(
        roadmap=roadmap,
        section=activity.section,
        position=2,
        number="1.2",
        text="Педсовет по итогам ВПР",
    )
    Activity.objects.create(
        roadmap=roadmap, section=activity.section, position=3, number="1.3", text="Дальний аудит"
    )
    due(roadmap, -5)
    due(roadmap, 6, "Педсовет по итогам ВПР")
    due(roadmap, 60, "Дальний аудит")
    recommendation(world, world.school_a, "Провести открытые уроки", -3)
    recommendation(world, world.school_a, "Обновить план ВСОКО", 20)
    recommendation(world, world.school_b, "Рекомендация гимназии", -3)
    return roadmap


def test_director_sees_the_schools_due_dates_and_recommendations_overdue_first(
    world, school_a_work
):
    html = page(world, "director_a")
    assert "Сроки мероприятий дорожной карты" in html
    assert "Выездные методические десанты" in html
    overdue_day = dates.date_ru(dates.today() - datetime.timedelta(days=5))
    assert f"просрочено, срок был {overdue_day}" in html
    assert "Педсовет по итогам ВПР" in html and "Дальний аудит" not in html
    assert html.index("Выездные методические десанты") < html.index("Педсовет по итогам ВПР")
    assert "Рекомендации ждут ответа" in html
    assert html.index("Провести открытые уроки") < html.index("Обновить план ВСОКО")
    assert "Рекомендация гимназии" not in html
    # School people have their school's cards, not the territory's counts.
    assert "Школ в зоне доступа" not in html
    # The director reports from the home page; the staff member sees the same school's work,
    # linked to the roadmap (reporting is the executor's or the director's); the other school's
    # director sees none of it.
    activity = Activity.objects.get(roadmap=school_a_work, text="Выездные методические десанты")
    assert reverse("roadmaps:report", args=[school_a_work.pk, activity.pk]) in html
    staff = page(world, "staff_a")
    assert "Выездные методические десанты" in staff and "/report/" not in staff
    assert school_a_work.get_absolute_url() in staff
    other = page(world, "director_b")
    assert "Выездные методические десанты" not in other and "Провести открытые уроки" not in other
    assert "Рекомендация гимназии" in other
    for persona in ("teacher", "outsider", "analyst"):
        assert "Сроки мероприятий дорожной карты" not in page(world, persona), persona
        assert "Рекомендации ждут ответа" not in page(world, persona), persona


def test_director_with_nothing_to_do_gets_no_empty_cards(world):
    html = page(world, "director_a")
    assert "Сроки мероприятий" not in html and "Рекомендации ждут ответа" not in html
    assert "Сейчас ничего не ждёт вашего решения" in html


def test_curator_sees_each_school_with_what_is_late(world, school_a_work):
    html = page(world, "curator")
    assert "Мои школы: что просрочено" in html
    assert "просрочено мероприятий: 1" in html
    assert "рекомендаций без ответа после срока: 1" in html
    assert "отчётов об исполнении ещё не было" in html
    curated = html.split('id="home-curator-schools"')[1].split("</section>")[0]
    assert "Гимназия № 2" not in curated
    # What is late is on the card's roadmap and monitoring tab: the link opens it.
    assert f'href="{world.school_a.get_tab_url("roadmap")}"' in curated
    for persona in ("director_a", "coordinator", "analyst", "teacher"):
        assert "Мои школы: что просрочено" not in page(world, persona), persona


def test_coordinator_sees_approvals_engagement_and_programme_lights(world, school_a_work):
    school_roadmap(world, world.school_b, school_a_work.programme, status=RoadmapStatus.RECOMMENDED)
    ProgrammeSchool.objects.create(programme=school_a_work.programme, school=world.school_b)
    html = page(world, "coordinator")
    assert "Дорожные карты ждут решения" in html and "Гимназия № 2" in html
    assert "Программы: исполнение и показатели" in html
    assert "Программа поддержки" in html and "просрочено 100 %" in html
    assert "Школ в зоне доступа" in html  # the territory's counts stay for its overseers
    # Another city's coordinator sees none of it.
    outsider = page(world, "outsider")
    assert "Гимназия № 2" not in outsider and "Программа поддержки" not in outsider
    for persona in ("director_a", "curator", "analyst"):
        html = page(world, persona)
        assert "Дорожные карты ждут решения" not in html, persona
        assert "Программы: исполнение и показатели" not in html, persona


def test_teacher_sees_their_plan_items_and_no_school_work(world, school_a_work):
    teacher = TeacherFactory(
        school=world.school_a, person=Person.objects.get(user=world.user("teacher"))
    )
    development_plan = PlanFactory(
        teacher=teacher, start_year=dates.academic_year_of(dates.today())
    )
    ItemFactory(
        plan=development_plan,
        kind=ItemKind.OWN,
        title="Открытый урок по функциональной грамотности",
        due_on=dates.today() + datetime.timedelta(days=10),
    )
    html = page(world, "teacher")
    assert "Мой индивидуальный образовательный маршрут" in html
    assert "Открытый урок по функциональной грамотности" in html
    assert "Рекомендации ждут ответа" not in html and "Сроки мероприятий" not in html
    other = TeacherFactory(school=world.school_a)
    ItemFactory(
        plan=PlanFactory(teacher=other),
        kind=ItemKind.OWN,
        title="Чужой пункт",
        due_on=dates.today(),
    )
    assert "Чужой пункт" not in page(world, "teacher")
    assert "Мой индивидуальный образовательный маршрут" not in page(world, "director_a")


def test_own_jobs_show_running_and_failed(world):
    Job.objects.create(
        kind="core.import",
        title="Загрузка реестра школ",
        status=JobStatus.FAILED,
        created_by=world.user("analyst"),
    )
    html = page(world, "analyst")
    assert "Мои задачи: загрузки и расчёты" in html and "Загрузка реестра школ" in html
    assert "Загрузка реестра школ" not in page(world, "coordinator")


def test_a_planned_visit_shows_the_director_the_coming_visit(world):
    plan(world, day=dates.today() + datetime.timedelta(days=3))
    assert "Выезды в школу" in page(world, "director_a")
    assert "Выезды в школу" not in page(world, "director_b")


# --- Query counts ------------------------------------------------------------------------------


def grow(world, programme, n):
    """`n` more schools of the city in the programme, each with a curator, a running roadmap
    with overdue activities and an overdue recommendation."""
    curator = Person.objects.get(user=world.user("curator"))
    for i in range(n):
        school = SchoolFactory(territory=world.north, short_name=f"Школа {i}")
        ProgrammeSchool.objects.create(programme=programme, school=school)
        CuratorAssignment.objects.create(curator=curator, school=school)
        roadmap = school_roadmap(world, school, programme, n=3)
        for days in (-10, -2, 4):
            for activity in Activity.objects.filter(roadmap=roadmap):
                Deadline.objects.create(
                    activity=activity,
                    roadmap=roadmap,
                    due_on=dates.today() + datetime.timedelta(days=days),
                )
        recommendation(world, school, f"Рекомендация {i}", -1)
        school_roadmap(world, school, programme, status=RoadmapStatus.RECOMMENDED)


def queries(world, persona):
    client = world.client(persona)
    client.get(HOME)  # warm: sessions, content types
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["director_a", "curator", "coordinator"])
def test_home_queries_do_not_grow_with_schools_and_activities(world, school_a_work, persona):
    grow(world, school_a_work.programme, 2)
    few = queries(world, persona)
    grow(world, school_a_work.programme, 6)
    for i in range(20):
        due(school_a_work, -20 - i)
        recommendation(world, world.school_a, "Ещё рекомендация", -2)
    many = queries(world, persona)
    assert many == few, persona


# --- The demo (last: it loads the demo territory) --------------------------------------------


def test_demo_homes_say_what_to_do_and_bells_ring(demo):
    from django.contrib.auth.models import User
    from django.test import Client

    def home_of(username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(HOME)
        assert response.status_code == 200, username
        return response.content.decode()

    director = home_of("director")
    assert "Сроки мероприятий дорожной карты" in director
    assert "Рекомендации ждут ответа" in director
    assert "непрочитанн" in director.split('id="bell"')[1].split(">")[0]
    assert "Мои школы: что просрочено" in home_of("curator")
    coordinator = home_of("coordinator")
    assert "Программы: исполнение и показатели" in coordinator
    assert 'aria-label="Уведомления: нет непрочитанных"' not in coordinator
    assert "Расчёты списков школ" in home_of("analyst")
    for username in ("staff", "teacher", "council", "regional", "admin"):
        home_of(username)
