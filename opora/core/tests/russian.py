"""What «Russian wherever a user looks» means in a test: the visible text of a page has no
English interface words, no ISO dates and no raw values of Python or of the choices."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words of English interfaces (Django's, django-tables2's, auditlog's) and Python's values.
ENGLISH_WORDS = re.compile(
    r"\b(Table navigation|Previous|Next|First|Last|update|create|delete|True|False|None|"
    r"Numchild|Depth|Path|Page not found|Server Error|Forbidden|Bad Request)\b"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Visible(HTMLParser):
    """The text a user reads or hears: text nodes, titles and labels for assistive
    technology, button values and placeholders; not scripts, styles or form values."""

    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and ("type", "submit") in attrs:
            self.parts.extend(v for n, v in attrs if n == "value" and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def not_russian(html: str) -> list[str]:
    """What on the page is not for a Russian reader (empty when the page is fine)."""
    text = visible_text(html)
    problems = [f"«{m}»" for m in sorted(set(ENGLISH_WORDS.findall(text)))]
    problems += [f"дата {m}" for m in sorted(set(ISO_DATE.findall(text)))]
    if "---------" in html:
        problems.append("«---------» в списке")
    return problems
