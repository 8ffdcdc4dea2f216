"""The demo monitoring: indicators with targets, three checkpoints with a realistic spread of
accepted, returned and missing forms, and pages that show it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.monitoring.choices import Light, SubmissionStatus
from opora.monitoring.models import Checkpoint, ProgrammeIndicator, Rollup, Submission, Value
from opora.monitoring.selectors import checkpoint_rollup
from opora.registry.demo import DEMO_PASSWORD, DEMO_TERRITORY_CODE
from opora.registry.models import Programme
from opora.roadmaps.choices import RoadmapKind

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_monitoring(demo: None) -> None:
    # The city's support programme (the one with its own roadmap): the region's other
    # municipalities hold only the entry checkpoint so far, the placebo has no monitoring.
    programme = Programme.objects.get(
        owner__territory__code=DEMO_TERRITORY_CODE, roadmaps__kind=RoadmapKind.MUNICIPAL
    )
    assert ProgrammeIndicator.objects.filter(programme=programme).count() == 26
    checkpoints = list(Checkpoint.objects.filter(programme=programme).order_by("held_on"))
    assert [c.kind for c in checkpoints] == ["entry", "intermediate", "final"]
    final = checkpoints[-1]
    statuses = set(final.submissions.values_list("status", flat=True))
    assert {
        SubmissionStatus.APPROVED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.DRAFT,
    } <= statuses
    assert Value.objects.filter(origin="computed", value__isnull=False).exists()
    assert Rollup.objects.filter(checkpoint=final, schools__gt=0).count() == 26
    lights = {r.light for r in checkpoint_rollup(final)}
    assert len(lights - {Light.NONE}) >= 2  # not all one colour
    # Baselines come from the entry checkpoint.
    assert (
        ProgrammeIndicator.objects.filter(programme=programme, baseline__isnull=False).count() == 26
    )

    director = login("director")
    form = Submission.objects.filter(
        checkpoint=final, school__memberships__person__user__username="director"
    ).first()
    assert form is not None
    assert director.get(form.get_absolute_url()).status_code == 200
    page = director.get(reverse("monitoring:school", args=[programme.pk, form.school_id]))
    assert "улучшились" in page.content.decode()
    assert login("council").get(final.get_absolute_url()).status_code == 200
    assert (
        login("coordinator").get(reverse("monitoring:programme", args=[programme.pk])).status_code
        == 200
    )
