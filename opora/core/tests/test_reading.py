"""Reading files from outside is bounded: size and the ZIP directory before anything is
unpacked, then rows, columns and time while reading; never inside a database transaction;
a broken file gets «повреждён», in the wizard, its job and the command line."""

from __future__ import annotations

import datetime
import io
import tracemalloc
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from opora.core.choices import JobStatus
from opora.core.imports import crafted, services
from opora.core.imports.crafted import header, inline, package, sheet
from opora.core.imports.limits import ReadLimits, TableFileError
from opora.core.imports.readers import cell_text, read_table
from opora.core.models import ImportUpload, Job

pytestmark = pytest.mark.django_db

REGISTRY_HEADER = ["Код ОО", "Полное наименование", "Краткое наименование", "Территория"]


@pytest.fixture(scope="module")
def numbered_600k() -> bytes:
    return crafted.numbered_rows(600_000)


def upload(client: Any, content: bytes, name: str, importer: str = "registry.schools") -> Any:
    return client.post(
        reverse("core:import", args=[importer]), {"file": SimpleUploadedFile(name, content)}
    )


def text(response: Any) -> str:
    return response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


def registry_xlsx(rows: int) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(REGISTRY_HEADER)
    for n in range(rows):
        ws.append([f"NEW-{n}", f"Школа {n}", f"Школа {n}", "Северный"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- before anything is unpacked ------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking(world, monkeypatch):
    bomb = crafted.identical_rows_bomb(600_000)
    assert len(bomb) < 100_000

    def no_unpacking(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    response = upload(world.client("coordinator"), bomb, "бомба.xlsx")
    assert response.status_code == 200
    assert "часть «xl/worksheets/sheet1.xml» сжата в" in text(response)
    assert "zip-бомбы" in text(response)
    assert not ImportUpload.objects.exists()


def test_total_unpacked_size_members_and_password_are_checked(settings):
    data = package(sheet(header("Код"), b'<row r="2">' + inline("A", 2, "x") + b"</row>"))
    tiny = ReadLimits.from_settings(max_uncompressed=1000)
    with pytest.raises(TableFileError, match=r"после распаковки занял бы 0 МБ; допустимо"):
        read_table(io.BytesIO(data), "a.xlsx", limits=tiny)
    with pytest.raises(TableFileError, match=r"состоит из 5 частей .* не больше 3"):
        read_table(io.BytesIO(data), "a.xlsx", limits=ReadLimits.from_settings(max_members=3))
    settings.OPORA_MAX_UPLOAD_MB = 1
    padded = package(sheet(header("Код")) + b" " * 10, level=0) + b"\0" * (1024 * 1024)
    with pytest.raises(TableFileError, match="можно загрузить не больше 1 МБ"):
        read_table(io.BytesIO(padded), "big.xlsx")


# --- while reading --------------------------------------------------------------------------


def test_600000_rows_are_refused_by_counting_with_bounded_memory(numbered_600k):
    assert len(numbered_600k) < 10 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(TableFileError) as refused:
            read_table(io.BytesIO(numbered_600k), "600k.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value) == (
        "В файле «600k.xlsx» больше 200\u202f000 строк данных; можно загрузить не больше "
        "200\u202f000. Разделите файл на части."
    )
    # The sheet unpacks to 50 MB; nothing of it is kept while counting.
    assert peak < 16 * 1024 * 1024, peak


def test_the_wizard_reads_the_first_rows_and_its_job_refuses_the_rest(
    world, numbered_600k, django_capture_on_commit_callbacks
):
    client = world.client("coordinator")
    response = upload(client, numbered_600k, "600k.xlsx")
    assert response.status_code == 302, text(response)[:3000]
    stored = ImportUpload.objects.get()
    assert stored.row_count is None  # not counted in the request
    page = client.get(reverse("core:import-columns", args=[stored.pk]))
    assert "строк данных больше 5\u202f000" in text(page)
    client.post(
        reverse("core:import-columns", args=[stored.pk]),
        {"col_code": "Код ОО", "col_name": "Год", "col_territory": "Балл"},
    )
    preview = client.get(reverse("core:import-preview", args=[stored.pk]))
    assert "В файле больше 5\u202f000 строк" in text(preview)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-preview", args=[stored.pk]))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "больше 200\u202f000 строк данных" in job.error


def test_columns_and_the_declared_dimension_are_bounded():
    claims_whole_grid = sheet(
        b'<row r="1">' + inline("A", 1, "Код") + b"</row>",
        b'<row r="2"><c r="A2"><v>1</v></c></row>',
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    ).replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    with pytest.raises(TableFileError, match=r"заполнен столбец № 16\u202f384 \(строка 1\u202f048"):
        read_table(io.BytesIO(package(claims_whole_grid)), "grid.xlsx")
    # A far row is read where it is, without a million empty rows in between.
    far = sheet(
        b'<row r="1">' + inline("A", 1, "Код") + b"</row>",
        b'<row r="2"><c r="A2"><v>1</v></c></row>',
        b'<row r="1048576"><c r="A1048576"><v>7</v></c></row>',
    )
    table = read_table(io.BytesIO(package(far)), "far.xlsx")
    assert table.rows == [["1"], ["7"]]
    assert [table.row_number(i) for i in range(2)] == [2, 1048576]
    csv = ("Код;" + ";".join("x" * 3 for _ in range(600)) + "\r\n1;2\r\n").encode()
    with pytest.raises(TableFileError, match=r"заполнен столбец № 601 \(строка 1\)"):
        read_table(io.BytesIO(csv), "wide.csv")


def test_time_is_bounded():
    data = registry_xlsx(50)
    with pytest.raises(TableFileError, match="читается дольше"):
        read_table(io.BytesIO(data), "slow.xlsx", limits=ReadLimits.from_settings(max_seconds=-1))


def test_shared_strings_and_cells_are_bounded():
    shared = (
        f'<sst xmlns="{crafted.MAIN}"><si><t>Код</t></si><si><t>'.encode()
        + b"x" * 40_000
        + b"</t></si></sst>"
    )
    data = package(
        sheet(
            b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>',
        ),
        shared,
    )
    with pytest.raises(TableFileError, match=r"в ячейке больше 32\u202f767 знаков"):
        read_table(io.BytesIO(data), "long.xlsx")


# --- broken files ---------------------------------------------------------------------------

TRUNCATED = package(crafted.SHEET_START + header("Код ОО", "Год") + b'<row r="2"><c r="A2"><v>1')
GARBAGE = package(b"\x00\x01 not xml at all")
WITH_DOCTYPE = package(
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
    + crafted.SHEET_START[38:]
    + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'
    + crafted.SHEET_END
)
SHARED_INDEX_OUT_OF_RANGE = package(sheet(b'<row r="1"><c r="A1" t="s"><v>7</v></c></row>'))


@pytest.mark.parametrize(
    "content", [TRUNCATED, GARBAGE, WITH_DOCTYPE, SHARED_INDEX_OUT_OF_RANGE, b"PK\x03\x04 no"]
)
def test_a_broken_workbook_is_damaged_in_the_wizard(world, content):
    response = upload(world.client("coordinator"), content, "сломан.xlsx")
    assert response.status_code == 200
    assert "Файл «сломан.xlsx» повреждён" in text(response)
    assert not ImportUpload.objects.exists()


def test_a_workbook_broken_after_the_first_rows_fails_its_job_with_the_message(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "CHECK_IN_REQUEST_MAX_ROWS", 3)
    monkeypatch.setattr(services, "PREVIEW_ROWS", 2)
    rows = b"".join(
        b'<row r="%d">' % r
        + inline("A", r, f"NEW-{r}")
        + inline("B", r, "Школа")
        + inline("C", r, "Северный")
        + b"</row>"
        for r in range(2, 12)
    )
    broken = package(
        crafted.SHEET_START
        + header("Код ОО", "Полное наименование", "Территория")
        + rows
        + b"<row><c"
    )
    client = world.client("coordinator")
    assert upload(client, broken, "обрыв.xlsx").status_code == 302
    stored = ImportUpload.objects.get()
    client.post(
        reverse("core:import-columns", args=[stored.pk]),
        {"col_code": "Код ОО", "col_name": "Полное наименование", "col_territory": "Территория"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[stored.pk]))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Файл «обрыв.xlsx» повреждён" in job.error


@pytest.mark.parametrize("content", [TRUNCATED, GARBAGE, b"PK\x03\x04 no"])
def test_the_cli_says_damaged_without_a_traceback(world, tmp_path, content):
    path = tmp_path / "сломан.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=r"Файл «сломан\.xlsx» повреждён"):
        call_command("import", "registry", str(path), "--user", "coordinator")


def test_the_cli_refuses_oversized_and_bomb_files(world, tmp_path, settings, numbered_600k):
    bomb = tmp_path / "бомба.xlsx"
    bomb.write_bytes(crafted.identical_rows_bomb())
    with pytest.raises(CommandError, match="zip-бомбы"):
        call_command("import", "results", str(bomb), "--user", "analyst")
    rows = tmp_path / "600k.xlsx"
    rows.write_bytes(numbered_600k)
    with pytest.raises(CommandError, match="больше 200\u202f000 строк данных"):
        call_command("import", "results", str(rows), "--user", "analyst")
    settings.OPORA_MAX_UPLOAD_MB = 1
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(CommandError, match="можно загрузить не больше 1 МБ"):
        call_command("import", "registry", str(big), "--user", "coordinator")


# --- outside any transaction ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_file_is_read_inside_a_transaction(world, monkeypatch):
    """On SQLite a transaction holds the write lock: a long read in one locks out every
    login. The upload, the preview and the job read with no transaction open."""
    seen: list[bool] = []
    original = services.read_table

    def watching(*args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "read_table", watching)
    client = world.client("coordinator")
    content = registry_xlsx(3)
    assert upload(client, content, "реестр.xlsx").status_code == 302
    stored = ImportUpload.objects.get()
    client.post(
        reverse("core:import-columns", args=[stored.pk]),
        {"col_code": "Код ОО", "col_name": "Полное наименование", "col_territory": "Территория"},
    )
    assert client.get(reverse("core:import-preview", args=[stored.pk])).status_code == 200
    response = client.post(reverse("core:import-preview", args=[stored.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == JobStatus.SUCCEEDED, job.log
    # The upload, the preview page, its confirmation (checked again) and the job.
    assert len(seen) == 4 and not any(seen), seen


# --- the reader reads what openpyxl reads ---------------------------------------------------


def test_values_are_read_as_openpyxl_reads_them():
    book = Workbook()
    empty = book.active
    assert empty is not None
    empty.title = "Пустой"
    ws = book.create_sheet("Данные")
    ws.append(["Код", "Дата", "Да?", "Формула", "Текст", "Время"])
    rich = CellRichText("жир", TextBlock(InlineFont(b=True), "ный"))
    ws.append(
        ["A1", datetime.date(2024, 9, 1), True, "=1+1", rich, datetime.datetime(2024, 1, 2, 13, 45)]
    )
    ws.append([15.0, datetime.date(1999, 12, 31), False, "x", "  пробелы\xa0", 0.5])
    ws["A10"] = "после пропуска"
    ws["B10"] = 41.5
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(io.BytesIO(buffer.getvalue()), "m.xlsx")
    reference = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True, data_only=True)
    expected = [
        [cell_text(v) for v in row] for row in reference.worksheets[1].iter_rows(values_only=True)
    ]
    assert table.headers == expected[0]
    assert table.rows == [row for row in expected[1:] if any(row)]
    assert [table.row_number(i) for i in range(3)] == [2, 3, 10]
    assert table.rows[0][:3] == ["A1", "2024-09-01", "да"]
