"""`opora roadmap import FILE [--dry-run] [--json]`: what Opora recognises in a roadmap file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.roadmaps.drafts import DraftRoadmap
from opora.roadmaps.readers import ReadError, read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.schedule import describe, parse_schedule


class Command(BaseCommand):
    help = "Дорожные карты: распознать файл Word/Excel (import)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        read = actions.add_parser("import", help="распознать дорожную карту из .docx/.xlsx/.txt")
        read.add_argument("file", type=Path)
        read.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать распознанное (сейчас загрузка всегда идёт через браузер)",
        )
        read.add_argument(
            "--json", nargs="?", const="-", metavar="FILE", help="записать распознанное как JSON"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.recognize_file(options["file"], options["json"])

    def recognize_file(self, path: Path, json_to: str | None) -> None:
        if not path.exists():
            raise CommandError(f"Файла {path} нет.")
        try:
            draft = recognize(read_document(path.read_bytes(), path.name))
        except ReadError as exc:
            raise CommandError(str(exc)) from exc
        if json_to:
            text = json.dumps(draft_json(draft), ensure_ascii=False, indent=1)
            if json_to == "-":
                self.stdout.write(text)
            else:
                Path(json_to).write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"Записано: {json_to}")
        else:
            self.print_draft(draft)
        if draft.errors:
            raise CommandError("Дорожная карта не распознана: " + "; ".join(map(str, draft.errors)))

    def print_draft(self, draft: DraftRoadmap) -> None:
        self.stdout.write(draft.title or "(название не найдено)")
        self.stdout.write(
            f"Разделов {len(draft.sections)}, мероприятий {len(draft.activities)}; "
            f"столбцы: {', '.join(c or '—' for c in draft.columns)}"
        )
        for section in draft.sections:
            indent = "  " if section.parent else ""
            self.stdout.write(f"{indent}{section.number} {section.title}".rstrip())
            for activity in section.activities:
                schedule = parse_schedule(activity.schedule)
                self.stdout.write(
                    f"{indent}  {activity.number} {activity.text[:90]!s}"
                    f" | {activity.schedule or '—'} → {describe(schedule)}"
                )
        unparsed = [
            a
            for a in draft.activities
            if a.schedule and not parse_schedule(a.schedule).is_structured
        ]
        if unparsed:
            self.stdout.write(f"Сроки не распознаны ({len(unparsed)}):")
            for activity in unparsed:
                self.stdout.write(f"  {activity.source}: № {activity.number} «{activity.schedule}»")
        for problem in draft.problems:
            mark = "ОШИБКА" if problem.error else "проверьте"
            self.stdout.write(f"{mark}: {problem}")


def draft_json(draft: DraftRoadmap) -> dict[str, Any]:
    """The recognised roadmap with each schedule as understood, for scripts and templates."""
    data = draft.to_dict()
    for section in data["sections"]:
        for activity in section["activities"]:
            schedule = parse_schedule(activity["schedule"])
            activity["schedule_parsed"] = {
                "kind": str(schedule.kind),
                "periods": [list(p) for p in schedule.periods],
                "years": list(schedule.years),
                "date": schedule.on.isoformat() if schedule.on else None,
                "description": describe(schedule),
            }
    return data
