"""What a report says, independent of how it is printed: sections of paragraphs, tables and
charts, and the recommendations it addresses — built by a report kind's builder from Opora's
data, stored as JSON on the report, edited by the analyst, then rendered to Word and PDF.

Builders (`kinds.py`) produce it; the renderers (Word through `opora.core.documents`,
charts as images) and the editing pages consume it. Keeping the two apart is what makes a
report reproducible (the same data give the same content, whatever the template) and
editable (the analyst changes paragraphs and recommendations, never the figures).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Cell = str | int | float | None


@dataclass
class Paragraph:
    text: str
    # False for generated statements of fact the analyst may not rewrite (a figure's reading);
    # True for the analysis and conclusions the analyst is expected to edit.
    editable: bool = True
    kind: Literal["paragraph"] = "paragraph"


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    kind: Literal["table"] = "table"


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class Chart:
    caption: str
    chart: Literal["bar", "barh", "line"]
    categories: list[str]
    series: list[Series]
    y_label: str = ""
    kind: Literal["chart"] = "chart"


Block = Paragraph | Table | Chart


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class DraftRecommendation:
    """A recommendation the report proposes; on publication it becomes a tracked
    `support.Recommendation` (addressee, due date, status)."""

    text: str
    # A value of `opora.support.choices.Addressee`.
    addressee: str
    # The addressed organisation: the school, the methodical centre or the authority.
    organization_id: int | None
    due_on: datetime.date


@dataclass
class ReportContent:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    recommendations: list[DraftRecommendation] = field(default_factory=list)
    # The key numbers of the report by name (also the fields a Word template may use):
    # rebuilding from the same data must give the same figures.
    figures: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for recommendation in data["recommendations"]:
            recommendation["due_on"] = recommendation["due_on"].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportContent:
        sections = [
            Section(heading=s["heading"], blocks=[_block(b) for b in s["blocks"]])
            for s in data.get("sections", [])
        ]
        recommendations = [
            DraftRecommendation(
                text=r["text"],
                addressee=r["addressee"],
                organization_id=r.get("organization_id"),
                due_on=datetime.date.fromisoformat(r["due_on"]),
            )
            for r in data.get("recommendations", [])
        ]
        return cls(
            title=data["title"],
            subtitle=data.get("subtitle", ""),
            sections=sections,
            recommendations=recommendations,
            figures=dict(data.get("figures", {})),
        )


def _block(data: dict[str, Any]) -> Block:
    kind = data.get("kind")
    if kind == "table":
        return Table(
            caption=data["caption"],
            columns=list(data["columns"]),
            rows=[list(row) for row in data["rows"]],
            note=data.get("note", ""),
        )
    if kind == "chart":
        return Chart(
            caption=data["caption"],
            chart=data["chart"],
            categories=list(data["categories"]),
            series=[Series(name=s["name"], values=list(s["values"])) for s in data["series"]],
            y_label=data.get("y_label", ""),
        )
    return Paragraph(text=data["text"], editable=data.get("editable", True))
