"""Exports in the official layout, and the round trip: exported, imported, the same roadmap."""

from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook

from opora.roadmaps.drafts import DraftRoadmap
from opora.roadmaps.exports import export_docx, export_pdf, export_xlsx
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.seeds import SEED_TEMPLATES, seed_template_draft


def comparable(draft: DraftRoadmap) -> list[object]:
    return [
        [(s.number, s.title, s.parent) for s in draft.sections],
        [
            (
                a.number,
                a.text,
                a.schedule,
                a.responsible,
                a.result,
                a.document,
                a.levels,
                a.year_results,
            )
            for a in draft.activities
        ],
        draft.result_years,
    ]


@pytest.mark.parametrize("template", SEED_TEMPLATES, ids=lambda t: t.slug)
@pytest.mark.parametrize(("export", "suffix"), [(export_docx, ".docx"), (export_xlsx, ".xlsx")])
def test_an_exported_roadmap_imported_again_is_the_same_roadmap(template, export, suffix):
    draft = seed_template_draft(template.slug)
    again = recognize(read_document(export(draft), f"карта{suffix}"))
    # Only what the original itself has: seed 001 numbers two activities «4.1».
    assert [p.message for p in again.problems if "4.1 уже был" not in p.message] == []
    assert again.title == draft.title
    assert comparable(again) == comparable(draft)


def test_word_export_has_the_approval_title_and_table_of_the_seeds():
    draft = seed_template_draft("novosibirsk-2020")
    document = docx.Document(io.BytesIO(export_docx(draft)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:3] == [
        "УТВЕРЖДЕНА",
        "приказ от 17.02.2020 № 0177-ога",
        "Департамент образования мэрии города Новосибирска",
    ]
    assert paragraphs[3] == draft.title
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "№ п/п",
        "Мероприятие",
        "Сроки",
        "Ответственные",
        "Планируемый результат",
    ]
    assert table.rows[1].cells[0].text == "1. Организационные мероприятия"
    assert table.rows[2].cells[1].text.startswith("Корректировка состава рабочей группы")
    # The header repeats on every page of a long table.
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    section = document.sections[0]
    assert (section.page_width or 0) > (section.page_height or 0)


def test_excel_export_of_seed_002_puts_key_results_under_their_years():
    draft = seed_template_draft("mppko-2020")
    sheet = load_workbook(io.BytesIO(export_xlsx(draft))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "№ п/п")
    assert rows[header][:3] == ("№ п/п", "Мероприятие", "Ключевые результаты")
    assert rows[header + 1][2:5] == ("2020", "2021", "2022")
    first = rows[header + 3]
    assert first[1] == "Создание рабочей группы по вопросам повышения качества образования"
    assert first[2].startswith("Создана рабочая группа")


@pytest.mark.parametrize("template", SEED_TEMPLATES, ids=lambda t: t.slug)
def test_pdf_export_is_a_pdf_with_the_roadmap_text(template):
    from pypdf import PdfReader

    draft = seed_template_draft(template.slug)
    data = export_pdf(draft)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert " ".join(draft.activities[0].text.split())[:40] in flat
    assert " ".join(draft.activities[-1].text.split())[:40] in flat
    assert "№ п/п" in flat
