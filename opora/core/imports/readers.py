"""Reading spreadsheets as authorities keep them: XLSX, and CSV in UTF-8 (with or without BOM)
or Windows-1251, separated by `;`, `,` or tab.

Every problem becomes a `TableFileError` whose message, in Russian, says what is wrong;
every read is bounded by `ReadLimits` (limits.py), and XLSX is streamed (xlsx.py).
"""

from __future__ import annotations

import csv
import datetime
import io
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from opora.core.imports.limits import (
    Deadline,
    ReadLimits,
    TableFileError,
    check_size,
    check_zip,
    number_ru,
    stream_size,
)
from opora.core.imports.xlsx import XlsxBook

CSV_DELIMITERS = ";,\t"
_XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls and password-protected Office files

__all__ = [
    "OLE_MAGIC",
    "ReadLimits",
    "Table",
    "TableFileError",
    "cell_text",
    "decode_text",
    "detect_delimiter",
    "read_table",
]


@dataclass
class Table:
    """A table read from a file: header names and data rows as strings.

    `row_number(i)` is the spreadsheet row of data row `i`, so messages can say "строка N"
    exactly as Excel shows it. `complete` is False when the caller asked for the first rows
    only and the file has more.
    """

    headers: list[str]
    rows: list[list[str]]
    first_row_number: int = 2
    # The spreadsheet row of each data row, when rows are not consecutive (empty rows of a
    # sheet are not kept).
    numbers: list[int] | None = None
    complete: bool = True

    def row_number(self, index: int) -> int:
        if self.numbers is not None:
            return self.numbers[index]
        return self.first_row_number + index


def read_table(
    stream: IO[bytes],
    filename: str,
    *,
    max_rows: int | None = None,
    limits: ReadLimits | None = None,
) -> Table:
    """Read the first sheet with data (XLSX) or the whole file (CSV) into a Table.

    Bounded before anything is parsed (size; for XLSX the ZIP directory) and while parsing
    (rows, columns, wall time): see `ReadLimits`. With `max_rows` only the first rows are
    read (`Table.complete` says whether there were more).
    """
    limits = limits or ReadLimits.from_settings()
    deadline = limits.deadline(filename)
    check_size(stream_size(stream), filename, limits)
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
    collector = _Collector(filename, limits, deadline, max_rows)
    if head.startswith(_XLSX_MAGIC):
        check_zip(stream, filename, limits)
        _read_xlsx(stream, filename, limits, deadline, collector)
    else:
        _read_csv(stream.read(), filename, collector)
    table = collector.table()
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


class _Enough(Exception):
    """The caller's `max_rows` are read and one more row shows the file goes on."""


class _Collector:
    """Takes rows as they are read: the first non-empty row is the header, empty rows are
    dropped, and the data rows are counted against the limit as they come."""

    def __init__(
        self, filename: str, limits: ReadLimits, deadline: Deadline, max_rows: int | None
    ) -> None:
        self.filename = filename
        self.limits = limits
        self.deadline = deadline
        self.max_rows = max_rows
        self.headers: list[str] | None = None
        self.header_number = 1
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.complete = True
        self.seen = 0

    def add(self, number: int, cells: list[str]) -> None:
        self.seen += 1
        if self.seen % 1024 == 0:
            self.deadline.check(self.seen)
        if not any(cells):
            return
        if self.headers is None:
            headers = [" ".join(h.split()) for h in cells]
            while headers and not headers[-1]:
                headers.pop()
            self.headers = headers
            self.header_number = number
            return
        if self.max_rows is not None and len(self.rows) >= self.max_rows:
            self.complete = False
            raise _Enough
        if len(self.rows) >= self.limits.max_rows:
            raise self.too_many_rows()
        width = len(self.headers)
        row = (cells + [""] * width)[:width] if len(cells) < width else cells[:width]
        self.rows.append(row)
        self.numbers.append(number)

    def too_many_rows(self) -> TableFileError:
        return TableFileError(
            _(
                "В файле «%(name)s» больше %(limit)s строк данных; можно загрузить не больше "
                "%(limit)s. Разделите файл на части."
            )
            % {"name": self.filename, "limit": number_ru(self.limits.max_rows)}
        )

    def table(self) -> Table:
        return Table(
            headers=self.headers or [],
            rows=self.rows,
            first_row_number=self.header_number + 1,
            numbers=self.numbers,
            complete=self.complete,
        )


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


def _read_xlsx(
    stream: IO[bytes],
    filename: str,
    limits: ReadLimits,
    deadline: Deadline,
    collector: _Collector,
) -> None:
    book = XlsxBook(stream, filename, limits, deadline)
    try:
        # The first sheet that has any cell filled; sheet dimensions are not trusted because
        # many programs that write XLSX leave them out (or claim the whole grid).
        for sheet in book.sheets:
            # A full read first counts the rows quickly, so an oversized sheet is refused
            # before any of it is parsed or kept (the header row is the +1).
            if collector.max_rows is None and book.rows_over(sheet, limits.max_rows + 1):
                raise collector.too_many_rows()
            with closing(book.rows(sheet)) as rows:
                for row in rows:
                    collector.add(row.number, [cell_text(v) for v in row.values])
            if collector.headers is not None:
                return
        raise TableFileError(_("В книге «%(name)s» нет листов с данными.") % {"name": filename})
    except _Enough:
        return
    finally:
        book.close()


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


def _read_csv(raw: bytes, filename: str, collector: _Collector) -> None:
    text = decode_text(raw, filename)
    delimiter = detect_delimiter(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    max_columns = collector.limits.max_columns
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell_text(v) for v in record]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > max_columns:
                raise TableFileError(
                    _(
                        "В файле «%(name)s» заполнен столбец № %(col)s (строка %(row)s); "
                        "можно не больше %(limit)s столбцов."
                    )
                    % {
                        "name": filename,
                        "col": number_ru(len(cells)),
                        "row": number_ru(number),
                        "limit": number_ru(max_columns),
                    }
                )
            collector.add(number, cells)
    except _Enough:
        return
    except csv.Error as exc:
        raise TableFileError(
            _("Файл «%(name)s»: ошибка разбора CSV в строке %(line)s: %(error)s.")
            % {"name": filename, "line": reader.line_num, "error": exc}
        ) from exc
