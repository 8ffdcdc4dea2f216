"""Pages link only to what the viewer may open (item 12 of issue 11): the programme's owner
is a link for those who see the owner and plain text for school staff."""

from __future__ import annotations

import pytest

from opora.core.tests.links import broken_links
from opora.registry.models import ProgrammeSchool
from opora.registry.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    programme = ProgrammeFactory(owner=world.department, name="Программа поддержки ШНОР")
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    return programme


@pytest.mark.parametrize("persona", ["director_a", "staff_a", "teacher", "curator"])
def test_school_staff_see_the_owner_by_name_without_a_link(world, programme, persona):
    client = world.client(persona)
    url = programme.get_absolute_url()
    html = client.get(url).content.decode()
    assert world.department.name in html
    assert world.department.get_absolute_url() not in html
    assert client.get(world.department.get_absolute_url()).status_code == 404
    assert broken_links(client, url) == []


@pytest.mark.parametrize("persona", ["director_a", "teacher", "curator"])
def test_nothing_on_the_school_card_leads_to_a_404(world, programme, persona):
    assert broken_links(world.client(persona), world.school_a.get_absolute_url()) == []


def test_coordinator_gets_the_owner_link(world, programme):
    client = world.client("coordinator")
    html = client.get(programme.get_absolute_url()).content.decode()
    assert f'href="{world.department.get_absolute_url()}"' in html
    assert broken_links(client, programme.get_absolute_url()) == []
