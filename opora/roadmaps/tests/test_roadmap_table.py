"""The roadmap page's table body written in Python (`roadmap_rows`) is what the template it
replaced wrote, byte for byte: result years, subsections, levels, reports with files,
evidence, comments and the comment form, escaping included; and a comment whose author was
deleted, on which the template failed."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone, translation

from opora.roadmaps.extensions import Link

# The markup of roadmap_detail.html's table body before `roadmap_rows` (issue 17).
TEMPLATE = (Path(__file__).parent / "roadmap_rows_reference.html").read_text(encoding="utf-8")


def row(pk: int, **values):
    return {
        "pk": str(pk),
        "number": f"{pk}.1",
        "text": "Педсовет <«итоги»>\nи план",
        "levels": False,
        "level_labels": [],
        "years": [],
        "schedule_text": "",
        "schedule_unparsed": False,
        "schedule_kind": "",
        "responsible": "",
        "result": "",
        "document": "",
        "status": "Не начато",
        "badge": "light",
        "due_on": "",
        "overdue": False,
        "executor": None,
        "edit_url": "",
        "report_url": "",
        "reports": [],
        "evidence": [],
        "comments": [],
    } | values


def contexts():
    author = SimpleNamespace(get_full_name=lambda: "Анна Петрова", username="petrova")
    nameless = SimpleNamespace(get_full_name=lambda: "", username="ivanov")
    written = timezone.make_aware(datetime.datetime(2026, 3, 5, 23, 30), datetime.UTC)
    comments = [
        SimpleNamespace(author=author, created_at=written, version=2, text="Уточнить\nсроки"),
        SimpleNamespace(author=nameless, created_at=written, version=12345, text="<b>да</b>"),
    ]
    full = row(
        7,
        levels=True,
        level_labels=["школа", "муниципалитет"],
        years=[(2025, True, "рост\nна 5 %"), (2026, False, "")],
        schedule_text="сентябрь",
        schedule_kind="ежегодно",
        responsible="Директор\nЗам. директора",
        result="Протокол",
        document="Приказ № 5 «О мерах»",
        status="Выполняется",
        badge="primary",
        due_on="1 сентября 2026 г.",
        overdue=True,
        executor="Иванова И. И.",
        edit_url="/roadmaps/1/activities/7/",
        report_url="/roadmaps/1/activities/7/report/",
        reports=[
            {
                "outcome": "Выполнено",
                "done_on": "5 марта 2026 г.",
                "text": "Проведён <педсовет>",
                "files": [{"url": "/evidence/3/", "name": "протокол.pdf", "kind": "Протокол"}],
            },
            {"outcome": "Выполняется", "done_on": "", "text": "Идёт", "files": []},
        ],
        evidence=[Link("Выезд 12.03", "/support/visits/4/", note="Визит"), Link("Семинар", "/e/")],
        comments=comments,
    )
    unparsed = row(8, schedule_text="когда-нибудь", schedule_unparsed=True, years=[])
    sections = [
        (SimpleNamespace(number="1", title="Меры <первые>", parent_id=None), [full, unparsed]),
        (
            SimpleNamespace(number="", title="Подраздел", parent_id=3),
            # Windows and old Mac line ends, quotes and ampersands: the fast paths for texts.
            [
                row(
                    9,
                    text="Строка 1\r\nстрока 2\rстрока 3 & 'кавычки' \"да\"",
                    responsible="А\r\nБ",
                    result='<i>итог</i> & "всё"',
                )
            ],
        ),
    ]
    for years in ([2025, 2026], []):
        for editable, may_comment in ((True, True), (False, False), (False, True)):
            yield {
                "roadmap": SimpleNamespace(pk=1, result_years=years),
                "sections": sections,
                "editable": editable,
                "may_comment": may_comment,
                "csrf_token": "token123",
            }


def test_roadmap_rows_write_what_the_template_wrote():
    reference = Template(TEMPLATE)
    rows = Template("{% load roadmap_table %}{% roadmap_rows %}")
    with translation.override("ru"), timezone.override("Europe/Moscow"):
        for values in contexts():
            expected = reference.render(Context(values))
            # The reference's first line break and indent are the page's own, before the tag.
            assert expected.startswith("\n  ")
            assert rows.render(Context(values)) == expected[3:]
            assert "&lt;педсовет&gt;" in expected and "<b>да" not in expected


def test_a_comment_whose_author_was_deleted_is_shown_without_a_name():
    written = timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 0), datetime.UTC)
    comment = SimpleNamespace(author=None, created_at=written, version=1, text="Без автора")
    values = next(contexts())
    values["sections"] = [(values["sections"][1][0], [row(9, comments=[comment])])]
    with translation.override("ru"), timezone.override("Europe/Moscow"):
        html = Template("{% load roadmap_table %}{% roadmap_rows %}").render(Context(values))
    assert '<strong></strong> <span class="text-muted">05.03.2026 12:00, версия 1</span>' in html
    assert "Без автора" in html
