"""Imports of results and context: the happy path, every kind of bad input, all-or-nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from opora.core.imports.base import ImportOptions, UnknownSchools
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.registry.models import AcademicYear, Organization
from opora.results.imports import parse_year
from opora.results.models import ContextValue, SchoolResult, StudentResult

HEADER = [
    "Код ОО",
    "Год",
    "Оценочная процедура",
    "Предмет",
    "Класс",
    "Число участников",
    "Средний балл",
    "Доля «2», %",
    "Доля «4» и «5», %",
    "Понизили отметку, %",
    "Повысили отметку, %",
    "Подтвердили отметку, %",
]


def table(rows: list[list[str]], header: list[str] | None = None, name: str = "r.csv"):
    lines = [";".join(header or HEADER)] + [";".join(r) for r in rows]
    return read_table(io.BytesIO(("\n".join(lines) + "\n").encode()), name)


def run(rows, *, user, header=None, options=None, importer="results.table", dry_run=False):
    return run_import_now(
        importer_key=importer,
        table=table(rows, header),
        columns=None,
        user=user,
        options=options,
        dry_run=dry_run,
    )


@pytest.fixture
def years(db):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])


GOOD = [
    ["SCH-A", "2024", "ВПР", "Математика", "5", "25", "11,5", "32", "40", "20", "5", "75"],
    ["SCH-A", "2023/24", "ВПР", "Русский язык", "5", "25", "12", "10", "55", "", "", ""],
    ["SCH-B", "2024", "огэ", "математика", "9", "30", "15", "", "60", "", "", ""],
]


def test_results_table_import_and_reimport(world, years):
    analyst = world.user("analyst")
    validation = run(GOOD, user=analyst)
    assert validation.errors == []
    assert validation.created == 3
    result = SchoolResult.objects.get(school=world.school_a, subject__code="math")
    assert (result.year, result.grade, result.participants) == (2024, 5, 25)
    assert result.mean_score == 11.5 and result.share_fail == 32 and result.share_lower == 20
    # «2023/24» is the academic year: results of spring 2024.
    assert SchoolResult.objects.filter(school=world.school_a, year=2024).count() == 2
    again = run(GOOD, user=analyst)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = [[*GOOD[0][:6], "12", *GOOD[0][7:]]]
    assert run(changed, user=analyst).updated == 1


def test_bad_input_reported_by_row_and_column_nothing_saved(world, years):
    rows = [
        GOOD[0],
        ["SCH-A", "2024", "ВПР", "Математика", "6", "абв", "11", "20", "40", "", "", ""],
        ["SCH-A", "2024", "ВПР", "Математика", "7", "20", "11", "140", "40", "", "", ""],
        ["SCH-A", "2024", "ВПР", "Математика", "8", "0", "11", "20", "40", "", "", ""],
        ["UNKNOWN", "2024", "ВПР", "Математика", "5", "20", "11", "20", "40", "", "", ""],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "25", "11,5", "32", "40", "", "", ""],
        ["SCH-A", "2031", "ВПР", "Математика", "4", "25", "11", "32", "40", "", "", ""],
        ["SCH-A", "2019", "ВПР", "Математика", "4", "25", "11", "32", "40", "", "", ""],
        ["SCH-A", "2024", "ПИЗА", "Математика", "4", "25", "11", "32", "40", "", "", ""],
        ["SCH-A", "2024", "ВПР", "Математика", "4", "25", "11", "32", "40", "60", "30", "30"],
    ]
    validation = run(rows, user=world.user("analyst"))
    messages = [str(e) for e in validation.errors]
    expected = [
        "Строка 3, столбец «Число участников»: «абв» — не число",
        "Строка 4, столбец «Доля «2», %»: доля 140 % больше 100 %",
        "Строка 5, столбец «Число участников»: участников 0",
        "Строка 6, столбец «Код ОО»: школы с кодом «UNKNOWN» нет в реестре",
        "Строка 7, столбец «Код ОО»: та же школа, год и показатель уже были в строке 2",
        "Строка 8, столбец «Год»: год 2031 вне допустимого диапазона",
        "Строка 9, столбец «Год»: год 2019 вне учебных лет реестра (2022/23 – 2024/25)",
        "Строка 10, столбец «Оценочная процедура»: оценочная процедура «ПИЗА» не найдена",
        "Строка 11, столбец «Подтвердили отметку, %»: подтвердили, понизили и повысили",
    ]
    for text in expected:
        assert any(m.startswith(text) for m in messages), (text, messages)
    assert not SchoolResult.objects.exists()


def test_missing_required_column_is_refused(world, years):
    with pytest.raises(ValidationError, match="Оценочная процедура"):
        run(
            [["SCH-A", "2024", "Математика"]],
            user=world.user("analyst"),
            header=["Код ОО", "Год", "Предмет"],
        )


def test_whole_file_values_fill_missing_columns(world, years):
    header = ["Код ОО", "Предмет", "Число участников", "Средний балл"]
    options = ImportOptions(defaults={"year": "2024", "assessment": "ЕГЭ", "grade": "11"})
    validation = run(
        [["SCH-A", "Русский язык", "20", "71,5"]],
        user=world.user("analyst"),
        header=header,
        options=options,
    )
    assert validation.errors == []
    assert SchoolResult.objects.get().assessment.code == "ege"


def test_unknown_schools_skip_or_create(world, years):
    rows = [
        GOOD[0],
        ["NEW-1", "2024", "ВПР", "Математика", "5", "20", "11", "20", "40", "", "", ""],
    ]
    skipped = run(
        rows, user=world.user("analyst"), options=ImportOptions(unknown_schools=UnknownSchools.SKIP)
    )
    assert skipped.errors == [] and skipped.skipped == 1
    assert "NEW-1 (строка 3)" in skipped.notes[0]
    assert SchoolResult.objects.count() == 1
    # Creating needs a name; the analyst's reach (Город N) is where new schools go.
    no_name = run(
        rows,
        user=world.user("analyst"),
        options=ImportOptions(unknown_schools=UnknownSchools.CREATE),
    )
    assert "нужно наименование" in str(no_name.errors[0])
    named = [[*r[:1], "Школа № 1", *r[1:]] for r in rows]
    created = run(
        named,
        user=world.user("analyst"),
        header=[HEADER[0], "Наименование ОО", *HEADER[1:]],
        options=ImportOptions(unknown_schools=UnknownSchools.CREATE),
    )
    assert created.errors == []
    school = Organization.objects.get(code="NEW-1")
    assert school.territory == world.city and school.school.school_type
    assert SchoolResult.objects.filter(school=school).count() == 1


def test_school_out_of_reach_is_an_error(world, years):
    validation = run(
        [["SCH-C", "2024", "ВПР", "Математика", "5", "20", "11", "20", "40", "", "", ""]],
        user=world.user("analyst"),
    )
    assert "вне вашей зоны ответственности" in str(validation.errors[0])


def test_year_formats():
    assert parse_year("2024") == 2024
    assert parse_year("2023/24") == 2024
    assert parse_year("2015-2016") == 2016
    assert parse_year("2024.0") == 2024


STUDENT_HEADER = [
    "Код ОО",
    "Год",
    "Оценочная процедура",
    "Предмет",
    "Класс",
    "Код участника",
    "Первичный балл",
    "Отметка",
    "Отметка по журналу",
]


@pytest.mark.parametrize("keep", [False, True])
def test_student_rows_are_aggregated(world, years, keep):
    rows = [
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s1", "10", "2", "3"],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s2", "15", "4", "4"],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s3", "18", "5", "4"],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s4", "12", "3", "5"],
    ]
    with override_settings(OPORA_KEEP_STUDENT_ROWS=keep):
        validation = run(
            rows, user=world.user("analyst"), header=STUDENT_HEADER, importer="results.students"
        )
    assert validation.errors == []
    result = SchoolResult.objects.get()
    assert result.participants == 4 and result.mean_score == 13.75
    assert (result.share_fail, result.share_good) == (25.0, 50.0)
    assert (result.share_confirm, result.share_lower, result.share_raise) == (25.0, 50.0, 25.0)
    assert StudentResult.objects.count() == (4 if keep else 0)
    if keep:
        assert not StudentResult.objects.filter(student_key="s1").exists()


def test_student_rows_bad_marks_and_duplicates(world, years):
    rows = [
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s1", "10", "6", "3"],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s2", "10", "3", "3"],
        ["SCH-A", "2024", "ВПР", "Математика", "5", "s2", "11", "3", "3"],
    ]
    validation = run(
        rows, user=world.user("analyst"), header=STUDENT_HEADER, importer="results.students"
    )
    messages = [str(e) for e in validation.errors]
    assert any("Строка 2, столбец «Отметка»: отметка 6 не от 2 до 5" in m for m in messages)
    assert any(m.startswith("Строка 4, столбец «Код участника»") for m in messages)
    assert not SchoolResult.objects.exists()


def test_context_table(world, years):
    header = ["Код ОО", "Год", "Доля обучающихся из малоимущих семей", "Доля обучающихся с ОВЗ"]
    good = run(
        [["SCH-A", "2024", "12,5", ""], ["SCH-B", "2024", "30", "8"]],
        user=world.user("analyst"),
        header=header,
        importer="results.context",
    )
    assert good.errors == [] and good.created == 3
    # A blank cell is no value, not zero.
    assert ContextValue.objects.filter(school=world.school_a).count() == 1
    bad = run(
        [["SCH-A", "2024", "120", "x"], ["SCH-B", "2024", "1", "1"], ["SCH-B", "2024", "2", "2"]],
        user=world.user("analyst"),
        header=header,
        importer="results.context",
    )
    messages = [str(e) for e in bad.errors]
    assert "значение 120 вне допустимого диапазона 0–100" in messages[0]
    assert "«x» — не число" in messages[1]
    assert messages[2].startswith("Строка 4, столбец «Код ОО»") and "в строке 3" in messages[2]
    assert ContextValue.objects.count() == 3


def test_who_may_import(world):
    from opora.core.imports.base import get_importer

    importer = get_importer("results.table")
    assert importer.may_import(world.user("analyst"))
    assert not importer.may_import(world.user("director_a"))
    assert not importer.may_import(world.user("curator"))


def test_template_file_is_recognised_by_the_wizard(world, years):
    from openpyxl import load_workbook

    response = world.client("analyst").get("/imports/results.table/template.xlsx")
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert headers[:2] == ["Код ОО", "Наименование ОО"] and "Доля «2», %" in headers
    assert world.client("director_a").get("/imports/results.table/template.xlsx").status_code == 404


def test_the_ru_context_preset_reads_a_real_looking_file(world, years, tmp_path, capsys):
    """The preset's keys carry the importer's «indicator:» prefix; without it every file
    was refused («не выбран ни один столбец с показателем»)."""
    from django.core.management import call_command

    from opora.core.models import ImportMapping

    preset = ImportMapping.objects.get(preset="ru-context")
    assert all(
        key.startswith("indicator:")
        for key in preset.columns
        if key not in {"code", "name", "year"}
    )
    header = [
        "Код ОО",
        "Наименование ОО",
        "Год",
        "Доля обучающихся из малоимущих семей",
        "Доля обучающихся с ОВЗ",
        "Доля обучающихся во вторую смену",
    ]
    path = tmp_path / "контекст.csv"
    path.write_bytes(
        (
            ";".join(header)
            + "\r\nSCH-A;Школа А;2024;12,5;3;0\r\nSCH-B;Школа Б;2023/24;30;8,2;15\r\n"
        ).encode("cp1251")
    )
    call_command("import", "context", "--preset", "ru-context", str(path), "--user", "analyst")
    assert "Значения показателей контекста — создано: 6" in capsys.readouterr().out
    value = ContextValue.objects.get(school=world.school_b, indicator__code="low-income")
    assert (value.year, value.value) == (2024, 30)


def test_impossible_figures_are_refused_not_aggregated(world, years):
    rows = [
        ["SCH-A", "2024", "ЕГЭ", "Математика", "11", "20", "-5", "", "", "", "", ""],
        ["SCH-A", "2024", "ЕГЭ", "Русский язык", "11", "20", "104", "", "", "", "", ""],
        ["SCH-B", "2024", "ВПР", "Математика", "5", "-3", "12", "", "", "", "", ""],
        ["SCH-B", "2024", "ВПР", "Русский язык", "5", "20", "12", "60", "55", "", "", ""],
        ["SCH-B", "2024", "ВПР", "Физика", "5", "20", "12", "101", "", "", "", ""],
    ]
    validation = run(rows, user=world.user("analyst"))
    messages = [str(e) for e in validation.errors]
    assert "Строка 2, столбец «Средний балл»: балл -5 меньше нуля" in messages
    assert (
        "Строка 3, столбец «Средний балл»: балл 104 больше наибольшего балла работы (100)"
        in messages
    )
    assert any(
        m.startswith("Строка 4, столбец «Число участников»") and "неотрицательное" in m
        for m in messages
    )
    assert any(
        m.startswith("Строка 5, столбец «Доля «4» и «5», %»") and "в сумме больше 100" in m
        for m in messages
    )
    assert any(m.startswith("Строка 6") and "больше 100" in m for m in messages)
    assert not SchoolResult.objects.exists()


def test_impossible_student_scores_are_refused_not_averaged(world, years):
    rows = [
        ["SCH-A", "2024", "ЕГЭ", "Математика", "11", "s1", "-3", "", ""],
        ["SCH-A", "2024", "ЕГЭ", "Математика", "11", "s2", "120", "", ""],
        ["SCH-A", "2024", "ЕГЭ", "Математика", "11", "s3", "70", "", ""],
    ]
    validation = run(
        rows, user=world.user("analyst"), header=STUDENT_HEADER, importer="results.students"
    )
    messages = [str(e) for e in validation.errors]
    assert messages == [
        "Строка 2, столбец «Первичный балл»: балл -3 меньше нуля",
        "Строка 3, столбец «Первичный балл»: балл 120 больше наибольшего балла работы (100)",
    ]
    assert not SchoolResult.objects.exists()
