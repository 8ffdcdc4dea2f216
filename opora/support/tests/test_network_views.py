"""The network's pages, API and import through HTTP and the import framework, for the roles
that may and the roles that may not."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import Table
from opora.core.imports.services import run_import_now
from opora.registry.choices import OrderKind, OrganizationKind, PartnerKind
from opora.registry.models import CuratorAssignment, Membership, Order
from opora.registry.tests.factories import OrganizationFactory, registered_order
from opora.support import services
from opora.support.models import MentorPair, NetworkAgreement
from opora.support.services import AgreementDraft
from opora.support.tests.network_fixtures import curator, days, pair, school

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["coordinator", "analyst", "council", "curator", "director_a", "teacher"]
)
def test_landing_opens_for_everyone_signed_in(world, persona):
    html = world.client(persona).get(reverse("support:index")).content.decode()
    assert "Кураторы" in html and "Школы-наставники" in html and "Партнёры и договоры" in html
    for name in ("visits", "recommendations"):
        assert reverse(f"support:{name}") in html
    assert (reverse("support:curators") in html) == (persona == "coordinator")
    # Sections that open for the persona only (the rest would be a 404 behind the link).
    for name in ("consultations", "engagement"):
        opens = world.client(persona).get(reverse(f"support:{name}")).status_code == 200
        assert (reverse(f"support:{name}") in html) == opens, name


def test_landing_is_the_menus_support(world):
    html = world.client("teacher").get(reverse("core:home")).content.decode()
    assert f'href="{reverse("support:index")}"' in html
    assert world.client("anonymous").get(reverse("support:index")).status_code == 302


@pytest.mark.parametrize("name", ["visits", "recommendations"])
def test_sections_still_to_come_open(world, name):
    assert world.client("director_a").get(reverse(f"support:{name}")).status_code == 200


def test_the_landing_links_only_to_sections_the_user_opens(world):
    """A director asks for consultations but does not watch the engagement of schools."""
    director = world.client("director_a").get(reverse("support:index")).content.decode()
    assert reverse("support:consultations") in director
    assert reverse("support:engagement") not in director
    coordinator = world.client("coordinator").get(reverse("support:index")).content.decode()
    assert reverse("support:engagement") in coordinator


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("outsider", 200),
        ("superuser", 200),
        ("analyst", 404),
        ("council", 404),
        ("curator", 404),
        ("director_a", 404),
        ("teacher", 404),
    ],
)
def test_curators_page_is_for_coordinators(world, persona, status):
    assert world.client(persona).get(reverse("support:curators")).status_code == status


def post_assign(world, person, schools, **extra):
    order = Order.objects.filter(number="45-од").first() or registered_order(
        world.department, OrderKind.CURATORS, "45-од", date=days(-2)
    )
    data = {
        "curator": person.pk,
        "schools": [s.pk for s in schools],
        "since": days(0).isoformat(),
        "until": "",
        "order": order.pk,
        **extra,
    }
    return world.client("coordinator").post(reverse("support:curators"), data)


def test_assign_in_the_browser_shows_load_and_current_assignments(world):
    person = curator(world)
    response = post_assign(world, person, [world.school_a, world.school_b])
    assert response.status_code == 302
    assert CuratorAssignment.objects.filter(curator=person, order__number="45-од").count() == 2
    html = world.client("coordinator").get(reverse("support:curators")).content.decode()
    assert "Кураторова Анна Сергеевна — школ сейчас: 2" in html
    assert "№ 45-од" in html
    outsider = world.client("outsider").get(reverse("support:curators")).content.decode()
    assert "Кураторова" not in outsider  # people of another territory


def test_refused_assignment_keeps_what_was_typed_and_names_the_school(world):
    person = curator(world)
    Membership.objects.create(person=person, organization=world.school_a, role="teacher")
    order = registered_order(world.department, OrderKind.CURATORS, "77-од")
    response = post_assign(world, person, [world.school_a], order=order.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "работает в школе «СОШ № 1»" in html
    assert f'<option value="{order.pk}" selected>' in html
    assert not CuratorAssignment.objects.filter(curator=person).exists()


def test_end_button(world):
    assignment = CuratorAssignment.objects.get(school=world.school_a)
    url = reverse("support:curator-assignment-end", args=[assignment.pk])
    for persona in ("analyst", "outsider", "director_a", "curator"):
        assert world.client(persona).post(url).status_code == 404
    assert world.client("coordinator").get(url).status_code == 405
    assert world.client("coordinator").post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.until == days(0)


def test_assign_page_query_count_does_not_grow(world):
    client = world.client("coordinator")
    url = reverse("support:curators")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        person = curator(world, last_name=f"Куратор{n}")
        services.curator_assign(
            user=world.user("coordinator"),
            curator=person,
            schools=[school(world, f"Школа {n}"), school(world, f"Школа {n}б")],
            since=days(-5),
            until=None,
            order=registered_order(world.department, OrderKind.CURATORS, str(n)),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_school_card_shows_curator_and_mentor_to_those_who_may_read_them(world):
    pair(world.school_a, world.school_b)
    url = reverse("registry:school", args=[world.school_a.pk])
    coordinator = world.client("coordinator").get(url).content.decode()
    assert "Curator" in coordinator  # the curator persona's name (a person's record)
    assert f'href="{world.school_b.get_absolute_url()}">Гимназия № 2' in coordinator
    teacher = world.client("teacher").get(url).content.decode()
    assert "Curator" not in teacher and "назначен" in teacher
    # The director sees the mentor's name, but not a link to a school outside their reach.
    director = world.client("director_a").get(url).content.decode()
    assert "Гимназия № 2" in director
    assert world.school_b.get_absolute_url() not in director


def test_school_list_shows_curator_and_mentor(world):
    pair(world.school_a, world.school_b)
    html = world.client("coordinator").get(reverse("registry:schools")).content.decode()
    assert "Curator" in html and "Школа-наставник" in html
    council = world.client("council").get(reverse("registry:schools")).content.decode()
    assert "Curator" not in council and "назначен" in council


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("analyst", 404),
        ("curator", 404),
        ("director_a", 404),
        ("teacher", 404),
        ("outsider", 404),
    ],
)
def test_pair_form_is_for_coordinators(world, persona, status):
    url = reverse("support:mentor-pair-create", args=[world.school_a.pk])
    assert world.client(persona).get(url).status_code == status


def pair_data(**extra):
    return {
        "mentor": "",
        "since": days(0).isoformat(),
        "until": "",
        "areas": ["subjects", "parents"],
        "note": "",
        "agreement": "",
        "agreement_owner": "",
        "agreement_number": "",
        "agreement_signed_on": "",
        "agreement_subject": "",
        **extra,
    }


def test_pair_with_a_new_agreement_from_the_form(world):
    url = reverse("support:mentor-pair-create", args=[world.school_a.pk])
    data = pair_data(
        mentor=world.school_b.pk,
        agreement_owner=world.department.pk,
        agreement_number="15",
        agreement_subject="Наставничество",
        agreement_file=SimpleUploadedFile("договор.pdf", b"%PDF-1.4 x"),
    )
    response = world.client("coordinator").post(url, data)
    assert response.status_code == 302
    assert response["Location"] == world.school_a.get_tab_url("support")  # the pair's tab
    made = MentorPair.objects.get()
    assert made.areas == ["subjects", "parents"]
    assert made.agreement.number == "15" and made.agreement.file_name == "договор.pdf"


def test_refused_pair_keeps_what_was_typed(world):
    url = reverse("support:mentor-pair-create", args=[world.school_a.pk])
    data = pair_data(
        mentor=world.school_b.pk,
        agreement_owner=world.department.pk,
        agreement_subject="Предмет, который не должен потеряться",
        agreement_file=SimpleUploadedFile("вирус.exe", b"MZ\x90\x00"),
    )
    html = world.client("coordinator").post(url, data).content.decode()
    assert "«вирус.exe» не принят" in html
    assert "Предмет, который не должен потеряться" in html
    assert not MentorPair.objects.exists() and not NetworkAgreement.objects.exists()


def test_pair_end_button(world):
    made = pair(world.school_a, world.school_b)
    url = reverse("support:mentor-pair-end", args=[made.pk])
    for persona in ("analyst", "director_a", "director_b", "outsider"):
        assert world.client(persona).post(url).status_code == 404
    assert world.client("coordinator").post(url).status_code == 302
    made.refresh_from_db()
    assert made.until == days(0)


@pytest.fixture
def agreement(world):
    partner: Any = OrganizationFactory(
        short_name="Театр юного зрителя",
        name="Театр юного зрителя",
        territory=world.city,
        kind=OrganizationKind.PARTNER,
        partner_kind=PartnerKind.CULTURE,
    )
    return services.agreement_create(
        user=world.user("coordinator"),
        draft=AgreementDraft(
            owner=world.department,
            subject="Театральные уроки",
            since=days(-10),
            number="3",
            file=SimpleUploadedFile("договор с театром.pdf", b"%PDF-1.4 theatre"),
        ),
        parties=[world.school_a, partner],
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("analyst", 200),
        ("council", 200),
        ("director_a", 200),
        ("teacher", 200),
        ("curator", 200),
        ("director_b", 404),
        ("outsider", 404),
    ],
)
def test_agreement_and_its_file_open_for_those_who_see_a_party(world, agreement, persona, status):
    client = world.client(persona)
    assert client.get(agreement.get_absolute_url()).status_code == status
    response = client.get(reverse("support:agreement-file", args=[agreement.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 theatre"
        assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("analyst", 404), ("director_a", 404), ("outsider", 404)],
)
def test_agreement_edit_is_for_coordinators(world, agreement, persona, status):
    url = reverse("support:agreement-edit", args=[agreement.pk])
    assert world.client(persona).get(url).status_code == status


def test_agreement_create_in_the_browser(world):
    url = reverse("support:agreement-create")
    assert world.client("analyst").get(url).status_code == 404
    response = world.client("coordinator").post(
        url,
        {
            "owner": world.department.pk,
            "number": "9",
            "signed_on": days(-1).isoformat(),
            "subject": "Сетевая программа по физике",
            "parties": [world.school_a.pk, world.school_b.pk],
            "since": days(0).isoformat(),
            "until": "",
            "file": SimpleUploadedFile("скан.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        },
    )
    assert response.status_code == 302
    made = NetworkAgreement.objects.get(number="9")
    assert set(made.parties.all()) == {world.school_a, world.school_b}


def test_agreement_is_listed_on_each_partys_page(world, agreement):
    partner = agreement.parties.get(kind=OrganizationKind.PARTNER)
    client = world.client("coordinator")
    assert "Театральные уроки" in client.get(partner.get_absolute_url()).content.decode()
    card = client.get(world.school_a.get_tab_url("support")).content.decode()
    assert "Договор № 3" in card
    assert "Театральные уроки" not in (
        world.client("director_b").get(world.school_b.get_tab_url("support")).content.decode()
    )


def test_api_mentor_pairs_and_curator_assignments(world):
    pair(world.school_a, world.school_b)
    coordinator = world.client("coordinator")
    pairs = coordinator.get("/api/mentor-pairs/").json()
    assert pairs["count"] == 1 and pairs["results"][0]["mentor_name"] == "Гимназия № 2"
    assert world.client("outsider").get("/api/mentor-pairs/").json()["count"] == 0
    assigned = coordinator.get("/api/curator-assignments/").json()
    assert assigned["results"][0]["curator_name"].startswith("Curator")
    # A curator's name is personal data: teachers and council members get none.
    assert world.client("teacher").get("/api/curator-assignments/").json()["count"] == 0
    assert world.client("anonymous").get("/api/mentor-pairs/").status_code in (401, 403)


# The import


HEADER = ["ФИО куратора", "Код школы", "С", "По", "Номер приказа", "Дата приказа"]


def run(world, rows, persona="coordinator"):
    return run_import_now(
        importer_key="support.curators",
        table=Table(headers=HEADER, rows=rows),
        columns=None,
        user=world.user(persona),
        options=ImportOptions(),
    )


def test_import_assigns_and_a_second_load_changes_nothing(world):
    person = curator(world, email="kuratorova@gcro.ru")
    order = registered_order(
        world.department, OrderKind.CURATORS, "101-од", date=datetime.date(2025, 8, 28)
    )
    rows = [
        ["Кураторова Анна Сергеевна", "SCH-A", "01.09.2025", "", "101-од", "28.08.2025"],
        ["kuratorova@gcro.ru", "Гимназия № 2", "01.09.2025", "31.05.2026", "101-од", "28.08.2025"],
    ]
    validation = run(world, rows)
    assert validation.is_valid, [str(e) for e in validation.errors]
    assert CuratorAssignment.objects.filter(curator=person).count() == 2
    again = run(world, rows)
    assert (again.created, again.unchanged) == (0, 2)
    assert CuratorAssignment.objects.filter(curator=person, order=order).count() == 2


def test_import_naming_an_unregistered_order_is_refused(world):
    curator(world)
    registered_order(
        world.department, OrderKind.CURATORS, "101-од", date=datetime.date(2025, 8, 28)
    )
    rows = [
        ["Кураторова Анна Сергеевна", "SCH-A", "01.09.2025", "", "101-од", "29.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-B", "01.09.2025", "", "102-од", "28.08.2025"],
    ]
    validation = run(world, rows)
    errors = [str(e) for e in validation.errors]
    assert len(errors) == 2 and all("не зарегистрирован в реестре приказов" in e for e in errors)
    assert "№ 101-од от 29.08.2025" in errors[0]
    assert not CuratorAssignment.objects.filter(order__number__in=["101-од", "102-од"]).exists()


def test_import_reports_every_bad_row_and_saves_nothing(world):
    person = curator(world)
    registered_order(world.department, OrderKind.CURATORS, "1", date=datetime.date(2025, 8, 28))
    Membership.objects.create(person=person, organization=world.school_b, role="teacher")
    rows = [
        ["Кураторова Анна Сергеевна", "SCH-A", "01.09.2025", "", "1", "28.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-B", "01.09.2025", "", "1", "28.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-C", "01.09.2025", "", "1", "28.08.2025"],
        ["Нет Такого", "SCH-A", "01.09.2025", "", "1", "28.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-A", "вчера", "", "", "28.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-A", "01.10.2025", "01.09.2025", "1", "28.08.2025"],
        ["Кураторова Анна Сергеевна", "SCH-A", "01.01.2026", "", "1", "28.08.2025"],
    ]
    validation = run(world, rows)
    errors = [str(e) for e in validation.errors]
    assert any(e.startswith("Строка 3") and "работает в школе «Гимназия № 2»" in e for e in errors)
    assert any(e.startswith("Строка 4") and "«SCH-C» не найдена" in e for e in errors)
    assert any(e.startswith("Строка 5") and "«Нет Такого» нет среди кураторов" in e for e in errors)
    assert any(e.startswith("Строка 6") and "«вчера» — не дата" in e for e in errors)
    assert any(e.startswith("Строка 6") and "номер приказа" in e for e in errors)
    assert any(e.startswith("Строка 7") and "раньше даты начала" in e for e in errors)
    assert any(e.startswith("Строка 8") and "уже есть в строке 2" in e for e in errors)
    assert not CuratorAssignment.objects.filter(curator=person).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("coordinator", 200), ("analyst", 404), ("director_a", 404)]
)
def test_import_is_offered_to_coordinators(world, persona, status):
    url = reverse("core:import", args=["support.curators"])
    assert world.client(persona).get(url).status_code == status


def test_add_partner_opens_with_the_kind_chosen(world):
    url = reverse("registry:organization-create") + "?kind=partner"
    html = world.client("coordinator").get(url).content.decode()
    assert '<option value="partner" selected>' in html
    assert world.client("director_a").get(url).status_code == 404


def test_agreement_history_shows_its_parties(world, agreement):
    services.agreement_update(
        user=world.user("coordinator"),
        agreement=agreement,
        draft=AgreementDraft(owner=world.department, subject="Театральные уроки", since=days(-10)),
        parties=[*agreement.parties.all(), world.school_b],
    )
    kind = ContentType.objects.get_for_model(NetworkAgreement)
    url = reverse("core:history", args=[kind.pk, agreement.pk])
    html = world.client("coordinator").get(url).content.decode()
    assert "Стороны" in html or "стороны" in html
    assert "Гимназия № 2" in html


def test_schools_without_a_curator_are_marked_in_the_form(world):
    html = world.client("coordinator").get(reverse("support:curators")).content.decode()
    assert "Гимназия № 2 (Южный) — без куратора" in html
    assert "СОШ № 1 (Северный)</option>" in html
