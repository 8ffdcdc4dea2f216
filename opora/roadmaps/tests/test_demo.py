"""The demo programme: a running roadmap from a seed template and the schools' programmes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.identification.models import SchoolIdentification
from opora.registry.demo import DEMO_PASSWORD, DEMO_TERRITORY_CODE
from opora.registry.models import Territory
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.models import Activity, Deadline, Evidence, ReviewComment, Roadmap
from opora.roadmaps.selectors import deadlines_visible

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_programme_runs_with_a_realistic_spread(demo: None) -> None:
    # The city's programme (the region's other municipalities run programmes of their own).
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    own = Roadmap.objects.get(school=None, programme__owner__territory=city)
    assert own.kind == RoadmapKind.MUNICIPAL and own.status == RoadmapStatus.EXECUTION
    assert own.activities.count() == 62  # the Krasnoturansk template
    listed = SchoolIdentification.objects.filter(
        run__territory=city, run__status="approved", in_list=True
    )
    school_roadmaps = Roadmap.objects.filter(programme=own.programme).exclude(school=None)
    assert set(listed.values_list("school_id", flat=True)) <= set(
        school_roadmaps.values_list("school_id", flat=True)
    )
    assert Activity.objects.filter(roadmap__in=school_roadmaps).exclude(measure="").exists()
    statuses = set(school_roadmaps.values_list("status", flat=True))
    assert {RoadmapStatus.EXECUTION, RoadmapStatus.REVIEW, RoadmapStatus.RETURNED} <= statuses
    today = timezone.localdate()
    past = Deadline.objects.filter(roadmap__programme=own.programme, due_on__lt=today)
    on_time = past.filter(closed_on__isnull=False, closed_late=False).count()
    late = past.filter(closed_late=True).count()
    overdue = past.filter(closed_on__isnull=True).count()
    assert on_time > late > 0 and overdue > 0
    assert on_time / past.count() > 0.5
    assert Evidence.objects.filter(report__activity__roadmap__programme=own.programme).exists()
    assert ReviewComment.objects.filter(roadmap__programme=own.programme).exists()


def test_demo_accounts_work_with_the_roadmaps(demo: None) -> None:
    director = login("director")
    mine = Roadmap.objects.get(school__memberships__person__user__username="director")
    assert director.get(mine.get_absolute_url()).status_code == 200
    for name in ("execution", "calendar"):
        assert director.get(reverse(f"roadmaps:{name}")).status_code == 200
    coordinator = login("coordinator")
    programme = mine.programme
    page = coordinator.get(reverse("roadmaps:dashboard", args=[programme.pk]))
    assert page.status_code == 200
    assert page.context["page"].paginator.count >= 30
    # The demo closes due dates in bulk and recounts: its counters equal a fresh count.
    (total,) = page.context["totals"]
    today = timezone.localdate()
    user = User.objects.get(username="coordinator")
    running = deadlines_visible(user).filter(roadmap__programme=programme)
    assert total.on_time == running.filter(closed_on__isnull=False, closed_late=False).count()
    assert total.overdue == running.filter(closed_on__isnull=True, due_on__lt=today).count()
    assert coordinator.get(programme.get_absolute_url()).status_code == 200
    evidence = (
        Evidence.objects.filter(report__activity__roadmap=mine).first() or Evidence.objects.first()
    )
    assert coordinator.get(reverse("roadmaps:evidence", args=[evidence.pk])).status_code == 200
