"""Exports in the official layout, and the round trip: exported, imported, the same roadmap."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.tests.helpers import (
    ATTACKS,
    assert_docx_a4,
    assert_xlsx_keeps_as_text,
    download_name,
)
from opora.registry.models import Programme, ProgrammeSchool
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.drafts import DraftRoadmap
from opora.roadmaps.exports import export_columns, export_docx, export_pdf, export_xlsx
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.seeds import SEED_TEMPLATES, seed_template_draft
from opora.roadmaps.services import roadmap_create


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


# --- Downloads: formula-looking text stays text, Russian names, A4 ----------------------------


@pytest.fixture
def attacked(world):
    """A school's roadmap whose activities a user filled with formula-looking text."""
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2025, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    roadmap = roadmap_create(
        programme=programme,
        school=world.school_a,
        kind=RoadmapKind.TRANSITION,
        draft=seed_template_draft("novosibirsk-2020"),
        user=world.user("coordinator"),
        source="шаблон",
    )
    activities = list(roadmap.activities.order_by("position"))
    for activity, text in zip(activities, ATTACKS, strict=False):
        activity.text = text
        activity.save(update_fields=["text"])
    # A line break pasted from Word arrives as a vertical tab: XML cannot hold it.
    activities[-1].responsible = "Директор\x0bзаместитель"
    activities[-1].save(update_fields=["responsible"])
    return roadmap


def test_formula_looking_activities_download_as_text_and_import_back_unchanged(world, attacked):
    client = world.client("director_a")
    response = client.get(reverse("roadmaps:export", args=[attacked.pk, "xlsx"]))
    assert response.status_code == 200
    assert download_name(response) == "Дорожная карта — СОШ № 1 — 2024-2025.xlsx"
    assert_xlsx_keeps_as_text(response.content)
    # The quote prefix is invisible to a reader: the file imports to the same roadmap (the
    # recogniser trims the tab, as it trims every cell).
    again = recognize(read_document(response.content, "карта.xlsx"))
    assert [a.text for a in again.activities][: len(ATTACKS)] == [t.strip() for t in ATTACKS]
    assert again.activities[-1].responsible == "Директор\nзаместитель"


def test_word_and_pdf_downloads_are_a4_landscape_with_russian_names(world, attacked):
    from pypdf import PdfReader

    client = world.client("curator")
    word = client.get(reverse("roadmaps:export", args=[attacked.pk, "docx"]))
    assert word.status_code == 200
    assert download_name(word) == "Дорожная карта — СОШ № 1 — 2024-2025.docx"
    assert_docx_a4(word.content, landscape=True)
    document = docx.Document(io.BytesIO(word.content))
    (table,) = document.tables
    # The table fits between the margins (257 mm of the landscape page).
    assert sum(column.width.mm for column in table.columns) <= 257.5
    assert any(ATTACKS[0] in cell.text for row in table.rows for cell in row.cells)
    pdf = client.get(reverse("roadmaps:export", args=[attacked.pk, "pdf"]))
    assert download_name(pdf).endswith("2024-2025.pdf")
    page = PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director_a", 200), ("curator", 200), ("director_b", 404), ("outsider", 404)],
)
def test_who_may_download_a_schools_roadmap(world, attacked, persona, status):
    url = reverse("roadmaps:export", args=[attacked.pk, "xlsx"])
    assert world.client(persona).get(url).status_code == status
    assert world.client("anonymous").get(url).status_code == 302


def test_a_wide_roadmap_is_narrowed_to_the_page():
    draft = seed_template_draft("mppko-2020")
    columns = export_columns(draft)
    assert sum(c.width_cm for c in columns) * 10 > 257
    document = docx.Document(io.BytesIO(export_docx(draft)))
    assert sum(column.width.mm for column in document.tables[0].columns) <= 257.5


def test_cli_export_names_the_file_by_the_roadmap(world, attacked, tmp_path, capsys):
    call_command("roadmap", "export", str(attacked.pk), "--format", "docx", "-o", str(tmp_path))
    target = tmp_path / "Дорожная карта — СОШ № 1 — 2024-2025.docx"
    assert_docx_a4(target.read_bytes(), landscape=True)
    assert str(target) in capsys.readouterr().out
