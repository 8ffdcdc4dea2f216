"""«Качество методики» in real Chromium over the demo: the analyst opens the base methodology,
asks for a check of the city up to 2025, and reads the figures once the job has run.

SQLite only (the services behind each step are tested on both databases)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from opora.conftest import demo_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_the_analyst_checks_the_base_methodology(demo_url, page, django_db_blocker):
    from opora.identification import services
    from opora.identification.choices import QualityStatus
    from opora.identification.models import Methodology, QualityCheck
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import Territory

    with django_db_blocker.unblock():
        base = Methodology.objects.get(is_builtin=True)
        city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
        before = QualityCheck.objects.count()
    demo_login(page, demo_url, "analyst")
    page.goto(f"{demo_url}{reverse('identification:methodology', args=[base.pk])}")
    card = page.locator("#quality")
    assert "Качество методики" in card.inner_text()
    card.locator("#id_territory").select_option(str(city.pk))
    card.locator("#id_year").select_option("2025")
    with page.expect_navigation():
        card.locator("button:has-text('Проверить качество')").click()
    assert "считаются в фоновой задаче" in page.inner_text("main")
    check_url = page.url
    # The served demo shares the tests' transaction, so the queue's on-commit never comes:
    # the check is computed here, as the worker would.
    page.goto("about:blank")
    with django_db_blocker.unblock():
        assert QualityCheck.objects.count() == before + 1
        check = QualityCheck.objects.order_by("-pk").first()
        assert check is not None and check.status == QualityStatus.QUEUED
        services.quality_store(check, services.quality_prepare(check))
    page.goto(check_url)
    main = page.inner_text("main")
    for heading in ("Устойчивость списка", "Прогностическая сила (AUC)", "Сдвиг порогов"):
        assert heading in main, heading
    assert "0,5 — не лучше угадывания" in main
    # The demo's own check (demo step 42) of the same territory and year: compare with it.
    with page.expect_navigation():
        page.locator("a:has-text('с «Базовая методика»')").first.click()
    main = page.inner_text("main")
    assert "Сравнение качества методик" in main and "определена по методике А" in main
