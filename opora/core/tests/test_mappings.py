"""Saved column mappings belong to an organisation; shipped presets are read-only."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from opora.core.access import restrict
from opora.core.choices import Role
from opora.core.imports.services import import_upload_set_columns
from opora.core.models import ImportMapping, ImportUpload
from opora.registry.tests.factories import MembershipFactory
from opora.results.presets import preset_get

pytestmark = pytest.mark.django_db

REGISTRY_HEADER = ["ID", "Наим.", "Район города", "Кол-во уч."]
REGISTRY_ROWS = [["NEW-9", "СОШ № 99", "Северный", "300"]]
REGISTRY_COLUMNS = {
    "col_code": "ID",
    "col_name": "Наим.",
    "col_territory": "Район города",
    "col_enrolment": "Кол-во уч.",
}
RU_RESULTS = preset_get("ru-results")
RESULTS_HEADER = list(RU_RESULTS.columns.values())
# The outsider's own file calls the fields differently.
OTHER_RESULTS_HEADER = [f"{h} (другой)" for h in RESULTS_HEADER]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    return "\r\n".join(";".join(r) for r in [header, *rows]).encode() + b"\r\n"


def upload(client: Any, importer: str, content: bytes, **extra: Any) -> Any:
    return client.post(
        reverse("core:import", args=[importer]),
        {"file": SimpleUploadedFile("файл.csv", content), **extra},
    )


def save_mapping(client: Any, importer: str, content: bytes, columns: dict[str, str], name: str):
    response = upload(client, importer, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = ImportUpload.objects.latest("pk")
    response = client.post(
        reverse("core:import-columns", args=[pending.pk]), {**columns, "save_as": name}
    )
    return pending, response


def save_registry_mapping(world: Any, persona: str, name: str = "Выгрузка АИС") -> Any:
    _pending, response = save_mapping(
        world.client(persona),
        "registry.schools",
        csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS),
        REGISTRY_COLUMNS,
        name,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportMapping.objects.get(
        source_name=name, owner__isnull=False, created_by__username=persona
    )


def mapping_choices(world: Any, persona: str, importer: str) -> list[str]:
    page = world.client(persona).get(reverse("core:import", args=[importer]))
    return [label for _value, label in page.context["form"].fields["mapping"].choices]


def test_a_saved_mapping_belongs_to_the_savers_organisation(world):
    mapping = save_registry_mapping(world, "coordinator")
    assert mapping.owner == world.department and mapping.preset == ""
    # Colleagues of the city and the region above see it; another city does not.
    assert any("Выгрузка АИС" in c for c in mapping_choices(world, "analyst", "registry.schools"))
    assert any("Выгрузка АИС" in c for c in mapping_choices(world, "regional", "registry.schools"))
    assert not any(
        "Выгрузка АИС" in c for c in mapping_choices(world, "outsider", "registry.schools")
    )


def test_outsider_cannot_use_or_overwrite_the_citys_mapping(world):
    mapping = save_registry_mapping(world, "coordinator")
    client = world.client("outsider")
    response = upload(
        client, "registry.schools", csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS), mapping=mapping.pk
    )
    # Not offered, so not accepted: the form refuses the choice and nothing is stored.
    assert response.status_code == 200
    assert "mapping" in response.context["form"].errors
    assert not ImportUpload.objects.filter(uploaded_by=world.user("outsider")).exists()
    # Saving under the same name makes the other city's own mapping; the first is untouched.
    other = {**REGISTRY_COLUMNS, "col_enrolment": ""}
    _pending, response = save_mapping(
        client,
        "registry.schools",
        csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS),
        other,
        "Выгрузка АИС",
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.columns["enrolment"] == "Кол-во уч." and mapping.owner == world.department
    theirs = ImportMapping.objects.get(source_name="Выгрузка АИС", owner=world.other_department)
    assert "enrolment" not in theirs.columns


def test_saving_under_a_presets_name_leaves_the_preset_alone(world):
    preset = ImportMapping.objects.get(preset="ru-results")
    columns = {f"col_{key}": f"{header} (другой)" for key, header in RU_RESULTS.columns.items()}
    columns["unknown_schools"] = "error"
    row = ["SCH-C", "2024", "ВПР", "Математика", "5", "25", "11,5"] + [""] * (
        len(RESULTS_HEADER) - 7
    )
    _pending, response = save_mapping(
        world.client("outsider"),
        "results.table",
        csv_bytes(OTHER_RESULTS_HEADER, [row]),
        columns,
        preset.source_name,
    )
    assert response.status_code == 302, response.context["form"].errors
    preset.refresh_from_db()
    assert preset.columns == RU_RESULTS.columns and preset.owner is None
    own = ImportMapping.objects.get(source_name=preset.source_name, owner=world.other_department)
    assert own.preset == "" and own.columns["code"] == "Код ОО (другой)"
    # The preset still reads a file with the shipped headers, for the city as for everyone.
    response = upload(
        world.client("analyst"),
        "results.table",
        csv_bytes(RESULTS_HEADER, [["SCH-A", *row[1:]]]),
        mapping=preset.pk,
    )
    assert response.status_code == 302
    assert ImportUpload.objects.latest("pk").columns == RU_RESULTS.columns
    # And the city does not see the outsider's mapping of the same name.
    labels = mapping_choices(world, "analyst", "results.table")
    assert sum(preset.source_name in label for label in labels) == 1


def test_a_mapping_is_saved_only_for_an_own_organisation(world):
    pending = ImportUpload.objects.create(
        importer="registry.schools",
        original_name="f.csv",
        headers=REGISTRY_HEADER,
        uploaded_by=world.user("coordinator"),
    )
    columns = {"code": "ID", "name": "Наим.", "territory": "Район города"}
    # The methodical centre is in the coordinator's reach, but it is not theirs.
    with pytest.raises(ValidationError) as caught:
        import_upload_set_columns(
            upload=pending,
            columns=columns,
            user=world.user("coordinator"),
            save_as="Чужая",
            owner=world.methodical_centre,
        )
    assert "save_owner" in caught.value.message_dict
    # A director has no import right anywhere: nothing to own a mapping.
    with pytest.raises(ValidationError) as caught:
        import_upload_set_columns(
            upload=pending, columns=columns, user=world.user("director_a"), save_as="Своя"
        )
    assert "save_as" in caught.value.message_dict
    assert not ImportMapping.objects.filter(preset="").exists()


def test_with_two_own_organisations_the_form_asks_whose(world):
    coordinator = world.user("coordinator")
    MembershipFactory(
        person=coordinator.person,
        organization=world.methodical_centre,
        role=Role.ANALYST,
    )
    client = world.client("coordinator")
    response = upload(client, "registry.schools", csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS))
    pending = ImportUpload.objects.latest("pk")
    url = reverse("core:import-columns", args=[pending.pk])
    form = client.get(url).context["form"]
    assert {value for value, _label in form.fields["save_owner"].choices} == {
        world.department.pk,
        world.methodical_centre.pk,
    }
    response = client.post(
        url,
        {**REGISTRY_COLUMNS, "save_as": "Выгрузка ГЦРО", "save_owner": world.methodical_centre.pk},
    )
    assert response.status_code == 302
    assert ImportMapping.objects.get(source_name="Выгрузка ГЦРО").owner == world.methodical_centre


def test_ownerless_saved_mapping_is_seen_by_superusers_only(world):
    legacy = ImportMapping.objects.create(
        importer="registry.schools", source_name="Старая", columns={"code": "ID"}
    )
    for persona in ("coordinator", "regional", "outsider", "analyst"):
        assert not restrict(
            ImportMapping.objects.filter(pk=legacy.pk), world.user(persona)
        ).exists()
    assert restrict(ImportMapping.objects.filter(pk=legacy.pk), world.user("superuser")).exists()


def test_cli_mapping_only_within_reach_and_preset_only_shipped(world, tmp_path, capsys):
    save_registry_mapping(world, "coordinator")
    path = tmp_path / "реестр.csv"
    path.write_bytes(csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS))
    with pytest.raises(CommandError, match="не найдено среди доступных"):
        call_command(
            "import",
            "registry",
            str(path),
            "--mapping",
            "Выгрузка АИС",
            "--user",
            "outsider",
            "--dry-run",
        )
    call_command(
        "import",
        "registry",
        str(path),
        "--mapping",
        "Выгрузка АИС",
        "--user",
        "analyst",
        "--dry-run",
    )
    assert "будет создано: 1" in capsys.readouterr().out
    # A saved mapping named like a preset's slug is not a preset.
    ImportMapping.objects.create(
        importer="registry.schools",
        source_name="ru-results",
        owner=world.other_department,
        columns={"code": "ID"},
    )
    with pytest.raises(CommandError, match="Нет готового сопоставления «Выгрузка АИС»"):
        call_command("import", "registry", str(path), "--preset", "Выгрузка АИС")


def test_cli_mapping_of_the_same_name_prefers_the_users_own(world, tmp_path, capsys):
    save_registry_mapping(world, "coordinator")
    ImportMapping.objects.create(
        importer="registry.schools",
        source_name="Выгрузка АИС",
        owner=world.ministry,
        columns={"code": "Нет такого"},
    )
    path = tmp_path / "реестр.csv"
    path.write_bytes(csv_bytes(REGISTRY_HEADER, REGISTRY_ROWS))
    # The regional coordinator reaches both and takes the ministry's, their own (which
    # does not fit this file).
    with pytest.raises(CommandError, match="Не указан столбец для обязательного поля «Код ОО»"):
        call_command(
            "import",
            "registry",
            str(path),
            "--mapping",
            "Выгрузка АИС",
            "--user",
            "regional",
            "--dry-run",
        )
    # The city's coordinator reaches only the department's.
    call_command(
        "import",
        "registry",
        str(path),
        "--mapping",
        "Выгрузка АИС",
        "--user",
        "coordinator",
        "--dry-run",
    )
    assert "будет создано: 1" in capsys.readouterr().out


def test_presets_are_read_only_in_the_admin(world):
    preset = ImportMapping.objects.get(preset="ru-results")
    client = world.client("superuser")
    change = reverse("admin:core_importmapping_change", args=[preset.pk])
    assert client.post(change, {"source_name": "Моё", "columns": "{}"}).status_code == 403
    delete = reverse("admin:core_importmapping_delete", args=[preset.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:core_importmapping_changelist"),
        {"action": "delete_selected", "_selected_action": [preset.pk], "post": "yes"},
    )
    preset.refresh_from_db()
    assert preset.source_name == RU_RESULTS.title and preset.columns == RU_RESULTS.columns


def test_migrate_puts_a_tampered_preset_back(world):
    ImportMapping.objects.filter(preset="ru-results").update(columns={"code": "Чужой"})
    call_command("migrate", verbosity=0)
    assert ImportMapping.objects.get(preset="ru-results").columns == RU_RESULTS.columns


def test_data_migration_gives_old_mappings_their_authors_organisation(world):
    migration = importlib.import_module("opora.core.migrations.0006_importmapping_owner_data")
    by_coordinator = ImportMapping.objects.create(
        importer="registry.schools",
        source_name="АИС",
        columns={},
        created_by=world.user("coordinator"),
    )
    by_director = ImportMapping.objects.create(
        importer="registry.schools",
        source_name="Директорская",
        columns={},
        created_by=world.user("director_a"),
    )
    anonymous = ImportMapping.objects.create(
        importer="registry.schools", source_name="Ничья", columns={}
    )
    migration.assign_owners(apps, None)
    for mapping in (by_coordinator, by_director, anonymous):
        mapping.refresh_from_db()
    assert by_coordinator.owner == world.department
    assert by_director.owner is None and anonymous.owner is None
    assert ImportMapping.objects.get(preset="ru-results").owner is None
