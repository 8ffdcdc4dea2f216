"""`opora roadmap import FILE [--dry-run] [--json]`: what Opora recognises in a roadmap file
(saved into a programme with --programme); `opora roadmap export ID --format docx [-o FILE]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from opora.core.choices import TimelineVerb
from opora.core.commands import command_user
from opora.core.imports.limits import ReadLimits, TableFileError, check_size
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.drafts import DraftRoadmap
from opora.roadmaps.exports import EXPORTS, PdfFontMissing, export_name
from opora.roadmaps.readers import ReadError, read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.schedule import describe, parse_schedule
from opora.roadmaps.selectors import (
    programme_for_roadmaps,
    roadmap_export_draft,
    roadmap_get,
    roadmap_schools,
)
from opora.roadmaps.services import roadmap_create


class Command(BaseCommand):
    help = "Дорожные карты: распознать и загрузить файл Word/Excel (import), выгрузить (export)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        read = actions.add_parser("import", help="распознать дорожную карту из .docx/.xlsx/.txt")
        read.add_argument("file", type=Path)
        read.add_argument(
            "--dry-run", action="store_true", help="только показать распознанное, не сохранять"
        )
        read.add_argument(
            "--json", nargs="?", const="-", metavar="FILE", help="записать распознанное как JSON"
        )
        read.add_argument("--programme", type=int, help="номер программы, в которую сохранить")
        read.add_argument("--school", help="код школы (для программы школы)")
        read.add_argument(
            "--kind",
            choices=RoadmapKind.values,
            help="вид (по умолчанию municipal, для школы — transition)",
        )
        read.add_argument("--user", help="от чьего имени (по умолчанию — суперпользователь)")
        write = actions.add_parser("export", help="выгрузить дорожную карту в .docx/.pdf/.xlsx")
        write.add_argument("id", type=int, help="номер дорожной карты")
        write.add_argument("--format", choices=sorted(EXPORTS), required=True)
        write.add_argument("--user", help="от чьего имени (по умолчанию — суперпользователь)")
        write.add_argument(
            "-o",
            "--output",
            type=Path,
            help="файл или папка (по умолчанию — текущая папка, имя файла по дорожной карте)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            user = command_user(options["user"])
            self.export(user, options["id"], options["format"], options["output"])
            return
        draft = self.recognize_file(options["file"], options["json"])
        if options["dry_run"] or not options["programme"]:
            if not options["dry_run"] and not options["json"]:
                self.stdout.write("Не сохранено: укажите --programme, чтобы сохранить.")
            return
        self.save(draft, options)

    def save(self, draft: DraftRoadmap, options: dict[str, Any]) -> None:
        user = command_user(options["user"])
        # The same rights as the web form: a programme the user may add roadmaps to, a
        # school of it the user may change.
        try:
            programme = programme_for_roadmaps(user, options["programme"])
        except Http404 as exc:
            raise CommandError(
                f"Программы № {options['programme']} нет среди тех, куда пользователь "
                f"«{user.username}» может добавить дорожную карту."
            ) from exc
        school = None
        if options["school"]:
            school = roadmap_schools(user, programme).filter(code=options["school"]).first()
            if school is None:
                raise CommandError(
                    f"Школы с кодом {options['school']} нет среди школ программы, которые "
                    f"пользователь «{user.username}» может изменять."
                )
        default = RoadmapKind.TRANSITION if school else RoadmapKind.MUNICIPAL
        try:
            roadmap = roadmap_create(
                programme=programme,
                school=school,
                kind=RoadmapKind(options["kind"] or default),
                draft=draft,
                user=user,
                source=f"файл «{options['file'].name}»",
                verb=TimelineVerb.IMPORTED,
            )
        except ValidationError as exc:
            raise CommandError("Не сохранено: " + "; ".join(exc.messages)) from exc
        self.stdout.write(f"Сохранено: дорожная карта № {roadmap.pk} «{roadmap.title}»")

    def export(self, user: User, pk: int, fmt: str, output: Path | None) -> None:
        try:
            roadmap = roadmap_get(user, pk)
        except Http404 as exc:
            raise CommandError(
                f"Дорожной карты № {pk} нет среди доступных пользователю «{user.username}»."
            ) from exc
        export, _content_type = EXPORTS[fmt]
        try:
            data = export(roadmap_export_draft(roadmap))
        except PdfFontMissing as exc:
            raise CommandError(str(exc)) from exc
        if output is None or output.is_dir():
            output = (output or Path()) / export_name(roadmap, fmt)
        output.write_bytes(data)
        self.stdout.write(f"Записано: {output} ({len(data)} байт)")

    def recognize_file(self, path: Path, json_to: str | None) -> DraftRoadmap:
        if not path.is_file():
            raise CommandError(f"Файла {path} нет.")
        try:
            # The size first: a file over the limit is refused before it is read at all.
            check_size(path.stat().st_size, path.name, ReadLimits.from_settings())
            draft = recognize(read_document(path.read_bytes(), path.name))
        except (ReadError, TableFileError) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Файл {path} не читается: {exc.strerror or exc}.") from exc
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
        return draft

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
