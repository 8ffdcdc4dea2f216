"""«Справка по итогам выезда»: the visit report as Word (.docx) and PDF on A4 portrait, made
through `opora.core.documents` (A4, official margins, Russian)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.documents import PDF_FONT, docx_bytes, docx_new, pdf_new
from opora.core.exports import export_filename, xml_text
from opora.support.models import Recommendation, Visit
from opora.support.visit_templates import template_areas


@dataclass
class RecordLine:
    question: str
    rating: str
    note: str


@dataclass
class RecordArea:
    title: str
    lines: list[RecordLine] = field(default_factory=list)


@dataclass
class VisitReport:
    """What the report says, in the order it says it."""

    title: str
    facts: list[tuple[str, str]]
    purpose: str
    programme: str
    areas: list[RecordArea]
    findings: str
    recommendations: list[tuple[str, str, str]]
    status_note: str = ""


def visit_report(
    visit: Visit, team: list[str], recommendations: list[Recommendation]
) -> VisitReport:
    """The report of a visit the caller fetched through `visit_get` (the access)."""
    template = visit.template
    scale = list(template.scale) if template else []
    areas: list[RecordArea] = []
    for area in template_areas(template.areas if template else []):
        part = RecordArea(area.title)
        for question in area.questions:
            answer = visit.answers.get(question.key) or {}
            rating = answer.get("rating")
            label = scale[rating] if isinstance(rating, int) and 0 <= rating < len(scale) else ""
            note = str(answer.get("note") or "")
            if label or note:
                part.lines.append(RecordLine(question.text, label, note))
        if part.lines:
            areas.append(part)
    facts = [
        (_("Школа"), visit.school.name),
        (_("Вид выезда"), str(visit.get_kind_display())),
        (_("Дата"), dates.date_ru_long(visit.planned_on)),
        (_("Проводит"), visit.organiser.name),
        (_("Руководитель выезда"), visit.lead.full_name),
        (_("Состав группы"), ", ".join(team) or "—"),
        (_("Состояние"), str(visit.get_status_display())),
    ]
    status_note = ""
    if visit.status_reason:
        status_note = _("Причина: %(r)s") % {"r": visit.status_reason}
    return VisitReport(
        title=_("Справка по итогам выезда в %(school)s") % {"school": visit.school.short_name},
        facts=facts,
        purpose=visit.purpose,
        programme=visit.programme,
        areas=areas,
        findings=visit.findings,
        recommendations=[
            (r.text, str(r.get_addressee_display()), dates.date_ru(r.due_on))
            for r in recommendations
        ],
        status_note=status_note,
    )


def report_filename(visit: Visit, extension: str) -> str:
    """«Справка по итогам выезда — СОШ № 5 — 12.03.2025.docx»."""
    return export_filename(
        _("Справка по итогам выезда"),
        visit.school.short_name,
        dates.date_ru(visit.planned_on),
        extension=extension,
    )


def report_docx(report: VisitReport) -> bytes:
    """Word: A4 portrait, Times New Roman 12, headings in bold, tables for the record and the
    recommendations."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx_new(title=report.title)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(xml_text(report.title))
    run.bold = True
    run.font.size = Pt(14)

    def bold(text: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.add_run(xml_text(text)).bold = True

    for label, value in report.facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_text(value))
    if report.status_note:
        document.add_paragraph(xml_text(report.status_note))
    bold(_("Цель выезда"))
    document.add_paragraph(xml_text(report.purpose))
    if report.programme:
        bold(_("Программа выезда"))
        for item in report.programme.splitlines():
            if item.strip():
                document.add_paragraph(xml_text(item.strip()))
    if report.areas:
        bold(_("Протокол"))
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, (_("Вопрос"), _("Оценка"), _("Заметка")), strict=True
        ):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for area in report.areas:
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[2])
            merged.text = xml_text(area.title)
            merged.paragraphs[0].runs[0].bold = True
            for line in area.lines:
                cells = table.add_row().cells
                cells[0].text = xml_text(line.question)
                cells[1].text = xml_text(line.rating or "—")
                cells[2].text = xml_text(line.note)
    bold(_("Выводы"))
    document.add_paragraph(xml_text(report.findings or "—"))
    bold(_("Рекомендации"))
    if report.recommendations:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, ("№", _("Рекомендация"), _("Кому"), _("Срок")), strict=True
        ):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for number, (text, addressee, due) in enumerate(report.recommendations, start=1):
            cells = table.add_row().cells
            cells[0].text = str(number)
            cells[1].text = xml_text(text)
            cells[2].text = addressee
            cells[3].text = due
    else:
        document.add_paragraph(_("Рекомендаций нет."))
    return docx_bytes(document)


def report_pdf(report: VisitReport) -> bytes:
    """PDF: the same report, A4 portrait, DejaVu Sans."""
    from fpdf.fonts import FontFace

    pdf = pdf_new(title=report.title)
    pdf.add_page()
    pdf.set_font(PDF_FONT, "B", 13)
    pdf.multi_cell(0, 7, xml_text(report.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def text(value: str, *, bold: bool = False, size: int = 10) -> None:
        pdf.set_font(PDF_FONT, "B" if bold else "", size)
        pdf.multi_cell(0, 5, xml_text(value), new_x="LMARGIN", new_y="NEXT")

    def heading(value: str) -> None:
        pdf.ln(2)
        text(value, bold=True, size=11)

    for label, value in report.facts:
        text(f"{label}: {value}")
    if report.status_note:
        text(report.status_note)
    heading(_("Цель выезда"))
    text(report.purpose)
    if report.programme:
        heading(_("Программа выезда"))
        text(report.programme)
    head_style = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    if report.areas:
        heading(_("Протокол"))
        pdf.set_font(PDF_FONT, size=9)
        with pdf.table(
            col_widths=(50, 20, 30), headings_style=head_style, line_height=4.5, text_align="LEFT"
        ) as table:
            row = table.row()
            for title in (_("Вопрос"), _("Оценка"), _("Заметка")):
                row.cell(title)
            for area in report.areas:
                table.row().cell(xml_text(area.title), colspan=3, style=head_style)
                for line in area.lines:
                    row = table.row()
                    row.cell(xml_text(line.question))
                    row.cell(xml_text(line.rating or "—"))
                    row.cell(xml_text(line.note))
    heading(_("Выводы"))
    text(report.findings or "—")
    heading(_("Рекомендации"))
    if report.recommendations:
        pdf.set_font(PDF_FONT, size=9)
        with pdf.table(
            col_widths=(6, 60, 20, 14),
            headings_style=head_style,
            line_height=4.5,
            text_align="LEFT",
        ) as table:
            row = table.row()
            for title in ("№", _("Рекомендация"), _("Кому"), _("Срок")):
                row.cell(title)
            for number, (value, addressee, due) in enumerate(report.recommendations, start=1):
                row = table.row()
                row.cell(str(number))
                row.cell(xml_text(value))
                row.cell(addressee)
                row.cell(due)
    else:
        text(_("Рекомендаций нет."))
    return bytes(pdf.output())
