"""`opora import KIND FILE…`: the same all-or-nothing import as the web wizard, for scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.core import hooks
from opora.core.access import Action, own_organizations
from opora.core.commands import command_user
from opora.core.imports.base import ImportOptions, UnknownSchools, get_importer, importers
from opora.core.imports.readers import TableFileError, read_table
from opora.core.imports.selectors import import_mappings_by_source, import_presets
from opora.core.imports.services import run_import_now

# Short names for the command line; the key is what the web wizard uses.
ALIASES = {
    "registry": "registry.schools",
    "schools": "registry.schools",
    "results": "results.table",
    "students": "results.students",
    "context": "results.context",
    "simce": "results.simce",
    "official-list": "identification.external_list",
}
# A preset names its own importer; these kinds accept the presets of these importers.
PRESET_FAMILIES = {
    "results": {"results.table", "results.students", "results.simce"},
    "context": {"results.context", "results.simce"},
}


class Command(BaseCommand):
    help = "Загрузить файлы XLSX/CSV (например, реестр школ): opora import registry реестр.xlsx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", help="вид загрузки: registry (или ключ, напр. registry.schools)"
        )
        parser.add_argument("files", nargs="+", type=Path, help="файлы XLSX или CSV")
        parser.add_argument("--mapping", help="сохранённое сопоставление столбцов (источник)")
        parser.add_argument(
            "--preset",
            help="готовое сопоставление: ru-results, ru-students, ru-context, moscow-ege, "
            "simce-4b, simce-2m",
        )
        missing = parser.add_mutually_exclusive_group()
        missing.add_argument(
            "--create-missing",
            action="store_true",
            help="создать школы (и учебные годы), которых нет в реестре",
        )
        missing.add_argument(
            "--skip-missing", action="store_true", help="пропустить строки неизвестных школ"
        )
        parser.add_argument("--territory", help="код территории, в которую добавлять новые школы")
        parser.add_argument(
            "--value",
            action="append",
            default=[],
            metavar="ПОЛЕ=ЗНАЧЕНИЕ",
            help="значение поля для всего файла, если в файле нет такого столбца "
            "(можно несколько раз), напр. --value order_number=1024",
        )
        parser.add_argument("--user", help="от чьего имени (по умолчанию — суперпользователь)")
        parser.add_argument("--dry-run", action="store_true", help="только проверить")

    def handle(self, *args: Any, **options: Any) -> None:
        key = ALIASES.get(options["kind"], options["kind"])
        mapping_options: dict[str, Any] = {}
        columns = None
        if options["preset"]:
            # Only what Opora ships: a mapping someone saved is never taken for a preset.
            preset = import_presets().filter(preset=options["preset"]).first()
            if preset is None:
                known = ", ".join(import_presets().values_list("preset", flat=True))
                raise CommandError(
                    f"Нет готового сопоставления «{options['preset']}». Есть: {known}"
                )
            family = PRESET_FAMILIES.get(options["kind"], {key})
            if preset.importer not in family:
                raise CommandError(
                    f"Сопоставление «{options['preset']}» — для другого вида загрузки "
                    f"({preset.importer})."
                )
            key, columns, mapping_options = preset.importer, preset.columns, preset.options
        try:
            get_importer(key)
        except LookupError as exc:
            known = ", ".join(sorted({*ALIASES, *(i.key for i in importers())}))
            raise CommandError(
                f"Неизвестный вид загрузки «{options['kind']}». Есть: {known}"
            ) from exc
        user = command_user(options["user"])
        values = self._values(key, options["value"])
        if options["mapping"]:
            columns, mapping_options = self._saved_mapping(user, key, options["mapping"])
        unknown = UnknownSchools.ERROR
        if options["create_missing"]:
            unknown = UnknownSchools.CREATE
        elif options["skip_missing"]:
            unknown = UnknownSchools.SKIP
        territory_id = None
        if options["territory"]:
            territory = hooks.territory_by_code.call(user, options["territory"])
            if territory is None:
                raise CommandError(f"Территории с кодом «{options['territory']}» нет.")
            territory_id = territory.pk
        failed = False
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"Файл {path} не найден.")
            # Bounded like the web wizard's job: size, ZIP directory, rows, columns, time.
            try:
                with path.open("rb") as stream:
                    table = read_table(stream, path.name)
            except TableFileError as exc:
                raise CommandError(str(exc)) from exc
            except OSError as exc:
                raise CommandError(f"Файл {path} не читается: {exc.strerror or exc}.") from exc
            try:
                validation = run_import_now(
                    importer_key=key,
                    table=table,
                    columns=columns,
                    user=user,
                    options=ImportOptions(
                        file_name=path.name,
                        defaults={**(mapping_options.get("defaults") or {}), **values},
                        unknown_schools=unknown,
                        territory_id=territory_id,
                    ),
                    dry_run=options["dry_run"],
                )
            except ValidationError as exc:
                raise CommandError(f"{path.name}: " + " ".join(exc.messages)) from exc
            if validation.errors:
                failed = True
                self.stderr.write(
                    f"{path.name}: ошибок {len(validation.errors)}, ничего не сохранено"
                )
                for error in validation.errors:
                    self.stderr.write(f"  {error}")
                continue
            done = not options["dry_run"]
            state = "сохранено" if done else "проверено, ничего не записано (--dry-run)"
            self.stdout.write(f"{path.name}: {state}")
            for line in get_importer(key).summary(validation, done=done):
                self.stdout.write(f"  {line}")
            for note in validation.notes_for(done=done):
                self.stdout.write(f"  {note[:2000]}")
        if failed:
            raise CommandError("В файлах есть ошибки.")

    def _values(self, key: str, items: list[str]) -> dict[str, str]:
        """`--value field=value` pairs: values for the whole file (the wizard's «Значения для
        всего файла»), only for the fields the importer takes them for."""
        allowed = get_importer(key).defaultable
        values: dict[str, str] = {}
        for item in items:
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or name not in allowed:
                known = ", ".join(allowed) or "нет"
                raise CommandError(
                    f"«--value {item}»: нужно ПОЛЕ=ЗНАЧЕНИЕ, где ПОЛЕ — одно из: {known}."
                )
            values[name] = value.strip()
        return values

    def _saved_mapping(
        self, user: Any, key: str, source_name: str
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """The user's organisation's mapping of that name (or one in their reach)."""
        found = import_mappings_by_source(user, key, source_name)
        if not found:
            raise CommandError(
                f"Сопоставление «{source_name}» не найдено среди доступных пользователю "
                f"«{user.username}»."
            )
        own = {o.pk for o in own_organizations(user, Action.IMPORT)}
        first = found[0]
        rivals = [m for m in found[1:] if (m.owner_id in own) == (first.owner_id in own)]
        if rivals:
            owners = ", ".join(str(m.owner) for m in [first, *rivals])
            raise CommandError(
                f"Сопоставлений «{source_name}» несколько ({owners}); укажите --user "
                "сотрудника нужной организации."
            )
        return first.columns, first.options
