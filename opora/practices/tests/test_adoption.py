"""Adoption of a published practice (with and without a roadmap activity), its refusals, its
page's roles and the school card; the constructor's proposals end to end."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption
from opora.practices.services import adoption_create
from opora.practices.tests.factories_effect import published_practice, school_roadmap
from opora.roadmaps.models import Activity, Roadmap, Section

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 9, 1)


@pytest.fixture
def practice(world):
    return published_practice(world.school_c, title="Наставничество")


def adopt(world, persona, practice, **data):
    form = {"school": world.school_a.pk, "adopted_on": "2025-09-01", "note": "в 5-х классах"}
    form.update(data)
    return world.client(persona).post(reverse("practices:adopt", args=[practice.pk]), form)


def test_director_adopts_into_the_roadmap(world, practice):
    roadmap = school_roadmap(world, world.school_a)
    section = Section.objects.get(roadmap=roadmap, number="2")
    page = world.client("director_a").get(reverse("practices:adopt", args=[practice.pk]))
    assert page.status_code == 200
    assert "---------" not in page.content.decode()
    response = adopt(
        world, "director_a", practice, section=section.pk, responsible="Завуч", due_on="2025-12-20"
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.school, adoption.note, adoption.adopted_on) == (
        world.school_a,
        "в 5-х классах",
        DAY,
    )
    activity = adoption.activity
    assert activity.text == "Внедрение практики «Наставничество»"
    assert (activity.section, activity.number, activity.responsible) == (section, "2.2", "Завуч")
    assert activity.due_on == datetime.date(2025, 12, 20)
    # The roadmap page lists it; the school card shows the practice.
    assert (
        "Внедрение практики"
        in world.client("director_a").get(roadmap.get_absolute_url()).content.decode()
    )
    card = world.client("director_a").get(world.school_a.get_tab_url("support"))
    assert "Внедряемые практики" in card.content.decode()
    assert "Наставничество" in card.content.decode()


def test_staff_curator_and_analyst_adopt_without_roadmap(world, practice):
    for persona in ("staff_a", "curator", "analyst"):
        Adoption.objects.all().delete()
        assert adopt(world, persona, practice).status_code == 302, persona
        assert Adoption.objects.filter(school=world.school_a, activity=None).count() == 1


def test_refusals(world, practice):
    director = world.user("director_a")
    # Twice for the same school and lineage (also through a later version).
    adoption_create(practice=practice, school=world.school_a, user=director, adopted_on=DAY)
    later = published_practice(
        world.school_c, title="Версия 2", root=practice, version=2, status=PracticeStatus.DRAFT
    )
    later.status = PracticeStatus.PUBLISHED
    with pytest.raises(ValidationError, match="уже внедряет"):
        adoption_create(practice=later, school=world.school_a, user=director, adopted_on=DAY)
    response = adopt(world, "director_a", practice)
    assert response.status_code == 200
    assert "уже внедряет" in response.content.decode()
    assert "в 5-х классах" in response.content.decode()  # what was typed is kept
    # The authors' own school.
    own = published_practice(world.school_a, title="Своя")
    with pytest.raises(ValidationError, match="школа авторов"):
        adoption_create(practice=own, school=world.school_a, user=director, adopted_on=DAY)
    # Not published: archived or draft.
    for status in (PracticeStatus.ARCHIVED, PracticeStatus.DRAFT, PracticeStatus.REVIEW):
        other = published_practice(world.school_c, title=f"Не опубликована {status}", status=status)
        with pytest.raises(ValidationError, match="только опубликованную"):
            adoption_create(
                practice=other, school=world.school_b, user=world.user("director_b"), adopted_on=DAY
            )
        assert adopt(world, "director_a", other).status_code == 404
    # A school out of reach.
    with pytest.raises(ValidationError, match="недоступно"):
        adoption_create(practice=practice, school=world.school_b, user=director, adopted_on=DAY)
    assert adopt(world, "director_a", practice, school=world.school_b.pk).status_code == 200
    assert not Adoption.objects.filter(school=world.school_b).exists()


def test_nothing_saved_half_when_the_roadmap_refuses(world, practice):
    """Staff may record an adoption but not change the roadmap: neither is saved."""
    roadmap = school_roadmap(world, world.school_a)
    section = Section.objects.get(roadmap=roadmap, number="1")
    before = Activity.objects.count()
    with pytest.raises(ValidationError):
        adoption_create(
            practice=practice,
            school=world.school_a,
            user=world.user("staff_a"),
            adopted_on=DAY,
            section=section,
        )
    assert Adoption.objects.count() == 0
    assert Activity.objects.count() == before
    # A roadmap no longer in draft takes no new activity.
    Roadmap.objects.filter(pk=roadmap.pk).update(status="execution")
    section.roadmap.refresh_from_db()
    with pytest.raises(ValidationError, match="не редактируется"):
        adoption_create(
            practice=practice,
            school=world.school_a,
            user=world.user("director_a"),
            adopted_on=DAY,
            section=Section.objects.select_related("roadmap").get(pk=section.pk),
        )
    assert Adoption.objects.count() == 0


def test_who_may_not_adopt(world, practice):
    url = reverse("practices:adopt", args=[practice.pk])
    for persona in ("coordinator", "council", "outsider", "teacher"):
        response = world.client(persona).get(url)
        assert response.status_code == 302, persona
        assert response.url == reverse("practices:practice", args=[practice.pk])
    assert world.client("anonymous").get(url).status_code == 302
    assert adopt(world, "outsider", practice).status_code == 302
    assert not Adoption.objects.exists()


def test_constructor_proposes_published_practices(world, practice):
    from opora.registry.models import Programme, ProgrammeSchool

    programme = Programme.objects.create(
        name="Программа",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    published_practice(world.school_c, title="Неопубликованная затея", status=PracticeStatus.DRAFT)
    url = reverse("roadmaps:constructor", args=[programme.pk])
    form = {
        "school": world.school_a.pk,
        "kind": "anti-risk",
        "title": "Программа",
        "risk_factors": ["teacher-competence"],
        "step": "propose",
    }
    client = world.client("director_a")
    page = client.post(url, form)
    text = page.content.decode()
    assert "Внедрение практики «Наставничество»" in text
    assert "Неопубликованная затея" not in text
    key = f"practice-{practice.pk}"
    codes = [m.code for m, _why in page.context["proposal"]]
    client.post(url, form | {"step": "create", "measures": codes, "suggestions": [key]})
    assert Activity.objects.filter(
        roadmap__school=world.school_a, text="Внедрение практики «Наставничество»"
    ).exists()


def test_demo_step_adopts_published_practices(world):
    """Step 82 on a small world: nothing to do without published practices; with them, other
    schools adopt them, one into its draft roadmap, and the start date splits the results."""
    import random

    from opora.core.demo import DemoContext
    from opora.practices.demo import practices_adoption_demo
    from opora.practices.tests.factories_effect import results

    def run():
        context = DemoContext(random=random.Random(1), log=lambda _m: None)
        practices_adoption_demo(context)
        return context

    run()
    assert not Adoption.objects.exists()
    practice = published_practice(world.school_a, started_on=None)
    results(world.school_a, {2021: 20.0, 2022: 25.0, 2023: 15.0, 2024: 12.0, 2025: 11.0})
    roadmap = school_roadmap(world, world.school_b)
    context = run()
    practice.refresh_from_db()
    assert practice.started_on == datetime.date(2023, 9, 1)
    adoptions = Adoption.objects.filter(practice=practice)
    assert {a.school for a in adoptions} == {world.school_b}
    assert adoptions.get().activity.roadmap == roadmap
    assert "Внедрений практик: 1" in context.summary[0]
