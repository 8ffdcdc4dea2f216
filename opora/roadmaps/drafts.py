"""A roadmap before it is saved: what a template holds, what an import recognised, what the
constructor proposes and what an export writes. One plain structure for all of them, so that
a template, a Word file and `opora roadmap import --json` read the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


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
