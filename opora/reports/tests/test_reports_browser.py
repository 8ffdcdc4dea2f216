"""The analyst's report in real Chromium over the demo: «Отчёты» → «Сформировать отчёт» for
the city's programme, the build (the tests' task backend runs the job as the request commits),
a recommendation edited, the report published and its Word file downloaded.

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


def test_the_analyst_builds_edits_publishes_and_downloads(demo_url, browser, django_db_blocker):
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import Programme, Territory
    from opora.reports import services
    from opora.reports.choices import ReportKind, ReportStatus
    from opora.reports.demo import DEMO_RESULTS_YEAR
    from opora.reports.models import Report

    with django_db_blocker.unblock():
        city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
        programme = (
            Programme.objects.filter(owner__territory__code=DEMO_TERRITORY_CODE)
            .order_by("pk")
            .first()
        )
        assert programme is not None
    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        demo_login(page, demo_url, "analyst")
        page.goto(f"{demo_url}{reverse('reports:index')}")
        with page.expect_navigation():
            page.click("#report-new")
        page.select_option("#id_kind", ReportKind.MUNICIPAL)
        page.select_option("#id_year", "2024")
        page.select_option("#id_programme", str(programme.pk))
        with page.expect_navigation():
            page.click("#report-form button[type=submit]")
        # Queued: the page polls the build. The served demo shares the tests' transaction, so
        # the queue's on-commit never comes: the job is run here, as a worker would.
        page.wait_for_selector("#report-build")
        report_url = page.url
        # The page stops polling while the job runs on the connection the server shares.
        page.goto("about:blank")
        with django_db_blocker.unblock():
            queued = Report.objects.filter(kind=ReportKind.MUNICIPAL).order_by("-pk").first()
            assert queued is not None and queued.status == ReportStatus.QUEUED
            services.report_build_now(queued)
            assert queued.status == ReportStatus.DRAFT
        page.goto(report_url)
        page.wait_for_selector("#report-publish", timeout=60000)
        assert "Исполнение дорожных карт" in page.inner_text("main")

        with page.expect_navigation():
            page.click("#report-edit")
        page.fill("#id_r-0-text", "Провести выездное совещание в школах с просрочками.")
        with page.expect_navigation():
            page.click("#edit-form button[type=submit]")
        assert "Провести выездное совещание в школах с просрочками." in page.inner_text("main")

        with page.expect_navigation():
            page.click("#report-publish button[type=submit]")
        assert "Опубликован" in page.inner_text("#report-status")
        assert page.locator("#tracked tbody tr").count() >= 1
        with page.expect_download() as info:
            page.click("#download-docx")
        download = info.value
        assert download.suggested_filename.endswith(".docx")
        assert Path(download.path()).read_bytes().startswith(b"PK")

        # The year's results in the manner of seed 004 section 1, for the city: built the same
        # way and published as it was generated.
        page.goto(f"{demo_url}{reverse('reports:new')}")
        page.select_option("#id_kind", ReportKind.YEAR_RESULTS)
        page.select_option("#id_year", str(DEMO_RESULTS_YEAR))
        page.select_option("#id_territory", str(city.pk))
        with page.expect_navigation():
            page.click("#report-form button[type=submit]")
        page.wait_for_selector("#report-build")
        year_url = page.url
        page.goto("about:blank")
        with django_db_blocker.unblock():
            queued = Report.objects.filter(kind=ReportKind.YEAR_RESULTS).order_by("-pk").first()
            assert queued is not None and queued.status == ReportStatus.QUEUED
            services.report_build_now(queued)
        page.goto(year_url)
        page.wait_for_selector("#report-publish", timeout=60000)
        assert "вошли в список" in page.inner_text("main").lower()
        with page.expect_navigation():
            page.click("#report-publish button[type=submit]")
        assert "Опубликован" in page.inner_text("#report-status")
    finally:
        context.close()
    with django_db_blocker.unblock():
        for kind in (ReportKind.MUNICIPAL, ReportKind.YEAR_RESULTS):
            newest = Report.objects.filter(kind=kind).order_by("-pk").first()
            assert newest is not None and newest.status == ReportStatus.PUBLISHED, kind
