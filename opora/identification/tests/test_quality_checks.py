"""Quality checks over the database: the job, its refusals, pages and who may see them, CLI."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from opora.identification.choices import QualityStatus
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import Methodology, QualityCheck
from opora.identification.services import (
    methodology_copy,
    methodology_version_create,
    quality_compute_now,
    quality_request,
)
from opora.identification.tests.test_runs import fill
from opora.registry.tests.factories import SchoolFactory
from opora.results.models import SchoolResult


@pytest.fixture
def data(world):
    extra = [SchoolFactory(territory=world.north if i % 2 else world.south) for i in range(20)]
    fill([world.school_a, world.school_b, world.school_c, *extra], weak=(world.school_a,))
    return extra


@pytest.fixture
def version(db):
    return Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current


def test_a_check_as_a_job_stores_its_figures(
    world, data, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        check = quality_request(
            user=world.user("analyst"), version=version, territory=world.city, year=2025
        )
    check.refresh_from_db()
    assert check.status == QualityStatus.DONE and check.computed_at is not None
    assert check.job.status == "succeeded"
    figures = check.figures
    assert figures["data_years"] == [2023, 2024, 2025] and figures["schools"] == 22
    assert len(figures["pairs"]) == 2 and figures["auc"] is not None
    assert figures["sensitivity"] and figures["missing_share"] == 0.0


def test_refusals_in_russian(world, data, version):
    analyst = world.user("analyst")
    with pytest.raises(ValidationError, match="За 2026 год нет результатов"):
        quality_request(user=analyst, version=version, territory=world.city, year=2026)
    with pytest.raises(ValidationError, match="хотя бы двух лет"):
        quality_request(user=analyst, version=version, territory=world.city, year=2023)
    with pytest.raises(ValidationError, match="не можете"):
        quality_request(
            user=world.user("analyst"), version=version, territory=world.other_city, year=2025
        )
    quality_request(user=analyst, version=version, territory=world.city, year=2025)
    with pytest.raises(ValidationError, match="уже считается"):
        quality_request(user=analyst, version=version, territory=world.city, year=2025)
    # A methodology that does not parse (its stored JSON broken after the fact).
    copy = methodology_copy(
        source=version.methodology, name="Своя", user=analyst, owner=world.methodical_centre
    )
    broken = methodology_version_create(methodology=copy, params=version.params, user=analyst)
    broken.params = {**broken.params, "low_results_percent": 150}
    broken.save()
    with pytest.raises(ValidationError, match="Методика не годится"):
        quality_request(user=analyst, version=broken, territory=world.city, year=2025)
    # What a run of the methodology refuses on these data, the check refuses too: the base
    # methodology shrinks small schools, which needs the participants.
    SchoolResult.objects.filter(year=2024).update(participants=None)
    with pytest.raises(ValidationError, match=r"за 2024 г\. нет числа участников"):
        quality_request(user=analyst, version=version, territory=world.city, year=2024)
    assert QualityCheck.objects.count() == 1


def test_a_failed_job_says_why(world, data, version, django_capture_on_commit_callbacks):
    check = quality_request(
        user=world.user("analyst"), version=version, territory=world.city, year=2025
    )
    # The data vanish before the worker takes the job.
    removed = list(SchoolResult.objects.filter(year=2025))
    SchoolResult.objects.filter(year=2025).delete()
    with django_capture_on_commit_callbacks(execute=True):
        from opora.core.jobs import job_run

        job_run(check.job_id)
    check.refresh_from_db()
    assert check.status == QualityStatus.FAILED
    assert "За 2025 год нет результатов" in check.error
    page = world.client("analyst").get(reverse("identification:quality", args=[check.pk]))
    assert "Проверка не рассчитана: За 2025 год нет результатов" in page.content.decode()
    # The data are back: the job restarted from its page computes the check.
    SchoolResult.objects.bulk_create(removed)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("analyst").post(reverse("core:job-restart", args=[check.job_id]))
    check.refresh_from_db()
    assert check.status == QualityStatus.DONE and check.error == "" and check.figures["pairs"]


@pytest.fixture
def two_checks(world, data, version):
    analyst = world.user("analyst")
    copy = methodology_copy(
        source=version.methodology,
        name="Нужно 26 участников",
        user=analyst,
        owner=world.methodical_centre,
    )
    wider = methodology_version_create(
        methodology=copy, params={**version.params, "min_participants": 26}, user=analyst
    )
    a = quality_compute_now(user=analyst, version=version, territory=world.city, year=2025)
    b = quality_compute_now(user=analyst, version=wider, territory=world.city, year=2025)
    return a, b


def test_pages_for_who_may_and_who_may_not(world, two_checks):
    a, b = two_checks
    methodology = a.version.methodology
    detail = reverse("identification:quality", args=[a.pk])
    compare = reverse("identification:quality-compare") + f"?a={a.pk}&b={b.pk}"
    for persona in ("analyst", "coordinator", "regional"):
        client = world.client(persona)
        page = client.get(detail).content.decode()
        assert "Устойчивость списка" in page and "AUC" in page, persona
        assert "Нужно 26 участников" in page  # the other check, to compare with
        page = client.get(compare).content.decode()
        assert "определена по методике А" in page, persona
        # Б has no index at all (25 participants everywhere): А is better on missing data.
        assert "text-bg-success" in page, persona
        card = client.get(methodology.get_absolute_url()).content.decode()
        assert "Качество методики" in card and "Проверить качество" in card
    for persona in ("outsider", "director_a", "teacher", "curator"):
        client = world.client(persona)
        assert client.get(detail).status_code == 404, persona
        assert client.get(compare).status_code == 404, persona
        assert client.get(reverse("identification:quality-status", args=[a.pk])).status_code == 404
    anonymous = world.client("anonymous")
    assert "/accounts/login/" in anonymous.get(detail)["Location"]
    assert "/accounts/login/" in anonymous.get(compare)["Location"]


def test_request_from_the_page_and_its_refusal(world, data, version):
    client = world.client("analyst")
    url = reverse("identification:quality-new", args=[version.methodology.pk])
    response = client.post(url, {"territory": world.city.pk, "year": 2025})
    check = QualityCheck.objects.get()
    assert response["Location"] == reverse("identification:quality", args=[check.pk])
    # The same check again: refused in Russian, the choice kept.
    page = client.post(url, {"territory": world.city.pk, "year": 2025}).content.decode()
    assert "уже считается" in page and "selected>2025" in page.replace('" ', "")
    status = client.get(reverse("identification:quality-status", args=[check.pk]))
    assert "считаются в фоновой задаче" in status.content.decode()
    # Those who may not run identification have no form and cannot post.
    assert world.client("director_a").post(url, {"territory": world.city.pk}).status_code == 404


def test_compare_refuses_different_territories_or_years(world, data, version, two_checks):
    a, _b = two_checks
    other = quality_compute_now(
        user=world.user("analyst"), version=version, territory=world.north, year=2025
    )
    url = reverse("identification:quality-compare") + f"?a={a.pk}&b={other.pk}"
    page = world.client("analyst").get(url).content.decode()
    assert "Сравнивать можно только проверки одной территории" in page
    assert "лучше" not in page


def test_cli_quality_compare_and_json(world, data, version, tmp_path, capsys):
    analyst = world.user("analyst")
    copy = methodology_copy(
        source=version.methodology,
        name="Нужно 26 участников",
        user=analyst,
        owner=world.methodical_centre,
    )
    methodology_version_create(
        methodology=copy, params={**version.params, "min_participants": 26}, user=analyst
    )
    out = tmp_path / "quality.json"
    call_command(
        "identify",
        "--year=2025",
        "--territory=M01",
        "--user=analyst",
        "--quality",
        "--compare=Нужно 26 участников",
        f"--json={out}",
    )
    text = capsys.readouterr().out
    assert "Качество методик:" in text and "Устойчивость списка" in text and "AUC" in text
    assert "Школ без индекса результатов: А 0,0 % | Б 100,0 %  ← лучше А" in text, text
    saved = json.loads(out.read_text())
    assert saved["a"]["data_years"] == [2023, 2024, 2025] and saved["b"]["missing_share"] == 1.0
    assert QualityCheck.objects.filter(status=QualityStatus.DONE).count() == 2
    with pytest.raises(CommandError, match="хотя бы двух лет"):
        call_command("identify", "--year=2023", "--territory=M01", "--user=analyst", "--quality")
