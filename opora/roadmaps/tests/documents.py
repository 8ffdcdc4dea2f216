"""Roadmap files built the way real authorities write them, for the import tests.

`foreign_roadmap_docx` is a roadmap of an authority that is not among the seeds: its own
column names, sections as merged rows, a header repeated on the next page, a cell broken by
the page, a responsible merged down three rows, bullet lists inside cells.
"""

from __future__ import annotations

import io

import docx
from docx.shared import Pt
from openpyxl import Workbook

FOREIGN_HEADER = (
    "№ п/п",
    "Наименование мероприятия",
    "Срок исполнения",
    "Ответственные исполнители",
    "Ожидаемый результат",
    "Форма отчётности",
)

FOREIGN_SECTIONS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        "Раздел 1. Организационно-управленческие меры",
        (
            (
                "1.1",
                "Формирование муниципальной рабочей группы по сопровождению школ с низкими "
                "результатами",
                "до 15.09.2024",
                "Управление образования",
                "Создана рабочая группа",
                "Приказ",
            ),
            (
                "1.2",
                "Утверждение перечня школ — участников программы по результатам идентификации",
                "сентябрь 2024",
                "Управление образования",
                "Утверждён перечень школ",
                "Приказ",
            ),
            (
                "1.3",
                "Проведение собеседований с руководителями школ по итогам самодиагностики",
                "октябрь–ноябрь ежегодно",
                "Управление образования, ИМЦ",
                "Определены дефициты школ",
                "Справка",
            ),
        ),
    ),
    (
        "Раздел 2. Методическое сопровождение",
        (
            (
                "2.1",
                "Проведение семинаров для заместителей директоров по темам:\n"
                "• анализ результатов ВПР;\n• объективность оценивания",
                "1 раз в полугодие",
                "ИМЦ",
                "Повышена компетентность заместителей директоров",
                "Программа семинара, лист регистрации",
            ),
            (
                "2.2",
                "Организация наставничества: закрепление школ-партнёров с высокими "
                "результатами за школами с низкими результатами",
                "в течение учебного года",
                "ИМЦ, руководители школ-партнёров",
                "Заключены договоры о сетевом взаимодействии",
                "Договоры",
            ),
        ),
    ),
    (
        "Раздел 3. Мониторинг",
        (
            (
                "3.1",
                "Входной, промежуточный и итоговый мониторинг реализации программ школ",
                "сентябрь, январь, июнь",
                "Управление образования",
                "Аналитическая справка по каждой школе",
                "Аналитическая справка",
            ),
            (
                "3.2",
                "Анализ результатов ОГЭ и ЕГЭ в разрезе подтверждения годовых отметок",
                "по итогам ГИА",
                "ИМЦ",
                "Выявлены школы с признаками необъективности",
                "Аналитическая справка",
            ),
        ),
    ),
)


def foreign_roadmap_docx() -> bytes:
    """A .docx roadmap of «Управление образования администрации города Энска»."""
    document = docx.Document()
    document.add_paragraph("УТВЕРЖДЁН приказом управления образования от 02.09.2024 № 245")
    title = document.add_paragraph()
    run = title.add_run("План мероприятий («дорожная карта») по поддержке школ")
    run.bold = True
    document.add_paragraph("с низкими образовательными результатами на 2024–2026 годы")
    rows = sum(len(items) + 1 for _title, items in FOREIGN_SECTIONS) + 3
    table = document.add_table(rows=rows, cols=len(FOREIGN_HEADER))
    row_index = 0

    def write(values: tuple[str, ...]) -> None:
        nonlocal row_index
        for cell, value in zip(table.rows[row_index].cells, values, strict=False):
            cell.text = value
        row_index += 1

    write(FOREIGN_HEADER)
    for section_index, (section_title, items) in enumerate(FOREIGN_SECTIONS):
        section_row = table.rows[row_index].cells
        merged = section_row[0].merge(section_row[-1])
        merged.text = section_title
        for paragraph in merged.paragraphs:
            for section_run in paragraph.runs:
                section_run.bold = True
                section_run.font.size = Pt(11)
        row_index += 1
        if section_index == 1:
            write(FOREIGN_HEADER)  # the header repeated at the top of the next page
        for values in items:
            write(values)
    # The last activity's text broken by a page break: a row without a number.
    write(("", "(по предметам «русский язык» и «математика»)", "", "", "", ""))
    # «Управление образования» written once for three rows, as a vertical merge.
    first = table.cell(2, 3)
    first.merge(table.cell(4, 3))
    first.text = "Управление образования"
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def roadmap_docx(rows: list[tuple[str, ...]], *, paragraphs: tuple[str, ...] = ()) -> bytes:
    """A .docx with the given paragraphs and one table of the given rows."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=False):
                cell.text = value
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def roadmap_xlsx(rows: list[tuple[str, ...]], *, merge_rows: tuple[int, ...] = ()) -> bytes:
    """An .xlsx whose rows (1-based indexes in `merge_rows` merged across) are given."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(list(values))
    width = max(len(r) for r in rows)
    for index in merge_rows:
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
