"""Names of uploaded files: a safe short stored name, the user's name kept for display."""

from __future__ import annotations

from opora.core.uploads import display_name, stored_name

LONG = "Приказ об утверждении плана мероприятий " * 8 + ".pdf"  # 324 characters


def test_a_long_cyrillic_name_is_kept_for_display_within_the_field():
    assert len(LONG) > 300
    shown = display_name(LONG)
    assert len(shown) == 255
    assert shown.startswith("Приказ об утверждении") and shown.endswith(".pdf")
    assert "…" in shown
    assert display_name("отчёт.pdf") == "отчёт.pdf"


def test_the_stored_name_is_short_and_safe_for_any_file_system():
    name = stored_name(LONG)
    assert name.endswith(".pdf") and len(name) <= 64
    assert len(name.encode()) < 255
    assert "/" not in name and " " not in name
    assert stored_name(r"C:\Users\Мария\Документы\отчёт.docx") == "отчёт.docx"
    assert stored_name("../../etc/passwd") == "passwd"
    assert stored_name("!!!.pdf") == "file.pdf"
    assert stored_name("") == "файл"
    assert display_name("отчёт\x00\x1f.pdf") == "отчёт.pdf"
