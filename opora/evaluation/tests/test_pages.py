"""The evaluation over the database: the panel, the job, the pages and who may see them."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.evaluation.choices import EstimateStatus
from opora.evaluation.models import Estimate
from opora.evaluation.selectors import outcome_panel
from opora.evaluation.services import estimate_compute_now, estimate_start
from opora.registry.models import ProgrammeSchool
from opora.registry.tests.factories import ProgrammeFactory, SchoolFactory
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject

JOINED = datetime.date(2024, 9, 2)
DELTA = 0.6  # in mean-score points of every work (the index moves by about 0.3 SD)


def fill(schools, treated, seed=1):
    """Five years of ВПР results (2021–2025) and a context indicator; the treated schools'
    2025 results raised by DELTA."""
    rng = random.Random(seed)
    vpr = Assessment.objects.get(code="vpr")
    subjects = [Subject.objects.get(code="rus"), Subject.objects.get(code="math")]
    income = ContextIndicator.objects.get(code="low-income")
    results, values = [], []
    for school in schools:
        context = rng.gauss(0, 1)
        quality = 0.6 * context + rng.gauss(0, 0.5) - (0.4 if school in treated else 0)
        for year in range(2021, 2026):
            shift = DELTA if school in treated and year == 2025 else 0
            for subject in subjects:
                for grade in (5, 6):
                    results.append(
                        SchoolResult(
                            school=school,
                            year=year,
                            assessment=vpr,
                            subject=subject,
                            grade=grade,
                            participants=25,
                            mean_score=12 + 2 * quality + rng.gauss(0, 0.3) + shift,
                            share_fail=max(0, min(100, 15 - 10 * quality)),
                        )
                    )
            values.append(
                ContextValue(
                    school=school, year=year, indicator=income, value=max(0, 20 - 8 * context)
                )
            )
    SchoolResult.objects.bulk_create(results)
    ContextValue.objects.bulk_create(values)


def make_programme(world, treated_count=14, others=40):
    programme = ProgrammeFactory(
        name="Программа поддержки ШНОР",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    schools = [
        SchoolFactory(territory=world.north if i % 2 else world.south)
        for i in range(treated_count + others)
    ]
    treated = schools[:treated_count]
    for school in treated:
        ProgrammeSchool.objects.create(programme=programme, school=school, joined_on=JOINED)
    fill(schools, set(treated))
    return programme, treated


@pytest.fixture
def programme(world):
    return make_programme(world)[0]


def test_the_panel_marks_treated_and_never_supported_schools(world, programme):
    data = outcome_panel(world.user("analyst"), programme)
    panel = data.panel
    assert list(panel.years) == [2021, 2022, 2023, 2024, 2025]
    assert (panel.first_post == 2025).sum() == 14
    # School A, B and the 40 others form the pool; school C is in another city.
    assert world.school_c.pk not in set(panel.school_ids.tolist())
    assert (panel.first_post == 0).sum() == 42
    assert len(data.data_version) == 64


def test_the_panel_reads_in_a_constant_number_of_queries(world):
    programme, _ = make_programme(world, treated_count=10, others=10)
    analyst = world.user("analyst")
    outcome_panel(analyst, programme)  # the user's memberships are read once, then cached
    with CaptureQueriesContext(connection) as small:
        outcome_panel(analyst, programme)
    more = [SchoolFactory(territory=world.north) for _ in range(25)]
    fill(more, set(), seed=4)
    for school in more[:10]:
        ProgrammeSchool.objects.create(programme=programme, school=school, joined_on=JOINED)
    with CaptureQueriesContext(connection) as large:
        outcome_panel(analyst, programme)
    assert len(large) == len(small)


def test_the_estimate_runs_as_a_job_and_is_shown(
    world, programme, django_capture_on_commit_callbacks
):
    client = world.client("analyst")
    url = reverse("evaluation:programme", args=[programme.pk])
    assert "Оценка ещё не рассчитывалась" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:programme-run", args=[programme.pk]))
    assert response.status_code == 302
    estimate = Estimate.objects.get(programme=programme)
    assert estimate.status == EstimateStatus.DONE, estimate.job and estimate.job.log
    assert estimate.result["n_treated"] == 14
    assert estimate.result["ok"], {k: estimate.result[k] for k in ("reasons", "n_matched")}
    page = client.get(url).content.decode()
    assert "95-процентный интервал" in page
    assert 'id="events"' in page and "<svg" in page
    # The same data give the same numbers.
    again = estimate_compute_now(programme=programme, user=world.user("analyst"))
    assert again.data_version == estimate.data_version
    assert again.result == estimate.result


def test_an_estimate_asked_while_one_runs_is_refused(world, programme):
    Estimate.objects.create(programme=programme, status=EstimateStatus.QUEUED)
    client = world.client("coordinator")
    response = client.post(reverse("evaluation:programme-run", args=[programme.pk]), follow=True)
    assert "уже считается" in response.content.decode()
    assert Estimate.objects.filter(programme=programme).count() == 1


def test_a_programme_with_too_few_schools_is_refused_with_the_reason(world):
    programme, _ = make_programme(world, treated_count=4, others=10)
    response = world.client("analyst").post(
        reverse("evaluation:programme-run", args=[programme.pk]), follow=True
    )
    assert "не меньше 10 школ" in response.content.decode()
    assert not Estimate.objects.filter(programme=programme).exists()


def test_no_comparison_schools_says_why(world):
    programme, _ = make_programme(world, treated_count=12, others=0)
    # Schools A and B have no results: no comparison school with data.
    estimate = estimate_compute_now(programme=programme, user=world.user("analyst"))
    assert estimate.result["reasons"] == ["no_comparison"]
    page = (
        world.client("analyst")
        .get(reverse("evaluation:programme", args=[programme.pk]))
        .content.decode()
    )
    assert "Почему оценки нет" in page and "Нет школ для сравнения" in page


def test_a_failed_job_leaves_no_estimate_stuck(world, programme, monkeypatch):
    from opora.core.jobs import job_run
    from opora.evaluation import services

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "outcome_panel", boom)
    estimate = estimate_start(programme=programme, user=world.user("analyst"))
    job_run(estimate.job.pk)
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.FAILED


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("analyst", True),
        ("coordinator", True),
        ("regional", True),
        ("council", True),
        ("superuser", True),
        ("curator", False),
        ("director_a", False),
        ("teacher", False),
        ("outsider", False),
    ],
)
def test_who_sees_a_programme_s_effectiveness(world, persona, sees):
    programme = ProgrammeFactory(name="Программа «Школа роста»", owner=world.department)
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a, joined_on=JOINED)
    Estimate.objects.create(
        programme=programme, status=EstimateStatus.DONE, result={"ok": False, "reasons": []}
    )
    client = world.client(persona)
    index = client.get(reverse("evaluation:index"))
    assert index.status_code == 200
    assert (programme.name in index.content.decode()) is sees
    page = client.get(reverse("evaluation:programme", args=[programme.pk]))
    assert page.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("council", 404), ("curator", 404), ("director_a", 404), ("outsider", 404)],
)
def test_who_may_not_start_an_estimate(world, programme, persona, status):
    response = world.client(persona).post(reverse("evaluation:programme-run", args=[programme.pk]))
    assert response.status_code == status
    assert not Estimate.objects.exists()


def test_the_anonymous_are_sent_to_sign_in(world, programme):
    client = world.client("anonymous")
    for url in (
        reverse("evaluation:index"),
        reverse("evaluation:programme", args=[programme.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_index_pages_the_programmes(world):
    """Programmes grow with the territory: 30 a page, the same queries for 3N as for N."""
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import ProgrammeFactory

    client = world.client("coordinator")
    url = reverse("evaluation:index")
    ProgrammeFactory.create_batch(10, owner=world.department)
    small = queries_and_rows(client, url)
    ProgrammeFactory.create_batch(25, owner=world.department)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] >= 10 and big[1] == 30
    assert "Стр. 2 из 2" in client.get(url, {"page": 2}).content.decode()


# --- On the demo (last: the demo is loaded once for these) ---------------------------------


def test_the_demo_recovers_the_planted_effect_and_rejects_the_placebo(demo):
    from opora.evaluation.demo import DELTA, PLACEBO_NAME

    done = Estimate.objects.filter(status=EstimateStatus.DONE).select_related("programme")
    main = done.exclude(programme__name=PLACEBO_NAME).get()
    placebo = done.get(programme__name=PLACEBO_NAME)
    result = main.result
    assert result["ok"] and not result["pretrend_differs"]
    # Schools of the February 2024 cohort (two years after their anchor) carry the effect in
    # one of their two post years: the expected overall difference is weighted accordingly.
    second_year = next((e["n"] for e in result["events"] if e["offset"] == 2), 0)
    expected = DELTA * (result["n_matched"] - second_year / 2) / result["n_matched"]
    assert result["did"]["low"] <= expected <= result["did"]["high"]
    assert result["did"]["low"] > 0
    assert placebo.result["ok"]
    assert placebo.result["did"]["low"] <= 0 <= placebo.result["did"]["high"]
    page = world_page(main.programme_id)
    assert "95-процентный интервал" in page
    assert "Эффект не обнаружен" in world_page(placebo.programme_id)


def world_page(programme_id):
    from django.test import Client

    client = Client()
    client.login(username="analyst", password="demo12345")
    return client.get(reverse("evaluation:programme", args=[programme_id])).content.decode()
