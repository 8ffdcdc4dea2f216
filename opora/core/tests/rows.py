"""How many rows a page renders in one list: a page must show a page of what grows with the
territory, never all of it (issue 17). Counted: the rows of each table body and the items of
each list (`<ul>`, `<ol>`, or any element with the class «list-group»)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

# Elements that have no end tag: they never open a level of nesting.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        # The open elements, each with the index of the list it starts (or None).
        self._open: list[tuple[str, int | None]] = []
        self.lists: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        parent = self._open[-1][1] if self._open else None
        # A row of the innermost open list, when it is the list's direct child.
        if parent is not None and self._is_row(tag, self.lists[parent][0]):
            self.lists[parent] = (self.lists[parent][0], self.lists[parent][1] + 1)
        classes = (dict(attrs).get("class") or "").split()
        starts: int | None = None
        if tag in ("tbody", "ul", "ol") or "list-group" in classes:
            kind = tag if tag in ("tbody", "ul", "ol") else "list-group"
            self.lists.append((kind, 0))
            starts = len(self.lists) - 1
        self._open.append((tag, starts))

    @staticmethod
    def _is_row(tag: str, kind: str) -> bool:
        if kind == "tbody":
            return tag == "tr"
        if kind in ("ul", "ol"):
            return tag == "li"
        return True

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element (browsers forgive a missing </li> or </tr>).
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return


def longest_list(html: str) -> int:
    """The number of rows of the longest table body or list of `html`."""
    parser = _Rows()
    parser.feed(html)
    return max((rows for _kind, rows in parser.lists), default=0)


def queries_and_rows(client: Any, url: str) -> tuple[int, int]:
    """The SQL queries of one GET of `url` (after a first one that warms caches) and the
    rows of its longest list: a paginated page keeps both when its data grows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), longest_list(response.content.decode())
