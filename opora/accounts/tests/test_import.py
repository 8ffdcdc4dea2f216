"""`accounts.people`: staff from a file. Every bad row is reported, nothing is saved unless all
rows are good, rights are checked row by row, letters leave on commit (or not at all)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.choices import ImportStatus, Role
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import Table
from opora.core.imports.services import run_import_now
from opora.core.models import ImportUpload, Job
from opora.registry.models import Membership, Person

pytestmark = pytest.mark.django_db

HEADER = ["ФИО", "Эл. почта", "Телефон", "Код организации", "Роль", "Должность"]
GOOD = [
    ["Смирнова Ольга Ивановна", "smirnova@school-a.ru", "+7 900 1", "SCH-A", "учитель", ""],
    ["Ковалёв Пётр", "kovalev@school-a.ru", "", "SCH-A", "Сотрудник школы", "завуч"],
    ["Смирнова Ольга Ивановна", "Smirnova@School-A.ru", "", "SCH-A", "сотрудник", ""],
]


def run(user: Any, rows: list[list[str]], header: list[str] = HEADER, **defaults: str) -> Any:
    return run_import_now(
        importer_key="accounts.people",
        table=Table(headers=header, rows=rows),
        columns=None,
        user=user,
        options=ImportOptions(defaults=defaults),
    )


def test_good_file_creates_people_roles_and_one_letter_each(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        validation = run(world.user("director_a"), GOOD)
    assert validation.is_valid, [str(e) for e in validation.errors]
    assert (validation.created, validation.updated) == (2, 1)
    smirnova = Person.objects.get(email="smirnova@school-a.ru")
    assert (smirnova.last_name, smirnova.first_name, smirnova.middle_name) == (
        "Смирнова",
        "Ольга",
        "Ивановна",
    )
    assert set(smirnova.memberships.values_list("role", flat=True)) == {
        Role.TEACHER,
        Role.SCHOOL_STAFF,
    }
    assert Membership.objects.get(person__email="kovalev@school-a.ru").position == "завуч"
    assert sorted(m.to[0] for m in mail.outbox) == ["kovalev@school-a.ru", "smirnova@school-a.ru"]
    # The same file again changes nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = run(world.user("director_a"), GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert mail.outbox == [] and Person.objects.filter(email__icontains="smirnova").count() == 1


def test_letters_can_be_left_unsent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        validation = run(world.user("coordinator"), GOOD[:2], invite="нет")
    assert validation.is_valid
    assert mail.outbox == []
    user = User.objects.get(username="kovalev@school-a.ru")
    assert not user.has_usable_password()


def test_bad_rows_are_all_reported_and_nothing_is_saved(world):
    rows = [
        GOOD[0],
        ["Петров", "petrov@school-a.ru", "", "SCH-A", "учитель", ""],  # no first name
        ["Иванов Иван", "not-an-address", "", "SCH-A", "учитель", ""],
        ["Сидоров Сидор", "sidorov@school-a.ru", "", "NO-SUCH", "учитель", ""],
        ["Чужой Человек", "c@school-c.ru", "", "SCH-C", "учитель", ""],  # other city
        ["Директоров Д", "d@school-a.ru", "", "SCH-A", "директор школы", ""],  # beyond a director
        ["Завучев З", "z@school-a.ru", "", "SCH-A", "волшебник", ""],
        ["Смирнова Ольга Ивановна", "smirnova@school-a.ru", "", "SCH-A", "учитель", ""],  # repeat
        ["Другая Ольга", "smirnova@school-a.ru", "", "SCH-A", "сотрудник школы", ""],
        ["Без Почты", "", "", "SCH-A", "учитель", ""],
    ]
    people_before, users_before = Person.objects.count(), User.objects.count()
    validation = run(world.user("director_a"), rows)
    messages = [str(e) for e in validation.errors]
    expected = [
        ("Строка 3", "ФИО", "фамилия и имя"),
        ("Строка 4", "Эл. почта", "не адрес"),
        ("Строка 5", "Код организации", "«NO-SUCH» не найдена"),
        ("Строка 6", "Код организации", "«SCH-C» не найдена"),
        ("Строка 7", "Роль", "вы назначать не можете"),
        ("Строка 8", "Роль", "неизвестная роль «волшебник»"),
        ("Строка 9", "Эл. почта", "уже есть в строке 2"),
        ("Строка 10", "Эл. почта", "уже указан в строке 2"),
        ("Строка 11", "Эл. почта", "не указана"),
    ]
    for row, column, text in expected:
        assert any(
            m.startswith(row + ",") and f"«{column}»" in m and text in m for m in messages
        ), (row, text, messages)
    assert len(messages) == len(expected)
    # The missing and the out-of-reach organisation read the same: the file reveals nothing.
    assert not validation.records
    assert (Person.objects.count(), User.objects.count()) == (people_before, users_before)


def test_address_of_a_stranger_is_refused_unless_the_name_matches(world):
    from opora.registry.tests.factories import MembershipFactory, PersonFactory

    stranger = PersonFactory(last_name="Чужая", first_name="Вера", email="vera@school-c.ru")
    MembershipFactory(person=stranger, organization=world.school_c, role=Role.TEACHER)
    wrong = run(
        world.user("director_a"), [["Иванова Анна", "vera@school-c.ru", "", "SCH-A", "учитель", ""]]
    )
    assert "у другого человека" in str(wrong.errors[0]) and "Чужая" not in str(wrong.errors[0])
    right = run(
        world.user("director_a"), [["Чужая Вера", "vera@school-c.ru", "", "SCH-A", "учитель", ""]]
    )
    assert right.is_valid and right.updated == 1
    assert stranger.memberships.filter(organization=world.school_a).exists()


def test_role_must_fit_the_organisation(world):
    validation = run(
        world.user("coordinator"),
        [["Котов Олег", "kotov@do.ru", "", world.department.code, "учитель", ""]],
    )
    assert "не подходит" in str(validation.errors[0])


@pytest.mark.parametrize(
    ("persona", "offered"),
    [("coordinator", True), ("director_a", True), ("analyst", False), ("teacher", False)],
)
def test_importer_offered_only_to_those_who_manage(world, persona, offered):
    response = world.client(persona).get(reverse("core:import", args=["accounts.people"]))
    assert response.status_code == (200 if offered else 404)


def test_template_has_the_columns(world):
    response = world.client("coordinator").get(
        reverse("core:import-template", args=["accounts.people"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:1] == ["ФИО"] and "Код организации" in headers and "Роль" in headers


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("сотрудники.csv", out.getvalue().encode("cp1251"))


def test_through_the_wizard_letters_after_the_job_commits(
    world, django_capture_on_commit_callbacks
):
    client = world.client("coordinator")
    response = client.post(
        reverse("core:import", args=["accounts.people"]), {"file": csv_file(GOOD[:2])}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = ImportUpload.objects.latest("pk")
    assert upload.columns["full_name"] == "ФИО" and upload.columns["role"] == "Роль"
    data = {f"col_{k}": v for k, v in upload.columns.items()}
    data["default_invite"] = "да"
    response = client.post(reverse("core:import-columns", args=[upload.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(reverse("core:import-preview", args=[upload.pk]))
    assert preview.context["preview"].validation.is_valid
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE, Job.objects.latest("pk").error
    assert len(mail.outbox) == 2
    person = Person.objects.get(email="kovalev@school-a.ru")
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(person).get().actor == world.user("coordinator")


def test_wizard_shows_every_bad_row_and_saves_nothing(world):
    client = world.client("director_a")
    rows = [GOOD[0], ["Чужой Человек", "c@school-b.ru", "", "SCH-B", "учитель", ""]]
    client.post(reverse("core:import", args=["accounts.people"]), {"file": csv_file(rows)})
    upload = ImportUpload.objects.latest("pk")
    data = {f"col_{k}": v for k, v in upload.columns.items()}
    client.post(reverse("core:import-columns", args=[upload.pk]), data)
    preview = client.get(reverse("core:import-preview", args=[upload.pk]))
    html = preview.content.decode()
    assert "Строка 3" in html and "«SCH-B» не найдена" in html
    response = client.post(reverse("core:import-preview", args=[upload.pk]))
    assert response.status_code == 200
    assert not Person.objects.filter(email="smirnova@school-a.ru").exists()
