"""Links on a page that a persona can see must open for that persona (no 404 from a link)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Links that are not pages: files, logout (a POST), the admin (superusers only, tested apart).
SKIPPED = ("/admin/", "/accounts/logout/", "/api/", "export", "download", ".xlsx", ".docx")
SKIPPED += (".csv", ".pdf", "/evidence/", "/certificate", "/template.xlsx", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def page_links(html: str, base: str) -> list[str]:
    """The site's own page links of `html` (path and query), in order, without duplicates."""
    parser = _Links()
    parser.feed(html)
    found: list[str] = []
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
            continue
        if not url.path.startswith("/") or any(s in url.path for s in SKIPPED):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if path not in found:
            found.append(path)
    return found


def broken_links(client, url: str) -> list[str]:
    """The links of the page at `url` that answer 404 or 500 to the same client."""
    html = client.get(url).content.decode()
    broken = []
    for link in page_links(html, url):
        status = client.get(link).status_code
        if status in (404, 500):
            broken.append(f"{link} → {status}")
    return broken
