"""Printing a report: `ReportContent` → Word (the default layout, or an authority's template
through docxtpl) and → PDF, with the charts drawn as PNG images by matplotlib.

The default layout: a title block (the owner organisation, the title, the territory and the
year, «Дата формирования»), the sections with headings, paragraphs, tables and charts, and a
final section «Рекомендации» as a numbered table (адресат, рекомендация, срок). Numbers are
printed the Russian way: a decimal comma and a narrow no-break space between thousands.

Template fields (documented on the templates page and in docs/user-guide/otchety.md) are
`TEMPLATE_FIELDS`; a template using anything else is refused when it is uploaded.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from opora.core.dates import date_ru
from opora.core.documents import PDF_FONT, docx_a4, docx_bytes, docx_new, pdf_new
from opora.core.exports import xml_text
from opora.reports.content import Cell, Chart, Paragraph, ReportContent, Table

# The fields a Word template may use, with what each holds (shown on the templates page).
TEMPLATE_FIELDS: dict[str, str] = {
    "title": "название отчёта",
    "subtitle": "подзаголовок (территория, программа, школа)",
    "owner": "организация, сформировавшая отчёт",
    "year": "год (учебный год) отчёта",
    "territory": "территория",
    "date": "дата формирования",
    "figures": "ключевые показатели: {{ figures.<имя> }}, имена — на странице отчёта",
    "sections": "разделы: {% for s in sections %}{{ s.heading }} {{ s.text }}{% endfor %}",
    "recommendations": (
        "рекомендации: {% for r in recommendations %}{{ r.number }} {{ r.addressee }} "
        "{{ r.text }} {{ r.due }}{% endfor %}"
    ),
    "body": "всё содержание отчёта в стандартном оформлении: {{p body }}",
}

THIN_SPACE = "\u202f"
MINUS = "\u2212"
CHART_WIDTH_MM = 160


def number_ru(value: Any, digits: int = 1) -> str:
    """12345 → «12 345», 12.5 → «12,5», -0.25 → «−0,3»; None → «—»."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.{digits}f}"
    else:
        return str(value)
    text = text.replace(",", THIN_SPACE).replace(".", ",")
    return text.replace("-", MINUS)


def cell_text(value: Cell) -> str:
    return number_ru(value) if not isinstance(value, str) else value


@dataclass(frozen=True)
class Heading:
    """What the title block says (from the report, not from its content)."""

    owner: str
    title: str
    subtitle: str
    territory: str
    year: str
    built: datetime.date


# --- charts ---------------------------------------------------------------------------------


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG: a matplotlib Figure of its own (no pyplot, no global state), the
    Agg canvas, DejaVu Sans (shipped with matplotlib, has Cyrillic) set for this figure only."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        figure = Figure(figsize=(6.3, 3.2), dpi=120)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(chart.categories)))
        count = max(1, len(chart.series))
        width = 0.8 / count
        for index, series in enumerate(chart.series):
            values = [float("nan") if v is None else float(v) for v in series.values]
            if chart.chart == "line":
                axes.plot(positions, values, marker="o", label=series.name)
            elif chart.chart == "barh":
                shifted = [p + (index - (count - 1) / 2) * width for p in positions]
                axes.barh(shifted, values, height=width, label=series.name)
            else:
                shifted = [p + (index - (count - 1) / 2) * width for p in positions]
                axes.bar(shifted, values, width=width, label=series.name)
        if chart.chart == "barh":
            axes.set_yticks(positions, chart.categories)
            axes.invert_yaxis()
            axes.set_xlabel(chart.y_label)
        else:
            axes.set_xticks(positions, chart.categories)
            axes.set_ylabel(chart.y_label)
        axes.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _pos: number_ru(v, 0 if v == int(v) else 1))
        )
        if len(chart.series) > 1:
            axes.legend(loc="best", frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        stream = io.BytesIO()
        # No date or version in the file: the same chart gives the same bytes.
        figure.savefig(stream, format="png", metadata={"Software": None})
    return stream.getvalue()


# --- Word -----------------------------------------------------------------------------------


def _table_style(document: Any, table: Any) -> None:
    # An authority's template may lack the style: the table is then left plain.
    with contextlib.suppress(KeyError, ValueError):
        table.style = "Table Grid"


def _word_table(document: Any, columns: list[str], rows: list[list[Cell]]) -> None:
    table = document.add_table(rows=1, cols=len(columns))
    _table_style(document, table)
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        cell.text = xml_text(title)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = xml_text(cell_text(value))


def _caption(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(xml_text(text))
    run.italic = True


def _recommendation_rows(
    content: ReportContent, names: dict[int, str], addressees: dict[str, str]
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for number, item in enumerate(content.recommendations, start=1):
        whom = addressees.get(item.addressee, item.addressee)
        if item.organization_id and item.organization_id in names:
            whom = f"{whom}: {names[item.organization_id]}"
        rows.append([str(number), whom, item.text, date_ru(item.due_on)])
    return rows


def write_body(
    document: Any,
    content: ReportContent,
    *,
    names: dict[int, str],
    addressees: dict[str, str],
) -> None:
    """The sections and the recommendations into a python-docx document (or a docxtpl
    subdoc, which offers the same methods)."""
    from docx.shared import Mm

    for section in content.sections:
        document.add_heading(xml_text(section.heading), level=2)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                document.add_paragraph(xml_text(block.text))
            elif isinstance(block, Table):
                _caption(document, block.caption)
                _word_table(document, block.columns, block.rows)
                if block.note:
                    document.add_paragraph(xml_text(block.note))
            elif isinstance(block, Chart):
                document.add_picture(io.BytesIO(chart_png(block)), width=Mm(CHART_WIDTH_MM))
                _caption(document, block.caption)
    document.add_heading(_("Рекомендации"), level=2)
    if content.recommendations:
        _word_table(
            document,
            ["№", _("Адресат"), _("Рекомендация"), _("Срок")],
            _recommendation_rows(content, names, addressees),
        )
    else:
        document.add_paragraph(_("Рекомендаций нет."))


def report_docx(
    heading: Heading,
    content: ReportContent,
    *,
    names: dict[int, str],
    addressees: dict[str, str],
    template: bytes | None = None,
) -> bytes:
    """The report as Word: the default layout, or `template` (an authority's .docx) filled
    through docxtpl and then set to A4 with the official margins."""
    if template is not None:
        return _template_docx(
            heading, content, names=names, addressees=addressees, template=template
        )
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx_new(title=heading.title)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    owner = document.add_paragraph()
    owner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    owner.add_run(xml_text(heading.owner))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(xml_text(heading.title))
    run.bold = True
    run.font.size = Pt(14)
    for line in (
        heading.subtitle,
        _("Территория: %(t)s") % {"t": heading.territory},
        _("Год: %(y)s") % {"y": heading.year},
        _("Дата формирования: %(d)s") % {"d": date_ru(heading.built)},
    ):
        if line:
            paragraph = document.add_paragraph(xml_text(line))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write_body(document, content, names=names, addressees=addressees)
    return docx_bytes(document)


def _template_context(
    heading: Heading, content: ReportContent, names: dict[int, str], addressees: dict[str, str]
) -> dict[str, Any]:
    def section_text(section: Any) -> str:
        return "\n".join(b.text for b in section.blocks if isinstance(b, Paragraph))

    return {
        "title": heading.title,
        "subtitle": heading.subtitle,
        "owner": heading.owner,
        "year": heading.year,
        "territory": heading.territory,
        "date": date_ru(heading.built),
        "figures": {k: cell_text(v) for k, v in content.figures.items()},
        "sections": [{"heading": s.heading, "text": section_text(s)} for s in content.sections],
        "recommendations": [
            {"number": row[0], "addressee": row[1], "text": row[2], "due": row[3]}
            for row in _recommendation_rows(content, names, addressees)
        ],
    }


def _template_docx(
    heading: Heading,
    content: ReportContent,
    *,
    names: dict[int, str],
    addressees: dict[str, str],
    template: bytes,
) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(io.BytesIO(template))
    context = _template_context(heading, content, names, addressees)
    body = document.new_subdoc()
    write_body(body, content, names=names, addressees=addressees)
    context["body"] = body
    document.render(context, autoescape=True)
    docx_a4(document.docx)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def template_problems(data: bytes) -> list[str]:
    """Why an uploaded file cannot be a report template (empty when it can): not a .docx
    (its first bytes, then its parts), not a readable Word document, or fields other than
    `TEMPLATE_FIELDS`."""
    if not data.startswith(b"PK\x03\x04"):
        return [_("Файл не является документом Word (.docx).")]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                return [_("Файл не является документом Word (.docx).")]
    except zipfile.BadZipFile:
        return [_("Файл не является документом Word (.docx).")]
    from docxtpl import DocxTemplate

    try:
        fields = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables()
    except Exception as exc:  # jinja2's syntax errors and broken Word parts alike
        return [_("Шаблон не читается: %(e)s") % {"e": str(exc)[:200]}]
    unknown = sorted(set(fields) - set(TEMPLATE_FIELDS))
    if unknown:
        return [
            _("В шаблоне неизвестные поля: %(f)s. Допустимые поля: %(a)s.")
            % {"f": ", ".join(unknown), "a": ", ".join(TEMPLATE_FIELDS)}
        ]
    return []


# --- PDF ------------------------------------------------------------------------------------


def report_pdf(
    heading: Heading,
    content: ReportContent,
    *,
    names: dict[int, str],
    addressees: dict[str, str],
) -> bytes:
    """The same report as PDF (fpdf2, A4, DejaVu Sans), charts as the same PNG images."""
    from fpdf.fonts import FontFace

    pdf = pdf_new(title=heading.title)
    pdf.add_page()

    def text(value: str, *, bold: bool = False, size: int = 10, align: str = "L") -> None:
        pdf.set_font(PDF_FONT, "B" if bold else "", size)
        pdf.multi_cell(0, 5, xml_text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    text(heading.owner, align="C")
    text(heading.title, bold=True, size=13, align="C")
    for line in (
        heading.subtitle,
        _("Территория: %(t)s") % {"t": heading.territory},
        _("Год: %(y)s") % {"y": heading.year},
        _("Дата формирования: %(d)s") % {"d": date_ru(heading.built)},
    ):
        if line:
            text(line, align="C")
    head_style = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))

    def table(columns: list[str], rows: list[list[Cell]]) -> None:
        pdf.set_font(PDF_FONT, size=8)
        with pdf.table(headings_style=head_style, line_height=4, text_align="LEFT") as grid:
            head = grid.row()
            for title in columns:
                head.cell(xml_text(title))
            for values in rows:
                row = grid.row()
                for index in range(len(columns)):
                    value = values[index] if index < len(values) else ""
                    row.cell(xml_text(cell_text(value)))
        pdf.ln(2)

    for section in content.sections:
        pdf.ln(3)
        text(section.heading, bold=True, size=11)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                text(block.text)
            elif isinstance(block, Table):
                text(block.caption, size=9)
                table(block.columns, block.rows)
                if block.note:
                    text(block.note, size=9)
            elif isinstance(block, Chart):
                pdf.image(io.BytesIO(chart_png(block)), w=CHART_WIDTH_MM)
                text(block.caption, size=9)
    pdf.ln(3)
    text(_("Рекомендации"), bold=True, size=11)
    if content.recommendations:
        table(
            ["№", _("Адресат"), _("Рекомендация"), _("Срок")],
            _recommendation_rows(content, names, addressees),
        )
    else:
        text(_("Рекомендаций нет."))
    return bytes(pdf.output())
