"""What an importer declares (its columns, how to validate and save rows) and the shared steps:
guessing the column mapping from headers, mapping rows, reporting errors by row and column.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from opora.core.imports.limits import number_ru
from opora.core.imports.readers import Table

ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportColumn:
    """A field the importer can fill, the header names it recognises and whether it is needed."""

    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help_text: str = ""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: shown to the user as «Строка N, столбец «X»: message»."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Строка %(row)s, столбец «%(column)s»: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class MappedRow:
    """A data row with its values under the importer's keys and the file's header per key."""

    number: int
    values: dict[str, str]
    headers: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()

    def error(self, key: str, message: str) -> RowError:
        return RowError(self.number, self.headers.get(key, key), message)


@dataclass
class Validation:
    """The outcome of checking every row: records ready to save, or all the errors."""

    records: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows left out on purpose (e.g. unknown schools the user chose to skip).
    skipped: int = 0
    # What the user should know besides errors (which schools were skipped or created),
    # worded for the check before saving…
    notes: list[str] = field(default_factory=list)
    # …and, where the wording differs («будут созданы» → «созданы»), for after the save.
    done_notes: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def notes_for(self, *, done: bool) -> list[str]:
        return self.done_notes if done and self.done_notes else self.notes


def counts_line(
    label: str, created: int, updated: int = 0, unchanged: int = 0, skipped: int = 0, *, done: bool
) -> str:
    """«Школы — будет создано: 3, обновлено: 0, без изменений: 5.» (or «создано: 3…» once
    saved): every count says what it counts."""
    parts = [
        (_("создано: %(n)s") if done else _("будет создано: %(n)s")) % {"n": number_ru(created)},
        _("обновлено: %(n)s") % {"n": number_ru(updated)},
        _("без изменений: %(n)s") % {"n": number_ru(unchanged)},
    ]
    if skipped:
        parts.append(_("пропущено: %(n)s") % {"n": number_ru(skipped)})
    return f"{label} — {', '.join(parts)}."


UserLike = User | AnonymousUser


class UnknownSchools:
    """What to do with a school code the registry does not know (the user chooses)."""

    ERROR = "error"
    CREATE = "create"
    SKIP = "skip"
    CHOICES = (
        (ERROR, _("считать ошибкой")),
        (CREATE, _("создать школу в реестре")),
        (SKIP, _("пропустить строки и перечислить их")),
    )


@dataclass
class ImportOptions:
    """The user's choices for one import besides the column mapping."""

    file_name: str = ""
    # Values for fields the file has no column for (e.g. the assessment of a whole file).
    defaults: dict[str, str] = field(default_factory=dict)
    unknown_schools: str = UnknownSchools.ERROR
    # Where schools created from the file go (territories named in the file go under it).
    territory_id: int | None = None
    # The upload being saved, so that saved figures can name the file they came from.
    upload_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, file_name: str = "") -> ImportOptions:
        data = data or {}
        return cls(
            file_name=file_name,
            defaults={k: str(v) for k, v in (data.get("defaults") or {}).items() if v != ""},
            unknown_schools=data.get("unknown_schools") or UnknownSchools.ERROR,
            territory_id=data.get("territory_id"),
        )


class Importer(ABC):
    """A kind of import (e.g. the school registry). Subclasses are registered by `key`."""

    key: str
    title: str
    columns: tuple[ImportColumn, ...]
    # Whether the user chooses what to do with unknown school codes (create / skip / error).
    handles_unknown_schools = False
    # Fields that may be given one value for the whole file instead of a column.
    defaultable: tuple[str, ...] = ()
    # What the rows become, as the heading of the counts: «Школы», «Результаты».
    record_label: str = _("Записи")

    @abstractmethod
    def may_import(self, user: UserLike) -> bool:
        """Whether the user may use this import at all (rows are checked one by one later)."""

    @abstractmethod
    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        """Check every row; never writes."""

    @abstractmethod
    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        """Write a valid Validation's records; the caller wraps it in one transaction."""

    def summary(self, validation: Validation, *, done: bool) -> list[str]:
        """The counts of a check (`done=False`) or of a save, each line saying of what."""
        return [
            counts_line(
                str(self.record_label),
                validation.created,
                validation.updated,
                validation.unchanged,
                validation.skipped,
                done=done,
            )
        ]


_IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(cls: type[Importer]) -> type[Importer]:
    _IMPORTERS[cls.key] = cls
    return cls


def get_importer(key: str) -> Importer:
    try:
        return _IMPORTERS[key]()
    except KeyError as exc:
        raise LookupError(key) from exc


def importers() -> list[Importer]:
    return [cls() for cls in _IMPORTERS.values()]


def normalise_header(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("_", " ").split()).strip(" .:*")


def guess_columns(importer: Importer, headers: list[str]) -> dict[str, str]:
    """Map each importer column to the file header that names it, when one clearly does."""
    by_name = {normalise_header(h): h for h in headers if h}
    result: dict[str, str] = {}
    for column in importer.columns:
        for candidate in (column.label, column.key, *column.aliases):
            header = by_name.get(normalise_header(candidate))
            if header is not None and header not in result.values():
                result[column.key] = header
                break
    return result


def mapping_problems(
    importer: Importer,
    columns: dict[str, str],
    headers: list[str],
    defaults: dict[str, str] | None = None,
) -> list[str]:
    """Why a mapping cannot be used with these headers (missing required, unknown header)."""
    problems = []
    defaults = defaults or {}
    for column in importer.columns:
        header = columns.get(column.key, "")
        if column.required and not header and not defaults.get(column.key):
            problems.append(
                _("Не указан столбец для обязательного поля «%(label)s».") % {"label": column.label}
            )
        elif header and header not in headers:
            problems.append(
                _("Для поля «%(label)s» выбран столбец «%(header)s», которого нет в файле.")
                % {"label": column.label, "header": header}
            )
    used = [h for h in columns.values() if h]
    for header in sorted({h for h in used if used.count(h) > 1}):
        problems.append(_("Столбец «%(header)s» выбран для нескольких полей.") % {"header": header})
    return problems


DEFAULT_VALUE_HEADER = _("значение для всего файла")


def map_rows(
    table: Table, columns: dict[str, str], defaults: dict[str, str] | None = None
) -> list[MappedRow]:
    """Rows of `table` with values under the importer's keys; empty rows are skipped.

    A field with no column takes its value for the whole file from `defaults`.
    """
    positions = {key: table.headers.index(h) for key, h in columns.items() if h in table.headers}
    headers = {key: h for key, h in columns.items() if h in table.headers}
    fixed = {k: v for k, v in (defaults or {}).items() if k not in positions and v != ""}
    headers.update({key: str(DEFAULT_VALUE_HEADER) for key in fixed})
    mapped = []
    for index, row in enumerate(table.rows):
        if not any(cell.strip() for cell in row):
            continue
        values = {key: row[pos] for key, pos in positions.items()}
        values.update(fixed)
        mapped.append(MappedRow(number=table.row_number(index), values=values, headers=headers))
    return mapped
