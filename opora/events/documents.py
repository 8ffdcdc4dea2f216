"""The certificate of participation as a PDF (A4, the official margins, Cyrillic font)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.dates import date_ru_long
from opora.core.documents import PDF_FONT, pdf_new
from opora.core.exports import export_filename, xml_text
from opora.events.models import Certificate, Event, Registration


def certificate_pdf(certificate: Certificate, registration: Registration, event: Event) -> bytes:
    """One certificate: the organiser, «Сертификат участника № N/YYYY», the person, the event,
    its date and hours if set."""
    pdf = pdf_new(title=_("Сертификат участника"))
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
