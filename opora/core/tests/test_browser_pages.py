"""In real Chromium over the demo territory: the main pages of every role pass axe-core
without a critical or serious violation, and the everyday paths of a school director and a
curator, and the public survey, fit a phone 390 px wide (nothing scrolls sideways, every
control at least 24×24 px).

The demo is loaded once for the module and committed, and served by a live server of the
module's own; the database is flushed after the module's last test, as after any transactional
test (pytest-django's `live_server` would flush it after every test, and the demo would have to
be loaded for each). The tests are marked `django_db` so that the test database exists. The
markup does not depend on the database, so the PostgreSQL run skips the module."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from opora.conftest import demo_served
from opora.core.tests.browser_checks import (
    AXE_VERSION,
    PHONE,
    axe_violations,
    phone_problems,
    within_screen,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


@dataclass
class Demo:
    url: str
    paths: dict[str, str]
    password: str


def _paths() -> dict[str, str]:
    """The pages the tests open, found in the demo. Two things the demo lacks are added the
    way users would make them: the demo curator also curates the school whose roadmap is
    under review, and a checkpoint is opened so that the director's monitoring form is
    editable; and a failed import job gives the job page something to show."""
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    from opora.core.choices import JobStatus, Role
    from opora.core.dates import today
    from opora.core.models import Job
    from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
    from opora.monitoring import services as monitoring
    from opora.monitoring.choices import CheckpointKind
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import (
        CuratorAssignment,
        Organization,
        Person,
        Programme,
        Territory,
    )
    from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
    from opora.roadmaps.models import Activity, Roadmap
    from opora.staff.models import DevelopmentPlan
    from opora.surveys.models import SurveyLink

    school = Organization.objects.get(
        memberships__person__user__username="director",
        memberships__role=Role.SCHOOL_DIRECTOR,
    )
    programme = Programme.objects.get(schools=school)
    roadmap = Roadmap.objects.get(school=school, status=RoadmapStatus.EXECUTION)
    activity = (
        Activity.objects.filter(roadmap=roadmap)
        .exclude(status=ActivityStatus.CANCELLED)
        .order_by("pk")
        .first()
    )
    assert activity is not None
    # The city's objects throughout: the city personas do not see the region's other
    # municipalities (their pages answer 404).
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    review = Roadmap.objects.filter(programme=programme, status=RoadmapStatus.REVIEW).first()
    assert review is not None and review.school is not None
    CuratorAssignment.objects.get_or_create(
        curator=Person.objects.get(user__username="curator"),
        school=review.school,
        defaults={"since": datetime.date(2024, 3, 1)},
    )
    day = today()
    checkpoint = monitoring.checkpoint_open(
        programme=programme,
        name="Промежуточный мониторинг",
        kind=CheckpointKind.INTERMEDIATE,
        held_on=day,
        due_on=day + datetime.timedelta(days=14),
        user=None,
    )
    coordinator = User.objects.get(username="coordinator")
    job = Job.objects.create(
        kind="core.import",
        title="Загрузка: реестр школ",
        status=JobStatus.FAILED,
        progress=40,
        log="Чтение файла…\nСтрока 12, столбец «Код ОО»: код уже занят другой школой.",
        error="В файле есть ошибки; данные не изменены.",
        created_by=coordinator,
    )
    run = IdentificationRun.objects.filter(territory=city).order_by("-pk").first()
    assert run is not None
    methodology = Methodology.objects.order_by("pk").first()
    from opora.identification.models import QualityCheck

    quality = QualityCheck.objects.filter(status="done").order_by("pk").first()
    assert quality is not None
    assert methodology is not None
    coded = SurveyLink.objects.filter(school=school, requires_code=True).first()
    open_link = SurveyLink.objects.filter(
        school=school, requires_code=False, questionnaire__slug__startswith="satisfaction"
    ).first()
    assert coded is not None and open_link is not None
    plan = DevelopmentPlan.objects.filter(teacher__school=school).order_by("pk").first()
    own_plan = DevelopmentPlan.objects.filter(teacher__person__user__username="teacher").first()
    assert plan is not None and own_plan is not None
    teacher = plan.teacher
    school_type = ContentType.objects.get_for_model(Organization)
    person = Person.objects.get(user__username="staff")
    listed = SchoolIdentification.objects.filter(
        run__territory=city, run__status="approved", in_list=True
    ).first()
    assert listed is not None
    from opora.support.models import Consultation, Escalation

    consultation = Consultation.objects.filter(school=school).order_by("pk").first()
    escalation = Escalation.objects.filter(school=school).first()
    assert consultation is not None and escalation is not None
    # Visits (support demo): the home school's visit of today, to record; a recommendation
    # still waiting for the director's answer.
    from opora.support.choices import RecommendationStatus, VisitStatus
    from opora.support.models import Recommendation, Visit

    visit = Visit.objects.filter(school=school, status=VisitStatus.PLANNED, planned_on=day).first()
    recommendation = Recommendation.objects.filter(
        school=school, status=RecommendationStatus.OPEN
    ).first()
    assert visit is not None and recommendation is not None
    # Governance (its demo step): the coordinating council, its latest meeting, a decision.
    from opora.governance.models import Body, Decision

    council = Body.objects.get(kind="coordinating_council")
    council_meeting = council.meetings.order_by("-date").first()
    decision = Decision.objects.filter(status="open").order_by("pk").first()
    assert council_meeting is not None and decision is not None
    return {
        "home": "/",
        "login": reverse("login"),
        "error": "/registry/schools/999999/",
        "missing": "/no-such-page/",
        "schools": reverse("registry:schools"),
        "school": school.get_absolute_url(),
        # The card's other tabs (core.cards.SCHOOL_TABS).
        "school_diagnostics": school.get_tab_url("diagnostics"),
        "school_roadmap": school.get_tab_url("roadmap"),
        "school_support": school.get_tab_url("support"),
        "history": reverse("core:history", args=[school_type.pk, school.pk]),
        "programme": programme.get_absolute_url(),
        "roadmap": roadmap.get_absolute_url(),
        "report": reverse("roadmaps:report", args=[roadmap.pk, activity.pk]),
        "form": reverse("monitoring:form", args=[checkpoint.pk, school.pk]),
        "monitoring": reverse("monitoring:programme", args=[programme.pk]),
        "monitoring_school": reverse("monitoring:school", args=[programme.pk, school.pk]),
        "checkpoint": reverse("monitoring:checkpoint", args=[checkpoint.pk]),
        "review_school": review.school.get_absolute_url(),
        "review_school_roadmap": review.school.get_tab_url("roadmap"),
        "review_school_support": review.school.get_tab_url("support"),
        "review_roadmap": review.get_absolute_url(),
        "review_monitoring": reverse("monitoring:school", args=[programme.pk, review.school.pk]),
        "review_form": reverse("monitoring:form", args=[checkpoint.pk, review.school.pk]),
        "calendar": reverse("roadmaps:calendar"),
        "execution": reverse("roadmaps:execution"),
        "identification": reverse("identification:runs"),
        "run": reverse("identification:run", args=[run.pk]),
        "chart": reverse("identification:run-chart", args=[run.pk]),
        "methodology": reverse("identification:methodology", args=[methodology.pk]),
        "quality": reverse("identification:quality", args=[quality.pk]),
        "data": reverse("results:data"),
        "surveys": reverse("surveys:index"),
        "survey_round": reverse("surveys:round", args=[open_link.round_id]),
        "survey_results": reverse("surveys:link-results", args=[open_link.pk]),
        "survey_coded": coded.get_public_url(),
        "survey_open": open_link.get_public_url(),
        "survey_code_entry": reverse("survey_public:enter"),
        "staff": reverse("staff:index"),
        "staff_me": reverse("staff:me"),
        "teachers": f"{reverse('staff:teachers')}?school={school.pk}",
        "teacher": reverse("staff:teacher", args=[teacher.pk]),
        "plans": f"{reverse('staff:plans')}?school={school.pk}",
        "plan": reverse("staff:plan", args=[plan.pk]),
        "own_plan": reverse("staff:plan", args=[own_plan.pk]),
        "deficit_map": reverse("staff:map"),
        "diagnostics": reverse("staff:diagnostics"),
        "users": reverse("accounts:people"),
        "person": reverse("accounts:person", args=[person.pk]),
        "invite": reverse("accounts:invite"),
        "import": reverse("core:import", args=["registry.schools"]),
        "jobs": reverse("core:jobs"),
        "job": reverse("core:job", args=[job.pk]),
        "support": reverse("support:index"),
        "curators": reverse("support:curators"),
        "agreements": reverse("support:agreements"),
        "mentor_recommend": reverse("support:mentor-recommend", args=[listed.school_id]),
        "consultations": reverse("support:consultations"),
        "consultation": consultation.get_absolute_url(),
        "consultation_new": reverse("support:consultation-new"),
        "escalation": reverse("support:escalation", args=[escalation.pk]),
        "engagement": reverse("support:engagement"),
        "visits": reverse("support:visits"),
        "visit": visit.get_absolute_url(),
        "visit_record": reverse("support:visit-record", args=[visit.pk]),
        "recommendations": reverse("support:recommendations"),
        "recommendation": recommendation.get_absolute_url(),
        # Events: the list, the month, a held event the demo teacher attended.
        "events": reverse("events:index"),
        "events_calendar": reverse("events:calendar"),
        "event": _held_event().get_absolute_url(),
        "event_new": reverse("events:create"),
        "governance": reverse("governance:index"),
        "bodies": reverse("governance:bodies"),
        "body": council.get_absolute_url(),
        "meeting": council_meeting.get_absolute_url(),
        "decisions": reverse("governance:decisions"),
        "decision": decision.get_absolute_url(),
        "practices": reverse("practices:index"),
        "practice": _published_practice().get_absolute_url(),
        # The public site's switches of the programme (the public pages themselves are walked
        # in opora/public/tests/test_public_browser.py).
        "programme_publication": reverse("public:programme-publication", args=[programme.pk]),
        "region": reverse("reports:region"),
        "region_territory": reverse(
            "reports:region-territory", args=[Territory.objects.get(code="DEMO-OZR").pk]
        ),
        # The effectiveness of the city programme (the demo computes its estimate).
        "effectiveness": reverse("evaluation:programme", args=[programme.pk]),
        "notifications": reverse("core:notifications"),
        # Reports: the list, the published municipal report, the year results' draft edit.
        "reports": reverse("reports:index"),
        "report_published": _demo_report("municipal").get_absolute_url(),
        "report_edit": reverse("reports:edit", args=[_demo_report("year_results").pk]),
        # Official lists: the lists and the demo's 2024 regional list beside the computed one.
        "external_lists": reverse("identification:lists"),
        "external_list": reverse("identification:list", args=[_demo_external_list().pk]),
    }


def _demo_external_list() -> Any:
    from opora.identification.models import ExternalList

    external = ExternalList.objects.order_by("pk").first()
    assert external is not None
    return external


def _demo_report(kind: str) -> Any:
    from opora.reports.models import Report

    report = Report.objects.filter(kind=kind).order_by("pk").first()
    assert report is not None
    return report


def _published_practice() -> Any:
    from opora.practices.models import Practice

    practice = Practice.objects.filter(status="published").order_by("pk").first()
    assert practice is not None
    return practice


def _held_event() -> Any:
    from opora.events.choices import EventStatus
    from opora.events.models import Event

    event = Event.objects.filter(
        status=EventStatus.HELD,
        registrations__person__user__username="teacher",
        registrations__attended=True,
    ).first()
    assert event is not None
    return event


@pytest.fixture(scope="module")
def demo_site(browser: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    # After the browser (see `demo_served`).
    from django.db import connection

    from opora.registry.demo import DEMO_PASSWORD

    if connection.vendor != "sqlite":
        # The markup is the same on every database; loading the demo again would only add
        # minutes to the PostgreSQL run.
        pytest.skip("вёрстка и доступность проверяются на SQLite")
    with demo_served(django_db_blocker) as url, django_db_blocker.unblock():
        yield Demo(url, _paths(), DEMO_PASSWORD)


def _context(browser: Any, **options: Any) -> Any:
    # axe goes in as a script element, which the Content-Security-Policy would refuse; the
    # policy itself is tested in test_browser_csp.py.
    return browser.new_context(locale="ru-RU", bypass_csp=True, **options)


def _login(page: Any, demo: Demo, username: str) -> None:
    page.goto(f"{demo.url}{demo.paths['login']}")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} не вошёл"


def _open(page: Any, demo: Demo, name: str, status: int = 200) -> str:
    response = page.goto(f"{demo.url}{demo.paths[name]}")
    assert response is not None and response.status == status, (name, demo.paths[name])
    page.wait_for_load_state("load")
    return demo.paths[name]


# The main pages of each role (demo accounts; keys of `_paths`).
ROLE_PAGES = {
    "coordinator": [
        "home", "schools", "school", "school_diagnostics", "school_roadmap", "school_support",
        "programme", "roadmap", "monitoring", "checkpoint", "identification", "run", "users",
        "person", "invite", "import", "jobs", "job",
        "history", "survey_round", "error", "support", "curators", "agreements",
        "mentor_recommend", "engagement", "consultations",
        "governance", "bodies", "body", "meeting", "decisions", "decision",
        "programme_publication",
    ],
    "analyst": [
        "home", "identification", "run", "chart", "methodology", "data", "staff",
        "deficit_map", "diagnostics", "teachers", "plans", "plan", "surveys",
        "survey_results", "history", "mentor_recommend", "consultations", "consultation",
        "effectiveness",
        "reports", "report_published", "report_edit",
        "quality",
        "external_lists", "external_list",
    ],
    "curator": [
        "home", "schools", "review_school", "review_school_roadmap", "review_school_support",
        "review_roadmap", "review_monitoring", "review_form", "calendar", "execution", "roadmap",
        "support", "visits", "visit",
        "visit_record", "recommendations",
    ],
    "director": [
        "home", "school", "school_diagnostics", "school_roadmap", "school_support", "programme",
        "roadmap", "report", "form", "monitoring_school", "surveys", "survey_results", "teachers",
        "teacher", "plans", "plan", "users", "jobs",
        "support", "consultations", "consultation", "consultation_new", "escalation",
        "visits", "recommendations", "recommendation",
        "event", "practices", "practice", "notifications",
    ],
    "staff": ["home", "school", "roadmap", "form", "surveys", "staff"],
    "teacher": [
        "home", "school", "school_diagnostics", "school_support", "roadmap", "staff_me",
        "own_plan", "calendar", "events_calendar", "event",
    ],
    "council": [
        "home", "schools", "school", "programme", "identification", "run", "monitoring",
        "engagement", "body", "practices",
    ],
    "regional": ["home", "region", "region_territory"],
}  # fmt: skip


def test_axe_is_the_vendored_version(demo_site, browser):
    context = _context(browser)
    page = context.new_page()
    _open(page, demo_site, "login")
    axe_violations(page, "вход")
    assert page.evaluate("axe.version") == AXE_VERSION
    context.close()


@pytest.mark.parametrize("persona", list(ROLE_PAGES))
def test_main_pages_of_each_role_pass_axe(demo_site, browser, persona):
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(30000)
    _login(page, demo_site, persona)
    problems: list[str] = []
    for name in ROLE_PAGES[persona]:
        path = _open(page, demo_site, name, status=404 if name == "error" else 200)
        problems += axe_violations(page, f"{persona} {path}")
    context.close()
    assert problems == [], "\n".join(problems)


def test_public_pages_pass_axe(demo_site, browser):
    """Login, an error page, and the survey pages respondents see — the student
    questionnaire with its code and text box, also after a refused answer."""
    context = _context(browser)
    page = context.new_page()
    problems: list[str] = []
    for name in ("login", "missing", "survey_code_entry", "survey_coded", "survey_open"):
        path = _open(page, demo_site, name, status=404 if name == "missing" else 200)
        problems += axe_violations(page, path)
    _open(page, demo_site, "survey_coded")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_selector("#form-errors")
    problems += axe_violations(page, "анкета с ошибками")
    context.close()
    assert problems == [], "\n".join(problems)


def _phone(browser: Any) -> Any:
    context = _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page


def test_a_directors_day_fits_a_phone(demo_site, browser):
    context, page = _phone(browser)
    _login(page, demo_site, "director")
    problems = phone_problems(page, "главная")
    # The menu, opened.
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    problems += phone_problems(page, "меню")

    for name in (
        "school", "school_diagnostics", "school_roadmap", "school_support", "programme", "roadmap",
    ):  # fmt: skip
        problems += phone_problems(page, _open(page, demo_site, name))
    report = page.locator("a:has-text('Отчитаться')").first
    assert within_screen(page, report), "«Отчитаться» за краем экрана"
    with page.expect_navigation():
        report.click()
    assert page.url.endswith("/report/")
    problems += phone_problems(page, "отчёт о мероприятии")
    for name in (
        "form", "monitoring_school", "surveys", "teachers", "plans", "plan", "practices",
        "practice",
    ):  # fmt: skip
        problems += phone_problems(page, _open(page, demo_site, name))
    for name in (
        "consultations",
        "consultation",
        "consultation_new",
        "escalation",
        "recommendations",
        "recommendation",
    ):
        problems += phone_problems(page, _open(page, demo_site, name))
    context.close()
    assert problems == [], "\n".join(problems)


def test_a_curators_day_fits_a_phone(demo_site, browser):
    context, page = _phone(browser)
    _login(page, demo_site, "curator")
    problems = phone_problems(page, "главная")
    for name in ("schools", "review_school", "review_school_support", "review_school_roadmap"):
        problems += phone_problems(page, _open(page, demo_site, name))
    problems += phone_problems(page, _open(page, demo_site, "review_roadmap"))
    # The remark on an activity: its form opens in place and fits.
    page.locator("details summary").first.click()
    remark = page.locator("details[open] textarea").first
    assert remark.is_visible() and within_screen(page, remark)
    problems += phone_problems(page, "замечание к мероприятию")
    for name in ("review_monitoring", "review_form", "calendar", "execution"):
        problems += phone_problems(page, _open(page, demo_site, name))
    for name in ("visits", "visit", "visit_record"):
        problems += phone_problems(page, _open(page, demo_site, name))
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_official_lists_fit_a_phone(demo_site, browser):
    """The analyst's official lists and the comparison of one with the computed list."""
    context, page = _phone(browser)
    _login(page, demo_site, "analyst")
    problems: list[str] = []
    for name in ("external_lists", "external_list"):
        problems += phone_problems(page, _open(page, demo_site, name))
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_public_survey_fits_a_phone(demo_site, browser):
    context, page = _phone(browser)
    problems: list[str] = []
    for name in ("survey_code_entry", "survey_coded", "survey_open"):
        problems += phone_problems(page, _open(page, demo_site, name))
    # Radios of 24 px whose labels take the tap too.
    radio = page.locator(".survey-form input[type=radio]").first
    box = radio.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24
    label = page.locator(f"label[for='{radio.get_attribute('id')}']")
    label.tap()
    assert radio.is_checked()
    with page.expect_navigation():
        page.click("main button[type=submit]")
    problems += phone_problems(page, "анкета с ошибками")
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_regional_coordinator_compares_the_municipalities(demo_site, browser):
    """The region's three municipalities side by side; a tile leads to one of them, whose
    settlements are compared the same way."""
    context = _context(browser)
    page = context.new_page()
    _login(page, demo_site, "regional")
    _open(page, demo_site, "region")
    names = page.locator("#region-table tbody th").all_inner_texts()
    assert sorted(names) == [
        "Демо-город",
        "Лесногорский городской округ",
        "Приозёрный муниципальный район",
    ]
    page.select_option("#region-measure", "engagement")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Вовлечённость школ" in page.locator(".region-tiles").inner_text()
    with page.expect_navigation():
        page.locator(".region-tile a", has_text="Приозёрный").click()
    assert page.locator("h1").inner_text() == "Приозёрный муниципальный район"
    rows = page.locator("#region-table tbody th").all_inner_texts()
    assert "село Берёзовка" in rows and len(rows) == 5
    assert page.locator("#region-links a", has_text="Утверждённый список").count() == 1
    context.close()
