"""Names of uploaded files: the one shown and downloaded, and the one the storage keeps.

Users name files the way they like: 300 Cyrillic characters are 600 bytes of UTF-8, more
than a file system allows in one name (255 bytes), and more than the model fields hold.
The stored name is therefore a short, safe version (the extension kept); the original name
is kept for display and download, shortened in the middle only if it does not fit its field.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import SuspiciousFileOperation
from django.utils import timezone
from django.utils.text import get_valid_filename

# Characters of the stem kept in the stored name: with a directory prefix and the suffix
# Django adds when the name is taken, the path stays within a FileField's default 100
# characters, and 60 Cyrillic characters are 120 bytes.
STORED_STEM_CHARS = 60
MAX_SUFFIX_CHARS = 16


def _split(name: str) -> tuple[str, str]:
    path = PurePosixPath(name)
    suffix = path.suffix if 1 < len(path.suffix) <= MAX_SUFFIX_CHARS else ""
    return name[: len(name) - len(suffix)], suffix


def display_name(name: str | None, max_length: int = 255) -> str:
    """The name as the user gave it, without folders or control characters, at most
    `max_length` characters: a long stem is cut in the middle («начало…конец.pdf»)."""
    # Browsers on Windows may send the whole path; either separator is a folder.
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    base = base or "файл"
    if len(base) <= max_length:
        return base
    stem, suffix = _split(base)
    room = max_length - len(suffix) - 1
    head = room - room // 3
    return f"{stem[:head]}…{stem[len(stem) - (room - head) :]}{suffix}"


def _valid(text: str) -> str:
    try:
        return get_valid_filename(text)
    except SuspiciousFileOperation:  # nothing usable left («!!!», «..»)
        return ""


def stored_name(name: str | None) -> str:
    """A short name safe for any storage and file system, the extension kept."""
    stem, suffix = _split(display_name(name))
    stem = _valid(stem[:STORED_STEM_CHARS]).strip(".")
    suffix = _valid(suffix) if suffix else ""
    return f"{stem or 'file'}{suffix}"


def dated_path(folder: str, name: str) -> str:
    """`folder/YYYY/MM/stored name`: the layout of evidence files."""
    return f"{folder}/{timezone.now():%Y/%m}/{stored_name(name)}"
