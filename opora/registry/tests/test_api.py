"""The REST API: token auth, the same reach as the UI, 404 outside it, 403 for read-only."""

from __future__ import annotations

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from opora.registry.choices import Locality, OrderKind
from opora.registry.models import Organization
from opora.registry.tests.factories import (
    OrganizationFactory,
    ProgrammeFactory,
    SchoolFactory,
    TerritoryFactory,
    registered_order,
)

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


def test_patch_is_audited_with_before_and_after(world, password):
    client = APIClient()
    token = client.post("/api/token/", {"username": "director_a", "password": password}).json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    response = client.patch(f"/api/schools/{world.school_a.pk}/", {"enrolment": 640}, format="json")
    assert response.status_code == 200, response.content
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
    for outside in ("cdn", "unpkg", "jsdelivr", 'src="https://', 'href="https://', "//fonts."):
        assert outside not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html


def test_schema_generates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_a_wrong_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = client.get("/api/schools/")
    assert response.status_code == 401
    assert "токен" in response.json()["detail"].lower()


def test_missing_and_out_of_reach_look_the_same_in_russian(world):
    client = api(world, "director_b")
    hidden = client.get(f"/api/schools/{world.school_a.pk}/")
    missing = client.get("/api/schools/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert "Organization" not in hidden.json()["detail"]
    assert client.patch(f"/api/schools/{world.school_a.pk}/", {}, format="json").status_code == 404


def test_more_school_filters(world):
    world.school_b.school.locality = Locality.RURAL
    world.school_b.school.school_type = "gymnasium"
    world.school_b.school.save()
    client = api(world, "coordinator")
    assert codes(client.get("/api/schools/", {"school_type": "gymnasium"})) == {"SCH-B"}
    assert codes(client.get("/api/schools/", {"locality": "urban"})) == {"SCH-A"}
    assert codes(client.get("/api/schools/", {"q": "SCH-A"})) == {"SCH-A"}
    assert codes(client.get("/api/schools/", {"q": "2"})) == {"SCH-B"}
    assert codes(client.get("/api/schools/", {"territory": world.city.pk})) == {"SCH-A", "SCH-B"}
    assert client.get("/api/schools/", {"school_type": "x"}).status_code == 400


def test_read_only_role_gets_403_before_its_data_is_validated(world):
    response = api(world, "teacher").patch(
        f"/api/schools/{world.school_a.pk}/", {"enrolment": -1}, format="json"
    )
    assert response.status_code == 403
    assert "Нет прав" in response.json()["detail"]


def test_director_cannot_probe_codes_by_creating(world):
    payload = {**school_payload(world, world.north), "code": "SCH-C"}
    response = api(world, "director_a").post("/api/schools/", payload, format="json")
    assert response.status_code == 403
    assert "SCH-C" not in response.content.decode()


def test_superuser_creates_anywhere_and_short_name_defaults_to_name(world):
    payload = school_payload(world, world.other_city)
    del payload["short_name"]
    response = api(world, "superuser").post("/api/schools/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["short_name"] == "Средняя школа № 50"
    assert Organization.objects.get(code="API-1").school.number == "50"


@pytest.mark.parametrize(
    ("persona", "url_name", "territory", "status"),
    [
        # Within the coordinator's territory: allowed.
        ("coordinator", "school_a", "south", 200),
        # An ancestor is visible (for breadcrumbs) but outside the right to change.
        ("coordinator", "school_a", "region", 403),
        ("coordinator", "department", "region", 403),
        # Outside the reach entirely: no such territory.
        ("coordinator", "school_a", "other_city", 400),
        # A director may edit the school but not move it, even to a territory it sees.
        ("director_a", "school_a", "city", 403),
    ],
)
def test_moving_to_another_territory(world, persona, url_name, territory, status):
    obj = getattr(world, url_name)
    endpoint = "schools" if obj.is_school else "organizations"
    target = getattr(world, territory)
    response = api(world, persona).patch(
        f"/api/{endpoint}/{obj.pk}/", {"territory": target.pk}, format="json"
    )
    assert response.status_code == status, response.content
    obj.refresh_from_db()
    assert (obj.territory == target) == (status == 200)


def test_codes_are_fixed_and_an_organisation_is_not_its_own_parent(world):
    client = api(world, "coordinator")
    url = f"/api/organizations/{world.department.pk}/"
    response = client.patch(url, {"code": "NEW"}, format="json")
    assert response.status_code == 400
    assert "не меняется" in response.json()["code"][0]
    response = client.patch(url, {"parent": world.department.pk}, format="json")
    assert response.status_code == 400
    assert "самой себя" in response.json()["parent"][0]
    response = client.patch(url, {"kind": "school"}, format="json")
    assert response.status_code == 400
    world.department.refresh_from_db()
    assert world.department.code != "NEW" and world.department.parent is None


def test_organisation_write_is_audited_and_duplicate_code_refused(world):
    client = api(world, "coordinator")
    response = client.patch(
        f"/api/organizations/{world.department.pk}/", {"phone": "+7 900 000-00-00"}, format="json"
    )
    assert response.status_code == 200, response.content
    entry = LogEntry.objects.get_for_object(world.department).latest("timestamp")
    assert entry.changes_dict["phone"] == ["", "+7 900 000-00-00"]
    assert entry.actor == world.user("coordinator")
    response = client.post(
        "/api/organizations/",
        {
            "kind": "partner",
            "code": world.methodical_centre.code,
            "name": "Повтор",
            "short_name": "Повтор",
            "territory": world.south.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "уже есть" in response.json()["code"][0]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("council", 403), ("director_a", 403), ("curator", 403), ("outsider", 400)],
)
def test_organisation_create_is_refused(world, persona, status):
    response = api(world, persona).post(
        "/api/organizations/",
        {
            "kind": "partner",
            "code": "P-2",
            "name": "Музей",
            "short_name": "Музей",
            "territory": world.north.pk,
        },
        format="json",
    )
    assert response.status_code == status
    assert not Organization.objects.filter(code="P-2").exists()


def test_nothing_is_deleted_through_the_api(world):
    client = api(world, "coordinator")
    assert client.delete(f"/api/schools/{world.school_a.pk}/").status_code == 405
    assert client.delete(f"/api/organizations/{world.department.pk}/").status_code == 405
    assert Organization.objects.filter(pk__in=[world.school_a.pk, world.department.pk]).count() == 2


def test_programme_dates_are_iso(world):
    programme = ProgrammeFactory(
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
        order=registered_order(
            world.department, OrderKind.PROGRAMME, date=datetime.date(2024, 8, 20)
        ),
    )
    row = api(world, "coordinator").get(f"/api/programmes/{programme.pk}/").json()
    assert (row["starts_on"], row["ends_on"], row["order_date"]) == (
        "2024-09-01",
        "2026-08-31",
        "2024-08-20",
    )


def list_queries(world, persona: str, url: str, expected_count: int | None = None) -> int:
    """How many queries one page of `url` takes (the page holds every row).

    Each call authenticates a freshly loaded user, as a token request does, so the queries
    for the user's memberships and reach are counted every time.
    """
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=world.user(persona).pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"limit": 100})
    assert response.status_code == 200
    if expected_count is not None:
        assert response.json()["count"] == expected_count
    return len(queries)


@pytest.mark.parametrize("persona", ["coordinator", "superuser"])
def test_school_list_query_count_does_not_grow(world, persona):
    # The world's schools in view: A and B for the coordinator, all three for the superuser.
    in_view = {"coordinator": 2, "superuser": 3}[persona]
    SchoolFactory.create_batch(3 - in_view, territory=world.south)
    with_3 = list_queries(world, persona, "/api/schools/", 3)
    SchoolFactory.create_batch(27, territory=world.south)
    assert list_queries(world, persona, "/api/schools/", 30) == with_3


def test_director_school_list_query_count_does_not_grow(world):
    own_only = list_queries(world, "director_a", "/api/schools/", 1)
    SchoolFactory.create_batch(30, territory=world.north)
    assert list_queries(world, "director_a", "/api/schools/", 1) == own_only


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/programmes/", "/api/territories/"])
def test_other_list_query_counts_do_not_grow(world, url):
    def add(n: int) -> None:
        for _ in range(n):
            if url == "/api/organizations/":
                OrganizationFactory(territory=world.south)
            elif url == "/api/programmes/":
                ProgrammeFactory(owner=world.department).schools.add(world.school_a)
            else:
                TerritoryFactory(parent=world.south)

    add(3)
    few = list_queries(world, "coordinator", url)
    add(27)
    assert list_queries(world, "coordinator", url) == few
