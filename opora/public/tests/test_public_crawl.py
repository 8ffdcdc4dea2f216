"""The personal-data crawl of the public site on the demo: every public page reachable from
/public/ (with the widget, the CSVs and the .ics), anonymously, must show no demo person's
name (except the authors on a published practice's page), no title of anything unpublished,
and answer neither 403 nor 500 nor 404 for a link it shows."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlparse

from django.core.cache import cache
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from opora.events.models import Event
from opora.practices.choices import PracticeStatus
from opora.practices.models import Practice
from opora.public.models import ProgrammePublication, RoadmapPublication
from opora.registry.models import Person, Programme
from opora.roadmaps.models import Activity, Roadmap

LINK = re.compile(r'(?:href|src)="([^"]+)"')
WORD = re.compile(r"\w+")


def _crawl(client: Client, start: list[str]) -> dict[str, tuple[int, str]]:
    seen: dict[str, tuple[int, str]] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8-sig", errors="replace").replace("\r\n ", "")
        seen[url] = (response.status_code, text)
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in LINK.findall(text):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            parsed = urlparse(link)
            if parsed.netloc or not parsed.path.startswith("/public/"):
                continue
            if "/manage/" in parsed.path:
                continue
            queue.append(link)
    return seen


def _forbidden_titles() -> set[str]:
    public_titles = set(
        Programme.objects.filter(publication__is_public=True).values_list("name", flat=True)
    )
    public_titles |= set(Event.objects.filter(is_public=True).values_list("title", flat=True))
    public_titles |= set(
        Practice.objects.filter(status=PracticeStatus.PUBLISHED).values_list("title", flat=True)
    )
    public_titles |= set(
        Roadmap.objects.filter(publication__isnull=False).values_list("title", flat=True)
    )
    # The activities of published roadmaps are public text: a practice named like a library
    # measure («Родительский университет») is not leaked by the roadmap that carries it.
    public_text = "\n".join(
        Activity.objects.filter(
            Q(roadmap__publication__isnull=False)
            | Q(roadmap__school__isnull=True, roadmap__programme__publication__is_public=True)
        ).values_list("text", flat=True)
    )
    titles = set(
        Programme.objects.exclude(publication__is_public=True).values_list("name", flat=True)
    )
    titles |= set(
        Roadmap.objects.filter(school__isnull=False, publication__isnull=True).values_list(
            "title", flat=True
        )
    )
    titles |= set(Event.objects.filter(is_public=False).values_list("title", flat=True))
    titles |= set(
        Practice.objects.exclude(status=PracticeStatus.PUBLISHED).values_list("title", flat=True)
    )
    # A title shared with something public (two schools' «Программа перехода…») proves nothing.
    return {t for t in titles - public_titles if len(t) > 12 and t not in public_text}


def test_no_person_and_nothing_unpublished_reaches_the_public_pages(
    demo: None, settings: Any
) -> None:
    settings.OPORA_PUBLIC_REQUESTS_PER_MINUTE = 100_000
    cache.clear()
    programme = ProgrammePublication.objects.get(is_public=True).programme
    client = Client()
    start = [
        reverse("public:index"),
        reverse("public:widget", args=[programme.pk]),
        reverse("public:programme", args=[programme.pk]),
        reverse("public:results", args=[programme.pk]),
        reverse("public:events-ics", args=[programme.owner_id]),
        reverse("public:practices"),
    ]
    for name in ("indicators", "identification", "schools"):
        start.append(reverse("public:dataset", args=[programme.pk, name]))
        start.append(reverse("public:dataset-fields", args=[programme.pk, name]))
    pages = _crawl(client, start)
    assert len(pages) >= 10
    assert any("/public/roadmap/" in url for url in pages), "a published school programme"
    assert sum("/public/event/" in url for url in pages) >= 1

    people = list(Person.objects.values_list("last_name", "first_name", "middle_name", "pk"))
    authors: dict[int, set[int]] = {}
    for practice_pk, person_pk in Practice.authors.through.objects.values_list(
        "practice_id", "person_id"
    ):
        authors.setdefault(practice_pk, set()).add(person_pk)
    titles = _forbidden_titles()
    problems = []
    for url, (status, text) in pages.items():
        if status != 200:
            problems.append(f"{url}: {status}")
            continue
        words = set(WORD.findall(text))
        allowed: set[int] = set()
        if match := re.match(r"/public/practice/(\d+)/", url):
            allowed = authors.get(int(match.group(1)), set())
        for last, first, middle, pk in people:
            if last not in words or pk in allowed:
                continue
            full = " ".join(p for p in (last, first, middle) if p)
            short = f"{last} {''.join(f'{p[0]}.' for p in (first, middle) if p)}"
            short_spaced = f"{last} {' '.join(f'{p[0]}.' for p in (first, middle) if p)}"
            for name in (full, short, short_spaced, f"{first} {last}"):
                if name in text:
                    problems.append(f"{url}: the name «{name}»")
        for title in titles:
            if title in text:
                problems.append(f"{url}: the unpublished title «{title[:60]}»")
    assert not problems, "\n".join(problems[:30])


def test_switching_off_on_the_demo_is_404_at_once(demo: None, settings: Any) -> None:
    settings.OPORA_PUBLIC_REQUESTS_PER_MINUTE = 100_000
    cache.clear()
    from django.contrib.auth.models import User

    from opora.public.services import programme_publication_save, roadmap_unpublish

    publication = ProgrammePublication.objects.get(is_public=True)
    roadmap = RoadmapPublication.objects.select_related("roadmap").first()
    assert roadmap is not None
    client = Client()
    programme_url = reverse("public:programme", args=[publication.programme_id])
    roadmap_url = reverse("public:roadmap", args=[roadmap.roadmap_id])
    assert client.get(programme_url).status_code == 200
    assert client.get(roadmap_url).status_code == 200
    coordinator = User.objects.get(username="coordinator")
    programme_publication_save(
        programme=publication.programme,
        user=coordinator,
        is_public=False,
        show_school_names=False,
        intro="",
    )
    roadmap_unpublish(roadmap=roadmap.roadmap, user=coordinator)
    assert client.get(programme_url).status_code == 404
    assert client.get(roadmap_url).status_code == 404
