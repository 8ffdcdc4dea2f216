"""The REST API: token auth, the same reach as the UI, 404 outside it, 403 for read-only."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from opora.registry.models import Organization
from opora.registry.tests.factories import ProgrammeFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def api(world, persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(world.user(persona))
    return client


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_token_is_obtained_and_used(world, password):
    client = APIClient()
    response = client.post("/api/token/", {"username": "director_a", "password": password})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert codes(client.get("/api/schools/")) == {"SCH-A"}


def test_wrong_password_gets_no_token(world):
    response = APIClient().post("/api/token/", {"username": "director_a", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/schools/", "/api/organizations/", "/api/territories/", "/api/programmes/"]
)
def test_anonymous_is_refused(world, url):
    assert api(world, "anonymous").get(url).status_code == 401


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", {"SCH-A", "SCH-B"}),
        ("director_a", {"SCH-A"}),
        ("curator", {"SCH-A"}),
        ("outsider", {"SCH-C"}),
        ("regional", {"SCH-A", "SCH-B", "SCH-C"}),
    ],
)
def test_school_list_is_scoped(world, persona, expected):
    assert codes(api(world, persona).get("/api/schools/")) == expected


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("teacher", 200),
        ("director_b", 404),
        ("outsider", 404),
    ],
)
def test_school_detail_is_scoped(world, persona, status):
    response = api(world, persona).get(f"/api/schools/{world.school_a.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["school_type"] == "sosh"


def test_school_filters(world):
    client = api(world, "coordinator")
    assert codes(client.get("/api/schools/", {"q": "гимназия"})) == {"SCH-B"}
    assert codes(client.get("/api/schools/", {"territory": world.north.pk})) == {"SCH-A"}
    assert codes(client.get("/api/schools/", {"territory": world.other_city.pk})) == set()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director_a", 200),
        ("coordinator", 200),
        ("teacher", 403),
        ("council", 403),
        ("curator", 403),
        ("director_b", 404),
        ("outsider", 404),
    ],
)
def test_school_patch_access(world, persona, status):
    response = api(world, persona).patch(
        f"/api/schools/{world.school_a.pk}/", {"enrolment": 777}, format="json"
    )
    assert response.status_code == status, response.content
    world.school_a.school.refresh_from_db()
    assert (world.school_a.school.enrolment == 777) == (status == 200)


def test_patch_is_audited_with_before_and_after(world):
    api(world, "director_a").patch(
        f"/api/schools/{world.school_a.pk}/", {"enrolment": 640}, format="json"
    )
    entry = LogEntry.objects.get_for_object(world.school_a.school).latest("timestamp")
    assert entry.changes_dict["enrolment"] == [500, 640]
    assert entry.actor == world.user("director_a")


def test_patch_validation_errors_are_russian(world):
    response = api(world, "coordinator").patch(
        f"/api/schools/{world.school_a.pk}/", {"enrolment": -1, "code": "NEW"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "code" in body and "не меняется" in body["code"][0]


def school_payload(world, territory, code="API-1"):
    return {
        "code": code,
        "name": "Средняя школа № 50",
        "short_name": "СОШ № 50",
        "territory": territory.pk,
        "school_type": "sosh",
        "number": "50",
        "enrolment": 900,
    }


def test_coordinator_creates_a_school_in_its_territory(world):
    response = api(world, "coordinator").post(
        "/api/schools/", school_payload(world, world.north), format="json"
    )
    assert response.status_code == 201, response.content
    school = Organization.objects.get(code="API-1")
    assert school.school.enrolment == 900 and school.territory == world.north


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 400),
        ("director_a", 403),
        ("council", 403),
    ],
)
def test_others_cannot_create_schools_there(world, persona, status):
    response = api(world, persona).post(
        "/api/schools/", school_payload(world, world.north), format="json"
    )
    assert response.status_code == status
    assert not Organization.objects.filter(code="API-1").exists()


def test_duplicate_code_is_refused(world):
    response = api(world, "coordinator").post(
        "/api/schools/", school_payload(world, world.north, code="SCH-B"), format="json"
    )
    assert response.status_code == 400
    assert "уже есть" in response.json()["code"][0]


def test_organizations_read_and_write(world):
    client = api(world, "analyst")
    listed = {row["short_name"] for row in client.get("/api/organizations/").json()["results"]}
    assert listed == {"ДО Города N", "ГЦРО"}
    assert client.get(f"/api/organizations/{world.other_department.pk}/").status_code == 404
    response = client.post(
        "/api/organizations/",
        {
            "kind": "partner",
            "code": "P-1",
            "name": "Библиотека",
            "short_name": "Библиотека",
            "territory": world.south.pk,
            "partner_kind": "culture",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api(world, "council").patch(
        f"/api/organizations/{world.department.pk}/", {"phone": "1"}, format="json"
    )
    assert response.status_code == 403


def test_territories_and_programmes(world):
    programme = ProgrammeFactory(owner=world.department)
    programme.schools.add(world.school_a, world.school_b)
    names = {
        row["name"] for row in api(world, "director_a").get("/api/territories/").json()["results"]
    }
    assert names == {"Тестовая область", "Город N", "Северный"}
    rows = api(world, "director_a").get("/api/programmes/").json()["results"]
    assert [row["schools"] for row in rows] == [[world.school_a.pk]]
    assert api(world, "outsider").get(f"/api/programmes/{programme.pk}/").status_code == 404


def test_schema_and_docs_are_served_locally(world):
    client = api(world, "coordinator")
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    for outside in ("cdn", "unpkg", "jsdelivr"):
        assert outside not in html


def test_school_list_query_count_does_not_grow(world):
    client = api(world, "coordinator")
    client.get("/api/schools/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/schools/")
    SchoolFactory.create_batch(30, territory=world.south)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/schools/")
    assert len(many) == len(few)
