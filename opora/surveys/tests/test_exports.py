"""Files of a survey round: formula-looking titles and names stay text, the files are named in
Russian, and only those who see the round download them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.tests.helpers import (
    ATTACKS,
    assert_csv_keeps_as_text,
    assert_xlsx_keeps_as_text,
    download_name,
)
from opora.registry.models import Organization
from opora.surveys.models import Questionnaire
from opora.surveys.tests.helpers import answer, builtin, link_of, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(world):
    questionnaire = builtin("satisfaction-parents")
    Questionnaire.objects.filter(pk=questionnaire.pk).update(title=ATTACKS[0])
    survey_round = open_round(world, [questionnaire], title="Анкетирование: весна/2025")
    for school, name in ((world.school_a, ATTACKS[1]), (world.school_b, ATTACKS[2])):
        Organization.objects.filter(pk=school.pk).update(name=name, short_name=name)
    # School A reaches the minimum: its answers are in the results file.
    answer(link_of(survey_round, world.school_a, questionnaire), times=5)
    return survey_round


def test_links_download_as_text_under_a_russian_name(world, survey_round):
    client = world.client("analyst")
    xlsx = client.get(reverse("surveys:round-links-export", args=[survey_round.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert download_name(xlsx) == "Ссылки анкетирования — Анкетирование весна 2025.xlsx"
    assert_xlsx_keeps_as_text(xlsx.content, ATTACKS[:3])
    csv = client.get(reverse("surveys:round-links-export", args=[survey_round.pk, "csv"]))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert download_name(csv) == "Ссылки анкетирования — Анкетирование весна 2025.csv"
    assert_csv_keeps_as_text(csv.content, ATTACKS[:3])


def test_results_download_as_text_under_a_russian_name(world, survey_round):
    response = world.client("analyst").get(reverse("surveys:round-export", args=[survey_round.pk]))
    assert response.status_code == 200
    assert download_name(response) == "Результаты анкетирования — Анкетирование весна 2025.xlsx"
    assert_xlsx_keeps_as_text(response.content, ATTACKS[:3])


@pytest.mark.parametrize(
    ("persona", "status"), [("analyst", 200), ("outsider", 404), ("anonymous", 302)]
)
def test_who_may_download_the_rounds_files(world, survey_round, persona, status):
    client = world.client(persona)
    for url in (
        reverse("surveys:round-links-export", args=[survey_round.pk, "xlsx"]),
        reverse("surveys:round-links-export", args=[survey_round.pk, "csv"]),
        reverse("surveys:round-export", args=[survey_round.pk]),
    ):
        assert client.get(url).status_code == status, url
