"""Roadmap files are read within the same limits as every import: size, the ZIP directory,
rows and time; a broken file is «повреждён», in Russian, on the web and on the command line."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from opora.core.imports import crafted
from opora.core.imports.limits import ReadLimits
from opora.roadmaps.readers import ReadError, read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.tests.documents import foreign_roadmap_docx, roadmap_xlsx


def replaced(data: bytes, member: str, content: bytes, level: int = 6) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for info in source.infolist():
            body = content if info.filename == member else source.read(info.filename)
            archive.writestr(info.filename, body)
    return buffer.getvalue()


def test_a_broken_word_document_is_damaged_in_russian():
    broken = replaced(foreign_roadmap_docx(), "word/document.xml", b"<w:document><w:body><w:p>")
    with pytest.raises(ReadError) as refused:
        read_document(broken, "карта.docx")
    message = str(refused.value)
    assert message.startswith("Файл «карта.docx» повреждён")
    assert not any(word in message for word in ("tag", "line", "Error", "mismatch"))


def test_a_word_zip_bomb_is_refused_before_unpacking(monkeypatch):
    padding = b"<w:p/>" * 5_000_000  # 30 MB of XML that packs into a few dozen kilobytes
    bomb = replaced(
        foreign_roadmap_docx(),
        "word/document.xml",
        b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + padding,
        level=9,
    )
    assert len(bomb) < 200_000

    def no_unpacking(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    with pytest.raises(ReadError, match="zip-бомбы"):
        read_document(bomb, "бомба.docx")


def test_excel_roadmaps_are_streamed_and_bounded():
    header = ("№", "Мероприятие", "Сроки", "Ответственный")
    data = roadmap_xlsx(
        [header, *[(str(n), "Педсовет", "сентябрь", "Директор") for n in range(1, 31)]]
    )
    draft = recognize(read_document(data, "карта.xlsx"))
    assert len(draft.activities) == 30
    with pytest.raises(ReadError, match="больше 10 строк"):  # 31 rows with the header
        read_document(data, "карта.xlsx", limits=ReadLimits.from_settings(max_rows=10))
    with pytest.raises(ReadError, match="zip-бомбы"):
        read_document(crafted.identical_rows_bomb(), "бомба.xlsx")
    with pytest.raises(ReadError, match="повреждён"):
        read_document(crafted.package(b"<worksheet><sheetData><row"), "обрыв.xlsx")


def test_the_cli_refuses_oversized_and_broken_files(tmp_path, settings):
    broken = tmp_path / "карта.docx"
    broken.write_bytes(b"PK\x03\x04 not a document")
    with pytest.raises(CommandError, match=r"Файл «карта\.docx» повреждён"):
        call_command("roadmap", "import", str(broken), "--dry-run")
    settings.OPORA_MAX_UPLOAD_MB = 1
    big = tmp_path / "большая.docx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1))
    with pytest.raises(CommandError, match="можно загрузить не больше 1 МБ"):
        call_command("roadmap", "import", str(big), "--dry-run")
