"""The public site on the personas' world: what anonymous visitors see, what is 404, the
cache and its invalidation, the flood limit, and the publication switches (who may, who may
not)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from opora.conftest import World
from opora.core import dates
from opora.events.tests.factories import EventFactory
from opora.public.models import ProgrammePublication, RoadmapPublication
from opora.registry.models import ProgrammeSchool
from opora.registry.tests.factories import OrderFactory, ProgrammeFactory
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _roadmap(programme: Any, school: Any = None, status: str = RoadmapStatus.EXECUTION) -> Roadmap:
    roadmap = Roadmap.objects.create(
        programme=programme,
        school=school,
        kind=RoadmapKind.MUNICIPAL if school is None else RoadmapKind.TRANSITION,
        title=f"Дорожная карта {'школы ' + school.short_name if school else 'программы'}",
        status=status,
    )
    section = Section.objects.create(
        roadmap=roadmap, position=1, number="1.", title="Методическая работа"
    )
    today = dates.today()
    for n, (closed, due) in enumerate([(True, -30), (False, -5), (False, 30)], start=1):
        activity = Activity.objects.create(
            roadmap=roadmap,
            section=section,
            position=n,
            number=f"1.{n}",
            text=f"Мероприятие {n}",
            responsible="Петрова Ирина Олеговна",
        )
        Deadline.objects.create(
            activity=activity,
            roadmap=roadmap,
            due_on=today + datetime.timedelta(days=due),
            closed_on=today if closed else None,
        )
    return roadmap


@pytest.fixture
def published(world: World) -> dict[str, Any]:
    order = OrderFactory(issuer=world.department, title="Об утверждении программы поддержки")
    programme = ProgrammeFactory(
        owner=world.department,
        name="Программа поддержки школ Города N",
        goal="Поднять результаты",
        tasks="Первая задача\nВторая задача",
        order=order,
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    ProgrammePublication.objects.create(programme=programme, is_public=True)
    municipal = _roadmap(programme)
    school_roadmap = _roadmap(programme, world.school_a)
    hidden_roadmap = _roadmap(programme, world.school_b)
    RoadmapPublication.objects.create(roadmap=school_roadmap)
    secret = ProgrammeFactory(owner=world.department, name="Секретная программа")
    ProgrammePublication.objects.create(programme=secret, is_public=False)
    open_event = EventFactory(organizer=world.department, title="Открытый семинар", is_public=True)
    closed_event = EventFactory(organizer=world.department, title="Закрытое совещание")
    return {
        "programme": programme,
        "secret": secret,
        "municipal": municipal,
        "school_roadmap": school_roadmap,
        "hidden_roadmap": hidden_roadmap,
        "open_event": open_event,
        "closed_event": closed_event,
    }


def test_anonymous_reads_the_public_programme(world: World, published: dict[str, Any]) -> None:
    client = Client()
    programme = published["programme"]
    index = client.get(reverse("public:index"), follow=True)
    assert index.status_code == 200
    page = index.content.decode()
    assert "Программа поддержки школ Города N" in page
    assert "Секретная программа" not in page
    assert "Открытый семинар" in page and "Закрытое совещание" not in page

    page = client.get(reverse("public:programme", args=[programme.pk])).content.decode()
    assert "Поднять результаты" in page and "Вторая задача" in page
    assert "Об утверждении программы поддержки" in page
    assert "Мероприятие 1" in page and "просрочено" in page
    # No personal names: neither the responsible nor the order's signatory.
    assert "Петрова" not in page
    # School names are off by default: counts by district instead (school A published its
    # own programme, so its name is there by its own choice; school B's is not).
    assert "Гимназия № 2" not in page
    assert reverse("public:roadmap", args=[published["school_roadmap"].pk]) in page
    assert reverse("public:roadmap", args=[published["hidden_roadmap"].pk]) not in page

    ProgrammePublication.objects.filter(programme=programme).update(show_school_names=True)
    cache.clear()
    page = client.get(reverse("public:programme", args=[programme.pk])).content.decode()
    assert "Гимназия № 2" in page


def test_unpublished_things_are_404(world: World, published: dict[str, Any]) -> None:
    client = Client()
    secret = published["secret"].pk
    closed = [
        reverse("public:programme", args=[secret]),
        reverse("public:results", args=[secret]),
        reverse("public:widget", args=[secret]),
        reverse("public:dataset", args=[secret, "indicators"]),
        reverse("public:dataset-fields", args=[secret, "indicators"]),
        reverse("public:programme-order", args=[secret]),
        reverse("public:roadmap", args=[published["hidden_roadmap"].pk]),
        reverse("public:roadmap", args=[published["municipal"].pk]),
        reverse("public:event", args=[published["closed_event"].pk]),
        reverse("public:event-programme", args=[published["closed_event"].pk]),
        reverse("public:practice", args=[999999]),
        reverse("public:practice-material", args=[999999]),
        reverse("public:authority", args=[world.other_department.pk]),
        reverse("public:events", args=[world.other_department.pk]),
    ]
    for url in closed:
        assert client.get(url).status_code == 404, url
    # The open ones answer.
    for url in [
        reverse("public:roadmap", args=[published["school_roadmap"].pk]),
        reverse("public:event", args=[published["open_event"].pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_switching_off_takes_effect_at_once(world: World, published: dict[str, Any]) -> None:
    client = Client()
    programme = published["programme"]
    url = reverse("public:programme", args=[programme.pk])
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Opora-Cache"] == "hit"
    coordinator = world.client("coordinator")
    response = coordinator.post(
        reverse("public:programme-publication", args=[programme.pk]),
        {"intro": "", "show_school_names": ""},
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 404

    event_url = reverse("public:event", args=[published["open_event"].pk])
    assert client.get(event_url).status_code == 200
    event = published["open_event"]
    event.is_public = False
    event.save()
    assert client.get(event_url).status_code == 404

    roadmap_url = reverse("public:roadmap", args=[published["school_roadmap"].pk])
    assert client.get(roadmap_url).status_code == 200
    response = world.client("director_a").post(
        reverse("public:roadmap-publication", args=[published["school_roadmap"].pk]),
        {"publish": "0"},
    )
    assert response.status_code == 302
    assert client.get(roadmap_url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("analyst", 200),
        ("director_a", 404),
        ("outsider", 404),
        ("council", 404),
    ],
)
def test_who_may_switch_a_programme(
    world: World, published: dict[str, Any], persona: str, status: int
) -> None:
    url = reverse("public:programme-publication", args=[published["programme"].pk])
    assert world.client(persona).get(url).status_code == status


def test_anonymous_is_sent_to_login_for_the_switches(
    world: World, published: dict[str, Any]
) -> None:
    url = reverse("public:programme-publication", args=[published["programme"].pk])
    response = world.client("anonymous").get(url)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director_a", 302),
        ("coordinator", 302),
        ("director_b", 404),
        ("outsider", 404),
        ("teacher", 404),
    ],
)
def test_who_may_publish_a_school_roadmap(
    world: World, published: dict[str, Any], persona: str, status: int
) -> None:
    roadmap = published["school_roadmap"]
    RoadmapPublication.objects.filter(roadmap=roadmap).delete()
    url = reverse("public:roadmap-publication", args=[roadmap.pk])
    response = world.client(persona).post(url, {"publish": "1"})
    assert response.status_code == status
    assert RoadmapPublication.objects.filter(roadmap=roadmap).exists() == (status == 302)
    if status == 302:  # back to the card's tab the switch is on
        assert response["Location"] == roadmap.school.get_tab_url("roadmap") + "#public"


def test_a_draft_roadmap_is_refused_in_russian(world: World, published: dict[str, Any]) -> None:
    draft = _roadmap(published["programme"], world.school_a, status=RoadmapStatus.DRAFT)
    response = world.client("director_a").post(
        reverse("public:roadmap-publication", args=[draft.pk]), {"publish": "1"}, follow=True
    )
    assert "Опубликовать можно утверждённую программу школы" in response.content.decode()
    assert not RoadmapPublication.objects.filter(roadmap=draft).exists()


def test_the_cards_show_the_switches(world: World, published: dict[str, Any]) -> None:
    page = world.client("coordinator").get(published["programme"].get_absolute_url())
    assert reverse("public:programme-publication", args=[published["programme"].pk]) in (
        page.content.decode()
    )
    page = world.client("director_a").get(world.school_a.get_tab_url("roadmap"))
    assert reverse("public:roadmap-publication", args=[published["school_roadmap"].pk]) in (
        page.content.decode()
    )
    # Those who see the school but may not change it have no switches.
    for persona in ("teacher", "curator", "council"):
        page = world.client(persona).get(world.school_a.get_tab_url("roadmap"))
        assert page.status_code == 200, persona
        assert "Публикация программ школы" not in page.content.decode(), persona


def test_only_the_widget_may_be_framed(world: World, published: dict[str, Any]) -> None:
    client = Client()
    pk = published["programme"].pk
    widget = client.get(reverse("public:widget", args=[pk]))
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    page = client.get(reverse("public:programme", args=[pk]))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    # From the cache the widget keeps its exemption.
    again = client.get(reverse("public:widget", args=[pk]))
    assert again["X-Opora-Cache"] == "hit" and "X-Frame-Options" not in again


def test_csv_and_ics(world: World, published: dict[str, Any]) -> None:
    client = Client()
    pk = published["programme"].pk
    data = client.get(reverse("public:dataset", args=[pk, "schools"]))
    assert data.status_code == 200 and data["Content-Type"].startswith("text/csv")
    text = data.content.decode("utf-8-sig")
    # Two districts of one school each: both hidden, and the total with them.
    assert "Северный;—" in text and "Всего;—" in text
    fields = client.get(reverse("public:dataset-fields", args=[pk, "schools"]))
    assert "менее 5" in fields.content.decode("utf-8-sig")
    ics = client.get(reverse("public:events-ics", args=[world.department.pk]))
    assert "Открытый семинар" in ics.content.replace(b"\r\n ", b"").decode()
    assert "Закрытое совещание".encode() not in ics.content


def test_a_flood_gets_the_russian_429(
    world: World, published: dict[str, Any], settings: Any, steady_flood_window: None
) -> None:
    settings.OPORA_PUBLIC_REQUESTS_PER_MINUTE = 3
    client = Client()
    url = reverse("public:programme", args=[published["programme"].pk])
    statuses = [client.get(url).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    # Another client is not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").get(url).status_code == 200


# --- History of the switches ----------------------------------------------------------------


def _history(obj: Any) -> str:
    from django.contrib.contenttypes.models import ContentType

    return reverse("core:history", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("council", 200),
        ("director_a", 200),  # school A takes part: the programme is seen there
        ("outsider", 404),
    ],
)
def test_the_programme_switch_has_a_history_for_who_sees_the_programme(
    world: World, published: dict[str, Any], persona: str, status: int
) -> None:
    from opora.public.services import programme_publication_save

    programme = published["programme"]
    programme_publication_save(
        programme=programme,
        user=world.user("coordinator"),
        is_public=False,
        show_school_names=True,
        intro="Вступление",
    )
    publication = ProgrammePublication.objects.get(programme=programme)
    response = world.client(persona).get(_history(publication))
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "Показывать названия школ, получающих поддержку" in text
        assert "Пользователь" not in text  # the switch's «who» is the entry's actor
        # …and the programme's own history says it was taken off the public site.
        text = world.client(persona).get(_history(programme)).content.decode()
        assert "Снято с публичных страниц" in text
    card = world.client("coordinator").get(programme.get_absolute_url()).content.decode()
    assert _history(publication) in card


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director_a", 200), ("curator", 200), ("director_b", 404), ("outsider", 404)],
)
def test_a_school_roadmap_publication_shows_on_the_roadmaps_history(
    world: World, published: dict[str, Any], persona: str, status: int
) -> None:
    roadmap = published["school_roadmap"]
    RoadmapPublication.objects.filter(roadmap=roadmap).delete()
    director = world.client("director_a")
    url = reverse("public:roadmap-publication", args=[roadmap.pk])
    director.post(url, {"publish": "1"})
    publication = RoadmapPublication.objects.get(roadmap=roadmap)
    assert world.client(persona).get(_history(publication)).status_code == status
    director.post(url, {"publish": "0"})
    response = world.client(persona).get(_history(roadmap))
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "Опубликовано на публичных страницах" in text
        assert "Снято с публичных страниц" in text


def test_open_events_and_practices_are_paginated(world: World, settings: Any) -> None:
    """A month's open events and the published practices show 30 at a time, with the same
    queries for 3N rows as for N; the page number is in the address, so each page is cached
    on its own."""
    from django.utils import timezone

    from opora.core.tests.rows import queries_and_rows
    from opora.practices.tests.factories_effect import published_practice

    client = Client()
    events_url = reverse("public:events", args=[world.department.pk])
    practices_url = reverse("public:practices")
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)

    def grow(n: int) -> None:
        for i in range(n):
            EventFactory(organizer=world.department, is_public=True, starts_at=noon)
            published_practice(world.school_a, title=f"Практика {i}")

    settings.OPORA_PUBLIC_CACHE_SECONDS = 0  # count the view's queries, not a cache hit
    grow(10)
    small = [queries_and_rows(client, url) for url in (events_url, practices_url)]
    grow(35)
    big = [queries_and_rows(client, url) for url in (events_url, practices_url)]
    assert [q for q, _ in big] == [q for q, _ in small]
    assert [r for _, r in small] == [10, 10] and [r for _, r in big] == [30, 30]
    settings.OPORA_PUBLIC_CACHE_SECONDS = 60
    for url in (events_url, practices_url):
        first = client.get(url).content.decode()
        second = client.get(url, {"page": 2}).content.decode()
        assert "Стр. 1 из 2" in first and "Стр. 2 из 2" in second
