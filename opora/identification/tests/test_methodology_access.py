"""Methodologies belong to an organisation; the built-in one is read-only and copied."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.core.choices import Role
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun, Methodology, MethodologyVersion
from opora.identification.services import methodology_copy, run_approve, run_compute, run_send
from opora.identification.tests.test_runs import fill
from opora.registry.choices import OrderKind
from opora.registry.models import AcademicYear
from opora.registry.tests.factories import MembershipFactory, registered_order

pytestmark = pytest.mark.django_db

LIST = "/identification/methodologies/"


def url(methodology: Methodology, suffix: str = "") -> str:
    return f"{LIST}{methodology.pk}/{suffix}"


@pytest.fixture
def base(db: Any) -> Methodology:
    return Methodology.objects.get(is_builtin=True)


@pytest.fixture
def citys(world: Any, base: Methodology) -> Methodology:
    """The analyst's copy: a methodology of the city's methodical centre."""
    client = world.client("analyst")
    response = client.post(url(base), {"name": "Методика Города N", "description": ""})
    assert response.status_code == 302
    return Methodology.objects.get(name="Методика Города N")


def edit_data(client: Any, methodology: Methodology, **changes: str) -> dict[str, Any]:
    form = client.get(url(methodology, "edit/")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return data


def test_a_copy_belongs_to_the_copiers_organisation(world, citys):
    assert citys.owner == world.methodical_centre and not citys.is_builtin
    assert citys.current.number == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("coordinator", 200),
        ("regional", 200),
        ("council", 200),
        # The centre's own curator reaches the centre.
        ("curator", 200),
        ("outsider", 404),
        ("director_a", 404),
        ("teacher", 404),
        ("director_b", 404),
    ],
)
def test_who_sees_the_citys_methodology(world, citys, persona, status):
    client = world.client(persona)
    assert client.get(url(citys)).status_code == status
    assert client.get(f"/api/methodologies/{citys.pk}/").status_code == status
    assert client.get(f"/api/methodologies/{citys.pk}/versions/").status_code == status
    listed = client.get(LIST).content.decode()
    assert ("Методика Города N" in listed) == (status == 200)


def test_anonymous_sees_no_methodology(world, citys):
    client = world.client("anonymous")
    assert client.get(url(citys)).status_code == 302
    assert client.get(f"/api/methodologies/{citys.pk}/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("coordinator", 200),
        ("regional", 200),
        ("council", 404),
        ("curator", 404),
        ("outsider", 404),
        ("director_a", 404),
    ],
)
def test_who_may_add_a_version(world, citys, persona, status):
    client = world.client(persona)
    assert client.get(url(citys, "edit/")).status_code == status
    if status == 404:
        data = edit_data(world.client("analyst"), citys, comment="Чужая правка")
        assert client.post(url(citys, "edit/"), data).status_code == 404
        assert citys.versions.count() == 1


def test_outsider_cannot_see_use_or_change_the_citys_methodology(world, citys):
    client = world.client("outsider")
    assert client.get(url(citys, "edit/")).status_code == 404
    # Copying it is asking to see it: 404 too, and no copy is made.
    response = client.post(url(citys), {"name": "Украденная", "description": ""})
    assert response.status_code == 404
    assert not Methodology.objects.filter(name="Украденная").exists()
    history = client.get(f"/history/{_content_type_id()}/{citys.pk}/")
    assert history.status_code == 404
    listed = client.get("/api/methodologies/").json()
    names = {m["name"] for m in (listed["results"] if isinstance(listed, dict) else listed)}
    assert names == {"Базовая методика"}


def _content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Methodology).pk


def test_base_methodology_is_never_edited_only_copied(world, base):
    for persona in ("analyst", "outsider", "regional", "superuser"):
        client = world.client(persona)
        assert client.get(url(base, "edit/")).status_code == 404, persona
        assert client.post(url(base, "edit/"), {"comment": "x"}).status_code == 404, persona
    assert base.versions.count() == 1
    page = world.client("outsider").get(url(base)).content.decode()
    assert "Копировать" in page and "Изменить (новая версия)" not in page


def test_outsider_copies_the_base_and_runs_with_the_copy(world, base, citys):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    fill([world.school_c, world.school_a, world.school_b])
    client = world.client("outsider")
    # The same name as the city's: names are unique per organisation, and the refusal of a
    # taken name would reveal another territory's methodology.
    response = client.post(url(base), {"name": "Методика Города N", "description": ""})
    assert response.status_code == 302
    own = Methodology.objects.get(name="Методика Города N", owner=world.other_department)
    data = edit_data(client, own, low_results_percent="15", comment="Нижние 15 %")
    assert client.post(url(own, "edit/"), data).status_code == 302
    assert own.current.number == 2
    citys.refresh_from_db()
    assert citys.current.number == 1 and citys.current.params["low_results_percent"] != 15
    # The run form offers the base and the own copy, not the city's.
    form = client.get("/identification/").context["form"]
    offered = set(form.fields["version"].queryset.values_list("methodology__pk", flat=True))
    assert offered == {base.pk, own.pk}
    response = client.post(
        "/identification/",
        {"territory": world.other_city.pk, "year": 2025, "version": citys.current.pk},
    )
    assert response.status_code == 200 and "version" in response.context["form"].errors
    assert not IdentificationRun.objects.exists()
    response = client.post(
        "/identification/",
        {"territory": world.other_city.pk, "year": 2025, "version": own.current.pk},
    )
    assert response.status_code == 302
    assert IdentificationRun.objects.get().version == own.current


def test_a_taken_name_in_the_same_organisation_is_refused_at_the_field(world, base, citys):
    response = world.client("coordinator").post(
        url(base), {"name": "Методика Города N", "description": ""}
    )
    # The coordinator's department is another organisation than the analyst's centre.
    assert response.status_code == 302
    response = world.client("analyst").post(
        url(base), {"name": "Методика Города N", "description": ""}
    )
    assert response.status_code == 200
    assert "уже есть методика" in str(response.context["copy_form"].errors["name"])


def test_a_run_shows_its_methodology_to_those_who_see_the_run(world, base):
    """The region's methodology is seen by a city that sees the region's list; a school's
    director still reads the reasons of their school's approved list on the card."""
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    fill([world.school_a, world.school_b, world.school_c], weak=(world.school_a,))
    regional = world.user("regional")
    regions = methodology_copy(
        source=base, name="Методика области", user=regional, owner=world.ministry
    )
    # Only the region's own staff reach the ministry…
    assert world.client("coordinator").get(url(regions)).status_code == 404
    run = IdentificationRun.objects.create(
        territory=world.region, year=2025, version=regions.current, created_by=regional
    )
    run_compute(run)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    # …but a city sees the region's list, and so the methodology it was made by.
    coordinator = world.client("coordinator")
    run_page = coordinator.get(run.get_absolute_url()).content.decode()
    assert "Методика области" in run_page
    assert coordinator.get(url(regions)).status_code == 200
    run_send(run=run, user=regional)
    run_approve(
        run=run,
        user=regional,
        order=registered_order(world.ministry, OrderKind.IDENTIFICATION, "7"),
    )
    card = world.client("director_a").get(f"/registry/schools/{world.school_a.pk}/diagnostics/")
    text = card.content.decode()
    assert "Почему школа в списке" in text and "Приказ № 7" in text
    assert world.client("director_a").get(url(regions)).status_code == 404


def test_methodology_list_queries_do_not_grow(world, base):
    client = world.client("analyst")
    analyst = world.user("analyst")

    def make(n: int) -> None:
        for i in range(n):
            copy = methodology_copy(
                source=base,
                name=f"Копия {Methodology.objects.count()}-{i}",
                user=analyst,
                owner=world.methodical_centre,
            )
            MethodologyVersion.objects.create(
                methodology=copy, number=2, params=copy.current.params
            )

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    make(10)
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST)
    assert page.content.decode().count("версия 2") == 12
    assert len(many) == len(few)


def test_cli_identify_uses_only_what_the_user_may_see(world, citys, capsys):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    fill([world.school_a, world.school_b, world.school_c])
    with pytest.raises(CommandError, match="нет среди доступных"):
        call_command(
            "identify",
            "--year",
            "2025",
            "--methodology",
            "Методика Города N",
            "--territory",
            "M02",
            "--user",
            "outsider",
        )
    with pytest.raises(CommandError, match="нет среди доступных"):
        call_command(
            "identify",
            "--year",
            "2025",
            "--methodology",
            str(citys.pk),
            "--territory",
            "M02",
            "--user",
            "outsider",
        )
    with pytest.raises(CommandError, match="может вести выявление"):
        call_command(
            "identify",
            "--year",
            "2025",
            "--territory",
            "M01",
            "--user",
            "outsider",
        )
    assert not IdentificationRun.objects.exists()
    call_command(
        "identify",
        "--year",
        "2025",
        "--methodology",
        "Методика Города N",
        "--user",
        "analyst",
    )
    assert "Список 2025 г., Город N, «Методика Города N»" in capsys.readouterr().out


def test_data_migration_gives_old_methodologies_their_authors_organisation(world, base):
    migration = importlib.import_module(
        "opora.identification.migrations.0003_methodology_owner_data"
    )
    by_analyst = Methodology.objects.create(name="Старая", created_by=world.user("analyst"))
    by_director = Methodology.objects.create(name="Ничья", created_by=world.user("director_a"))
    migration.assign_owners(apps, None)
    for item in (by_analyst, by_director, base):
        item.refresh_from_db()
    assert by_analyst.owner == world.methodical_centre
    assert by_director.owner is None and base.owner is None


def test_with_two_own_organisations_the_copy_form_asks_whose(world, base):
    MembershipFactory(
        person=world.user("analyst").person, organization=world.department, role=Role.ANALYST
    )
    client = world.client("analyst")
    form = client.get(url(base)).context["copy_form"]
    assert {value for value, _label in form.fields["owner"].choices} == {
        world.department.pk,
        world.methodical_centre.pk,
    }
    response = client.post(url(base), {"name": "Департаментская", "owner": world.department.pk})
    assert response.status_code == 302
    assert Methodology.objects.get(name="Департаментская").owner == world.department
    # An organisation that is not the user's own is not a choice.
    response = client.post(url(base), {"name": "Чужая", "owner": world.other_department.pk})
    assert response.status_code == 200 and "owner" in response.context["copy_form"].errors
