"""Files users attach as evidence: a report's documents, a monitoring form's confirmations, a
course certificate. One check for every app: what a file may be (documents, spreadsheets,
presentations, images, PDF and ZIP archives of them — never a program, whatever its name
says) and how large.

Names (the stored one and the one shown) are `opora.core.uploads`; serving a file back is
`opora.core.web.attachment`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# What evidence may be: documents, spreadsheets, images, PDF and archives of them.
EVIDENCE_SUFFIXES = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".jpg", ".jpeg"}
    | {".png", ".gif", ".webp", ".heic", ".txt", ".zip", ".ppt", ".pptx", ".odp"}
)
# Programs, whatever their name says: Windows (MZ), Linux (ELF), Mach-O, scripts.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")


@dataclass(frozen=True)
class EvidenceUpload:
    """An uploaded file with what the uploader says it is (an app's own choice value)."""

    kind: str
    file: UploadedFile


def evidence_check(files: Iterable[UploadedFile]) -> None:
    """Refuse any file that is not a document or image, or is too large (`OPORA_EVIDENCE_MAX_MB`)
    or empty: one ValidationError naming every refused file."""
    problems = []
    limit = settings.OPORA_EVIDENCE_MAX_MB * 1024 * 1024
    for file in files:
        name = file.name or ""
        head = file.read(8)
        file.seek(0)
        if Path(name).suffix.lower() not in EVIDENCE_SUFFIXES or head.startswith(EXECUTABLE_MAGIC):
            problems.append(
                _(
                    "Файл «%(name)s» не принят: подтверждающий документ — это PDF, документ, "
                    "таблица, презентация, изображение или ZIP-архив, не программа."
                )
                % {"name": name}
            )
        elif (file.size or 0) > limit:
            problems.append(
                _("Файл «%(name)s» больше %(mb)s МБ.")
                % {"name": name, "mb": settings.OPORA_EVIDENCE_MAX_MB}
            )
        elif not file.size:
            problems.append(_("Файл «%(name)s» пустой.") % {"name": name})
    if problems:
        raise ValidationError(problems)
