"""A bounded, streaming reader of XLSX workbooks: rows of cell values, sheet by sheet.

Why not openpyxl's read-only mode for files from outside: to learn a sheet's size it parses
the whole sheet when the sheet has no `<dimension>` (minutes for a 3 MB file that unpacks
to 600,000 rows, before the first row is returned), it pads every row and the end of the
sheet to the declared dimension (a two-cell file may claim 16,384 columns × 1,048,576 rows),
and it keeps every formatted row's attributes in memory. Here the sheet's XML goes to expat
in chunks straight from the ZIP member; only cells that hold a value are kept; a DOCTYPE
(and so any entity expansion) is refused; columns and time are bounded while parsing, and
the caller stops when it has the rows it wants. openpyxl's public helpers still decide which
number formats are dates, so values come out as openpyxl gives them (int, float, str, bool,
datetime).

Call `check_zip` (limits.py) on the stream first: it bounds what the ZIP members unpack to.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from opora.core.imports.limits import Deadline, ReadLimits, TableFileError, corrupt, number_ru

CHUNK = 64 * 1024
# Parts read whole (workbook, relationships, styles) are small in any real file.
SMALL_PART_MAX = 20 * 1024 * 1024
# Excel keeps at most 32,767 characters in a cell; longer text is not from a spreadsheet.
MAX_CELL_CHARS = 32_767
# Distinct texts of a workbook (shared strings) kept in memory at most; real files repeat
# names and codes, so even 200,000 rows have far fewer.
MAX_SHARED_STRINGS = 2_000_000
# The quick count of a sheet's rows before parsing it works on the bytes: text in XML cannot
# hold a raw «<», so «<row» and «<v>» are tags. The namespace prefix (usually none) is
# taken from the root element.
ROOT_PREFIX_RE = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")

# What a broken package or broken XML raises on its way out of zipfile, zlib and expat.
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    ValueError,
    ElementTree.ParseError,
    expat.ExpatError,
)


@dataclass
class SheetRow:
    """A row that has at least one value: its number as Excel shows it and its values
    (position = column − 1, None where empty); `bold` says which cells are set in bold."""

    number: int
    values: list[Any]
    bold: list[bool]


class _Cursor:
    """Where the sheet parser is: row, column, the cell's type and style, and what text
    it is inside of (a value, an inline string)."""

    __slots__ = ("chars", "col", "in_text", "in_value", "inline", "kind", "row", "style")

    def __init__(self) -> None:
        self.row = 0
        self.col = 0
        self.kind = "n"
        self.style = 0
        self.in_value = False
        self.in_text = False
        self.inline = False
        self.chars = 0


@dataclass(frozen=True)
class Sheet:
    title: str
    path: str


def _local(tag: str) -> str:
    """`{namespace}name` or `prefix:name` → `name`: transitional and strict files alike."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index


class XlsxBook:
    """An opened workbook: its sheets, styles and epoch are read on opening; `rows(sheet)`
    streams one sheet (the shared strings are read on first use)."""

    def __init__(self, stream: IO[bytes], filename: str, limits: ReadLimits, deadline: Deadline):
        self.filename = filename
        self.limits = limits
        self.deadline = deadline
        self.rows_read = 0
        # Merged ranges per sheet path: {(row, first column): columns spanned}. A sheet lists
        # them after its rows, so they are complete once `rows(sheet)` has been read through.
        self.merged: dict[str, dict[tuple[int, int], int]] = {}
        try:
            self.archive = zipfile.ZipFile(stream)
            self._names = {name.lower(): name for name in self.archive.namelist()}
            self._open_workbook()
        except TableFileError:
            raise
        except _BROKEN as exc:
            raise corrupt(filename) from exc

    def close(self) -> None:
        self.archive.close()

    # --- the small parts --------------------------------------------------------------------

    def _part_name(self, path: str) -> str | None:
        path = path.lstrip("/")
        return path if path in self._names.values() else self._names.get(path.lower())

    def _small_part(self, path: str) -> ElementTree.Element | None:
        name = self._part_name(path)
        if name is None:
            return None
        if self.archive.getinfo(name).file_size > SMALL_PART_MAX:
            raise corrupt(self.filename)
        data = self.archive.read(name)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise corrupt(self.filename)
        return ElementTree.fromstring(data)

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type, target path inside the package)."""
        folder, base = posixpath.split(part)
        tree = self._small_part(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, tuple[str, str]] = {}
        if tree is None:
            return found
        for rel in tree:
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
        return found

    def _open_workbook(self) -> None:
        package = self._relationships("")
        workbook_path = next(
            (path for kind, path in package.values() if kind.endswith("/officeDocument")),
            "xl/workbook.xml",
        )
        workbook = self._small_part(workbook_path)
        if workbook is None:
            raise corrupt(self.filename)
        relations = self._relationships(workbook_path)
        self.epoch = WINDOWS_EPOCH
        self.sheets: list[Sheet] = []
        for element in workbook.iter():
            name = _local(element.tag)
            if name == "workbookPr" and element.get("date1904") in ("1", "true"):
                self.epoch = MAC_EPOCH
            elif name == "sheet":
                rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                kind, path = relations.get(rel_id, ("", ""))
                if kind.endswith("/worksheet") and self._part_name(path):
                    self.sheets.append(Sheet(element.get("name", ""), path))
        self._shared_path = next(
            (path for kind, path in relations.values() if kind.endswith("/sharedStrings")), None
        )
        self._shared: list[str] | None = None
        styles_path = next(
            (path for kind, path in relations.values() if kind.endswith("/styles")), None
        )
        self._read_styles(self._small_part(styles_path) if styles_path else None)

    def _read_styles(self, tree: ElementTree.Element | None) -> None:
        """Which cell styles are dates, durations or bold (the only style facts used)."""
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        self.bold_styles: set[int] = set()
        if tree is None:
            return
        sections = {_local(child.tag): child for child in tree}
        custom = {
            int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
            for fmt in sections.get("numFmts", [])
        }
        bold_fonts = set()
        for index, font in enumerate(sections.get("fonts", [])):
            for part in font:
                if _local(part.tag) == "b" and part.get("val", "1") not in ("0", "false"):
                    bold_fonts.add(index)
        for index, xf in enumerate(sections.get("cellXfs", [])):
            fmt_id = int(xf.get("numFmtId", "0"))
            code = custom.get(fmt_id) or builtin_format_code(fmt_id) or ""
            if code and is_date_format(code):
                self.date_styles.add(index)
            if code and is_timedelta_format(code):
                self.timedelta_styles.add(index)
            if int(xf.get("fontId", "0")) in bold_fonts:
                self.bold_styles.add(index)

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if self._shared_path and self._part_name(self._shared_path):
                self._shared = self._read_shared(self._part_name(self._shared_path) or "")
        return self._shared

    def _read_shared(self, name: str) -> list[str]:
        strings: list[str] = []
        text: list[str] = []
        state = {"t": False, "phonetic": 0, "chars": 0}

        def start(tag: str, attrs: dict[str, str]) -> None:
            tag = _local(tag)
            if tag == "t" and not state["phonetic"]:
                state["t"] = True
            elif tag == "rPh":
                state["phonetic"] += 1
            elif tag == "si":
                text.clear()
                state["chars"] = 0

        def end(tag: str) -> None:
            tag = _local(tag)
            if tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "si":
                strings.append("".join(text))
                if len(strings) > MAX_SHARED_STRINGS:
                    raise self.too_big(
                        _("в книге больше %(n)s разных текстов")
                        % {"n": number_ru(MAX_SHARED_STRINGS)}
                    )

        def chars(data: str) -> None:
            if state["t"]:
                text.append(data)
                state["chars"] += len(data)
                if state["chars"] > MAX_CELL_CHARS:
                    raise self.too_big(self.long_cell())

        with closing(self._feed(name, start, end, chars)) as chunks:
            for _chunk in chunks:
                pass
        return strings

    def too_big(self, what: str) -> TableFileError:
        return TableFileError(
            _("Файл «%(name)s» не читается: %(what)s. Так обычная книга Excel не выглядит.")
            % {"name": self.filename, "what": what}
        )

    def long_cell(self) -> str:
        return _("в ячейке больше %(n)s знаков (столько Excel не хранит)") % {
            "n": number_ru(MAX_CELL_CHARS)
        }

    # --- streaming --------------------------------------------------------------------------

    def _parser(self, start: Any, end: Any, chars: Any) -> Any:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars

        def no_doctype(*args: Any) -> None:
            # OOXML parts never have one; refusing it rules out entity-expansion bombs.
            # (An exception raised in a callback leaves expat's Parse() as it is.)
            raise corrupt(self.filename)

        parser.StartDoctypeDeclHandler = no_doctype
        parser.EntityDeclHandler = no_doctype
        return parser

    def _feed(self, name: str, start: Any, end: Any, chars: Any) -> Generator[None, None, None]:
        """Parse a member chunk by chunk; yields after each chunk so callers can stop."""
        parser = self._parser(start, end, chars)
        try:
            with self.archive.open(name) as member:
                while True:
                    chunk = member.read(CHUNK)
                    parser.Parse(chunk, not chunk)
                    # Per chunk rather than per row: one row may hold a million empty cells.
                    self.deadline.check(self.rows_read)
                    if not chunk:
                        return
                    yield
        except TableFileError:
            raise
        except _BROKEN as exc:
            raise corrupt(self.filename) from exc

    def _chunks(self, name: str) -> Generator[bytes, None, None]:
        """The member's bytes in chunks that end before a «<», so no tag is cut in two."""
        tail = b""
        try:
            with self.archive.open(name) as member:
                while chunk := member.read(4 * CHUNK):
                    data = tail + chunk
                    cut = data.rfind(b"<")
                    if cut <= 0:
                        tail = data
                        continue
                    yield data[:cut]
                    tail = data[cut:]
        except _BROKEN as exc:
            raise corrupt(self.filename) from exc
        yield tail

    def rows_over(self, sheet: Sheet, limit: int) -> bool:
        """Whether the sheet has more than `limit` rows with a value, found in its bytes
        without parsing them (many times faster than parsing, and nothing is kept): a
        600,000-row sheet is refused in about the time it takes to unpack it.

        First the row tags are counted (an upper bound); only when there are more than
        `limit` are the rows that hold a value (<v> or inline <t>) counted."""
        name = self._part_name(sheet.path)
        if name is None:
            raise corrupt(self.filename)
        prefix: bytes | None = None
        tags = 0
        with closing(self._chunks(name)) as chunks:
            for data in chunks:
                if prefix is None:
                    found = ROOT_PREFIX_RE.search(data)
                    prefix = (found.group(1) or b"") if found else b""
                tags += data.count(b"<" + prefix + b"row")
                self.deadline.check(0)
        if tags <= limit or prefix is None:
            return False
        row_tag = b"<" + prefix + b"row"
        marks = (b"<" + prefix + b"v>", b"<" + prefix + b"t>", b"<" + prefix + b"t ")
        filled = 0
        carry = b""
        with closing(self._chunks(name)) as chunks:
            for data in chunks:
                pieces = (carry + data).split(row_tag)
                carry = pieces.pop()
                filled += sum(1 for piece in pieces if any(mark in piece for mark in marks))
                if filled > limit:
                    return True
                self.deadline.check(filled)
        return filled + (1 if any(mark in carry for mark in marks) else 0) > limit

    def rows(self, sheet: Sheet, *, bold: bool = False) -> Generator[SheetRow, None, None]:
        """The sheet's rows that hold a value, in file order; the caller bounds their number."""
        shared = self._shared_strings()
        date_styles, timedelta_styles = self.date_styles, self.timedelta_styles
        bold_styles = self.bold_styles
        max_columns = self.limits.max_columns
        epoch = self.epoch
        filename = self.filename
        ready: list[SheetRow] = []
        merged = self.merged.setdefault(sheet.path, {})
        cells: dict[int, Any] = {}
        styles: dict[int, int] = {}
        text: list[str] = []
        st = _Cursor()

        def start(tag: str, attrs: dict[str, str]) -> None:
            if ":" in tag:
                tag = tag.rpartition(":")[2]
            if tag == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    st.col = _column_index(letters) if letters else st.col + 1
                else:
                    st.col += 1
                st.kind = attrs.get("t", "n")
                style = attrs.get("s")
                st.style = int(style) if style else 0
                text.clear()
                st.chars = 0
            elif tag == "v":
                st.in_value = True
                text.clear()
            elif tag == "t" and st.inline:
                st.in_text = True
            elif tag == "is":
                st.inline = True
                text.clear()
            elif tag == "row":
                number = attrs.get("r")
                st.row = int(float(number)) if number else st.row + 1
                st.col = 0
                cells.clear()
                styles.clear()
            elif tag == "rPh":
                st.inline = False  # phonetic runs of an inline string are not its text
            elif tag == "mergeCell":
                first, _sep, last = attrs.get("ref", "").partition(":")
                first_letters, last_letters = first.rstrip("0123456789"), last.rstrip("0123456789")
                if first_letters and last_letters and first[len(first_letters) :].isdigit():
                    row = int(first[len(first_letters) :])
                    start_col, end_col = _column_index(first_letters), _column_index(last_letters)
                    merged[(row, start_col)] = end_col - start_col + 1

        def end(tag: str) -> None:
            if ":" in tag:
                tag = tag.rpartition(":")[2]
            if tag == "v":
                st.in_value = False
            elif tag == "t":
                st.in_text = False
            elif tag == "c":
                value = _value(st.kind, "".join(text), st.style)
                st.inline = False
                if value is None or value == "":
                    return
                column = st.col
                if column > max_columns:
                    raise TableFileError(
                        _(
                            "В файле «%(name)s» заполнен столбец № %(col)s (строка %(row)s); "
                            "можно не больше %(limit)s столбцов."
                        )
                        % {
                            "name": filename,
                            "col": number_ru(column),
                            "row": number_ru(st.row),
                            "limit": number_ru(max_columns),
                        }
                    )
                cells[column] = value
                styles[column] = st.style
            elif tag == "row":
                if cells:
                    width = max(cells)
                    values: list[Any] = [None] * width
                    flags = [False] * width if bold else []
                    for column, value in cells.items():
                        values[column - 1] = value
                        if bold:
                            flags[column - 1] = styles[column] in bold_styles
                    ready.append(SheetRow(st.row, values, flags))
                self.rows_read += 1

        def chars(data: str) -> None:
            if st.in_value or st.in_text:
                text.append(data)
                st.chars += len(data)
                if st.chars > MAX_CELL_CHARS:
                    raise self.too_big(self.long_cell())

        def _value(kind: str, raw: str, style: int) -> Any:
            if kind == "inlineStr":
                return raw
            if not raw:
                return None
            if kind == "s":
                return shared[int(raw)]
            if kind in ("str", "e"):
                return raw
            if kind == "b":
                return raw.strip() not in ("0", "false")
            if kind == "d":
                return from_ISO8601(raw)
            number: int | float
            try:
                number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            except ValueError:
                return raw
            if style in date_styles:
                try:
                    return from_excel(number, epoch, timedelta=style in timedelta_styles)
                except (ValueError, OverflowError):
                    return number
            return number

        name = self._part_name(sheet.path)
        if name is None:
            raise corrupt(filename)

        with closing(self._feed(name, start, end, chars)) as chunks:
            for _chunk in chunks:
                if ready:
                    yield from ready
                    ready.clear()
        yield from ready
