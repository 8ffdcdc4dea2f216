"""Reading spreadsheets as authorities keep them: XLSX, and CSV in UTF-8 (with or without BOM)
or Windows-1251, separated by `;`, `,` or tab.

Every problem becomes a `TableFileError` whose message, in Russian, says what is wrong.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

CSV_DELIMITERS = ";,\t"
_XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls and password-protected Office files


class TableFileError(ValueError):
    """The file cannot be read as a table; the message tells the user why."""


@dataclass
class Table:
    """A table read from a file: header names and data rows as strings.

    `first_row_number` is the spreadsheet row of the first data row, so messages can say
    "строка N" exactly as Excel shows it.
    """

    headers: list[str]
    rows: list[list[str]]
    first_row_number: int = 2

    def row_number(self, index: int) -> int:
        return self.first_row_number + index


def read_table(stream: IO[bytes], filename: str, *, max_rows: int | None = None) -> Table:
    """Read the first sheet (XLSX) or the whole file (CSV) into a Table."""
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise TableFileError(_("Файл «%(name)s» пуст.") % {"name": filename})
    if head.startswith(OLE_MAGIC):
        raise TableFileError(
            _(
                "Файл «%(name)s» — документ старого формата Excel (.xls) или защищён паролем. "
                "Снимите пароль и сохраните его как «Книга Excel (.xlsx)» или CSV."
            )
            % {"name": filename}
        )
    if head.startswith(_XLSX_MAGIC):
        table = _read_xlsx(stream, filename, max_rows)
    else:
        table = _read_csv(stream.read(), filename, max_rows)
    if not table.headers or not any(table.headers):
        raise TableFileError(_("В файле «%(name)s» нет строки заголовков.") % {"name": filename})
    duplicates = sorted({h for h in table.headers if h and table.headers.count(h) > 1})
    if duplicates:
        raise TableFileError(
            _("В файле «%(name)s» повторяются заголовки столбцов: %(cols)s.")
            % {"name": filename, "cols": ", ".join(f"«{h}»" for h in duplicates)}
        )
    if not table.rows:
        raise TableFileError(
            _("В файле «%(name)s» есть заголовки, но нет ни одной строки данных.")
            % {"name": filename}
        )
    return table


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 15.0 → "15", dates in ISO, no stray spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\xa0", " ").strip()


def _trim(rows: list[list[str]]) -> tuple[list[str], list[list[str]], int]:
    """Skip leading empty rows, take the first row as headers, drop empty rows at the end."""
    start = 0
    while start < len(rows) and not any(rows[start]):
        start += 1
    if start == len(rows):
        return [], [], 2
    headers = [" ".join(h.split()) for h in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    data = rows[start + 1 :]
    while data and not any(data[-1]):
        data.pop()
    width = len(headers)
    data = [(r + [""] * width)[:width] if len(r) < width else r[:width] for r in data]
    return headers, data, start + 2


def _read_xlsx(stream: IO[bytes], filename: str, max_rows: int | None) -> Table:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise TableFileError(
            _("Файл «%(name)s» не удалось открыть как книгу Excel: он повреждён или это не XLSX.")
            % {"name": filename}
        ) from exc
    try:
        rows: list[list[str]] = []
        limit = None if max_rows is None else max_rows + 50
        # The first sheet that has any cell filled; sheet dimensions are not trusted because
        # many programs that write XLSX leave them out.
        for sheet in workbook.worksheets:
            for values in sheet.iter_rows(values_only=True):
                rows.append([cell_text(v) for v in values])
                if limit is not None and len(rows) >= limit:
                    break
            if any(any(row) for row in rows):
                break
            rows = []
        if not rows:
            raise TableFileError(_("В книге «%(name)s» нет листов с данными.") % {"name": filename})
    finally:
        workbook.close()
    headers, data, first = _trim(rows)
    if max_rows is not None:
        data = data[:max_rows]
    return Table(headers=headers, rows=data, first_row_number=first)


def decode_text(raw: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM) or Windows-1251, or a clear refusal."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableFileError(
            _(
                "Файл «%(name)s» в кодировке UTF-16 («Юникод» в Excel). Сохраните его как "
                "«CSV UTF-8» или «CSV (разделители — запятые)» в Windows-1251."
            )
            % {"name": filename}
        )
    if b"\x00" in raw[:4096]:
        raise TableFileError(
            _("Файл «%(name)s» не похож на таблицу: это двоичный файл. Загрузите XLSX или CSV.")
            % {"name": filename}
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise TableFileError(
            _(
                "Не удалось определить кодировку файла «%(name)s». Сохраните его в UTF-8 "
                "или Windows-1251."
            )
            % {"name": filename}
        ) from exc
    # cp1251 decodes almost any bytes; text that is mostly not letters means a wrong guess.
    letters = sum(ch.isalnum() or ch.isspace() or ch in ";,.\"'-()№/\\:%+" for ch in text)
    if text and letters / len(text) < 0.9:
        raise TableFileError(
            _(
                "Файл «%(name)s» не похож на текстовую таблицу в UTF-8 или Windows-1251. "
                "Загрузите XLSX или CSV."
            )
            % {"name": filename}
        )
    return text


def detect_delimiter(sample: str) -> str:
    """`;`, `,` or tab: the one that splits the header line into the most columns consistently."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not lines:
        return ";"
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in CSV_DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def _read_csv(raw: bytes, filename: str, max_rows: int | None) -> Table:
    text = decode_text(raw, filename)
    delimiter = detect_delimiter(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append([cell_text(v) for v in record])
            if max_rows is not None and len(rows) > max_rows + 50:
                break
    except csv.Error as exc:
        raise TableFileError(
            _("Файл «%(name)s»: ошибка разбора CSV в строке %(line)s: %(error)s.")
            % {"name": filename, "line": reader.line_num, "error": exc}
        ) from exc
    headers, data, first = _trim(rows)
    if max_rows is not None:
        data = data[:max_rows]
    return Table(headers=headers, rows=data, first_row_number=first)
