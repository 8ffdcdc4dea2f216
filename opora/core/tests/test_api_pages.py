"""Every API list has a maximum page size: a huge `?limit=` — even beyond what a database
integer holds — gives that maximum, a huge `?offset=` an empty page; never a 500, never a
whole table."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization
from opora.registry.tests.factories import OrganizationFactory, ProgrammeFactory, SchoolFactory
from opora.support.models import Consultation

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # beyond a 64-bit integer
LISTS = [
    "/api/territories/",
    "/api/organizations/",
    "/api/schools/",
    "/api/programmes/",
    "/api/identification-runs/",
    "/api/identification-runs/{run}/schools/",
    "/api/consultations/",
]


@pytest.fixture
def run(world):
    for n in range(6):
        SchoolFactory(territory=world.north, code=f"EXTRA-{n}")
        OrganizationFactory(territory=world.south)
        ProgrammeFactory(owner=world.department)
        Consultation.objects.create(
            school=world.school_a, topic=f"Тема {n}", question="Вопрос", preferred_form="online"
        )
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    runs = [
        IdentificationRun.objects.create(territory=world.city, year=year, version=version)
        for year in range(2015, 2021)
    ]
    SchoolIdentification.objects.bulk_create(
        SchoolIdentification(run=runs[0], school=school)
        for school in Organization.objects.filter(
            territory__path__startswith=world.city.path, kind=OrganizationKind.SCHOOL
        )
    )
    return runs[0]


def client(world) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.user("coordinator"))
    return api


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("limit", [HUGE, "2147483648", "-5", "abc", "1e400"])
def test_a_limit_out_of_range_is_clamped_or_ignored(world, run, settings, url, limit):
    settings.OPORA_API_MAX_PAGE_SIZE = 3
    response = client(world).get(url.format(run=run.pk), {"limit": limit})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 3
    # A number: at most the maximum; not a (positive) number: the default page size.
    expected = 3 if limit.isdigit() else min(50, body["count"])
    assert len(body["results"]) == expected


@pytest.mark.parametrize("url", LISTS)
def test_a_huge_limit_gives_the_shipped_maximum(world, run, url):
    response = client(world).get(url.format(run=run.pk), {"limit": HUGE})
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == body["count"] < 500 and body["next"] is None


def test_the_shipped_maximum_is_500(settings):
    from opora.core.api import LimitOffsetPagination

    assert settings.OPORA_API_MAX_PAGE_SIZE == 500 == LimitOffsetPagination().max_limit


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("offset", [HUGE, "2147483648"])
def test_an_offset_out_of_range_gives_an_empty_page(world, run, url, offset):
    response = client(world).get(url.format(run=run.pk), {"offset": offset, "limit": HUGE})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pages_walk_the_whole_list(world, run, settings):
    settings.OPORA_API_MAX_PAGE_SIZE = 2
    api = client(world)
    url, seen = "/api/schools/?limit=100", []
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 2
        seen += [row["code"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == body["count"] == 8  # SCH-A, SCH-B and six more


@pytest.mark.parametrize(
    "url",
    [
        "/api/identification-runs/999999/",
        "/api/identification-runs/999999/schools/",
        "/api/methodologies/999999/",
        "/api/schools/999999/",
        "/api/organizations/999999/",
        "/api/consultations/999999/",
    ],
)
def test_a_missing_object_is_a_russian_404_naming_no_model(world, url):
    client = APIClient()
    client.force_authenticate(world.user("coordinator"))
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Не найдено."}
