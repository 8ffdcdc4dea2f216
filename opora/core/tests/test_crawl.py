"""Every page a demo persona reaches reads in Russian and every link on it opens.

Each persona of the demo territory starts at the home page and follows the links of the pages
it sees, to depth 2 (GET only, no downloads). At most two pages per kind of page (view name and
query keys) keep it quick while every kind of page is visited. A link shown to a persona must not
answer 404, 403 or 500 (item 12 of issue 11); no page may show English interface words, raw
values, ISO dates, Django's «---------» or the internal codes of catalogues and choices.
No page renders more than a page of rows in one table or list (issue 17: lists are paginated).
Every form and filter of every app is also built with demo data and rendered: none shows
«---------» in a select.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
from collections import Counter, deque
from typing import Any

import django_filters
import pytest
from auditlog.context import set_actor
from django import forms
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

import opora
from opora.core.tests.links import page_links
from opora.core.tests.rows import longest_list
from opora.core.tests.russian import not_russian, visible_text
from opora.registry.demo import DEMO_ACCOUNTS, REGION_ACCOUNTS

pytestmark = pytest.mark.django_db

# The other municipalities' accounts see the same pages as the city's coordinator and analyst.
PERSONAS = [
    username
    for username, _role, _sees in DEMO_ACCOUNTS
    if username != "admin" and username not in REGION_ACCOUNTS
]
PAGES_PER_PERSONA = 40
PAGES_PER_KIND = 2
# The methodology editor lists the codes its JSON uses, on purpose.
CODES_ALLOWED_ON = ("/identification/methodologies/",)
# A page shows at most a page of what grows with the territory (the demo has 147 schools and
# more people, so a list of all of them fails this).
MAX_ROWS = 100
# Pages whose lists are bounded by nature, not by the territory (view names).
BOUNDED_PAGES: dict[str, str] = {
    # One school's (or municipality's) plan: its own activities, however large the territory.
    "roadmaps:roadmap": "a roadmap's own activities",
}


def _choice_codes() -> set[str]:
    """Values of every TextChoices that no Russian text contains by accident (a hyphen or an
    underscore: «low_results», «in-person», «school_director»)."""
    codes: set[str] = set()
    pending: list[type] = [models.TextChoices]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("opora."):
            codes |= {v for v in cls.values if re.fullmatch(r"[a-z0-9]+[-_][a-z0-9_-]+", v)}
    return codes


def _catalogue_codes() -> set[str]:
    from opora.results.models import ContextIndicator, Subject

    return set(Subject.objects.values_list("code", flat=True)) | set(
        ContextIndicator.objects.values_list("code", flat=True)
    )


def _codes_in(text: str, codes: set[str]) -> list[str]:
    words = set(re.findall(r"(?<![\w@./:-])[a-z][a-z0-9_-]*[a-z0-9](?![\w@/.-])", text))
    return sorted(words & codes)


def _kind(path: str) -> str:
    route, _, query = path.partition("?")
    try:
        match = resolve(route)
    except Resolver404:
        return route
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return f"{match.view_name}?{'&'.join(keys)}"


def _crawl(client: Client, codes: set[str]) -> tuple[list[str], int]:
    problems: list[str] = []
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    queue: deque[tuple[str, int, str]] = deque([("/", 0, "")])
    visited = 0
    while queue and visited < PAGES_PER_PERSONA:
        path, depth, source = queue.popleft()
        if path in seen or kinds[_kind(path)] >= PAGES_PER_KIND:
            continue
        seen.add(path)
        kinds[_kind(path)] += 1
        visited += 1
        response = client.get(path)
        if response.status_code >= 400:
            problems.append(f"{path} → {response.status_code} (ссылка на {source})")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        problems += [f"{path}: {p}" for p in not_russian(html)]
        rows = longest_list(html)
        if rows > MAX_ROWS and _kind(path).partition("?")[0] not in BOUNDED_PAGES:
            problems.append(f"{path}: {rows} строк в одном списке, нужна разбивка на страницы")
        if not path.startswith(CODES_ALLOWED_ON):
            problems += [f"{path}: код «{c}»" for c in _codes_in(visible_text(html), codes)]
        if depth < 2:
            queue.extend((link, depth + 1, path) for link in page_links(html, path))
    return problems, visited


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_is_russian_and_opens(demo, persona):
    client = Client()
    client.force_login(User.objects.get(username=persona))
    problems, visited = _crawl(client, _choice_codes() | _catalogue_codes())
    assert visited >= 10
    assert problems == []


def test_demo_histories_are_russian(demo):
    """The histories the issue found English in: a school, a roadmap under execution, the
    programme, an approved monitoring form."""
    from opora.monitoring.models import Submission
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import Organization, Programme, Territory
    from opora.registry.services import school_save
    from opora.roadmaps.choices import RoadmapKind
    from opora.roadmaps.models import Roadmap

    # The city's objects: the coordinator does not see the region's other municipalities.
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    inside = city.path
    school = Organization.objects.filter(
        kind="school", programmes__isnull=False, territory__path__startswith=inside
    ).first()
    assert school is not None
    with set_actor(User.objects.get(username="director")):
        school_save(
            code=school.code,
            organization=school,
            organization_values={"is_active": False},
            school_values={"locality": "rural", "enrolment": 999},
        )
    objects = [
        school,
        Roadmap.objects.filter(
            status="execution", programme__owner__territory__path__startswith=inside
        ).first(),
        Programme.objects.get(owner__territory=city, roadmaps__kind=RoadmapKind.MUNICIPAL),
        Submission.objects.filter(
            status="approved", school__territory__path__startswith=inside
        ).first(),
    ]
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    for obj in objects:
        assert obj is not None
        content_type = ContentType.objects.get_for_model(obj)
        response = client.get(f"/history/{content_type.pk}/{obj.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        text = visible_text(html)
        assert not_russian(html) == [], type(obj).__name__
        assert "Изменение" in text or "Создание" in text
        for raw in ("execution", "approved", "Numchild", "Path", "roadmaps.Roadmap"):
            assert raw not in text, (type(obj).__name__, raw)


def _form_samples() -> dict[str, Any]:
    """A value from the demo for each keyword argument Opora's forms and filters take.
    A new form with a new keyword argument needs its sample here."""
    from opora.core.imports.base import get_importer
    from opora.core.models import ImportMapping
    from opora.governance.models import Meeting
    from opora.identification.models import IdentificationRun, MethodologyVersion
    from opora.monitoring.models import Indicator, ProgrammeIndicator, Submission
    from opora.monitoring.selectors import submission_rows
    from opora.practices.models import Practice, ReviewCriterion
    from opora.registry.models import Organization, Person, Programme, Territory
    from opora.roadmaps.models import Activity, Roadmap, Section
    from opora.staff.models import Course, Teacher
    from opora.support.models import Consultation, NetworkAgreement, Visit, VisitTemplate
    from opora.support.visit_templates import template_areas
    from opora.surveys.models import Questionnaire, SurveyLink
    from opora.surveys.selectors import questionnaire_structure

    link = SurveyLink.objects.select_related("questionnaire").first()
    assert link is not None
    questions = [q for _s, qs in questionnaire_structure(link.questionnaire) for q in qs]
    held_meeting = Meeting.objects.filter(status="held").first()
    assert held_meeting is not None
    from opora.reports.content import ReportContent
    from opora.reports.models import Report

    built = Report.objects.exclude(content={}).first()
    return {
        "content": ReportContent.from_json(built.content) if built else ReportContent("", ""),
        "user": User.objects.get(username="coordinator"),
        "programme": Programme.objects.first(),
        "roadmap": Roadmap.objects.first(),
        "questionnaire": Questionnaire.objects.first(),
        "runs": IdentificationRun.objects.all(),
        "params": MethodologyVersion.objects.first().params,
        "problem_types": {},
        "districts": list(Territory.objects.all()),
        "territories": Territory.objects.all(),
        "years": [2024, 2025],
        "versions": MethodologyVersion.objects.all(),
        "items": ProgrammeIndicator.objects.all(),
        "item": ProgrammeIndicator.objects.first(),
        "indicators": Indicator.objects.all(),
        "parts": Indicator.objects.all(),
        "rows": submission_rows(Submission.objects.first()),
        "editable": True,
        "importer": get_importer("registry.schools"),
        "headers": ["Код ОО", "Наименование"],
        "initial_columns": {},
        "initial_options": None,
        "owners": [],
        "mappings": ImportMapping.objects.exclude(preset=""),
        "initial_owner": None,
        "territory_everything": False,
        "today": datetime.date(2025, 10, 1),
        "courses": Course.objects.all(),
        "people": Person.objects.all(),
        "link": link,
        "questions": questions,
        "initial_levels": {},
        # The support network's forms.
        "agreement": NetworkAgreement.objects.first(),
        "school": Organization.objects.filter(kind="school").first(),
        # support: consultations and engagement
        "schools": Organization.objects.filter(kind="school"),
        "programmes": Programme.objects.all(),
        "queryset": Consultation.objects.all(),
        # Visits (support).
        "organisers": list(Organization.objects.exclude(kind="school")[:2]),
        "templates": VisitTemplate.objects.all(),
        "with_school": True,
        "areas": template_areas(VisitTemplate.objects.first().areas),
        "scale": VisitTemplate.objects.first().scale,
        "activities": Activity.objects.all(),
        "candidates": Visit.objects.all(),
        "page": list(Visit.objects.all()[:20]),
        "sections": list(Section.objects.select_related("roadmap")[:5]),
        # Events.
        "organizers": Organization.objects.exclude(kind="school")[:3],
        "teachers": Teacher.objects.all()[:5],
        # Governance.
        "meeting": held_meeting,
        "body": held_meeting.body,
        "agenda": list(held_meeting.items.all()),
        "row_count": 12,
        "current_members": (),
        "meeting_candidates": Meeting.objects.all(),
        # Orders (registry): an approval step's issuer and kind.
        "issuer": Organization.objects.filter(kind="authority").last(),
        "kind": "identification",
        # The practice bank.
        "organizations": Organization.objects.filter(kind="school")[:5],
        "criteria": list(ReviewCriterion.objects.filter(owner=None)),
        "authorities": Organization.objects.filter(kind="authority"),
        "compilers": Organization.objects.exclude(kind="school")[:3],
        "practices": Practice.objects.filter(status="published"),
    }


def _form_classes() -> list[type]:
    found: list[type] = []
    for module_info in pkgutil.walk_packages(opora.__path__, "opora."):
        if not module_info.name.endswith((".forms", ".filters")):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, forms.BaseForm) or issubclass(cls, django_filters.FilterSet):
                found.append(cls)
    return found


def test_no_form_shows_dashes_in_a_select(demo):
    """Every form and filter of every app, built with demo data and rendered: no «---------»."""
    samples = _form_samples()
    rendered = []
    for cls in _form_classes():
        parameters = inspect.signature(cls.__init__).parameters.values()
        keywords = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
        missing = [name for name in keywords if name not in samples]
        assert not missing, f"{cls.__qualname__}: add a sample for {missing} in _form_samples"
        instance = cls(**{name: samples[name] for name in keywords})
        form = instance.form if isinstance(instance, django_filters.FilterSet) else instance
        html = str(form)
        assert "---------" not in html, f"{cls.__module__}.{cls.__qualname__}"
        rendered.append(cls.__qualname__)
    assert {"ProgrammeForm", "SchoolProfileForm", "IndicatorForm", "QuestionForm"} <= set(rendered)
