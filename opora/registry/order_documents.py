"""The draft of an order (проект приказа) as Word (.docx) in the usual layout of an
authority's order: the authority's name, «ПРИКАЗ», date and number left blank for the
registration, the title «Об утверждении …», the preamble, «ПРИКАЗЫВАЮ:» with numbered items,
the signatory line, and the appendices on pages of their own.

The content comes from the app that owns the approved data (`registry.order_hooks`); the
layout is here, one for every kind of order."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.core.documents import docx_bytes, docx_new
from opora.core.exports import export_filename, xml_text
from opora.registry.models import Order
from opora.registry.order_hooks import OrderDraft, draft_content

CONTROL_ITEM = "Контроль за исполнением настоящего приказа оставляю за собой."
BLANK_DATE = "«___» ____________ 20___ г."
BLANK_NUMBER = "№ ________"


def order_draft(user: Any, order: Order) -> OrderDraft:
    """The content of the order's draft: its kind's drafter's, or the order's own title and
    note when nothing is linked to it yet (or its kind has no drafter)."""
    content = draft_content(user, order)
    if content is not None:
        return content
    items = [line.strip() for line in order.note.splitlines() if line.strip()]
    return OrderDraft(title=order.title, preamble="", items=items)


def _date_and_number(order: Order) -> tuple[str, str]:
    if order.number and order.date:
        return f"{order.date:%d.%m.%Y}", f"№ {order.number}"
    return BLANK_DATE, BLANK_NUMBER


def order_docx(user: Any, order: Order) -> bytes:
    """The draft (.docx) of an order the caller fetched through `order_get`."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    content = order_draft(user, order)
    document = docx_new(title=content.title)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.paragraph_format.space_after = Pt(0)

    def centred(text: str, *, bold: bool = False, size: int = 14, space: int = 0) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(space)
        run = paragraph.add_run(xml_text(text))
        run.bold = bold
        run.font.size = Pt(size)

    def justified(text: str, *, indent: bool = True) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(12.5)
        paragraph.add_run(xml_text(text))

    issuer = order.issuer
    centred(issuer.name.upper(), bold=True, space=12)
    centred(_("ПРИКАЗ"), bold=True, size=16, space=12)
    date_text, number_text = _date_and_number(order)
    line = document.add_table(rows=1, cols=2)
    line.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = line.rows[0].cells
    left.text = date_text
    right.text = number_text
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if issuer.territory_id:
        centred(issuer.territory.name, size=12, space=12)
    centred(content.title, bold=True, space=12)
    if content.preamble:
        justified(content.preamble)
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.add_run(_("ПРИКАЗЫВАЮ:")).bold = True
    items = [*content.items, CONTROL_ITEM]
    for number, item in enumerate(items, start=1):
        justified(f"{number}. {item}")
    signature = document.add_table(rows=1, cols=2)
    signature.alignment = WD_TABLE_ALIGNMENT.CENTER
    position, name = signature.rows[0].cells
    position.paragraphs[0].paragraph_format.space_before = Pt(36)
    name.paragraphs[0].paragraph_format.space_before = Pt(36)
    position.text = order.signatory or _("Руководитель")
    name.text = "_______________ / _______________ /"
    name.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for index, appendix in enumerate(content.appendices, start=1):
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        label = (
            _("Приложение %(n)s") % {"n": index} if len(content.appendices) > 1 else _("Приложение")
        )
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        heading.add_run(
            xml_text(
                f"{label}\n{_('к приказу')} {issuer.short_name or issuer.name}\n"
                f"{_('от')} {date_text} {number_text}"
            )
        ).font.size = Pt(12)
        centred(appendix.title, bold=True, space=6)
        table = document.add_table(rows=1, cols=len(appendix.header))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, appendix.header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(xml_text(title))
            run.bold = True
            run.font.size = Pt(11)
        for row in appendix.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(xml_text(str(value))).font.size = Pt(11)
        if appendix.widths_mm:
            for row in table.rows:
                for cell, width in zip(row.cells, appendix.widths_mm, strict=False):
                    cell.width = Mm(width)
    return docx_bytes(document)


def order_draft_filename(order: Order) -> str:
    return export_filename(_("Проект приказа"), order.title[:60], extension="docx")
