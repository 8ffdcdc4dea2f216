"""Word and PDF documents: A4 with the official margins, Russian text, Opora as the author."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from opora.core.documents import docx_a4, docx_bytes, docx_new, pdf_new, text_width_mm
from opora.core.tests.helpers import assert_docx_a4


@pytest.mark.parametrize("landscape", [False, True])
def test_a_new_word_document_is_a4_with_the_official_margins(landscape: bool) -> None:
    document = docx_new(title="Дорожная карта", landscape=landscape)
    document.add_paragraph("Текст")
    data = docx_bytes(document)
    assert_docx_a4(data, landscape=landscape)
    again = docx.Document(io.BytesIO(data))
    assert again.core_properties.author == "Опора"
    assert again.core_properties.title == "Дорожная карта"
    assert "python-docx" not in again.core_properties.comments
    # Word checks the spelling of Russian text as Russian, not as American English.
    defaults = again.styles.element.find(qn("w:docDefaults"))
    languages = {lang.get(qn("w:val")) for lang in defaults.iter(qn("w:lang"))}
    assert languages == {"ru-RU"}


def test_python_docx_starts_from_us_letter_and_docx_a4_mends_every_section() -> None:
    document = docx.Document()
    assert round(document.sections[0].page_width.mm) == 216  # what the bug was
    document.add_section()
    assert_docx_a4(docx_bytes(docx_a4(document, landscape=True)), landscape=True)


def test_text_width_is_what_the_margins_leave() -> None:
    assert text_width_mm(landscape=False) == 170
    assert text_width_mm(landscape=True) == 257


@pytest.mark.parametrize(("landscape", "size"), [(False, (210, 297)), (True, (297, 210))])
def test_a_new_pdf_is_a4(landscape: bool, size: tuple[int, int]) -> None:
    from pypdf import PdfReader

    pdf = pdf_new(title="Отчёт", landscape=landscape)
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 5, "Проверка")
    page = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]
    points_per_mm = 72 / 25.4
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width / points_per_mm), round(height / points_per_mm)) == size
    assert pdf.l_margin == (20 if landscape else 30)
