"""The programme constructor: from the school's identification to a sensible draft programme."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.identification.services import base_methodology_install
from opora.registry.choices import OrderKind
from opora.registry.models import Programme, ProgrammeSchool
from opora.registry.tests.factories import registered_order
from opora.roadmaps.choices import MeasureTopic, RoadmapKind
from opora.roadmaps.constructor import (
    Selection,
    draft_from_measures,
    propose,
    selection_from_identification,
)
from opora.roadmaps.library import MEASURES
from opora.roadmaps.models import Activity, Roadmap
from opora.surveys.choices import RiskFactor

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    return programme


@pytest.fixture
def identified(world):
    base_methodology_install()
    version = Methodology.objects.get(is_builtin=True).current
    run = IdentificationRun.objects.create(
        territory=world.city,
        year=2024,
        version=version,
        status=RunStatus.APPROVED,
        order=registered_order(
            world.department, OrderKind.IDENTIFICATION, "112-од", date=datetime.date(2024, 8, 30)
        ),
    )
    return SchoolIdentification.objects.create(
        run=run,
        school=world.school_a,
        low_results=True,
        objectivity=True,
        in_list=True,
        problem_types=["low-staff-potential", "parental-deprivation"],
    )


def test_selection_follows_the_identification(identified):
    selection = selection_from_identification(identified)
    assert RiskFactor.ACADEMIC_FAILURE in selection.risk_factors
    assert RiskFactor.TEACHER_COMPETENCE in selection.risk_factors
    assert MeasureTopic.OBJECTIVITY in selection.topics
    assert selection.problem_types == ["low-staff-potential", "parental-deprivation"]
    assert any("2024" in r for r in selection.reasons)


def test_a_proposal_answers_every_selected_factor_once_in_section_order():
    selection = Selection(
        risk_factors=[RiskFactor.SPECIAL_NEEDS, RiskFactor.EQUIPMENT],
        problem_types=["high-deviation"],
        topics=[MeasureTopic.PARENTS],
    )
    measures = propose(selection)
    codes = [m.code for m in measures]
    assert len(codes) == len(set(codes))
    for factor in selection.risk_factors:
        assert any(factor in m.risk_factors for m in measures)
    assert any("high-deviation" in m.problem_types for m in measures)
    assert all(m.baseline for m in propose(Selection()))
    draft = draft_from_measures("Антирисковая программа", measures)
    assert [s.number for s in draft.sections] == [str(i) for i in range(1, len(draft.sections) + 1)]
    first = draft.sections[0].activities[0]
    assert first.number == "1.1"
    assert first.indicators and first.measure
    assert len(draft.activities) == len(measures)


def test_constructor_creates_the_schools_draft_programme(world, programme, identified):
    client = world.client("director_a")
    url = reverse("roadmaps:constructor", args=[programme.pk])
    page = client.get(url + f"?school={world.school_a.pk}").content.decode()
    assert "По утверждённому списку 2024 года" in page
    assert 'value="objectivity" checked' in page or "checked" in page
    form = {
        "school": world.school_a.pk,
        "kind": RoadmapKind.ANTI_RISK,
        "title": "Антирисковая программа школы А",
        "risk_factors": [RiskFactor.ACADEMIC_FAILURE],
        "problem_types": ["low-staff-potential"],
        "topics": [MeasureTopic.OBJECTIVITY],
        "step": "propose",
    }
    response = client.post(url, form)
    proposal = response.context["proposal"]
    assert proposal
    codes = [m.code for m, _why in proposal]
    form |= {"step": "create", "measures": codes[:-1]}
    response = client.post(url, form)
    roadmap = Roadmap.objects.get()
    assert response["Location"] == roadmap.get_absolute_url()
    assert (roadmap.school, roadmap.kind) == (world.school_a, RoadmapKind.ANTI_RISK)
    assert Activity.objects.filter(roadmap=roadmap).count() == len(codes) - 1
    assert set(Activity.objects.values_list("measure", flat=True)) == set(codes[:-1])
    # Nobody else builds school A's programme.
    assert world.client("director_b").get(url).status_code == 404
    assert world.client("curator").get(url).status_code == 404


def test_every_measure_has_what_a_roadmap_activity_needs():
    assert len(MEASURES) >= 60
    for measure in MEASURES:
        assert measure.text and measure.schedule and measure.responsible and measure.result
        assert measure.indicators


def test_the_library_covers_every_risk_factor_problem_type_and_topic():
    from opora.roadmaps.library import PROBLEM_TYPES, SECTIONS

    assert len({m.code for m in MEASURES}) == len(MEASURES)
    assert len({m.text for m in MEASURES}) == len(MEASURES)
    for factor in RiskFactor:
        assert sum(factor in m.risk_factors for m in MEASURES) >= 4, factor
    for code in PROBLEM_TYPES:
        assert sum(code in m.problem_types for m in MEASURES) >= 3, code
    for topic in (MeasureTopic.STAFF_DEVELOPMENT, MeasureTopic.PARENTS, MeasureTopic.OBJECTIVITY):
        assert sum(topic in m.topics for m in MEASURES) >= 4, topic
    assert all(m.section in SECTIONS for m in MEASURES)
    assert 4 <= sum(m.baseline for m in MEASURES) <= 6


def _profile(school, levels, source="questionnaires", year=2024):
    from opora.surveys.models import RiskProfile

    return RiskProfile.objects.create(school=school, year=year, source=source, levels=levels)


def test_a_risk_profile_adds_its_medium_and_high_factors(world, identified):
    from opora.roadmaps.constructor import selection_add_risk_profile

    profile = _profile(
        world.school_a,
        {
            RiskFactor.EQUIPMENT: "high",
            RiskFactor.SPECIAL_NEEDS: "medium",
            RiskFactor.PARENT_INVOLVEMENT: "low",
            RiskFactor.ACADEMIC_FAILURE: "high",
        },
    )
    selection = selection_from_identification(identified)
    notice = selection_add_risk_profile(selection, profile)
    # Identification's factors stay, the profile's medium and high ones join, once each.
    assert selection.risk_factors == [
        RiskFactor.ACADEMIC_FAILURE,
        RiskFactor.TEACHER_COMPETENCE,
        RiskFactor.EQUIPMENT,
        RiskFactor.SPECIAL_NEEDS,
    ]
    assert RiskFactor.PARENT_INVOLVEMENT not in selection.risk_factors
    assert "Профиль рисков 2024/25 учебного года (по анкетам 500+)" in notice
    assert "низкий уровень оснащения школы" in notice
    assert selection_add_risk_profile(selection, None) == ""
    calm = _profile(world.school_b, {RiskFactor.EQUIPMENT: "low"}, source="analyst", year=2025)
    fresh = selection_from_identification(None)
    notice = selection_add_risk_profile(fresh, calm)
    assert fresh.risk_factors == [] and "2025/26" in notice and "введён аналитиком" in notice


def test_the_constructor_preselects_the_profiles_factors(world, programme):
    _profile(world.school_a, {RiskFactor.SPECIAL_NEEDS: "high", RiskFactor.EQUIPMENT: "low"})
    url = reverse("roadmaps:constructor", args=[programme.pk])
    response = world.client("director_a").get(url + f"?school={world.school_a.pk}")
    page = response.content.decode()
    assert response.context["form"].initial["risk_factors"] == [RiskFactor.SPECIAL_NEEDS]
    assert 'value="special-needs" id="id_risk_factors_8" checked' in page
    assert 'value="equipment" id="id_risk_factors_0">' in page
    assert "Профиль рисков 2024/25 учебного года (по анкетам 500+)" in page
    # The newest profile is the one used: an analyst's correction wins.
    _profile(world.school_a, {RiskFactor.EQUIPMENT: "medium"}, source="analyst")
    response = world.client("director_a").get(url + f"?school={world.school_a.pk}")
    assert response.context["form"].initial["risk_factors"] == [RiskFactor.EQUIPMENT]
    assert "введён аналитиком" in response.content.decode()


def test_registered_suggestions_show_beside_measures_and_ticked_ones_become_activities(
    world, programme, monkeypatch
):
    """The `measure_suggestions` extension point, with a fake source (apps above register
    theirs: the practice bank proposes published practices)."""
    from opora.roadmaps import extensions
    from opora.roadmaps.library import SECTIONS

    seen = []

    def fake(request, selection):
        seen.append((list(selection.risk_factors), list(selection.problem_types)))
        return [
            extensions.Suggestion(
                key="fake-1",
                title="Практика",
                url="/",
                why=["фактор"],
                text="Внедрение практики «Пробная»",
                section=SECTIONS[1],
            ),
            extensions.Suggestion(
                key="fake-2", title="Другая", url="/", why=[], text="Не отмечена", section="?"
            ),
        ]

    monkeypatch.setattr(extensions, "_SUGGESTIONS", [])
    extensions.measure_suggestions(5)(fake)
    client = world.client("director_a")
    url = reverse("roadmaps:constructor", args=[programme.pk])
    form = {
        "school": world.school_a.pk,
        "kind": RoadmapKind.ANTI_RISK,
        "title": "Программа",
        "risk_factors": [RiskFactor.TEACHER_COMPETENCE],
        "step": "propose",
    }
    page = client.post(url, form)
    assert seen[-1] == ([RiskFactor.TEACHER_COMPETENCE], [])
    text = page.content.decode()
    assert "Внедрение практики «Пробная»" in text
    assert 'name="suggestions" value="fake-1"' in text
    codes = [m.code for m, _why in page.context["proposal"]]
    client.post(url, form | {"step": "create", "measures": codes, "suggestions": ["fake-1"]})
    roadmap = Roadmap.objects.get()
    added = Activity.objects.get(roadmap=roadmap, text="Внедрение практики «Пробная»")
    assert added.section.title == SECTIONS[1].split(". ", 1)[1]
    assert not Activity.objects.filter(text="Не отмечена").exists()
    assert Activity.objects.filter(roadmap=roadmap).count() == len(codes) + 1
