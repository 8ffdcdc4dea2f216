"""The .ics subscription feed of a user's events (RFC 5545 through `icalendar`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from opora.events.models import Event


def calendar_ics(
    events: Iterable[Event],
    request: HttpRequest,
    *,
    link: Callable[[Event], str] | None = None,
    name: str = "Опора: мероприятия",
) -> bytes:
    """The events in the site's time zone, with Russian text and a link to each page (the
    event's page in Opora, or `link(event)`: the public site links its own pages)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Opora//Мероприятия//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    host = request.get_host()
    for event in events:
        item = IcsEvent()
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("summary", f"{event.get_kind_display()}: {event.title}")
        item.add("dtstart", timezone.localtime(event.starts_at))
        item.add("dtend", timezone.localtime(event.ends_at))
        item.add("dtstamp", timezone.now())
        item.add("location", event.place or event.online_url)
        item.add(
            "description",
            f"{event.organizer.short_name or event.organizer.name}\n{event.description}",
        )
        url = link(event) if link else event.get_absolute_url()
        item.add("url", request.build_absolute_uri(url))
        calendar.add_component(item)
    return calendar.to_ical()
