"""Recognising roadmaps in the seed exports, in Word and Excel files, and refusing bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opora.roadmaps.readers import OLE_MAGIC, ReadError, read_document
from opora.roadmaps.recognize import clean, recognize
from opora.roadmaps.seeds import SEED_TEMPLATES, seed_template_corrections, seed_template_draft
from opora.roadmaps.tests.documents import (
    FOREIGN_SECTIONS,
    foreign_roadmap_docx,
    roadmap_docx,
    roadmap_xlsx,
)

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
HEADER = ("№", "Мероприятие", "Сроки", "Ответственный", "Планируемый результат")

# Section and activity counts read off the seed documents by hand.
EXPECTED = {
    "yaroslavl-2020": (3, [12, 26, 10]),
    "krasnoturansk-2022": (6, [5, 16, 9, 15, 9, 8]),
    "mppko-2020": (7, [2, 3, 2, 4, 5, 2, 3]),
    "vasileostrovsky-500-2021": (5, [16, 0, 2, 2, 13, 12, 5, 4]),
    "novosibirsk-2020": (8, [8, 13, 5, 8, 5, 2, 4, 3]),
}


@pytest.mark.parametrize("template", SEED_TEMPLATES, ids=lambda t: t.slug)
def test_each_seed_template_has_every_section_and_activity(template):
    draft = seed_template_draft(template.slug)
    top, per_section = EXPECTED[template.slug]
    assert len(draft.top_sections) == top == template.sections
    assert [len(s.activities) for s in draft.sections] == per_section
    assert len(draft.activities) == template.activities
    assert draft.title == template.title
    for activity in draft.activities:
        assert activity.text.strip(), activity
        # The export's noise is gone: no HTML, no page-break header rows among activities.
        for value in (activity.text, activity.schedule, activity.responsible, activity.result):
            assert "<p>" not in value and "<ul" not in value and "</" not in value
        assert activity.text not in ("Мероприятие", "Мероприятия")


def test_seed_002_keeps_a_key_result_for_every_year():
    draft = seed_template_draft("mppko-2020")
    assert draft.result_years == [2020, 2021, 2022]
    first = draft.activities[0]
    assert first.text == "Создание рабочей группы по вопросам повышения качества образования"
    assert first.year_results["2020"].startswith("Создана рабочая группа")
    assert "не реже 1 раза в полугодие" in first.year_results["2022"]
    assert first.document.startswith("Приказ УО")
    monitoring = next(a for a in draft.activities if a.number == "19")
    assert "сентябрь 2020" in monitoring.year_results["2020"]
    assert seed_template_corrections("mppko-2020")


def test_seed_003_has_sub_sections_and_project_levels():
    draft = seed_template_draft("vasileostrovsky-500-2021")
    numbers = [(s.number, s.parent) for s in draft.sections]
    assert ("2.1", "2") in numbers and ("2.3", "2") in numbers
    first = draft.activities[0]
    assert first.number == "1.1"
    assert first.levels == ["federal"]
    assert first.schedule == "январь"
    both = [a for a in draft.activities if a.levels == ["federal", "regional"]]
    assert both


def test_seed_001_keeps_the_wording_and_numbers_as_written():
    draft = seed_template_draft("krasnoturansk-2022")
    monitoring = draft.sections[3]
    # The document numbers two activities «4.1»; Opora keeps what the authority wrote.
    assert [a.number for a in monitoring.activities][:3] == ["4.1", "4.1", "4.3"]
    assert draft.activities[0].responsible


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents are not beside the checkout")
@pytest.mark.parametrize("template", SEED_TEMPLATES, ids=lambda t: t.slug)
def test_template_is_what_the_recogniser_reads_in_the_seed_file(template):
    data = (SEEDS / template.seed_file).read_bytes()
    draft = recognize(read_document(data, template.seed_file))
    assert not draft.errors
    stored = seed_template_draft(template.slug)
    assert [(s.number, len(s.activities)) for s in draft.sections] == [
        (s.number, len(s.activities)) for s in stored.sections
    ]
    assert [a.number for a in draft.activities] == [a.number for a in stored.activities]
    corrected = len(seed_template_corrections(template.slug))
    differing = [
        a.number
        for a, b in zip(draft.activities, stored.activities, strict=True)
        if (a.text, a.responsible) != (b.text, b.responsible)
    ]
    assert len(differing) == corrected


def test_a_word_roadmap_of_another_authority():
    draft = recognize(read_document(foreign_roadmap_docx(), "энск.docx"))
    assert not draft.problems
    assert draft.title == (
        "План мероприятий («дорожная карта») по поддержке школ с низкими образовательными "
        "результатами на 2024–2026 годы"
    )
    assert draft.columns == ["number", "activity", "schedule", "responsible", "result", "document"]
    assert [(s.number, s.title) for s in draft.sections] == [
        ("1", "Организационно-управленческие меры"),
        ("2", "Методическое сопровождение"),
        ("3", "Мониторинг"),
    ]
    expected = [item[0] for _title, items in FOREIGN_SECTIONS for item in items]
    assert [a.number for a in draft.activities] == expected
    first, second, third = draft.activities[:3]
    assert first.schedule == "до 15.09.2024"
    # A responsible merged down three rows belongs to each of them.
    assert first.responsible == second.responsible == third.responsible == "Управление образования"
    seminars = draft.activities[3]
    assert seminars.text.splitlines()[1:] == [
        "• анализ результатов ВПР;",
        "• объективность оценивания",
    ]
    assert seminars.document == "Программа семинара, лист регистрации"
    last = draft.activities[-1]
    assert last.text.endswith("(по предметам «русский язык» и «математика»)")


def test_an_excel_roadmap_with_merged_section_rows_and_numbers_in_the_text():
    rows = [
        ("План мероприятий («дорожная карта») на 2025 год",),
        ("Мероприятие", "Сроки", "Ответственный", "Результат"),
        ("1. Кадровые условия",),
        ("1. Курсы повышения квалификации учителей математики", "март", "ИМЦ", "Обучены 12 чел."),
        ("2. Школа молодого педагога", "ежегодно", "ИМЦ", "Проведено 4 занятия"),
        ("2. Работа с родителями",),
        ("1. Родительские собрания по итогам ВПР", "май", "директора", "Протоколы"),
    ]
    draft = recognize(read_document(roadmap_xlsx(rows, merge_rows=(3, 6)), "план.xlsx"))
    assert not draft.problems
    assert draft.title == "План мероприятий («дорожная карта») на 2025 год"
    assert [(s.number, s.title, len(s.activities)) for s in draft.sections] == [
        ("1", "Кадровые условия", 2),
        ("2", "Работа с родителями", 1),
    ]
    assert draft.activities[1].number == "2"
    assert draft.activities[1].text == "Школа молодого педагога"


def test_rows_wider_than_the_header_are_kept_and_reported():
    rows = [HEADER, ("1", "Совещание", "май", "УО", "Протокол", "лишняя ячейка")]
    draft = recognize(read_document(roadmap_docx(rows), "карта.docx"))
    assert not draft.errors
    (problem,) = draft.problems
    assert problem.where == "таблица 1, строка 2"
    assert "ячеек с текстом больше, чем столбцов в шапке (6 из 5)" in problem.message
    assert draft.activities[0].result == "Протокол\nлишняя ячейка"


def test_an_activity_without_text_is_an_error_with_its_place():
    rows = [HEADER, ("1", "Совещание", "май", "УО", "Протокол"), ("2", "", "июнь", "УО", "")]
    draft = recognize(read_document(roadmap_docx(rows), "карта.docx"))
    (error,) = draft.errors
    assert str(error) == "таблица 1, строка 3: у мероприятия № 2 нет текста"


def test_a_document_without_a_recognisable_header():
    rows = [("Что", "Когда"), ("Совещание", "май")]
    draft = recognize(read_document(roadmap_docx(rows, paragraphs=("Дорожная карта",)), "x.docx"))
    (error,) = draft.errors
    assert "не найдена таблица дорожной карты" in error.message
    draft = recognize(read_document(roadmap_docx([], paragraphs=("Просто текст",)), "y.docx"))
    assert draft.errors


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 scanned", "скан.pdf", "PDF"),
        (OLE_MAGIC + b"\x00" * 100, "карта.docx", "защищён паролем"),
        (OLE_MAGIC + b"\x00" * 100, "карта.doc", "старом формате"),
        (b"PK\x03\x04broken", "карта.docx", "повреждён"),
        (b"anything", "карта.odt", ".docx"),
    ],
)
def test_files_that_cannot_be_read_say_why(data, name, message):
    with pytest.raises(ReadError, match=message):
        read_document(data, name)


def test_clean_removes_html_of_web_exports_but_keeps_the_list():
    text = (
        '<p>Семинары:</p> <ul style="list-style-type: none"> • первый; • второй </ul>'
        "<p><i>«Название»</i>&nbsp;темы</p>"
    )
    assert clean(text) == "Семинары:\n• первый;\n• второй\n«Название» темы"


def test_template_files_are_valid_json_with_the_seed_named():
    for template in SEED_TEMPLATES:
        path = Path(__file__).resolve().parents[1] / "seed_templates" / f"{template.slug}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["seed"] == template.seed_file
