"""The minutes (протокол заседания) as Word (.docx) and PDF on A4 portrait, in the usual
layout: the heading with the number, the date and place, who attended, the agenda, and per
question СЛУШАЛИ — ВЫСТУПИЛИ — РЕШИЛИ with the votes; the signatures of the chair and the
secretary. Made through `opora.core.documents`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.documents import PDF_FONT, docx_bytes, docx_new, pdf_new
from opora.core.exports import export_filename, xml_text
from opora.governance.models import AgendaItem, Meeting, Member


@dataclass
class MinutesPart:
    number: int
    title: str
    speaker: str
    heard: str
    spoke: str
    decided: list[str]
    votes: str


@dataclass
class Minutes:
    body: str
    owner: str
    title: str
    date_place: str
    present: list[str]
    guests: list[str]
    agenda: list[str]
    parts: list[MinutesPart]
    chair: str
    secretary: str


def minutes_build(meeting: Meeting, members: list[Member], items: list[AgendaItem]) -> Minutes:
    """The minutes of a meeting the caller fetched through `meeting_get` (the access)."""
    present_ids = set(meeting.present.values_list("pk", flat=True))
    present = [
        f"{m.person.full_name} — {m.get_role_display().lower()}"
        + (f", {m.position}" if m.position else "")
        for m in members
        if m.person_id in present_ids
    ]
    parts = []
    for item in items:
        decided = [item.decided] if item.decided else []
        decided += [
            _("%(t)s Ответственный: %(r)s. Срок: %(d)s.")
            % {"t": d.text, "r": d.responsible, "d": dates.date_ru(d.due_on)}
            for d in item.decisions.all()
        ]
        votes = ""
        if item.voted:
            votes = _("Голосовали: «за» — %(f)d, «против» — %(a)d, «воздержались» — %(b)d.") % {
                "f": item.votes_for or 0,
                "a": item.votes_against or 0,
                "b": item.votes_abstained or 0,
            }
        parts.append(
            MinutesPart(
                item.number, item.title, item.speaker, item.heard, item.spoke, decided, votes
            )
        )
    place = meeting.place or meeting.online_url
    return Minutes(
        body=meeting.body.name,
        owner=meeting.body.owner.name,
        title=_("ПРОТОКОЛ № %(n)s") % {"n": meeting.minutes_number or "—"},
        date_place=f"{dates.date_ru_long(meeting.date)}" + (f", {place}" if place else ""),
        present=present,
        guests=[g for g in meeting.guests.splitlines() if g.strip()],
        agenda=[
            f"{i.number}. {i.title}" + (f" ({_('докладчик')}: {i.speaker})" if i.speaker else "")
            for i in items
        ],
        parts=parts,
        chair=meeting.chair.short_name if meeting.chair else "",
        secretary=meeting.secretary.short_name if meeting.secretary else "",
    )


def minutes_filename(meeting: Meeting, extension: str) -> str:
    """«Протокол № 3 — Координационный совет — 12.03.2025.docx»."""
    return export_filename(
        _("Протокол № %(n)s") % {"n": meeting.minutes_number or "—"},
        meeting.body.name[:60],
        dates.date_ru(meeting.date),
        extension=extension,
    )


def _sections(minutes: Minutes) -> list[tuple[str, list[str]]]:
    """The minutes as headed blocks of paragraphs, shared by Word and PDF."""
    blocks: list[tuple[str, list[str]]] = [
        (_("Присутствовали"), minutes.present or ["—"]),
    ]
    if minutes.guests:
        blocks.append((_("Приглашённые"), minutes.guests))
    blocks.append((_("Повестка"), minutes.agenda))
    for part in minutes.parts:
        lines = [_("СЛУШАЛИ: %(t)s") % {"t": part.heard or part.speaker or "—"}]
        if part.spoke:
            lines.append(_("ВЫСТУПИЛИ: %(t)s") % {"t": part.spoke})
        decided = part.decided or ["—"]
        lines.append(_("РЕШИЛИ:"))
        lines += [f"{n}. {text}" for n, text in enumerate(decided, start=1)]
        if part.votes:
            lines.append(part.votes)
        blocks.append((f"{part.number}. {part.title}", lines))
    return blocks


def minutes_docx(minutes: Minutes) -> bytes:
    """Word: A4 portrait, Times New Roman 14, centred heading, signatures at the end."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx_new(title=f"{minutes.title} — {minutes.body}")
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    for text, bold in ((minutes.owner, False), (minutes.title, True), (minutes.body, True)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(xml_text(text)).bold = bold
    document.add_paragraph(xml_text(minutes.date_place))
    for heading, lines in _sections(minutes):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.add_run(xml_text(heading)).bold = True
        for line in lines:
            document.add_paragraph(xml_text(line))
    for label, name in (
        (_("Председательствующий"), minutes.chair),
        (_("Секретарь"), minutes.secretary),
    ):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(18)
        paragraph.add_run(f"{label} ____________ {xml_text(name)}")
    return docx_bytes(document)


def minutes_pdf(minutes: Minutes) -> bytes:
    """PDF: the same minutes, A4 portrait, DejaVu Sans."""
    pdf = pdf_new(title=f"{minutes.title} — {minutes.body}")
    pdf.add_page()

    def text(value: str, *, bold: bool = False, align: str = "L") -> None:
        pdf.set_font(PDF_FONT, "B" if bold else "", 11)
        pdf.multi_cell(0, 6, xml_text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    text(minutes.owner, align="C")
    text(minutes.title, bold=True, align="C")
    text(minutes.body, bold=True, align="C")
    text(minutes.date_place)
    for heading, lines in _sections(minutes):
        pdf.ln(2)
        text(heading, bold=True)
        for line in lines:
            text(line)
    pdf.ln(6)
    text(f"{_('Председательствующий')} ____________ {minutes.chair}")
    pdf.ln(2)
    text(f"{_('Секретарь')} ____________ {minutes.secretary}")
    return bytes(pdf.output())
