"""The demo's official regional list of 2024 beside the approved computed one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.identification.choices import RunStatus
from opora.identification.models import ExternalList, IdentificationRun
from opora.identification.selectors import external_list_counts
from opora.registry.demo import DEMO_TERRITORY_CODE

pytestmark = pytest.mark.django_db


def test_the_demo_official_list_differs_from_the_computed_one_as_planted(demo, django_user_model):
    external = ExternalList.objects.get(territory__code=DEMO_TERRITORY_CODE, year=2024)
    assert external.order_number == "1024" and str(external.order_date) == "2024-08-20"
    run = IdentificationRun.objects.get(
        territory__code=DEMO_TERRITORY_CODE, year=2024, status=RunStatus.APPROVED
    )
    analyst = django_user_model.objects.get(username="analyst")
    counts = external_list_counts(analyst, external, run)
    assert (counts.only_official, counts.only_computed) == (4, 3)
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("identification:list", args=[external.pk])).content.decode()
    assert "приказ от 20 августа 2024 г. № 1024" in page
    run_page = client.get(reverse("identification:run", args=[run.pk])).content.decode()
    assert "Официальный список за этот год" in run_page
