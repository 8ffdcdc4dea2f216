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


# --- Photos: images only, told by their first bytes -----------------------------------------

# What a photo may be, by the file's signature (its suffix can say anything): JPEG, PNG, GIF,
# WebP, and HEIC/HEIF/AVIF — what phones take (an ISO media file of an image brand).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".avif"})
HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
)


def image_kind(head: bytes) -> str | None:
    """The image format the file's first 16 bytes show, or None when they are not an image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heif"
    return None


def image_check(files: Iterable[UploadedFile], *, max_mb: int) -> None:
    """Refuse any file that is not an image (by its first bytes and its suffix), is larger than
    `max_mb` or is empty: one ValidationError naming every refused file."""
    problems = []
    limit = max_mb * 1024 * 1024
    for file in files:
        name = file.name or ""
        size = file.size or 0
        if size > limit:
            # Said first: a 50 MB file is refused for its size whatever it holds.
            problems.append(
                _("Файл «%(name)s» больше %(mb)s МБ: уменьшите фотографию.")
                % {"name": name, "mb": max_mb}
            )
            continue
        if not size:
            problems.append(_("Файл «%(name)s» пустой.") % {"name": name})
            continue
        head = file.read(16)
        file.seek(0)
        if Path(name).suffix.lower() not in IMAGE_SUFFIXES or image_kind(head) is None:
            problems.append(
                _(
                    "Файл «%(name)s» не принят: это не фотография. Прикрепите снимок в формате "
                    "JPEG, PNG, GIF, WebP или HEIC."
                )
                % {"name": name}
            )
    if problems:
        raise ValidationError(problems)
