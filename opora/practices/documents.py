"""A collection printed as an atlas of practices (.docx and PDF, A4 portrait, official
margins): a title page with the collection and its compiler, the contents, then each practice —
title, authors and school, the problem, what is done, the conditions, the declared effect and
its materials as a list with links. Made through `opora.core.documents`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.documents import PDF_FONT, docx_bytes, docx_new, pdf_new
from opora.core.exports import export_filename, xml_text
from opora.practices.models import Collection, CollectionItem
from opora.roadmaps.library import PROBLEM_TYPES
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---


@dataclass
class AtlasEntry:
    number: int
    title: str
    authors: str
    organization: str
    problem: str
    description: str
    conditions: str
    effect: str
    materials: list[tuple[str, str]]  # (title, link)


@dataclass
class Atlas:
    kind: str
    title: str
    compiler: str
    description: str
    year: str
    entries: list[AtlasEntry]


def _link(path: str) -> str:
    base = settings.OPORA_SITE_URL or ""
    return f"{base.rstrip('/')}{path}"


def atlas_build(collection: Collection, items: list[CollectionItem]) -> Atlas:
    """The atlas of a collection whose items the caller read through `collection_items`."""
    factors = dict(RiskFactor.choices)
    entries = []
    for number, item in enumerate(items, start=1):
        p = item.practice
        people = [a.full_name for a in p.authors.all()]
        if p.other_authors:
            people.append(p.other_authors)
        problem = [PROBLEM_TYPES.get(c, c) for c in p.problem_types]
        problem += [str(factors.get(c, c)) for c in p.risk_factors]
        materials = [
            (
                m.title,
                m.url or _link(reverse("practices:material", args=[m.pk])),
            )
            for m in p.materials.all()
        ]
        entries.append(
            AtlasEntry(
                number=number,
                title=p.title,
                authors=", ".join(people) or "—",
                organization=p.organization.name,
                problem="; ".join(problem) or "—",
                description=p.description or "—",
                conditions=p.conditions or "—",
                effect=p.declared_effect or "—",
                materials=materials,
            )
        )
    return Atlas(
        kind=collection.get_kind_display(),
        title=collection.title,
        compiler=collection.owner.name,
        description=collection.description,
        year=str(dates.today().year),
        entries=entries,
    )


def atlas_filename(collection: Collection, extension: str) -> str:
    """«Атлас практик — Муниципальный банк… — 2025.docx»."""
    return export_filename(
        _("Атлас практик"), collection.title[:60], str(dates.today().year), extension=extension
    )


def _fields(entry: AtlasEntry) -> list[tuple[str, str]]:
    return [
        (_("Авторы"), entry.authors),
        (_("Организация"), entry.organization),
        (_("Проблема"), entry.problem),
        (_("Что делается"), entry.description),
        (_("Условия и ресурсы для переноса"), entry.conditions),
        (_("Эффект по заявлению авторов"), entry.effect),
    ]


def atlas_docx(atlas: Atlas) -> bytes:
    """Word: a title page, the contents, a practice per section (Times New Roman 14)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = docx_new(title=atlas.title)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    for text, bold, size in (
        (atlas.compiler, False, 14),
        (atlas.kind, False, 14),
        (atlas.title, True, 20),
        (atlas.description, False, 14),
        (atlas.year, False, 14),
    ):
        if not text:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(24)
        run = paragraph.add_run(xml_text(text))
        run.bold = bold
        run.font.size = Pt(size)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(_("Содержание"), level=1)
    for entry in atlas.entries:
        document.add_paragraph(xml_text(f"{entry.number}. {entry.title} — {entry.organization}"))
    for entry in atlas.entries:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(xml_text(f"{entry.number}. {entry.title}"), level=1)
        for label, value in _fields(entry):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(xml_text(value))
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Материалы:")).bold = True
        for title, link in entry.materials or [("—", "")]:
            document.add_paragraph(
                xml_text(f"{title} — {link}" if link else title), style="List Bullet"
            )
    return docx_bytes(document)


def atlas_pdf(atlas: Atlas) -> bytes:
    """PDF: the same atlas, A4 portrait, DejaVu Sans."""
    pdf = pdf_new(title=atlas.title)
    pdf.add_page()

    def text(value: str, *, bold: bool = False, size: int = 11, align: str = "L") -> None:
        pdf.set_font(PDF_FONT, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.55, xml_text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    pdf.ln(30)
    text(atlas.compiler, align="C")
    pdf.ln(4)
    text(atlas.kind, align="C")
    pdf.ln(10)
    text(atlas.title, bold=True, size=18, align="C")
    if atlas.description:
        pdf.ln(6)
        text(atlas.description, align="C")
    pdf.ln(20)
    text(atlas.year, align="C")
    pdf.add_page()
    text(_("Содержание"), bold=True, size=14)
    for entry in atlas.entries:
        text(f"{entry.number}. {entry.title} — {entry.organization}")
    for entry in atlas.entries:
        pdf.add_page()
        text(f"{entry.number}. {entry.title}", bold=True, size=14)
        for label, value in _fields(entry):
            pdf.ln(1)
            text(label, bold=True)
            text(value)
        pdf.ln(1)
        text(_("Материалы"), bold=True)
        for title, link in entry.materials or [("—", "")]:
            text(f"• {title}" + (f" — {link}" if link else ""))
    return bytes(pdf.output())
