"""What the visits tests share: a visit planned by the persona curator, a running roadmap of
school A, small image files."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from opora.core import dates
from opora.registry.models import Person, Programme, ProgrammeSchool
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.execution import deadlines_generate
from opora.roadmaps.models import Roadmap
from opora.roadmaps.services import roadmap_create
from opora.support import services
from opora.support.choices import VisitKind
from opora.support.models import Visit

# The smallest PNG there is (1×1, transparent) and a JPEG's first bytes.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def png(name: str = "фото.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def person(world: Any, persona: str) -> Person:
    return Person.objects.get(user=world.user(persona))


def plan(world: Any, *, day: datetime.date | None = None, kind: str = VisitKind.LANDING) -> Visit:
    """A visit of the persona curator (methodical centre) to school A."""
    curator = person(world, "curator")
    return services.visit_plan(
        user=world.user("curator"),
        school=world.school_a,
        kind=kind,
        planned_on=day or dates.today(),
        organiser=world.methodical_centre,
        lead=curator,
        team=[],
        purpose="Методическая помощь по итогам ВПР",
        programme="9:00 — встреча с администрацией\n10:00 — посещение уроков",
    )


def running_roadmap(world: Any, *, status: str = RoadmapStatus.EXECUTION) -> Roadmap:
    """School A's roadmap in a programme of Город N, in the given state."""
    today = dates.today()
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today + datetime.timedelta(days=500),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    draft = DraftRoadmap(
        title="Программа перехода школы А",
        sections=[
            DraftSection(
                number="1",
                title="Методическая работа",
                activities=[
                    DraftActivity(
                        number="1.1", text="Выездные методические десанты", schedule="ежемесячно"
                    )
                ],
            )
        ],
    )
    roadmap = roadmap_create(
        programme=programme,
        school=world.school_a,
        kind=RoadmapKind.TRANSITION,
        draft=draft,
        user=world.user("director_a"),
        source="тест",
    )
    roadmap.status = status
    roadmap.save()
    if status == RoadmapStatus.EXECUTION:
        deadlines_generate(roadmap=roadmap)
    return roadmap
