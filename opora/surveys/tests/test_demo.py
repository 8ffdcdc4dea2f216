"""The demo surveys: both rounds answered, some groups below the minimum, and plausible risk
profiles for the schools of the approved list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.demo import DEMO_PASSWORD, DEMO_TERRITORY_CODE
from opora.surveys.choices import ProfileSource, QuestionnaireKind, RiskFactor
from opora.surveys.models import Response, RiskProfile, SurveyLink, SurveyRound
from opora.surveys.selectors import response_counts

pytestmark = pytest.mark.django_db

SCORE = {"low": 0, "medium": 1, "high": 2}


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_surveys_and_profiles(demo: None) -> None:
    # The events' feedback rounds (one link each, opora.events) are the events' own.
    school_links = SurveyLink.objects.exclude(questionnaire__slug="event-feedback")
    rounds = list(SurveyRound.objects.filter(links__in=school_links).distinct().order_by("pk"))
    assert len(rounds) == 2
    satisfaction, risk500 = rounds
    assert satisfaction.is_open() and not risk500.is_open() and risk500.year == 2024
    assert Response.objects.count() > 1000
    links = list(school_links.select_related("questionnaire"))
    counts = response_counts([link.pk for link in links])
    below = [link for link in links if counts.get(link.pk, 0) < link.questionnaire.min_respondents]
    assert 0 < len(below) < len(links) / 3
    # The city's approved list: the surveys demo is the city's (the region's other
    # municipalities have lists of their own and no surveys).
    listed = SchoolIdentification.objects.filter(
        run__territory__code=DEMO_TERRITORY_CODE, run__status=RunStatus.APPROVED, in_list=True
    )
    profiles = {p.school_id: p for p in RiskProfile.objects.all()}
    assert set(listed.values_list("school_id", flat=True)) <= set(profiles)
    assert all(
        p.source == ProfileSource.QUESTIONNAIRES and p.year == 2024 for p in profiles.values()
    )
    levels = {level for p in profiles.values() for level in p.levels.values()}
    assert levels == {"low", "medium", "high"}

    # Plausible: schools with low results rate academic failure higher than the others.
    def mean(items, factor):
        values = [SCORE[p.levels[factor]] for p in items if factor in p.levels]
        return sum(values) / len(values)

    low = [profiles[o.school_id] for o in listed.filter(low_results=True)]
    others = [
        p
        for s, p in profiles.items()
        if s not in {o.school_id for o in listed.filter(low_results=True)}
    ]
    assert low and others
    assert mean(low, RiskFactor.ACADEMIC_FAILURE) > mean(others, RiskFactor.ACADEMIC_FAILURE)
    deprived = [
        profiles[o.school_id] for o in listed if "parental-deprivation" in (o.problem_types or [])
    ]
    if deprived:
        assert mean(deprived, RiskFactor.PARENT_INVOLVEMENT) >= 1
    # One demo build serves both checks: it takes a while.
    demo_accounts_use_the_surveys()


def demo_accounts_use_the_surveys() -> None:
    analyst = login("analyst")
    assert analyst.get(reverse("surveys:index")).status_code == 200
    risk500 = SurveyRound.objects.filter(questionnaires__kind=QuestionnaireKind.RISK500).first()
    page = analyst.get(reverse("surveys:round-results", args=[risk500.pk]))
    assert page.status_code == 200 and len(page.context["table"]) >= 10
    director = login("director")
    home = SurveyLink.objects.filter(
        round=risk500, school__memberships__person__user__username="director"
    ).first()
    card = director.get(
        reverse("registry:school-tab", args=[home.school_id, "diagnostics"])
    ).content.decode()
    assert "Профиль рисков 500+" in card
    # The open satisfaction link works for a respondent without an account.
    link = SurveyLink.objects.filter(round__title__startswith="Удовлетворённость").first()
    assert Client().get(link.get_public_url()).status_code == 200


def test_demo_has_a_link_with_codes_and_one_with_a_limit(demo: None) -> None:
    from opora.surveys.models import SurveyCode

    coded = SurveyLink.objects.get(requires_code=True)
    assert coded.questionnaire.group == "students"
    assert SurveyCode.objects.filter(link=coded, used=False).count() == 28
    limited = SurveyLink.objects.get(respondent_limit__isnull=False)
    assert limited.school_id == coded.school_id and limited.respondent_limit == 60
    page = login("analyst").get(reverse("surveys:link-access", args=[coded.pk]))
    assert page.status_code == 200 and "Все свободные коды (28) для печати" in page.content.decode()
