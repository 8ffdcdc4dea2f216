"""The certificate of participation as a PDF (A4, the official margins, Cyrillic font)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.dates import date_ru_long
from opora.core.documents import PDF_FONT, pdf_new
from opora.core.exports import export_filename, xml_text
from opora.events.models import Certificate, Event, Registration

if TYPE_CHECKING:
    from fpdf import FPDF


def certificate_blank() -> FPDF:
    """An empty certificate document with its fonts loaded: loading DejaVu is most of the
    cost of one PDF, so a batch copies one blank for each certificate (`certificate_pdf`)."""
    return pdf_new(title=_("Сертификат участника"))


def _copy(blank: FPDF) -> FPDF:
    """A copy of `blank` to draw one certificate on. fpdf2's copy shares each font's fontTools
    object, which writing a PDF cuts down to the glyphs used; each copy gets its own, read
    lazily from the font file (cheap: only the glyphs used are parsed)."""
    from fontTools import ttLib

    pdf = copy.deepcopy(blank)
    for font in pdf.fonts.values():
        path = getattr(font, "ttffile", None)
        if getattr(font, "ttfont", None) is not None and path:
            font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)  # type: ignore[union-attr]
    return pdf


def certificate_pdf(
    certificate: Certificate,
    registration: Registration,
    event: Event,
    blank: FPDF | None = None,
) -> bytes:
    """One certificate: the organiser, «Сертификат участника № N/YYYY», the person, the event,
    its date and hours if set; drawn on a copy of `blank` when given."""
    pdf = _copy(blank) if blank is not None else certificate_blank()
    pdf.add_page()
    pdf.set_font(PDF_FONT, "", 12)
    pdf.multi_cell(0, 6, xml_text(event.organizer.name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(30)
    pdf.set_font(PDF_FONT, "B", 24)
    pdf.multi_cell(0, 12, _("СЕРТИФИКАТ"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(PDF_FONT, "", 12)
    pdf.multi_cell(
        0,
        6,
        _("участника № %(n)s") % {"n": certificate.label},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(15)
    pdf.set_font(PDF_FONT, "", 12)
    pdf.multi_cell(
        0, 6, _("Настоящим подтверждается, что"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "B", 16)
    pdf.multi_cell(0, 8, xml_text(registration.full_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "", 12)
    kind = str(event.get_kind_display()).lower()
    pdf.multi_cell(
        0,
        6,
        _("принял(а) участие в мероприятии (%(k)s)") % {"k": kind},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(PDF_FONT, "B", 13)
    pdf.multi_cell(0, 7, xml_text(f"«{event.title}»"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(PDF_FONT, "", 12)
    when = date_ru_long(timezone.localtime(event.starts_at).date())
    line = _("Дата проведения: %(d)s") % {"d": when}
    if event.hours:
        hours = f"{event.hours:g}".replace(".", ",")
        line += _(", объём: %(h)s ч.") % {"h": hours}
    pdf.multi_cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def certificate_filename(certificate: Certificate, registration: Registration) -> str:
    return export_filename(
        _("Сертификат"), str(certificate.number), registration.full_name, extension="pdf"
    )


def certificates_zip_name(event: Event) -> str:
    return export_filename(_("Сертификаты"), event.title[:60], extension="zip")
