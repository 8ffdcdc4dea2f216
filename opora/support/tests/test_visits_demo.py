"""The demo's visits: about 60 over the year in every state, recorded from the templates,
recommendations done, overdue, disputed, two in a roadmap, landings counted as evidence; and
what the demo accounts see of them."""

from __future__ import annotations

import pytest
from django.db.models import Q, QuerySet
from django.test import Client
from django.urls import reverse

from opora.core import dates
from opora.registry.demo import DEMO_PASSWORD, DEMO_TERRITORY_CODE
from opora.registry.models import Territory
from opora.roadmaps.choices import RoadmapStatus
from opora.support.choices import RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def city_visits() -> QuerySet[Visit]:
    """The city's visits: the region's other municipalities have visits of their own."""
    return Visit.objects.filter(school__territory__path__startswith=_city().path)


def _city() -> Territory:
    return Territory.objects.get(code=DEMO_TERRITORY_CODE)


def test_demo_visits_in_every_state(demo: None) -> None:
    today = dates.today()
    visits = city_visits()
    assert 55 <= visits.count() <= 65
    assert set(visits.values_list("status", flat=True)) == set(VisitStatus.values)
    assert set(visits.values_list("kind", flat=True)) == set(VisitKind.values)
    done = visits.filter(status=VisitStatus.DONE)
    assert all(v.answers and v.findings and v.template_id for v in done)
    assert visits.filter(planned_on__gt=today, status=VisitStatus.PLANNED).exists()
    assert VisitPhoto.objects.filter(visit__in=visits).exists()
    inside = _city().path
    recommendations = Recommendation.objects.filter(
        Q(school__territory__path__startswith=inside)
        | Q(organization__territory__path__startswith=inside)
    )
    statuses = set(recommendations.values_list("status", flat=True))
    assert {RecommendationStatus.DONE, RecommendationStatus.DISPUTED} <= statuses
    assert recommendations.filter(
        due_on__lt=today, status__in=[RecommendationStatus.OPEN, RecommendationStatus.ACCEPTED]
    ).exists()
    in_roadmaps = recommendations.filter(activity__isnull=False)
    assert in_roadmaps.count() == 2
    assert {r.activity.roadmap.status for r in in_roadmaps} == {RoadmapStatus.RETURNED}
    landings = visits.filter(activities__isnull=False).distinct()
    assert landings.exists() and {v.kind for v in landings} == {VisitKind.LANDING}


def test_demo_accounts_see_their_visits(demo: None) -> None:
    curator = _client("curator").get("/").content.decode()
    assert "Мои выезды и рекомендации" in curator
    director = _client("director")
    page = director.get(reverse("support:recommendations") + "?status=open").content.decode()
    assert "Рекомендаций не найдено" not in page
    assert _client("teacher").get(reverse("support:visits")).status_code == 200
    visit = city_visits().filter(status=VisitStatus.DONE).first()
    assert visit is not None
    assert _client("teacher").get(visit.get_absolute_url()).status_code == 404
    assert _client("council").get(visit.get_absolute_url()).status_code == 200
    own = city_visits().filter(activities__isnull=False).first()
    assert own is not None
    roadmap = own.activities.first().roadmap
    page = _client("coordinator").get(roadmap.get_absolute_url()).content.decode()
    assert own.get_absolute_url() in page
