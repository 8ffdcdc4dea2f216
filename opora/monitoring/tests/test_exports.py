"""A checkpoint to Excel: formula-looking names stay text, the file is named in Russian, and
only those who see the checkpoint download it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from opora.core.tests.helpers import ATTACKS, assert_xlsx_keeps_as_text, download_name
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind
from opora.registry.models import Organization, Programme, ProgrammeSchool

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint(world):
    programme = Programme.objects.create(
        name=ATTACKS[0],
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    for school, name in ((world.school_a, ATTACKS[1]), (world.school_b, ATTACKS[2])):
        Organization.objects.filter(pk=school.pk).update(name=name, short_name=name)
    return services.checkpoint_open(
        programme=programme,
        name=ATTACKS[3],
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=None,
    )


def test_formula_looking_names_download_as_text(world, checkpoint):
    response = world.client("coordinator").get(
        reverse("monitoring:checkpoint-export", args=[checkpoint.pk])
    )
    assert response.status_code == 200
    assert download_name(response) == "Мониторинг — -2+3 — 15.09.2024.xlsx"
    assert_xlsx_keeps_as_text(response.content, ATTACKS[:4])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("analyst", 200),
        ("director_a", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_download_the_checkpoint(world, checkpoint, persona, status):
    url = reverse("monitoring:checkpoint-export", args=[checkpoint.pk])
    assert world.client(persona).get(url).status_code == status


def test_a_director_downloads_only_their_own_schools_form(world, checkpoint):
    import io

    from openpyxl import load_workbook

    response = world.client("director_a").get(
        reverse("monitoring:checkpoint-export", args=[checkpoint.pk])
    )
    rows = list(load_workbook(io.BytesIO(response.content))["Школы"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [ATTACKS[1]]
