"""A roadmap before it is saved: what a template holds, what an import recognised, what the
constructor proposes and what an export writes. One plain structure for all of them, so that
a template, a Word file and `opora roadmap import --json` read the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from django.utils.translation import gettext as _

from opora.roadmaps.choices import PreviewRowKind

# The database keeps a section's and an activity's number in 20 characters.
NUMBER_MAX = 20


@dataclass
class DraftActivity:
    number: str = ""
    text: str = ""
    schedule: str = ""
    responsible: str = ""
    result: str = ""
    document: str = ""
    levels: list[str] = field(default_factory=list)
    # Seed 002: the key result of each year, {"2020": "...", "2021": "..."}.
    year_results: dict[str, str] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    measure: str = ""
    # Where it came from in the file ("строка 12" or "таблица 2, строка 5"), for messages.
    source: str = ""


ACTIVITY_KEYS = {f.name for f in fields(DraftActivity)}


@dataclass
class DraftSection:
    number: str = ""
    title: str = ""
    # The number of the enclosing section, for sub-sections such as 2.1 in seed 003.
    parent: str = ""
    activities: list[DraftActivity] = field(default_factory=list)
    # Where its heading is in the file, for messages; empty for a section the file implies.
    source: str = ""


@dataclass
class Problem:
    """Something the recognition could not do on its own; errors block saving."""

    where: str
    message: str
    error: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class DraftRoadmap:
    title: str = ""
    authority: str = ""
    approval: str = ""
    period: str = ""
    result_years: list[int] = field(default_factory=list)
    sections: list[DraftSection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The column roles found in the file's header, in order, for the preview.
    columns: list[str] = field(default_factory=list)

    @property
    def activities(self) -> list[DraftActivity]:
        return [a for s in self.sections for a in s.activities]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def top_sections(self) -> list[DraftSection]:
        return [s for s in self.sections if not s.parent]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for section in data["sections"]:
            section.pop("source", None)
            for activity in section["activities"]:
                activity.pop("source", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DraftRoadmap:
        sections = [
            DraftSection(
                number=s.get("number", ""),
                title=s.get("title", ""),
                parent=s.get("parent", ""),
                # Keys a script added (such as `schedule_parsed`) are not part of the draft.
                activities=[
                    DraftActivity(**{k: v for k, v in a.items() if k in ACTIVITY_KEYS})
                    for a in s.get("activities", [])
                ],
            )
            for s in data.get("sections", [])
        ]
        problems = [Problem(**p) for p in data.get("problems", [])]
        return cls(
            title=data.get("title", ""),
            authority=data.get("authority", ""),
            approval=data.get("approval", ""),
            period=data.get("period", ""),
            result_years=[int(y) for y in data.get("result_years", [])],
            sections=sections,
            problems=problems,
            columns=list(data.get("columns", [])),
        )


ROMAN_UNITS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
ROMAN_NUMERALS = {"X" * (n // 10) + ROMAN_UNITS[n % 10]: n for n in range(1, 40)}
RUSSIAN_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"


def roman_value(text: str) -> int | None:
    """1–39 written in Roman numerals (or with the Cyrillic look-alikes «І», «Х»), else None."""
    return ROMAN_NUMERALS.get(text.upper().replace("І", "I").replace("Х", "X"))


def ordinal(number: str) -> int | None:
    """The place of a top-level section numbered «3», «III» or «В»."""
    if number.isdigit():
        return int(number)
    roman = roman_value(number)
    if roman is not None:
        return roman
    letter = number.upper()
    if len(letter) == 1 and letter in RUSSIAN_LETTERS:
        return RUSSIAN_LETTERS.index(letter) + 1
    if len(letter) == 1 and "A" <= letter <= "Z":
        return ord(letter) - ord("A") + 1
    return None


def section_parent(number: str, sections: list[DraftSection]) -> str:
    """The number of the section that sub-section «2.1» belongs to: section «2», or the
    section above it numbered «II» or «Б» in a document that numbers sections so."""
    if "." not in number:
        return ""
    prefix = number.rsplit(".", 1)[0]
    if any(s.number == prefix for s in sections):
        return prefix
    top = next((s for s in reversed(sections) if not s.parent and s.number), None)
    if top is not None and prefix.isdigit() and ordinal(top.number) == int(prefix):
        return top.number
    return ""


def activity_errors(number: str, text: str) -> list[str]:
    """Why an activity cannot be saved as it stands (the preview marks its row with them)."""
    errors = []
    if not text.strip():
        errors.append(_("у мероприятия № %(n)s нет текста") % {"n": number or "—"})
    if len(number) > NUMBER_MAX:
        errors.append(_number_too_long(number))
    return errors


def section_errors(number: str, title: str) -> list[str]:
    """Why a section cannot be saved as it stands."""
    errors = []
    if not title.strip():
        errors.append(_("у раздела № %(n)s нет названия") % {"n": number or "—"})
    if len(number) > NUMBER_MAX:
        errors.append(_number_too_long(number))
    return errors


def _number_too_long(number: str) -> str:
    return _(
        "номер «%(n)s» длиннее %(max)s знаков — если это заголовок раздела, отметьте строку "
        "как раздел и перенесите текст в название"
    ) % {"n": number[:40], "max": NUMBER_MAX}


@dataclass
class DraftRow:
    """One row of the import preview: a section's heading, an activity or a row left out.

    The user may turn any row into another kind, so a row keeps every field; the section's
    title is its `text`. `origin` is its place among the recognised rows, which the
    preview's form refers to; levels and yearly results are carried from the recognised
    activity, since the preview does not edit them.
    """

    kind: str
    number: str = ""
    text: str = ""
    schedule: str = ""
    responsible: str = ""
    result: str = ""
    document: str = ""
    source: str = ""
    origin: int = -1
    levels: list[str] = field(default_factory=list)
    year_results: dict[str, str] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    measure: str = ""

    @property
    def errors(self) -> list[str]:
        if self.kind == PreviewRowKind.SECTION:
            return section_errors(self.number, self.text)
        if self.kind == PreviewRowKind.ACTIVITY:
            return activity_errors(self.number, self.text)
        return []


ROW_FIELDS = ("number", "text", "schedule", "responsible", "result", "document")


def draft_rows(draft: DraftRoadmap) -> list[DraftRow]:
    """The recognised draft as the preview's rows, in the order of the file."""
    rows: list[DraftRow] = []
    for section in draft.sections:
        rows.append(
            DraftRow(
                kind=PreviewRowKind.SECTION,
                number=section.number,
                text=section.title,
                source=section.source,
                origin=len(rows),
            )
        )
        for activity in section.activities:
            rows.append(
                DraftRow(
                    kind=PreviewRowKind.ACTIVITY,
                    number=activity.number,
                    text=activity.text,
                    schedule=activity.schedule,
                    responsible=activity.responsible,
                    result=activity.result,
                    document=activity.document,
                    source=activity.source,
                    origin=len(rows),
                    levels=list(activity.levels),
                    year_results=dict(activity.year_results),
                    indicators=list(activity.indicators),
                    measure=activity.measure,
                )
            )
    return rows


def rows_draft(rows: list[DraftRow], *, title: str, template: DraftRoadmap) -> DraftRoadmap:
    """The roadmap the preview's rows make: each activity belongs to the section row above
    it (sub-sections found by their numbers), skipped rows are left out."""
    draft = replace(template, title=title, sections=[], problems=[])
    section: DraftSection | None = None
    for row in rows:
        if row.kind == PreviewRowKind.SECTION:
            parent = section_parent(row.number, draft.sections)
            # An activity's lines made a section's title are one line.
            title = " ".join(row.text.split())
            section = DraftSection(number=row.number, title=title, parent=parent, source=row.source)
            draft.sections.append(section)
        elif row.kind == PreviewRowKind.ACTIVITY:
            if section is None:
                # Activities above every heading: the section a file without headings gets.
                section = DraftSection(title=_("Мероприятия"))
                draft.sections.append(section)
            section.activities.append(
                DraftActivity(
                    number=row.number,
                    text=row.text,
                    schedule=row.schedule,
                    responsible=row.responsible,
                    result=row.result,
                    document=row.document,
                    levels=list(row.levels),
                    year_results=dict(row.year_results),
                    indicators=list(row.indicators),
                    measure=row.measure,
                    source=row.source,
                )
            )
    return draft


def rows_movable(rows: list[DraftRow]) -> list[bool]:
    """For each row, whether it is an activity with a previous section to move into (the
    section above its own heading, or the activities above every heading); one pass."""
    movable = []
    content = False  # a section or an activity seen so far
    before_heading = False  # ... above the heading of the current section
    for row in rows:
        if row.kind == PreviewRowKind.SECTION:
            before_heading = content
        movable.append(row.kind == PreviewRowKind.ACTIVITY and before_heading)
        content = content or row.kind != PreviewRowKind.SKIP
    return movable


def row_may_move(rows: list[DraftRow], index: int) -> bool:
    """Whether the activity at `index` has a previous section to move into."""
    return rows_movable(rows[: index + 1])[index]


def rows_move(rows: list[DraftRow], indexes: list[int]) -> list[DraftRow]:
    """Move the activities at `indexes` to the end of the previous section: each goes just
    above the heading of the section it is in, keeping their order."""
    rows = list(rows)
    chosen = [rows[i] for i in sorted(set(indexes)) if 0 <= i < len(rows)]
    for row in chosen:
        index = next(i for i, r in enumerate(rows) if r is row)
        if not row_may_move(rows, index):
            continue
        heading = max(i for i, r in enumerate(rows[:index]) if r.kind == PreviewRowKind.SECTION)
        rows.pop(index)
        rows.insert(heading, row)
    return rows
