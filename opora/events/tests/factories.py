from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from opora.events.choices import EventKind
from opora.events.models import Event


def soon(days: int = 7, hour: int = 10) -> datetime.datetime:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory[Event]):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.SEMINAR
    title = factory.Sequence(lambda n: f"Семинар для учителей № {n}")
    starts_at = factory.LazyFunction(soon)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "Городской центр развития образования, ауд. 12"

    @factory.post_generation
    def schools(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.audience_schools.set(extracted)
