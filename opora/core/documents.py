"""Documents Opora writes for users (Word and PDF): A4 pages with the margins of Russian
official documents, Russian as the text language, and a font with Cyrillic for PDF.

python-docx starts from a US Letter template (8.5 × 11 in, one-inch margins, text marked as
American English), so a document made with `docx.Document()` prints badly in Russia and Word
underlines every Russian word. Every .docx goes through `docx_new` (or `docx_a4` for a document
made from another template) and every PDF through `pdf_new`.

Margins follow ГОСТ Р 7.0.97-2016 (п. 5.1 sets minimums: 20 mm left, 10 mm right, 20 mm top
and bottom); the binding edge gets 30 mm, as authorities' instructions ask for documents kept
in files. A landscape page (a wide table, e.g. a roadmap) is filed with its top edge at the
binding, so there the top margin is the binding one and the bottom the narrow one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.exports import xml_text

if TYPE_CHECKING:
    from docx.document import Document
    from fpdf import FPDF

A4_SHORT_MM = 210
A4_LONG_MM = 297
DOCUMENT_LANGUAGE = "ru-RU"
DOCUMENT_AUTHOR = "Опора"


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres."""

    left: float
    right: float
    top: float
    bottom: float


PORTRAIT_MARGINS = Margins(left=30, right=10, top=20, bottom=20)
# The portrait page turned a quarter: its binding edge (30 mm) is at the top.
LANDSCAPE_MARGINS = Margins(left=20, right=20, top=30, bottom=10)


def page_size_mm(*, landscape: bool) -> tuple[float, float]:
    """(width, height) of an A4 page in millimetres."""
    return (A4_LONG_MM, A4_SHORT_MM) if landscape else (A4_SHORT_MM, A4_LONG_MM)


def page_margins(*, landscape: bool) -> Margins:
    return LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS


def text_width_mm(*, landscape: bool) -> float:
    """The width between the margins: what a full-width table may take."""
    margins = page_margins(landscape=landscape)
    return page_size_mm(landscape=landscape)[0] - margins.left - margins.right


def docx_a4(document: Document, *, landscape: bool = False) -> Document:
    """Set every section of `document` to A4 (portrait or landscape) with the official
    margins, and mark its text as Russian (spelling and hyphenation in Word)."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    width, height = page_size_mm(landscape=landscape)
    margins = page_margins(landscape=landscape)
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
        section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
        section.header_distance = section.footer_distance = Mm(10)
        section.gutter = Mm(0)
    # The default template's document defaults say en-US; every style inherits them.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:val"), DOCUMENT_LANGUAGE)
    return document


def docx_new(*, title: str = "", landscape: bool = False) -> Document:
    """A new Word document: A4 with the official margins, Russian, Opora as its author."""
    import docx

    document = docx.Document()
    docx_a4(document, landscape=landscape)
    properties = document.core_properties
    properties.author = properties.last_modified_by = DOCUMENT_AUTHOR
    properties.title = xml_text(title)[:255]
    properties.language = DOCUMENT_LANGUAGE
    properties.comments = ""
    properties.created = properties.modified = timezone.now()
    return document


def docx_bytes(document: Document) -> bytes:
    """The document as a .docx file."""
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


# PDF needs a font with Cyrillic; DejaVu is Debian's fonts-dejavu-core (README, .ci/run).
PDF_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
PDF_FONT = "DejaVu"


class PdfFontMissing(RuntimeError):
    """The Cyrillic font for PDF is not installed (the message says which package)."""


def pdf_fonts() -> tuple[Path, Path]:
    """The regular and bold DejaVu Sans files."""
    for folder in PDF_FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise PdfFontMissing(
        _("Для PDF нужен шрифт DejaVu Sans (пакет fonts-dejavu-core); он не установлен.")
    )


def pdf_new(*, title: str = "", landscape: bool = False) -> FPDF:
    """A new PDF: A4 with the official margins and DejaVu Sans (regular «» and bold «B»)
    registered as «DejaVu»; the first page is not added yet."""
    from fpdf import FPDF

    regular, bold = pdf_fonts()
    pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    margins = page_margins(landscape=landscape)
    pdf.set_margins(margins.left, margins.top, margins.right)
    pdf.set_auto_page_break(auto=True, margin=margins.bottom)
    pdf.add_font(PDF_FONT, "", str(regular))
    pdf.add_font(PDF_FONT, "B", str(bold))
    pdf.set_title(xml_text(title)[:200])
    pdf.set_author(DOCUMENT_AUTHOR)
    pdf.set_creator(DOCUMENT_AUTHOR)
    pdf.set_lang(DOCUMENT_LANGUAGE)
    return pdf
