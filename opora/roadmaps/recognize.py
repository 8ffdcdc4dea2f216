"""Find the roadmap table in a document and recognise its structure.

Real roadmaps are Word tables exported and re-typed many times: the header repeats on every
page, a cell broken by a page break continues in a row without a number, a section title is
a row of one merged cell or a paragraph between two tables, a header cell spans two columns
of data, the number sits in the text («1. Разработка…») when there is no «№» column, and
seed 002 writes a key result for each year under one merged header. The rules below undo
each of these; what they cannot decide is reported, not guessed silently.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from opora.roadmaps.choices import Level
from opora.roadmaps.drafts import (
    DraftActivity,
    DraftRoadmap,
    DraftSection,
    Problem,
    roman_value,
    section_parent,
)
from opora.roadmaps.readers import Document, Paragraph, Row

NUMBER = "number"
ACTIVITY = "activity"
SCHEDULE = "schedule"
RESPONSIBLE = "responsible"
RESULT = "result"
DOCUMENT = "document"
LEVEL = "level"
YEAR = "year:"

ROLE_NAMES = {
    NUMBER: "№",
    ACTIVITY: "Мероприятие",
    SCHEDULE: "Сроки",
    RESPONSIBLE: "Ответственные",
    RESULT: "Результат",
    DOCUMENT: "Документ",
    LEVEL: "Уровень",
}

# Header words of each column role, checked in this order: «Ключевые мероприятия, сроки
# реализации» (seed 002) is the key results column, not the activity or the schedule.
HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (DOCUMENT, ("документ", "форма отч", "подтвержд", "отчётн", "отчетн")),
    (RESULT, ("ключев", "результат", "ожидаем", "эффект")),
    (LEVEL, ("уровень",)),
    (RESPONSIBLE, ("ответствен", "исполнител", "отвественн")),
    (SCHEDULE, ("срок", "дата", "период", "время провед")),
    (ACTIVITY, ("мероприят", "содержание работ", "вид работ", "направлени")),
    (NUMBER, ("№", "п/п", "номер")),
)

NUMBER_RE = re.compile(r"^\.?(\d+(?:\.\d+)*)\.?$")
LEADING_NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+(?=\S)")
# How authorities number sections: «1.», «1)», «1.1.», «I.», «IV», «А.», «Раздел 1.»,
# «Раздел II:», «Направление № 3». Roman numerals are sometimes typed with the Cyrillic
# «І» and «Х»; Roman numerals and letters need their dot or bracket, so that a word or
# «XII Всероссийский конкурс» is not taken for a section.
SECTION_WORD = r"(?i:направление|подраздел|раздел|блок|модуль)\s*(?:№\s*)?"
ROMAN = r"[IVXІХ]{1,7}"
SECTION_RE = re.compile(
    rf"^(?:{SECTION_WORD}(?P<word>\d+(?:\.\d+)*|{ROMAN}|[А-ЯЁA-Z])\b[.:)]?\s*"
    rf"|(?P<arabic>\d+(?:\.\d+)*)[.)]?\s+"
    rf"|(?P<roman>{ROMAN})[.)]\s*"
    rf"|(?P<letter>[А-ЯЁA-Z])[.)]\s+)"
    rf"(?P<title>.+)$",
    re.DOTALL,
)
# A section's number alone in the number column, its title in the next one.
SECTION_LABEL_RE = re.compile(
    rf"^(?P<word>{SECTION_WORD})?(?P<number>\d+(?:\.\d+)*|{ROMAN}|[А-ЯЁA-Z])[.:)]?$"
)
INITIALS_RE = re.compile(r"^[А-ЯЁA-Z]\.\s*[А-ЯЁA-Z]")
YEAR_RE = re.compile(r"^(19|20)\d\d$")
STOP_RE = re.compile(r"^(приложение|состав\s|лист согласования)", re.IGNORECASE)
TAG_BREAK_RE = re.compile(r"</p>|<br\s*/?>|</li>|<li[^>]*>|</?[ou]l[^>]*>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")
LEVEL_WORDS = {
    "фп": Level.FEDERAL,
    "федеральн": Level.FEDERAL,
    "рп": Level.REGIONAL,
    "региональн": Level.REGIONAL,
    "мп": Level.MUNICIPAL,
    "муниципальн": Level.MUNICIPAL,
    "школьн": Level.SCHOOL,
    "оо": Level.SCHOOL,
}


def clean(text: str) -> str:
    """Cell text without the HTML of a web export, bullets on their own lines, single spaces."""
    text = TAG_BREAK_RE.sub("\n", text)
    text = html.unescape(TAG_RE.sub("", text)).replace("\xa0", " ")
    text = re.sub(r"\s*•\s*", "\n• ", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip("* ")


@dataclass
class Columns:
    roles: list[str]

    def role(self, index: int) -> str:
        return self.roles[index] if index < len(self.roles) else ""

    @property
    def has_number(self) -> bool:
        return NUMBER in self.roles


def header_roles(cells: list[str]) -> list[str] | None:
    """The role of each column if this row is a roadmap header, else None."""
    roles = []
    for cell in cells:
        text = clean(cell).lower()
        role = ""
        if text:
            for candidate, words in HEADER_WORDS:
                if any(word in text for word in words):
                    role = candidate
                    break
        roles.append(role)
    found = [r for r in roles if r]
    if ACTIVITY not in found or len(set(found)) < 2:
        return None
    # A header names few things in long words; a data row that mentions «сроки» is not one.
    if any(len(clean(c)) > 80 for c in cells):
        return None
    if not roles[0] and NUMBER not in roles:
        roles[0] = NUMBER
    return roles


def year_row(cells: list[str]) -> list[int] | None:
    values = [clean(c) for c in cells]
    years = [v for v in values if v]
    if len(years) >= 2 and all(YEAR_RE.match(v) for v in years):
        return [int(v) for v in years]
    return None


def expand_years(roles: list[str], cells: list[str]) -> list[str]:
    """Seed 002: one header cell «Ключевые мероприятия» over a row of years."""
    values = [clean(c) for c in cells]
    positions = [i for i, v in enumerate(values) if YEAR_RE.match(v)]
    first = positions[0]
    merged = roles[first] if first < len(roles) else RESULT
    before = roles[:first]
    after = roles[first + 1 :] if merged == RESULT else roles[first:]
    # In a Word or Excel grid the merged header cell's span is blank cells: skip them.
    spacers = 0
    while spacers < len(positions) - 1 and spacers < len(after) and not after[spacers]:
        spacers += 1
    after = after[spacers:]
    expanded = before + [f"{YEAR}{values[i]}" for i in positions] + after
    return expanded + [""] * (len(values) - len(expanded))


def adjust_to_data(roles: list[str], rows: list[list[str]]) -> list[str]:
    """A header cell spanning the number and the text columns (seed 004) names the number
    column; if that column holds only numbers and the next one has no header, shift."""
    if ACTIVITY not in roles:
        return roles
    index = roles.index(ACTIVITY)
    if index + 1 >= len(roles) or roles[index + 1]:
        return roles
    values = [clean(r[index]) for r in rows if index < len(r) and clean(r[index])]
    if values and sum(bool(NUMBER_RE.match(v)) for v in values) / len(values) >= 0.6:
        roles = list(roles)
        roles[index] = NUMBER
        roles[index + 1] = ACTIVITY
    return roles


def parse_levels(text: str) -> list[str]:
    found: list[str] = []
    for part in re.split(r"[,;/\s]+", text.lower()):
        for word, level in LEVEL_WORDS.items():
            if part.startswith(word) and level not in found:
                found.append(level)
    return found


def section_from_text(text: str) -> tuple[str, str] | None:
    """(number, title) if the text reads as a numbered section heading, else None."""
    match = SECTION_RE.match(clean(text))
    if not match:
        return None
    title = match.group("title").strip()
    if not title or not (title[0].isupper() or title[0] in '«"'):
        return None
    if match.group("roman") and roman_value(match.group("roman")) is None:
        return None
    if match.group("letter") and (INITIALS_RE.match(title) or len(title.split()) < 2):
        # «Р. М. Ахметгареев» under a signature is a name, not section Р.
        return None
    number = next(match.group(g) for g in ("word", "arabic", "roman", "letter") if match.group(g))
    return number, title


def section_label(text: str) -> tuple[str, bool] | None:
    """A cell that holds only a section's number: (number, certain). «II», «Б.» and
    «Раздел 2» are certainly sections; a bare «2» may as well be activity 2."""
    match = SECTION_LABEL_RE.match(clean(text))
    if not match:
        return None
    number = match.group("number")
    if number[0].isdigit():
        return number, bool(match.group("word"))
    if len(number) > 1 and roman_value(number) is None:
        return None
    return number, True


class Recognizer:
    """Walks the document once; keeps the current columns, section and activity."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.draft = DraftRoadmap()
        self.columns: Columns | None = None
        self.section: DraftSection | None = None
        self.activity: DraftActivity | None = None
        self.pending_title: tuple[str, str] | None = None
        self.paragraphs_before: list[str] = []
        self.seen_numbers: dict[str, str] = {}

    def run(self) -> DraftRoadmap:
        blocks = self.document.blocks
        for index, block in enumerate(blocks):
            if isinstance(block, Paragraph):
                if self.paragraph(block):
                    break
                continue
            roles = header_roles(block.cells)
            if roles is not None:
                data = [b.cells for b in blocks[index + 1 : index + 30] if isinstance(b, Row)]
                self.header(adjust_to_data(roles, data))
                continue
            if self.columns is None:
                # A title typed into the first cell of a sheet reads as a paragraph.
                filled = list(dict.fromkeys(c for c in block.cells if c.strip()))
                if len(filled) == 1:
                    self.paragraph(Paragraph(filled[0], bold=block.bold))
                continue
            years = year_row(block.cells)
            if years and self.activity is None and not self.draft.result_years:
                self.columns = Columns(expand_years(self.columns.roles, block.cells))
                self.draft.result_years = years
                self.draft.columns = self.columns.roles
                continue
            self.row(block, index)
        return self.finish()

    def paragraph(self, block: Paragraph) -> bool:
        """Returns True when the roadmap has ended (an appendix or a list of members)."""
        text = clean(block.text)
        if self.columns is None:
            self.paragraphs_before.append(text)
            self.pending_title = section_from_text(text)
            return False
        if STOP_RE.match(text):
            return True
        found = section_from_text(text)
        if found is not None:
            self.open_section(*found)
        return False

    def header(self, roles: list[str]) -> None:
        first = self.columns is None
        self.columns = Columns(roles)
        if first:
            self.draft.columns = roles
            self.draft.title = self.guess_title()
            if self.pending_title is not None:
                self.open_section(*self.pending_title)

    def guess_title(self) -> str:
        """The paragraph before the table that names the plan, with the line that follows."""
        before = self.paragraphs_before
        for index in range(len(before) - 1, -1, -1):
            text = before[index]
            if re.search(r"дорожн|план[- ]граф|план мероприятий|план работы", text, re.I):
                title = text
                following = before[index + 1] if index + 1 < len(before) else ""
                if following and following[0].islower():
                    title = f"{title} {following}"
                return re.sub(r"^\d+\.\s*", "", title)[:1000]
        return ""

    def open_section(self, number: str, title: str, source: str = "") -> None:
        parent = section_parent(number, self.draft.sections)
        # A heading broken over two lines of a merged cell is one title.
        title = " ".join(title.split())
        self.section = DraftSection(number=number, title=title, parent=parent, source=source)
        self.draft.sections.append(self.section)
        self.activity = None

    def row(self, block: Row, index: int) -> None:
        assert self.columns is not None
        cells = [clean(c) for c in block.cells]
        if not any(re.search(r"\w", c) for c in cells):
            return
        heading = self.heading(block, cells, index)
        if heading is not None:
            self.open_section(*heading, source=block.where)
            return
        roles = self.roles_for(cells)
        values: dict[str, str] = {}
        extra: list[str] = []
        for index, cell in enumerate(cells):
            role = roles[index] if index < len(roles) else ""
            if not cell:
                continue
            if not role:
                # Text under no header: kept with the last column and shown to the user.
                extra.append(cell)
            else:
                values[role] = f"{values[role]}\n{cell}" if role in values else cell
        if extra:
            named = len([r for r in roles if r])
            used = max(i for i, c in enumerate(cells) if c) + 1
            self.problem(
                block.where,
                _(
                    "ячеек с текстом больше, чем столбцов в шапке (%(n)s из %(m)s); лишний текст "
                    "«%(text)s» добавлен к последнему столбцу — проверьте"
                )
                % {"n": used, "m": named, "text": "; ".join(extra)[:120]},
            )
            last = next(r for r in reversed(roles) if r)
            values[last] = "\n".join([values.get(last, ""), *extra]).strip()
        number = values.pop(NUMBER, "")
        if not self.columns.has_number or not number:
            text = values.get(ACTIVITY, "")
            match = LEADING_NUMBER_RE.match(text)
            if match and not number and (self.activity is None or text[:1].isdigit()):
                number = match.group(1)
                values[ACTIVITY] = text[match.end() :]
        number_match = NUMBER_RE.match(number.replace(" ", ""))
        if number and not number_match:
            # Text in the number column: a section title written across the table.
            found = section_from_text(number)
            if found is not None and not values.get(ACTIVITY):
                self.open_section(*found, source=block.where)
                return
        if number and not number_match and section_label(number) is not None:
            self.problem(
                block.where,
                _(
                    "номер «%(n)s» похож на номер раздела — если это заголовок раздела, "
                    "сделайте строку разделом"
                )
                % {"n": number},
            )
        if not number and self.activity is not None:
            self.continue_activity(values)
            return
        if not number and not values.get(ACTIVITY):
            return
        self.start_activity(number_match.group(1) if number_match else number, values, block)

    def heading(self, block: Row, cells: list[str], index: int) -> tuple[str, str] | None:
        """(number, title) if the row is a section heading. Authorities write one as a row
        merged across the table or only bold, its number in the text («I. Организационные
        меры», «Раздел 2. …», «А. …») or in the number column with the title beside it,
        sometimes with the number column left empty."""
        filled = [(i, c) for i, c in enumerate(cells) if c]
        distinct = list(dict.fromkeys(c for _i, c in filled))
        first, text = filled[0]
        merged = block.span(first) >= 2
        if len(distinct) == 1:
            found = section_from_text(text)
            if found is not None and (block.bold or merged or not self.looks_like_activity(cells)):
                return found
            continues = text[:1].islower() and self.activity is not None
            if found is None and (block.bold or merged) and not continues:
                # A bold row, or one merged across the table, is a section even unnumbered.
                return "", text
            if found is None and self.column_role(cells, first) == NUMBER:
                if NUMBER_RE.match(text.replace(" ", "")) or continues:
                    return None
                label = section_label(text)
                if label is not None:
                    return None
                # Nobody writes an activity in the number column; a title is written there.
                self.problem(
                    block.where,
                    _("строка прочитана как раздел без номера «%(t)s» — проверьте")
                    % {"t": text[:80]},
                )
                return "", text
            return None
        if len(filled) != 2 or len(distinct) != 2:
            return None
        (_i, label_text), (second, title) = filled
        if self.column_role(cells, second) != ACTIVITY or not (
            title[:1].isupper() or title[:1] in '«"'
        ):
            return None
        label = section_label(label_text)
        if label is None:
            return None
        number, certain = label
        if (
            certain
            or block.bold
            or block.span(second) >= 2
            or self.next_number(index).startswith(f"{number}.")
        ):
            # «2» with the title and nothing else, followed by 2.1, 2.2: section 2.
            return number, title
        return None

    def column_role(self, cells: list[str], index: int) -> str:
        roles = self.roles_for(cells)
        return roles[index] if index < len(roles) else ""

    def next_number(self, index: int) -> str:
        """The number of the next activity-like row after `index` (a few rows ahead)."""
        for block in self.document.blocks[index + 1 : index + 6]:
            if not isinstance(block, Row) or header_roles(block.cells) is not None:
                continue
            cells = [clean(c) for c in block.cells]
            roles = self.roles_for(cells)
            for cell, role in zip(cells, roles, strict=False):
                if role == NUMBER and cell:
                    match = NUMBER_RE.match(cell.replace(" ", ""))
                    if match:
                        return match.group(1)
                if role == ACTIVITY and cell:
                    match = LEADING_NUMBER_RE.match(cell)
                    if match:
                        return match.group(1)
        return ""

    def roles_for(self, cells: list[str]) -> list[str]:
        """A table after a page or section break may drop the header's empty spacer column
        (seed 004: five columns under the header, four in the next tables)."""
        assert self.columns is not None
        roles = self.columns.roles
        named = [r for r in roles if r]
        if len(cells) < len(roles) and len(cells) == len(named):
            return named
        return roles

    def looks_like_activity(self, cells: list[str]) -> bool:
        """A lone cell in the activity column that continues the text above is not a title."""
        assert self.columns is not None
        for index, cell in enumerate(cells):
            if cell:
                return self.columns.role(index) == ACTIVITY and cell[:1].islower()
        return False

    def start_activity(self, number: str, values: dict[str, str], block: Row) -> None:
        if self.section is None:
            self.open_section("", _("Мероприятия"))
        assert self.section is not None
        activity = DraftActivity(number=number, source=block.where)
        self.fill(activity, values)
        if number:
            key = f"{self.section.number}|{number}"
            if key in self.seen_numbers:
                self.problem(
                    block.where,
                    _("номер %(n)s уже был (%(where)s)")
                    % {"n": number, "where": self.seen_numbers[key]},
                )
            self.seen_numbers[key] = block.where
        self.section.activities.append(activity)
        self.activity = activity

    def continue_activity(self, values: dict[str, str]) -> None:
        assert self.activity is not None
        continued = DraftActivity()
        self.fill(continued, values)
        for name in ("text", "schedule", "responsible", "result", "document"):
            addition = getattr(continued, name)
            if addition:
                current = getattr(self.activity, name)
                setattr(self.activity, name, join_broken(current, addition))
        for year, text in continued.year_results.items():
            current = self.activity.year_results.get(year, "")
            self.activity.year_results[year] = join_broken(current, text)
        for level in continued.levels:
            if level not in self.activity.levels:
                self.activity.levels.append(level)

    def fill(self, activity: DraftActivity, values: dict[str, str]) -> None:
        activity.text = values.get(ACTIVITY, "")
        activity.schedule = values.get(SCHEDULE, "")
        activity.responsible = values.get(RESPONSIBLE, "")
        activity.result = values.get(RESULT, "")
        activity.document = values.get(DOCUMENT, "")
        activity.levels = parse_levels(values.get(LEVEL, ""))
        for role, text in values.items():
            if role.startswith(YEAR) and text:
                activity.year_results[role[len(YEAR) :]] = text

    def problem(self, where: str, message: str, *, error: bool = False) -> None:
        self.draft.problems.append(Problem(where, message, error))

    def finish(self) -> DraftRoadmap:
        draft = self.draft
        if self.columns is None:
            draft.problems.append(
                Problem(
                    "",
                    _(
                        "В файле не найдена таблица дорожной карты: нужна строка заголовков со "
                        "столбцом «Мероприятие» (или «Мероприятия», «Содержание») и хотя бы "
                        "одним из «Сроки», «Ответственный», «Результат», «Документ»."
                    ),
                    error=True,
                )
            )
        elif not draft.activities:
            draft.problems.append(
                Problem("", _("Под заголовками таблицы нет ни одного мероприятия."), error=True)
            )
        # Checked at the end: the text of an activity may come on the rows that continue it.
        for activity in draft.activities:
            if not activity.text:
                self.problem(
                    activity.source,
                    _("у мероприятия № %(n)s нет текста") % {"n": activity.number or "—"},
                    error=True,
                )
        draft.sections = [s for s in draft.sections if s.activities or self.has_children(s)]
        return draft

    def has_children(self, section: DraftSection) -> bool:
        return any(s.parent == section.number and s.activities for s in self.draft.sections)


def join_broken(current: str, addition: str) -> str:
    """A cell broken by a page: a word cut in the middle goes on, a new sentence is a line."""
    if not current:
        return addition
    if addition[:1].islower() or current.endswith(("-", ",", "«")):
        return f"{current} {addition}"
    return f"{current}\n{addition}"


def recognize(document: Document) -> DraftRoadmap:
    """The roadmap in a document: sections, activities and what needs the user's eye."""
    return Recognizer(document).run()
