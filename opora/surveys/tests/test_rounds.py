"""Opening a round through the page: the programme's schools and single schools in reach,
one anonymous link per school × questionnaire; the pages around it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from opora.registry.models import Programme, ProgrammeSchool
from opora.surveys.models import SurveyLink, SurveyRound
from opora.surveys.tests.helpers import builtin, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_c):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    return programme


def test_an_analyst_opens_a_round_for_a_programme(world, programme):
    client = world.client("analyst")
    url = reverse("surveys:round-new")
    assert client.get(url).status_code == 200
    director, teachers = builtin("risk500-director"), builtin("risk500-teachers")
    form = {
        "title": "500+, октябрь 2024",
        "questionnaires": [director.pk, teachers.pk],
        "owner": world.methodical_centre.pk,
        "year": 2024,
        "opens_on": "2024-10-01",
        "closes_on": "2024-10-31",
        "programme": programme.pk,
        "schools": [world.school_b.pk],
    }
    response = client.post(url, form)
    survey_round = SurveyRound.objects.get()
    assert response["Location"] == survey_round.get_absolute_url()
    links = SurveyLink.objects.filter(round=survey_round)
    # School C of the programme is outside the analyst's reach: no link for it.
    assert {(link.school, link.questionnaire) for link in links} == {
        (s, q) for s in (world.school_a, world.school_b) for q in (director, teachers)
    }
    assert len({link.token for link in links}) == 4
    page = client.get(survey_round.get_absolute_url()).content.decode()
    for link in links:
        assert f"/s/{link.token}/" in page
    # Nothing to send out to: refused with a reason.
    empty = client.post(url, form | {"programme": "", "schools": []})
    assert "Выберите программу или школы" in empty.content.decode()
    assert client.post(url, form | {"closes_on": "2024-09-01"}).status_code == 200
    assert SurveyRound.objects.count() == 1
    # Schools do not open rounds; an outsider cannot pick Город N's schools.
    assert world.client("director_a").get(url).status_code == 404
    outsider = world.client("outsider").post(
        url, form | {"owner": world.other_department.pk, "programme": ""}
    )
    assert "schools" in outsider.context["form"].errors


def test_the_pages_render(world):
    client = world.client("analyst")
    page = client.get(reverse("surveys:index")).content.decode()
    assert "500+: анкета директора школы" in page
    director = builtin("risk500-director")
    page = client.get(director.get_absolute_url()).content.decode()
    assert "Как ответы складываются в профиль рисков" in page
    assert "Дефицит педагогических кадров" in page and "<code>d-vacancies</code>: …–1 → 0" in page
    assert "учитывается в профиле рисков" in page
    assert client.get(reverse("surveys:questionnaire-copy", args=[director.pk])).status_code == 200
    assert world.client("anonymous").get(reverse("surveys:index")).status_code == 302
    assert world.client("teacher").get(reverse("surveys:index")).status_code == 200


def test_the_index_pages_rounds_and_questionnaires(world):
    """Rounds and questionnaires grow with the territory: a page of each, the same queries for
    3N as for N, and page 2 shows the rest."""
    from opora.core.tests.rows import queries_and_rows
    from opora.surveys.models import Questionnaire

    director = builtin("risk500-director")

    def grow(n):
        for i in range(n):
            # A round is seen through its links to schools.
            open_round(world, [director], [world.school_a], title=f"Анкетирование {i}")
            Questionnaire.objects.create(
                title=f"Анкета {i}",
                group=director.group,
                kind=director.kind,
                owner=world.methodical_centre,
            )

    client = world.client("analyst")
    url = reverse("surveys:index")
    grow(5)
    small = queries_and_rows(client, url)
    grow(40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and big[1] == 30
    rest = client.get(url, {"rounds": 2}).content.decode()
    assert "Анкетирование 0<" in rest and "Стр. 2 из 2" in rest
