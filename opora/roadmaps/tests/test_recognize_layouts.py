"""Sections in the layouts Russian authorities use: merged across the table or only bold,
numbered «I.», «1.», «Раздел 1», «А.», «1)» or not at all, with sub-sections, on pages that
repeat the header — each is a section, and the activities under it keep their numbers."""

from __future__ import annotations

import pytest

from opora.roadmaps.drafts import DraftSection, ordinal, roman_value, section_parent
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize, section_from_text, section_label
from opora.roadmaps.tests.documents import roadmap_xlsx
from opora.roadmaps.tests.word_layouts import (
    ACTIVITY_TEXTS,
    PAGE_BREAK,
    WITHOUT_NUMBER,
    Bold,
    Merged,
    activity,
    word_roadmap,
)

ORG = "Организационно-управленческие меры"
METHOD = "Методическое сопровождение"
STAFF = "Кадровые условия"
MONITOR = "Мониторинг и контроль"


def read(data: bytes, name: str = "карта.docx"):
    return recognize(read_document(data, name))


def outline(draft):
    """(number, title, parent, activity numbers) of each section."""
    return [(s.number, s.title, s.parent, [a.number for a in s.activities]) for s in draft.sections]


def assert_texts_kept(draft):
    for item in draft.activities:
        assert item.text in ACTIVITY_TEXTS, item
        assert item.schedule == "сентябрь 2024"
        assert item.responsible == "Управление образования"


LAYOUTS = {
    # The case of the issue: Roman numerals, rows merged across every column.
    "roman, merged": (
        [
            Merged(f"I. {ORG}"),
            activity("1.1", 0),
            activity("1.2", 1),
            Merged(f"II. {METHOD}"),
            activity("2.1", 2),
            activity("2.2", 3),
            activity("2.3", 4),
            Merged(f"III. {STAFF}"),
            activity("3.1", 5),
            Merged(f"IV. {MONITOR}"),
            activity("4.1", 6),
        ],
        {},
        [
            ("I", ORG, "", ["1.1", "1.2"]),
            ("II", METHOD, "", ["2.1", "2.2", "2.3"]),
            ("III", STAFF, "", ["3.1"]),
            ("IV", MONITOR, "", ["4.1"]),
        ],
    ),
    "arabic «1.», merged and bold": (
        [
            Merged(f"1. {ORG}", bold=True),
            activity("1.1", 0),
            activity("1.2", 1),
            Merged(f"2. {METHOD}", bold=True),
            activity("2.1", 2),
        ],
        {},
        [("1", ORG, "", ["1.1", "1.2"]), ("2", METHOD, "", ["2.1"])],
    ),
    "«Раздел 1.», «Раздел II», «Раздел 3:»": (
        [
            Merged(f"Раздел 1. {ORG}"),
            activity("1.1", 0),
            Merged(f"Раздел II {METHOD}"),
            activity("2.1", 1),
            Merged(f"РАЗДЕЛ 3: {STAFF}"),
            activity("3.1", 2),
        ],
        {},
        [("1", ORG, "", ["1.1"]), ("II", METHOD, "", ["2.1"]), ("3", STAFF, "", ["3.1"])],
    ),
    "letters «А.», «Б.», no number column": (
        [
            Merged(f"А. {STAFF}"),
            activity("1", 0, with_number=False),
            activity("2", 1, with_number=False),
            Merged(f"Б. {METHOD}"),
            activity("3", 2, with_number=False),
        ],
        {"header": WITHOUT_NUMBER},
        [("А", STAFF, "", ["1", "2"]), ("Б", METHOD, "", ["3"])],
    ),
    "«1)», no number column": (
        [
            Merged(f"1) {ORG}"),
            activity("1.1", 0, with_number=False),
            Merged(f"2) {METHOD}"),
            activity("2.1", 1, with_number=False),
            activity("2.2", 2, with_number=False),
        ],
        {"header": WITHOUT_NUMBER},
        [("1", ORG, "", ["1.1"]), ("2", METHOD, "", ["2.1", "2.2"])],
    ),
    "sub-sections «1.1.» under Roman sections": (
        [
            Merged(f"I. {ORG}"),
            Merged("1.1. Нормативное обеспечение"),
            activity("1.1.1", 0),
            activity("1.1.2", 1),
            Merged("1.2. Кадровое обеспечение"),
            activity("1.2.1", 2),
            Merged(f"II. {METHOD}"),
            Merged("2.1. Повышение квалификации"),
            activity("2.1.1", 3),
        ],
        {},
        [
            ("I", ORG, "", []),
            ("1.1", "Нормативное обеспечение", "I", ["1.1.1", "1.1.2"]),
            ("1.2", "Кадровое обеспечение", "I", ["1.2.1"]),
            ("II", METHOD, "", []),
            ("2.1", "Повышение квалификации", "II", ["2.1.1"]),
        ],
    ),
    "headers repeated, a section merged at the top of the next page's table": (
        [
            Merged(f"I. {ORG}"),
            activity("1.1", 0),
            ("№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственные", "Результат"),
            activity("1.2", 1),
            PAGE_BREAK,
            Merged(f"II. {METHOD}"),
            activity("2.1", 2),
            PAGE_BREAK,
            Merged(f"III. {STAFF}"),
            activity("3.1", 3),
        ],
        {},
        [
            ("I", ORG, "", ["1.1", "1.2"]),
            ("II", METHOD, "", ["2.1"]),
            ("III", STAFF, "", ["3.1"]),
        ],
    ),
    "the next page's table without the header": (
        [
            Merged(f"I. {ORG}"),
            activity("1.1", 0),
            PAGE_BREAK,
            Merged(f"II. {METHOD}"),
            activity("2.1", 1),
        ],
        {"repeat_header": False},
        [("I", ORG, "", ["1.1"]), ("II", METHOD, "", ["2.1"])],
    ),
    "title in the second column, the first empty": (
        [
            ("", f"I. {ORG}", "", "", ""),
            activity("1.1", 0),
            Merged(METHOD, start=1),
            activity("2.1", 1),
            Merged(f"III. {STAFF}", start=1),
            activity("3.1", 2),
        ],
        {},
        [("I", ORG, "", ["1.1"]), ("", METHOD, "", ["2.1"]), ("III", STAFF, "", ["3.1"])],
    ),
    "bold rows, not merged": (
        [
            Bold(("", ORG, "", "", "")),
            activity("1.1", 0),
            Bold(("2.", METHOD, "", "", "")),
            activity("2.1", 1),
            Bold((f"3. {STAFF}", "", "", "", "")),
            activity("3.1", 2),
        ],
        {},
        [("", ORG, "", ["1.1"]), ("2", METHOD, "", ["2.1"]), ("3", STAFF, "", ["3.1"])],
    ),
    "the number in the number column, the title beside it": (
        [
            ("I", ORG, "", "", ""),
            activity("1.1", 0),
            ("Раздел 2", METHOD, "", "", ""),
            activity("2.1", 1),
            Merged(STAFF, start=1, before=("III.",)),
            activity("3.1", 2),
            ("Б.", MONITOR, "", "", ""),
            activity("4.1", 3),
        ],
        {},
        [
            ("I", ORG, "", ["1.1"]),
            ("2", METHOD, "", ["2.1"]),
            ("III", STAFF, "", ["3.1"]),
            ("Б", MONITOR, "", ["4.1"]),
        ],
    ),
    "«1» and its title, followed by 1.1, 1.2": (
        [
            ("1", ORG, "", "", ""),
            activity("1.1", 0),
            activity("1.2", 1),
            ("2.", METHOD, "", "", ""),
            activity("2.1", 2),
        ],
        {},
        [("1", ORG, "", ["1.1", "1.2"]), ("2", METHOD, "", ["2.1"])],
    ),
    "unnumbered, merged, plain": (
        [Merged(ORG), activity("1", 0), activity("2", 1), Merged(METHOD), activity("3", 2)],
        {},
        [("", ORG, "", ["1", "2"]), ("", METHOD, "", ["3"])],
    ),
}


@pytest.mark.parametrize(("rows", "options", "expected"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_section_layouts_are_read_as_sections(rows, options, expected):
    draft = read(word_roadmap(rows, **options))
    assert not draft.problems, draft.problems
    assert outline(draft) == expected
    assert_texts_kept(draft)


def test_section_sources_name_the_heading_row():
    draft = read(word_roadmap([Merged(f"I. {ORG}"), activity("1.1", 0)]))
    assert draft.sections[0].source == "таблица 1, строка 2"
    assert "source" not in draft.to_dict()["sections"][0]


def test_a_title_alone_in_the_number_column_is_a_section_to_check():
    rows = [(ORG, "", "", "", ""), activity("1.1", 0), activity("1.2", 1)]
    draft = read(word_roadmap(rows))
    assert not draft.errors
    assert outline(draft) == [("", ORG, "", ["1.1", "1.2"])]
    (warning,) = draft.problems
    assert warning.where == "таблица 1, строка 2"
    assert "прочитана как раздел без номера" in warning.message


def test_excel_sections_merged_across_with_roman_numbers():
    rows = [
        ("№", "Мероприятие", "Сроки", "Ответственный", "Результат"),
        (f"I. {ORG}",),
        ("1.1", ACTIVITY_TEXTS[0], "сентябрь 2024", "Управление образования", "Приказ"),
        ("", f"II. {METHOD}"),
        ("2.1", ACTIVITY_TEXTS[1], "сентябрь 2024", "Управление образования", "Приказ"),
        (METHOD,),
        ("3.1", ACTIVITY_TEXTS[2], "сентябрь 2024", "Управление образования", "Приказ"),
    ]
    draft = read(roadmap_xlsx(rows, merge_rows=(2, 6)), "план.xlsx")
    assert not draft.problems
    assert outline(draft) == [
        ("I", ORG, "", ["1.1"]),
        ("II", METHOD, "", ["2.1"]),
        ("", METHOD, "", ["3.1"]),
    ]


def test_what_is_not_a_section_stays_an_activity():
    rows = [
        Merged(f"I. {ORG}"),
        # Number and text only, nothing numbered 3.x after it: activity 3.
        ("3", "Совещание с директорами школ", "", "", ""),
        activity("4", 0),
        # A cell broken by a page: a new sentence that starts with a Roman ordinal.
        ("", "XII Всероссийский конкурс «Учитель года» — участие педагогов", "", "", ""),
        # A lower-case continuation of a merged cell.
        Merged("и методических объединений", start=1),
    ]
    draft = read(word_roadmap(rows))
    assert not draft.problems
    assert outline(draft) == [("I", ORG, "", ["3", "4"])]
    assert draft.activities[0].text == "Совещание с директорами школ"
    assert draft.activities[1].text.splitlines()[1:] == [
        "XII Всероссийский конкурс «Учитель года» — участие педагогов и методических объединений"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I. Организационные меры", ("I", "Организационные меры")),
        ("IV.Мониторинг", ("IV", "Мониторинг")),
        ("ІІ. Кадры (Cyrillic І)", ("ІІ", "Кадры (Cyrillic І)")),
        ("Раздел II. Методическое сопровождение", ("II", "Методическое сопровождение")),
        ("Направление № 3: Работа с родителями", ("3", "Работа с родителями")),
        ("Б) Работа с родителями", ("Б", "Работа с родителями")),
        ("2) «Точка роста»", ("2", "«Точка роста»")),
        ("1.1. Нормативное обеспечение", ("1.1", "Нормативное обеспечение")),
        ("Р. М. Ахметгареев", None),
        ("А. Иванов", None),
        ("IIII. Не число", None),
        ("XII Всероссийский конкурс", None),
        ("1. проведение совещаний", None),
    ],
)
def test_section_numbering(text, expected):
    assert section_from_text(text) == expected


def test_section_labels_numbers_and_parents():
    assert section_label("III.") == ("III", True)
    assert section_label("Раздел 2") == ("2", True)
    assert section_label("Б.") == ("Б", True)
    assert section_label("2.") == ("2", False)
    assert section_label("XIIV") is None
    assert [roman_value(n) for n in ("I", "IV", "IX", "XIV", "XXXIX", "Х", "IIII")] == [
        1,
        4,
        9,
        14,
        39,
        10,
        None,
    ]
    assert [ordinal(n) for n in ("3", "III", "В", "C", "1.2")] == [3, 3, 3, 3, None]
    sections = [DraftSection(number="I"), DraftSection(number="II")]
    assert section_parent("2.1", sections) == "II"
    assert section_parent("1.1", sections) == ""
    assert section_parent("1", sections) == ""
    assert section_parent("2.1", [*sections, DraftSection(number="2")]) == "2"


def test_a_text_export_with_a_cell_on_each_line_and_roman_sections():
    # Seed 002's export: every cell on its own line after a tab; a row starts at its number
    # or section cell, with no blank line between rows.
    cells = [
        ["№", "Мероприятие", "Сроки", "Ответственный"],
        [f"I. {ORG}"],
        ["1.1", ACTIVITY_TEXTS[0], "сентябрь 2024", "Управление образования"],
        ["1.2", ACTIVITY_TEXTS[1], "сентябрь 2024", "Управление образования"],
        [f"Б. {METHOD}"],
        ["2.1", ACTIVITY_TEXTS[2], "сентябрь 2024", "Управление образования"],
    ]
    text = "План мероприятий\n" + "".join(f"\t{c}\n" for row in cells for c in row)
    draft = read(text.encode(), "карта.txt")
    assert not draft.problems
    assert outline(draft) == [("I", ORG, "", ["1.1", "1.2"]), ("Б", METHOD, "", ["2.1"])]


def test_a_text_that_comes_on_the_next_row_is_not_an_error():
    # «II.» alone, its title on the next row: read as an activity the user will turn into a
    # section in the preview; its text arrived, so nothing is missing, but it is remarked.
    rows = [Merged(f"I. {ORG}"), activity("1.1", 0), ("II.", "", "", "", ""), ("", METHOD)]
    draft = read(word_roadmap(rows))
    assert not draft.errors
    (remark,) = draft.problems
    assert remark.where == "таблица 1, строка 4"
    assert "номер «II.» похож на номер раздела" in remark.message
    assert draft.activities[-1].text == METHOD


def test_a_heading_on_two_lines_of_a_merged_cell_is_one_title():
    draft = read(word_roadmap([Merged("II. Методическое\nсопровождение"), activity("2.1", 0)]))
    assert outline(draft) == [("II", METHOD, "", ["2.1"])]
