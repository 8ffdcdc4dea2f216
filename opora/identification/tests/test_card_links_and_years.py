"""The school card links to the identification run only for those who may open it; the new
run form offers each year once (item 12 and 13 of issue 11)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.core.tests.links import broken_links
from opora.identification.services import run_approve, run_send
from opora.identification.tests.test_runs import computed, data, fill, version  # noqa: F401
from opora.registry.choices import OrderKind
from opora.registry.tests.factories import SchoolFactory, registered_order
from opora.results.models import SchoolResult

pytestmark = pytest.mark.django_db


def _year_options(html: str) -> list[str]:
    select = re.search(r'<select name="year"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d+)"', select.group(1))


def test_year_select_offers_each_year_once(world, data):  # noqa: F811
    html = world.client("analyst").get("/identification/").content.decode()
    years = sorted(set(SchoolResult.objects.values_list("year", flat=True)), reverse=True)
    assert SchoolResult.objects.count() > 10 * len(years)
    assert _year_options(html) == [str(y) for y in years]


def test_run_list_query_count_does_not_grow_with_results(world, data):  # noqa: F811
    client = world.client("analyst")
    client.get("/identification/")
    with CaptureQueriesContext(connection) as small:
        client.get("/identification/")
    fill([SchoolFactory(territory=world.north) for _ in range(30)], seed=7)
    with CaptureQueriesContext(connection) as large:
        html = client.get("/identification/").content.decode()
    assert len(large) == len(small)
    assert len(_year_options(html)) == 3


@pytest.fixture
def approved(world, computed):  # noqa: F811
    run_send(run=computed, user=world.user("analyst"))
    run_approve(
        run=computed,
        user=world.user("coordinator"),
        order=registered_order(
            world.department,
            OrderKind.IDENTIFICATION,
            "12-од",
            date=datetime.date(2025, 9, 1),
        ),
    )
    return computed


@pytest.mark.parametrize("persona", ["director_a", "staff_a", "teacher", "curator"])
def test_school_staff_see_the_outcome_without_a_link_to_the_list(world, approved, persona):
    client = world.client(persona)
    card_url = f"/registry/schools/{world.school_a.pk}/diagnostics/"
    card = client.get(card_url).content.decode()
    assert "Почему школа в списке" in card and "Приказ № 12-од" in card
    assert approved.get_absolute_url() not in card
    assert client.get(approved.get_absolute_url()).status_code == 404
    assert broken_links(client, card_url) == []


def test_territory_roles_get_the_link_to_the_list(world, approved):
    client = world.client("analyst")
    card = client.get(f"/registry/schools/{world.school_a.pk}/diagnostics/").content.decode()
    assert f'href="{approved.get_absolute_url()}"' in card
    assert client.get(approved.get_absolute_url()).status_code == 200
