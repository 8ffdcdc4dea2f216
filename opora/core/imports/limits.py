"""Limits on reading a file from outside: size, the ZIP container, rows, columns and time.

Every reader of uploaded spreadsheets and documents (the import wizard, its job, `opora
import`, roadmap files) checks these before it parses anything and while it parses, so one
crafted file cannot take the memory, the processor or the database lock of the whole
application. A refusal is a `TableFileError` whose Russian message names the limit and what
the file has.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, replace
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
# A ZIP member smaller than this is never refused for its compression ratio: small parts of
# an Office file (styles, relationships) often compress 100 times and harm nobody.
RATIO_FLOOR_BYTES = 1 * MB


class TableFileError(ValueError):
    """The file cannot be read as a table; the message tells the user why."""


def number_ru(value: float) -> str:
    """12345 → «12 345» (a narrow no-break space, as the templates' `number` filter writes)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after `n`: 1 раз, 2 раза, 5 раз, 21 раз, 342 раза."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file Opora agrees to read (defaults from settings, see README)."""

    max_bytes: int
    # The sum of the declared sizes of a ZIP container's members (.xlsx, .docx) once unpacked.
    max_uncompressed: int
    max_rows: int
    max_columns: int
    max_seconds: float
    max_members: int = 5000
    # Unpacked size ÷ packed size of one member; zip bombs compress thousands of times.
    max_ratio: int = 200

    @classmethod
    def from_settings(cls, **overrides: Any) -> ReadLimits:
        limits = cls(
            max_bytes=int(settings.OPORA_MAX_UPLOAD_MB) * MB,
            max_uncompressed=int(settings.OPORA_IMPORT_MAX_UNCOMPRESSED_MB) * MB,
            max_rows=int(settings.OPORA_IMPORT_MAX_ROWS),
            max_columns=int(settings.OPORA_IMPORT_MAX_COLUMNS),
            max_seconds=float(settings.OPORA_IMPORT_MAX_SECONDS),
        )
        return replace(limits, **overrides) if overrides else limits

    def deadline(self, filename: str) -> Deadline:
        return Deadline(self.max_seconds, filename)


class Deadline:
    """Wall time for reading one file; `check` refuses once it has passed."""

    def __init__(self, seconds: float, filename: str) -> None:
        self.seconds = seconds
        self.filename = filename
        self.ends = time.monotonic() + seconds

    def check(self, rows_read: int) -> None:
        if time.monotonic() > self.ends:
            raise TableFileError(
                _(
                    "Файл «%(name)s» читается дольше %(seconds)s с (прочитано строк: %(rows)s); "
                    "чтение остановлено. Разделите файл на части или сохраните его в CSV."
                )
                % {
                    "name": self.filename,
                    "seconds": number_ru(self.seconds),
                    "rows": number_ru(rows_read),
                }
            )


def stream_size(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def check_size(size: int, filename: str, limits: ReadLimits) -> None:
    """Refuse a file over the upload limit before reading it."""
    if size > limits.max_bytes:
        raise TableFileError(
            _("Файл «%(name)s» весит %(size)s МБ; можно загрузить не больше %(limit)s МБ.")
            % {
                "name": filename,
                "size": f"{size / MB:.1f}".replace(".", ","),
                "limit": number_ru(limits.max_bytes // MB),
            }
        )


def corrupt(filename: str, kind: str = "xlsx") -> TableFileError:
    """The one message for a file whose container or XML is broken («файл повреждён»)."""
    if kind == "docx":
        return TableFileError(
            _(
                "Файл «%(name)s» повреждён: это не документ Word (.docx) или он записан не до "
                "конца. Откройте его в Word и сохраните заново как «Документ Word (.docx)»."
            )
            % {"name": filename}
        )
    return TableFileError(
        _(
            "Файл «%(name)s» повреждён: его не удалось открыть как книгу Excel (.xlsx) — "
            "возможно, он записан не до конца. Откройте его в Excel и сохраните заново как "
            "«Книга Excel (.xlsx)» или CSV."
        )
        % {"name": filename}
    )


def check_zip(
    stream: IO[bytes],
    filename: str,
    limits: ReadLimits,
    kind: str = "xlsx",
    max_xml_member: int | None = None,
) -> None:
    """Inspect a ZIP container's central directory without unpacking anything.

    Python's zipfile never inflates a member beyond its declared size (it stops there and
    fails the CRC check), so the declared sizes bound what any later reader can unpack.
    `max_xml_member` bounds each XML part for readers that build a whole tree of it in
    memory (python-docx does).
    """
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise corrupt(filename, kind) from exc
    finally:
        stream.seek(position)
    if len(members) > limits.max_members:
        raise TableFileError(
            _(
                "Файл «%(name)s» состоит из %(n)s частей (файлов внутри архива); допустимо не "
                "больше %(limit)s. Это не похоже на обычную книгу Excel или документ Word."
            )
            % {
                "name": filename,
                "n": number_ru(len(members)),
                "limit": number_ru(limits.max_members),
            }
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise TableFileError(
            _("Файл «%(name)s» защищён паролем. Снимите пароль и загрузите файл снова.")
            % {"name": filename}
        )
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed:
        raise TableFileError(
            _(
                "Файл «%(name)s» после распаковки занял бы %(size)s МБ; допустимо не больше "
                "%(limit)s МБ. Разделите файл на части."
            )
            % {
                "name": filename,
                "size": number_ru(total // MB),
                "limit": number_ru(limits.max_uncompressed // MB),
            }
        )
    for member in members:
        if (
            max_xml_member is not None
            and member.filename.endswith((".xml", ".rels"))
            and member.file_size > max_xml_member
        ):
            raise TableFileError(
                _(
                    "Файл «%(name)s»: его часть «%(part)s» после распаковки занимает %(size)s "
                    "МБ; допустимо не больше %(limit)s МБ. Разделите документ на части."
                )
                % {
                    "name": filename,
                    "part": member.filename,
                    "size": number_ru(member.file_size // MB),
                    "limit": number_ru(max_xml_member // MB),
                }
            )
        if member.file_size <= RATIO_FLOOR_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_ratio:
            raise TableFileError(
                _(
                    "Файл «%(name)s» не читается: его часть «%(part)s» сжата в %(ratio)s %(times)s "
                    "(допустимо не больше чем в %(limit)s). Так устроены «zip-бомбы»; обычная "
                    "книга Excel или документ Word так не сжимаются."
                )
                % {
                    "name": filename,
                    "part": member.filename,
                    "ratio": number_ru(int(ratio)),
                    "times": plural_ru(int(ratio), "раз", "раза", "раз"),
                    "limit": number_ru(limits.max_ratio),
                }
            )
