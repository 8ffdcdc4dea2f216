"""The three staff imports: the registry, teacher-level results, school aggregates. Every bad
row is reported, nothing is saved unless all rows are good, re-imports never duplicate."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core.choices import ImportStatus
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import Table
from opora.core.imports.services import run_import_now
from opora.core.models import ImportUpload, Job
from opora.staff.choices import AgeBand, Category, CompetencyArea
from opora.staff.models import Diagnostic, DiagnosticAggregate, DiagnosticScore, Teacher
from opora.staff.tests.conftest import Staff

pytestmark = pytest.mark.django_db

REGISTRY_HEADER = ["Код ОО", "ФИО", "Предметы", "Возраст", "Категория", "Стаж", "Год курсов"]
REGISTRY_ROWS = [
    ["SCH-A", "Смирнова Ольга Ивановна", "Математика, Физика", "31", "высшая", "9", "2024"],
    ["SCH-A", "Ковалёв Пётр Андреевич", "русский язык; Технология", "55 и старше", "", "32", ""],
    ["SCH-B", "Лебедева Анна Сергеевна", "История", "25–29 лет", "первая", "4", "2022"],
]


def table(header: list[str], rows: list[list[str]]) -> Table:
    return Table(headers=header, rows=rows)


def run(key: str, user: Any, header: list[str], rows: list[list[str]], **defaults: str) -> Any:
    return run_import_now(
        importer_key=key,
        table=table(header, rows),
        columns=None,
        user=user,
        options=ImportOptions(defaults=defaults),
    )


def messages(validation: Any) -> list[str]:
    return [str(e) for e in validation.errors]


def test_registry_import_creates_updates_and_reimports_unchanged(staff: Staff) -> None:
    analyst = staff.world.user("analyst")
    first = run("staff.teachers", analyst, REGISTRY_HEADER, REGISTRY_ROWS)
    assert first.is_valid, messages(first)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    olga = Teacher.objects.get(last_name="Смирнова")
    assert olga.age_band == AgeBand.FROM_30 and olga.category == Category.HIGHEST
    assert sorted(olga.subjects.values_list("code", flat=True)) == ["math", "phys"]
    assert olga.experience_years == 9 and olga.last_course_year == 2024
    petr = Teacher.objects.get(last_name="Ковалёв")
    assert petr.age_band == AgeBand.FROM_55 and petr.category == Category.NONE
    assert petr.subjects_other == "Технология"  # not in the catalogue: kept as text
    again = run("staff.teachers", analyst, REGISTRY_HEADER, REGISTRY_ROWS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = [list(r) for r in REGISTRY_ROWS]
    changed[0][4] = "первая"
    # Another spelling of the same name («ё», case) is the same teacher.
    changed[1][1] = "КОВАЛЕВ пётр андреевич"
    third = run("staff.teachers", analyst, REGISTRY_HEADER, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 2, 1)
    assert Teacher.objects.filter(school__code__in=["SCH-A", "SCH-B"]).count() == 3 + 6
    # A short file (name and age only) updates the age and leaves everything else alone.
    short = run(
        "staff.teachers",
        analyst,
        ["Код ОО", "ФИО", "Возраст"],
        [["SCH-A", "Смирнова Ольга Ивановна", "36"]],
    )
    assert (short.updated, short.created) == (1, 0)
    olga.refresh_from_db()
    assert olga.age_band == AgeBand.FROM_35 and olga.category == Category.FIRST
    assert olga.experience_years == 9 and olga.last_course_year == 2024
    assert sorted(olga.subjects.values_list("code", flat=True)) == ["math", "phys"]


def test_registry_import_links_the_teacher_account(staff: Staff) -> None:
    """A new record named like a person holding a role in the school gets linked to them."""
    person = staff.world.user("staff_a").person
    Teacher.objects.filter(person=staff.world.user("teacher").person).delete()
    row = ["SCH-A", f"{person.last_name} {person.first_name} {person.middle_name}", "", "40"]
    result = run("staff.teachers", staff.world.user("director_a"), REGISTRY_HEADER[:4], [row])
    assert result.is_valid, messages(result)
    assert Teacher.objects.get(last_name=person.last_name).person == person


def test_registry_import_reports_every_bad_row_and_saves_nothing(staff: Staff) -> None:
    rows = [
        ["SCH-A", "Годная Анна Ивановна", "", "30", "первая", "5", "2023"],
        ["NOPE", "Иванов Иван", "", "30", "", "", ""],
        ["SCH-A", "Одинокий", "", "30", "", "", ""],
        ["SCH-A", "Петров Пётр", "", "сорок", "вторая", "100", "1900"],
        ["SCH-A", "Годная Анна Ивановна", "", "30", "", "", ""],
    ]
    before = Teacher.objects.count()
    result = run("staff.teachers", staff.world.user("analyst"), REGISTRY_HEADER, rows)
    text = "\n".join(messages(result))
    assert "Строка 3" in text and "школы с кодом «NOPE» нет в реестре" in text
    assert "Строка 4" in text and "укажите фамилию и имя" in text
    assert "возраст «сорок» не распознан" in text
    assert "категория «вторая» не распознана" in text
    assert "«100» — не целое число от 0 до 70" in text
    assert "«1900» — не целое число от 1980" in text
    assert "Строка 6" in text and "уже был в строке 2" in text
    assert Teacher.objects.count() == before


def test_registry_import_refuses_schools_out_of_reach(staff: Staff) -> None:
    rows = [["SCH-B", "Чужая Мария Ивановна", "", "30"]]
    result = run("staff.teachers", staff.world.user("director_a"), REGISTRY_HEADER[:4], rows)
    assert "вне вашей зоны ответственности" in messages(result)[0]
    assert not run_import_allowed("staff.teachers", "coordinator", staff)
    assert not run_import_allowed("staff.teachers", "staff_a", staff)
    assert run_import_allowed("staff.teachers", "director_a", staff)


def run_import_allowed(key: str, persona: str, staff: Staff) -> bool:
    from opora.core.imports.base import get_importer

    return get_importer(key).may_import(staff.world.user(persona))


LONG_HEADER = ["Код ОО", "ФИО педагога", "Предмет", "Область компетенций", "Результат, %"]


def test_diagnostics_long_layout_and_reimport_upserts(staff: Staff) -> None:
    a = staff.a
    rows = [
        ["SCH-A", a[2].full_name, "математика", "предметная", "35"],
        ["SCH-A", a[2].full_name, "", "психолого-педагогическая", "75,5"],
        ["SCH-A", a[3].full_name.upper(), "", "методическая", "48 %"],
    ]
    defaults = {"diagnostic": "Самодиагностика 2025", "held_on": "20.10.2025", "threshold": "60"}
    analyst = staff.world.user("analyst")
    first = run("staff.diagnostics", analyst, LONG_HEADER, rows, **defaults)
    assert first.is_valid, messages(first)
    assert first.created == 3
    diagnostic = Diagnostic.objects.get(title="Самодиагностика 2025")
    assert diagnostic.threshold == 60 and diagnostic.start_year == 2025
    assert diagnostic.organizer == staff.world.methodical_centre
    scores = DiagnosticScore.objects.filter(diagnostic=diagnostic)
    assert scores.count() == 3
    assert scores.get(teacher=a[2], area=CompetencyArea.PSYCHOLOGICAL).score == 75.5
    assert scores.get(teacher=a[2], area=CompetencyArea.SUBJECT).subject == staff.math
    # The same file again changes nothing; a corrected score updates in place.
    again = run("staff.diagnostics", analyst, LONG_HEADER, rows, **defaults)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    rows[0][4] = "52"
    third = run("staff.diagnostics", analyst, LONG_HEADER, rows, **defaults)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert scores.count() == 3
    assert scores.get(teacher=a[2], area=CompetencyArea.SUBJECT).score == 52
    assert Diagnostic.objects.filter(title="Самодиагностика 2025").count() == 1
    # A new threshold for the same diagnostic is applied and announced.
    fourth = run("staff.diagnostics", analyst, LONG_HEADER, rows, **{**defaults, "threshold": "55"})
    assert any("60.0 % → 55.0 %" in note for note in fourth.notes), fourth.notes
    diagnostic.refresh_from_db()
    assert diagnostic.threshold == 55


def test_diagnostics_wide_layout_one_column_per_area(staff: Staff) -> None:
    header = [
        "Диагностика",
        "Дата",
        "Код ОО",
        "ФИО",
        "Предмет",
        "Предметная",
        "Методическая",
        "Психолого-педагогическая",
    ]
    rows = [
        [
            "Диагностика ИРО",
            "2025-03-01",
            "SCH-B",
            staff.b[0].full_name,
            "Математика",
            "40",
            "55",
            "",
        ],
        [
            "Диагностика ИРО",
            "2025-03-01",
            "SCH-B",
            staff.b[1].full_name,
            "Математика",
            "81",
            "",
            "66",
        ],
    ]
    result = run("staff.diagnostics", staff.world.user("analyst"), header, rows)
    assert result.is_valid, messages(result)
    assert result.created == 4
    diagnostic = Diagnostic.objects.get(title="Диагностика ИРО")
    assert diagnostic.threshold == 50 and diagnostic.start_year == 2024
    assert set(
        DiagnosticScore.objects.filter(diagnostic=diagnostic, teacher=staff.b[1]).values_list(
            "area", "score"
        )
    ) == {("subject", 81.0), ("psychological", 66.0)}


def test_diagnostics_bad_input_all_or_nothing(staff: Staff) -> None:
    a = staff.a
    rows = [
        ["SCH-A", a[1].full_name, "", "методическая", "70"],  # good
        ["SCH-A", "Неизвестная Мария Петровна", "", "методическая", "70"],
        ["SCH-A", a[1].full_name, "", "предметная", "120"],
        ["SCH-A", a[1].full_name, "", "управленческо-космическая", "50"],
        ["SCH-A", a[1].full_name, "астрология", "предметная", "50"],
        ["SCH-X", a[1].full_name, "", "методическая", "50"],
        ["SCH-A", a[1].full_name, "", "методическая", "71"],  # same as row 2
    ]
    before = DiagnosticScore.objects.count()
    result = run(
        "staff.diagnostics",
        staff.world.user("analyst"),
        LONG_HEADER,
        rows,
        diagnostic="Проверка",
        held_on="01.10.2025",
    )
    text = messages(result)
    assert any(
        m.startswith("Строка 3")
        and "учитель «Неизвестная Мария Петровна» не найден в реестре школы «СОШ № 1»" in m
        for m in text
    ), text
    assert any(
        m.startswith("Строка 4") and "результат 120 вне диапазона 0–100 %" in m for m in text
    )
    assert any(m.startswith("Строка 5") and "неизвестная область «управленческо" in m for m in text)
    assert any(m.startswith("Строка 6") and "предмет «астрология» не найден" in m for m in text)
    assert any(
        m.startswith("Строка 7") and "школы с кодом «SCH-X» нет в реестре" in m for m in text
    )
    assert any(m.startswith("Строка 8") and "уже был в строке 2" in m for m in text)
    assert len(text) == 6
    assert DiagnosticScore.objects.count() == before
    assert not Diagnostic.objects.filter(title="Проверка").exists()


def test_diagnostics_need_teacher_level_rights(staff: Staff) -> None:
    assert run_import_allowed("staff.diagnostics", "analyst", staff)
    assert run_import_allowed("staff.diagnostics", "director_a", staff)
    for persona in ("coordinator", "curator", "staff_a", "teacher", "council"):
        assert not run_import_allowed("staff.diagnostics", persona, staff), persona
    rows = [["SCH-B", staff.b[0].full_name, "", "методическая", "70"]]
    result = run(
        "staff.diagnostics",
        staff.world.user("director_a"),
        LONG_HEADER,
        rows,
        diagnostic="Д",
        held_on="01.10.2025",
    )
    assert "вне вашей зоны ответственности" in messages(result)[0]


AGG_HEADER = [
    "Код ОО",
    "Предмет",
    "Область компетенций",
    "Прошли диагностику",
    "Средний результат, %",
    "Доля с дефицитом, %",
]


def test_aggregate_import_and_map(staff: Staff) -> None:
    coordinator = staff.world.user("coordinator")
    rows = [
        ["SCH-B", "", "методическая", "12", "58,5", "25"],
        ["SCH-B", "Математика", "предметная", "2", "40", "50"],
    ]
    defaults = {"diagnostic": "Региональная диагностика", "held_on": "15.11.2024"}
    result = run("staff.diagnostics_aggregate", coordinator, AGG_HEADER, rows, **defaults)
    assert result.is_valid, messages(result)
    assert result.created == 2
    again = run("staff.diagnostics_aggregate", coordinator, AGG_HEADER, rows, **defaults)
    assert (again.created, again.unchanged) == (0, 2)
    rows[0][5] = "30"
    third = run("staff.diagnostics_aggregate", coordinator, AGG_HEADER, rows, **defaults)
    assert third.updated == 1
    assert DiagnosticAggregate.objects.count() == 2
    diagnostic = Diagnostic.objects.get(title="Региональная диагностика")
    url = reverse("staff:map") + f"?diagnostic={diagnostic.pk}&school={staff.world.school_b.pk}"
    page = staff.world.client("coordinator").get(url)
    school_map = page.context["school_map"]
    assert school_map.from_aggregates
    cells = {c.area: cell for c, cell in zip(school_map.columns, school_map.cells, strict=True)}
    assert cells["methodical"].deficit_share == 30 and cells["methodical"].tested == 12
    assert cells["subject"].suppressed  # two teachers


def test_aggregate_import_bad_rows(staff: Staff) -> None:
    rows = [
        ["SCH-Z", "", "методическая", "12", "58", "25"],
        ["SCH-B", "", "космическая", "12", "58", "25"],
        ["SCH-B", "", "методическая", "0", "58", "25"],
        ["SCH-B", "", "предметная", "10", "158", ""],
        ["SCH-C", "", "методическая", "10", "50", "10"],  # another city
    ]
    result = run(
        "staff.diagnostics_aggregate",
        staff.world.user("coordinator"),
        AGG_HEADER,
        rows,
        diagnostic="Д",
        held_on="15.11.2024",
    )
    text = "\n".join(messages(result))
    assert "школы с кодом «SCH-Z» нет в реестре" in text
    assert "неизвестная область «космическая»" in text
    assert "«0» — не целое число от 1" in text
    assert "средний результат 158 вне диапазона 0–100 %" in text
    assert "вне вашей зоны ответственности" in text
    assert not DiagnosticAggregate.objects.exists()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_diagnostics_through_the_wizard(
    staff: Staff, django_capture_on_commit_callbacks: Any
) -> None:
    """Upload → guessed columns + values for the whole file → preview → saved by the job."""
    client = staff.world.client("analyst")
    rows = [["SCH-A", staff.a[1].full_name, "", "методическая", "44"]]
    response = client.post(
        reverse("core:import", args=["staff.diagnostics"]),
        {"file": SimpleUploadedFile("диагностика.csv", csv_bytes(LONG_HEADER, rows))},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    upload = ImportUpload.objects.latest("pk")
    assert upload.columns["teacher"] == "ФИО педагога" and upload.columns["score"] == "Результат, %"
    data = {f"col_{k}": v for k, v in upload.columns.items()}
    data.update(default_diagnostic="Мастер-диагностика", default_held_on="05.10.2025")
    response = client.post(reverse("core:import-columns", args=[upload.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(reverse("core:import-preview", args=[upload.pk]))
    assert preview.context["preview"].validation.is_valid
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE, Job.objects.latest("pk").error
    score = DiagnosticScore.objects.get(diagnostic__title="Мастер-диагностика")
    assert score.teacher == staff.a[1] and score.score == 44
