"""The demo's visits: about 60 over the year in every state, recorded from the templates,
recommendations done, overdue, disputed, two in a roadmap, landings counted as evidence; and
what the demo accounts see of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.core import dates
from opora.registry.demo import DEMO_PASSWORD
from opora.roadmaps.choices import RoadmapStatus
from opora.support.choices import RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_visits_in_every_state(demo: None) -> None:
    today = dates.today()
    assert 55 <= Visit.objects.count() <= 65
    assert set(Visit.objects.values_list("status", flat=True)) == set(VisitStatus.values)
    assert set(Visit.objects.values_list("kind", flat=True)) == set(VisitKind.values)
    done = Visit.objects.filter(status=VisitStatus.DONE)
    assert all(v.answers and v.findings and v.template_id for v in done)
    assert Visit.objects.filter(planned_on__gt=today, status=VisitStatus.PLANNED).exists()
    assert VisitPhoto.objects.exists()
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert {RecommendationStatus.DONE, RecommendationStatus.DISPUTED} <= statuses
    assert Recommendation.objects.filter(
        due_on__lt=today, status__in=[RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED]
    ).exists()
    in_roadmaps = Recommendation.objects.filter(activity__isnull=False)
    assert in_roadmaps.count() == 2
    assert {r.activity.roadmap.status for r in in_roadmaps} == {RoadmapStatus.RETURNED}
    landings = Visit.objects.filter(activities__isnull=False).distinct()
    assert landings.exists() and {v.kind for v in landings} == {VisitKind.LANDING}


def test_demo_accounts_see_their_visits(demo: None) -> None:
    curator = _client("curator").get("/").content.decode()
    assert "Мои выезды и рекомендации" in curator
    director = _client("director")
    page = director.get(reverse("support:recommendations") + "?status=open").content.decode()
    assert "Рекомендаций не найдено" not in page
    assert _client("teacher").get(reverse("support:visits")).status_code == 200
    visit = Visit.objects.filter(status=VisitStatus.DONE).first()
    assert visit is not None
    assert _client("teacher").get(visit.get_absolute_url()).status_code == 404
    assert _client("council").get(visit.get_absolute_url()).status_code == 200
    own = Visit.objects.filter(activities__isnull=False).first()
    assert own is not None
    roadmap = own.activities.first().roadmap
    page = _client("coordinator").get(roadmap.get_absolute_url()).content.decode()
    assert own.get_absolute_url() in page
