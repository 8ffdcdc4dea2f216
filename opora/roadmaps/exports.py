"""A roadmap in the official layout: the approval stamp, the title, and the table with
№ / activity / (key results by year) / schedule / responsible / result / document columns.

The layout is the one `recognize.py` reads, so an exported roadmap imported again gives the
same roadmap (a test checks it for every template).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from opora.core.documents import (
    PDF_FONT,
    PdfFontMissing,
    docx_bytes,
    docx_new,
    pdf_new,
    text_width_mm,
)
from opora.core.exports import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    export_filename,
    sheet_append,
    workbook_bytes,
    workbook_new,
    xml_text,
)
from opora.roadmaps.choices import Level
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap

if TYPE_CHECKING:
    from opora.roadmaps.models import Roadmap

# PdfFontMissing is raised by export_pdf; views and the command catch it from here.
__all__ = ["EXPORTS", "PdfFontMissing", "export_docx", "export_pdf", "export_xlsx"]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_cm: float


def export_columns(draft: DraftRoadmap) -> list[Column]:
    """The columns this roadmap needs: a roadmap without levels has no «Уровень» column."""
    activities = draft.activities
    columns = [
        Column("number", _("№ п/п"), 1.3),
        Column("text", _("Мероприятие"), 8.0),
    ]
    columns += [Column(f"year:{y}", str(y), 4.0) for y in draft.result_years]
    if any(a.schedule for a in activities) or not draft.result_years:
        columns.append(Column("schedule", _("Сроки"), 3.0))
    columns.append(Column("responsible", _("Ответственные"), 4.0))
    if any(a.levels for a in activities):
        columns.append(Column("levels", _("Уровень"), 2.2))
    if any(a.result for a in activities) or not draft.result_years:
        columns.append(Column("result", _("Планируемый результат"), 5.0))
    if any(a.document for a in activities):
        columns.append(Column("document", _("Документ, подтверждающий результат"), 4.0))
    return columns


def cell_value(activity: DraftActivity, key: str) -> str:
    """The text of one cell, without control characters Word and Excel cannot hold."""
    if key.startswith("year:"):
        return xml_text(activity.year_results.get(key[5:], ""))
    if key == "levels":
        return ", ".join(str(Level(level).label) for level in activity.levels)
    return xml_text(str(getattr(activity, key)))


def fitted_widths_mm(columns: list[Column], available_mm: float) -> list[float]:
    """The columns' widths in millimetres, narrowed in proportion when the table would be
    wider than the page's text area (a roadmap with many year columns)."""
    total = sum(c.width_cm for c in columns) * 10
    scale = min(1.0, available_mm / total) if total else 1.0
    return [c.width_cm * 10 * scale for c in columns]


def section_heading(number: str, title: str) -> str:
    return xml_text(f"{number}. {title}" if number else title)


def header_lines(draft: DraftRoadmap) -> list[str]:
    """The approval stamp in the top right corner, as the seeds write it."""
    if not draft.approval:
        return []
    lines = [_("УТВЕРЖДЕНА")]
    lines += [draft.approval]
    if draft.authority:
        lines.append(draft.authority)
    return [xml_text(line) for line in lines]


def export_docx(draft: DraftRoadmap) -> bytes:
    """Word (.docx): landscape A4, Times New Roman, the header row repeated on every page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx_new(title=draft.title, landscape=True)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)

    for line in header_lines(draft):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_run = title.add_run(xml_text(draft.title))
    title_run.bold = True
    title_run.font.size = Pt(13)

    columns = export_columns(draft)
    years = [c for c in columns if c.key.startswith("year:")]
    table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def repeat_as_header(row: object) -> None:
        properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
        marker = OxmlElement("w:tblHeader")
        marker.set(qn("w:val"), "true")
        properties.append(marker)

    def bold_row(cells: list[object]) -> None:
        for cell in cells:
            for paragraph in cell.paragraphs:  # type: ignore[attr-defined]
                for run in paragraph.runs:
                    run.bold = True

    head = table.add_row()
    repeat_as_header(head)
    for cell, column in zip(head.cells, columns, strict=True):
        cell.text = column.title
    if years:
        # Seed 002: «Ключевые результаты» over a row of years.
        first = columns.index(years[0])
        merged = head.cells[first].merge(head.cells[first + len(years) - 1])
        merged.text = _("Ключевые результаты")
        sub = table.add_row()
        repeat_as_header(sub)
        for cell, column in zip(sub.cells, columns, strict=True):
            cell.text = column.title if column in years else ""
        bold_row(list(sub.cells))
    bold_row(list(head.cells))

    for part in draft.sections:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = section_heading(part.number, part.title)
        bold_row([merged])
        for activity in part.activities:
            cells = table.add_row().cells
            for cell, column in zip(cells, columns, strict=True):
                cell.text = cell_value(activity, column.key)
    widths = fitted_widths_mm(columns, text_width_mm(landscape=True))
    # Word reads the cells' widths, LibreOffice the table grid: both are set.
    for grid_column, width in zip(table.columns, widths, strict=True):
        grid_column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    return docx_bytes(document)


def export_xlsx(draft: DraftRoadmap) -> bytes:
    """Excel (.xlsx): the same table, section rows merged, the header frozen."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book, sheet = workbook_new(_("Дорожная карта"))
    columns = export_columns(draft)
    width = len(columns)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in header_lines(draft):
        sheet_append(sheet, [line])
    sheet_append(sheet, [draft.title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
    years = [c for c in columns if c.key.startswith("year:")]
    sheet_append(sheet, [c.title for c in columns])
    header_row = sheet.max_row
    if years:
        first = columns.index(years[0]) + 1
        sheet.cell(header_row, first).value = _("Ключевые результаты")
        sheet.merge_cells(
            start_row=header_row,
            start_column=first,
            end_row=header_row,
            end_column=first + len(years) - 1,
        )
        sheet_append(sheet, [c.title if c in years else "" for c in columns])
    last_header = sheet.max_row
    for row in sheet.iter_rows(min_row=header_row, max_row=last_header, max_col=width):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = wrap
            cell.border = border
    for part in draft.sections:
        sheet_append(sheet, [section_heading(part.number, part.title)])
        index = sheet.max_row
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
        sheet.cell(index, 1).font = Font(bold=True)
        for activity in part.activities:
            sheet_append(sheet, [cell_value(activity, c.key) for c in columns])
            for cell in sheet[sheet.max_row][:width]:
                cell.alignment = wrap
                cell.border = border
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width_cm * 5
    sheet.freeze_panes = f"A{last_header + 1}"
    sheet.print_title_rows = f"{header_row}:{last_header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return workbook_bytes(book)


def export_pdf(draft: DraftRoadmap) -> bytes:
    """PDF: A4 landscape, the same stamp, title and table; the header repeats on each page."""
    from fpdf.fonts import FontFace

    pdf = pdf_new(title=draft.title, landscape=True)
    pdf.add_page()
    pdf.set_font(PDF_FONT, size=10)
    for line in header_lines(draft):
        pdf.cell(0, 5, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(PDF_FONT, "B", 12)
    pdf.multi_cell(0, 6, xml_text(draft.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    columns = export_columns(draft)
    widths = [c.width_cm for c in columns]
    pdf.set_font(PDF_FONT, size=8)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    section_style = FontFace(emphasis="BOLD", fill_color=(245, 245, 245))
    with pdf.table(
        col_widths=widths,
        headings_style=heading,
        repeat_headings=1,
        line_height=4,
        text_align="LEFT",
    ) as table:
        head = table.row()
        for column in columns:
            head.cell(column.title)
        for part in draft.sections:
            row = table.row()
            row.cell(
                section_heading(part.number, part.title), colspan=len(columns), style=section_style
            )
            for activity in part.activities:
                values = [cell_value(activity, column.key) for column in columns]
                for chunk in _pdf_row_chunks(pdf, values, widths):
                    row = table.row()
                    for value in chunk:
                        row.cell(value)
    return bytes(pdf.output())


# A table row cannot break across PDF pages; a longer one goes on in continuation rows,
# the way Word breaks a long row at the page end.
PDF_ROW_LINES = 30


def _pdf_row_chunks(pdf: Any, values: list[str], widths: list[float]) -> list[list[str]]:
    scale = pdf.epw / sum(widths)
    lines = [
        pdf.multi_cell(max(w * scale - 2, 5), 4, v, dry_run=True, output="LINES") if v else []
        for v, w in zip(values, widths, strict=True)
    ]
    height = max((len(cell) for cell in lines), default=0)
    if height <= PDF_ROW_LINES:
        return [values]
    return [
        ["\n".join(cell[start : start + PDF_ROW_LINES]) for cell in lines]
        for start in range(0, height, PDF_ROW_LINES)
    ]


def export_name(roadmap: Roadmap, extension: str) -> str:
    """«Дорожная карта — МБОУ СОШ № 5 — 2024-2025.docx»: whose roadmap and for which years
    (a later version says so: «… — версия 2»)."""
    whose = roadmap.school.short_name if roadmap.school else roadmap.programme.owner.short_name
    starts = roadmap.starts_on or roadmap.programme.starts_on
    ends = roadmap.ends_on or roadmap.programme.ends_on
    years = f"{starts.year}-{ends.year}" if ends.year != starts.year else str(starts.year)
    version = _("версия %(n)s") % {"n": roadmap.version} if roadmap.version > 1 else ""
    return export_filename(_("Дорожная карта"), whose, years, version, extension=extension)


EXPORTS: dict[str, tuple[Callable[[DraftRoadmap], bytes], str]] = {
    "docx": (export_docx, DOCX_CONTENT_TYPE),
    "xlsx": (export_xlsx, XLSX_CONTENT_TYPE),
    "pdf": (export_pdf, PDF_CONTENT_TYPE),
}
