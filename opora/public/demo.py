"""Demo: the demo programme's public pages on (school names off), one school's programme
published by its director, several events of the year open to the public."""

from __future__ import annotations

from django.contrib.auth.models import User

from opora.core.demo import DemoContext, demo_step
from opora.events.choices import EventStatus
from opora.events.models import Event
from opora.public import services
from opora.registry.models import Organization, Programme
from opora.roadmaps.models import Roadmap

INTRO = (
    "Департамент образования рассказывает родителям и всем жителям города, как идёт "
    "программа поддержки школ: что запланировано, что уже сделано, какие результаты "
    "получены. Цифры по малым группам школ не показываются, чтобы нельзя было узнать "
    "конкретную школу."
)


@demo_step(order=86, name="Публичные страницы: программа, программа школы, открытые мероприятия")
def public_demo(context: DemoContext) -> None:
    coordinator = User.objects.get(username="coordinator")
    programme: Programme = context.objects["programme"]
    services.programme_publication_save(
        programme=programme,
        user=coordinator,
        is_public=True,
        show_school_names=False,
        intro=INTRO,
    )
    home: Organization = context.objects["home_school"]
    director = User.objects.get(username="director")
    roadmap = (
        Roadmap.objects.filter(
            programme=programme, school=home, status__in=services.PUBLISHABLE_ROADMAP_STATUSES
        )
        .order_by("-version")
        .first()
    )
    published = 0
    if roadmap is not None:
        services.roadmap_publish(roadmap=roadmap, user=director)
        published = 1
    # Open events: seminars and conferences of the authority and the methodical centre, spread
    # over the year (every third one, never a school's internal meeting).
    events = list(
        Event.objects.exclude(organizer__kind="school")
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    chosen = events[::3][:8] if len(events) >= 12 else events[:6]
    # The flag is a field of the event like any other (the form's «открытое мероприятие»);
    # a bulk update would skip the public version bump, so each is saved.
    for event in chosen:
        event.is_public = True
        event.save(update_fields=["is_public"])
    context.summary.append(
        f"Публичные страницы: программа, {published} программа школы, "
        f"{len(chosen)} открытых мероприятий"
    )
