"""Word roadmaps in the layouts Russian authorities use for their sections, for the tests.

A layout is a list of rows under one header: plain rows (a tuple of cell texts), `Merged`
rows (a cell spanning to the right edge of the table, as Word's «Объединить ячейки» makes
it), `Bold` rows, and `PAGE_BREAK`, after which the table goes on as a new table on the next
page (with or without the header repeated, as the author typed it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from docx.enum.text import WD_BREAK

WITH_NUMBER = ("№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственные", "Результат")
WITHOUT_NUMBER = ("Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат")

TITLE = "План мероприятий («дорожная карта») по поддержке школ с низкими результатами"


@dataclass(frozen=True)
class Merged:
    """A row whose cells from `start` to the right edge are one merged cell; `before` are
    the texts of the cells left of it."""

    text: str
    start: int = 0
    before: tuple[str, ...] = ()
    bold: bool = False


@dataclass(frozen=True)
class Bold:
    """A row written in bold, its cells not merged."""

    cells: tuple[str, ...]


class PageBreak:
    """The table ends; a new one starts on the next page."""


PAGE_BREAK = PageBreak()

LayoutRow = tuple[str, ...] | Merged | Bold | PageBreak

ACTIVITY_TEXTS = (
    "Создание муниципальной рабочей группы по сопровождению школ с низкими результатами",
    "Утверждение перечня школ — участников программы по результатам идентификации",
    "Проведение самодиагностики школ по методике регионального центра",
    "Разработка и утверждение программ перехода школ в эффективный режим работы",
    "Организация курсов повышения квалификации учителей математики и русского языка",
    "Семинар для заместителей директоров «Анализ результатов ВПР»",
    "Закрепление за школами кураторов из числа методистов ИМЦ",
    "Организация сетевого взаимодействия со школами-партнёрами",
    "Входной, промежуточный и итоговый мониторинг реализации программ школ",
    "Анализ результатов ОГЭ в разрезе подтверждения годовых отметок",
    "Родительские собрания по итогам оценочных процедур",
    "Публикация итогов реализации программы на сайте управления образования",
)


def activity(number: str, index: int, *, with_number: bool = True) -> tuple[str, ...]:
    """An activity row: its number in the number column, or at the start of the text."""
    text = ACTIVITY_TEXTS[index % len(ACTIVITY_TEXTS)]
    rest = ("сентябрь 2024", "Управление образования", "Приказ, справка")
    if with_number:
        return (number, text, *rest)
    return (f"{number}. {text}", *rest)


def word_roadmap(
    rows: Sequence[LayoutRow],
    *,
    header: tuple[str, ...] = WITH_NUMBER,
    repeat_header: bool = True,
) -> bytes:
    """A .docx: the title, then the header and the rows; after each page break the table
    goes on as a new table, its header repeated when `repeat_header`."""
    document = docx.Document()
    document.add_paragraph("УТВЕРЖДЁН приказом управления образования от 02.09.2024 № 245")
    document.add_paragraph(TITLE)
    tables: list[list[LayoutRow]] = [[header]]
    for row in rows:
        if isinstance(row, PageBreak):
            tables.append([header] if repeat_header else [])
        else:
            tables[-1].append(row)
    for number, table_rows in enumerate(tables):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = document.add_table(rows=len(table_rows), cols=len(header))
        for row, values in zip(table.rows, table_rows, strict=True):
            _write_row(row.cells, values)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _write_row(cells: Sequence[docx.table._Cell], values: LayoutRow) -> None:
    if isinstance(values, Merged):
        for cell, text in zip(cells, values.before, strict=False):
            cell.text = text
        merged = cells[values.start].merge(cells[-1])
        merged.text = values.text
        if values.bold:
            _bold(merged)
        return
    texts = values.cells if isinstance(values, Bold) else values
    assert isinstance(texts, tuple)
    for cell, text in zip(cells, texts, strict=False):
        cell.text = text
        if isinstance(values, Bold):
            _bold(cell)


def _bold(cell: docx.table._Cell) -> None:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True
