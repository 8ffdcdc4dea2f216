"""Lists that grow with the territory show a page (issue 17): the same SQL queries and at most
a page of rows for N rows as for 3N. The row count of every page the demo personas reach is
checked by the crawl (test_crawl.py); these are the lists the demo cannot fill past a page."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from opora.core.choices import JobStatus, Role
from opora.core.models import Job
from opora.core.tests.rows import queries_and_rows
from opora.registry.services import organization_update
from opora.registry.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _flat(client: Any, url: str, grow: Any, few: int, many: int) -> tuple[int, int]:
    """Queries and rows of `url` with `few` rows grown and with `many`."""
    grow(few)
    small = queries_and_rows(client, url)
    grow(many - few)
    big = queries_and_rows(client, url)
    assert big[0] == small[0], (url, small, big)
    return small[1], big[1]


def test_people_are_paginated(world: Any) -> None:
    def grow(n: int) -> None:
        MembershipFactory.create_batch(n, organization=world.school_a, role=Role.TEACHER)

    small, big = _flat(world.client("coordinator"), reverse("accounts:people"), grow, 20, 60)
    assert small >= 20 and big == 50


def test_jobs_are_paginated(world: Any) -> None:
    user = world.user("coordinator")

    def grow(n: int) -> None:
        Job.objects.bulk_create(
            Job(kind="import", title=f"Загрузка {i}", status=JobStatus.SUCCEEDED, created_by=user)
            for i in range(n)
        )

    assert _flat(world.client("coordinator"), reverse("core:jobs"), grow, 20, 60) == (20, 30)


def test_history_is_paginated(world: Any) -> None:
    school = world.school_a
    content_type = ContentType.objects.get_for_model(school)
    url = reverse("core:history", args=[content_type.pk, school.pk])

    def grow(n: int) -> None:
        with set_actor(world.user("coordinator")):
            for i in range(n):
                organization_update(organization=school, phone=f"+7 900 000-{i:02}-{n:02}")

    _small, big = _flat(world.client("coordinator"), url, grow, 20, 60)
    assert big < 60
    html = world.client("coordinator").get(url, {"page": 2}).content.decode()
    assert "Стр. 2 из" in html


def test_practices_are_paginated(world: Any) -> None:
    from opora.practices.choices import PracticeStatus
    from opora.practices.models import Practice

    def grow(n: int) -> None:
        for i in range(n):
            Practice.objects.create(
                organization=world.school_a,
                title=f"Практика {i} из {n}",
                description="Описание",
                risk_factors=["staff-shortage"],
                created_by=world.user("director_a"),
                status=PracticeStatus.PUBLISHED,
                published_at=timezone.now(),
            )

    client = world.client("director_b")
    small, big = _flat(client, reverse("practices:index"), grow, 20, 60)
    assert small >= 20 and big <= 30
