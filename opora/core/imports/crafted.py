"""Workbooks built byte by byte, for the reading tests and `opora bench imports`: zip
bombs, broken sheets, crafted dimensions. openpyxl cannot write these (it writes only
sensible files)."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHEET_REL = (
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
)
SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
SHEET_START = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
)
SHEET_END = b"</sheetData></worksheet>"


def inline(column: str, row: int, text: str) -> bytes:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header(*titles: str) -> bytes:
    cells = b"".join(inline(chr(65 + i), 1, t) for i, t in enumerate(titles))
    return b'<row r="1">' + cells + b"</row>"


def package(sheet: bytes, shared: bytes | None = None, *, level: int = 6) -> bytes:
    """An .xlsx whose first sheet is `sheet` (the whole XML) and, optionally, its shared
    strings part (the whole XML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        types = CONTENT_TYPES
        if shared is not None:
            types = types.replace("</Types>", SHARED_TYPE + "</Types>")
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        relations = SHEET_REL + (SHARED_REL if shared is not None else "")
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f"{relations}</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def sheet(*rows: bytes) -> bytes:
    return SHEET_START + b"".join(rows) + SHEET_END


def identical_rows_bomb(rows: int = 600_000) -> bytes:
    """A sheet of `rows` identical rows without row numbers: 42 KB that unpack to 18 MB,
    compressed hundreds of times — what a classic zip bomb looks like."""
    body = b"<row><c><v>1</v></c><c><v>2024</v></c></row>" * rows
    return package(sheet(header("Код ОО", "Год"), body), level=9)


def numbered_rows(rows: int = 600_000) -> bytes:
    """A sheet of `rows` numbered rows with varying values: it compresses like a real
    sheet (a few megabytes that unpack to tens), so the ZIP directory looks harmless and
    only counting the rows tells it apart."""
    parts = [SHEET_START, header("Код ОО", "Год", "Балл")]
    template = '<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>2024</v></c></row>'
    parts.append("".join(template % (r, r, r, r) for r in range(2, rows + 2)).encode())
    parts.append(SHEET_END)
    return package(b"".join(parts), level=1)
