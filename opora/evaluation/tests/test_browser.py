"""The effectiveness pages in real Chromium over the demo: the analyst goes from «Отчёты» →
«Эффективность поддержки» to the city programme and sees the estimate of the planted effect
with its interval, then to the placebo programme, which says no effect was found; on a phone
the page (with its chart) does not scroll sideways.

The markup does not depend on the database; the PostgreSQL run skips the module (the
estimate and the pages are tested on both in test_pages.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from opora.conftest import demo_login
from opora.core.tests.browser_checks import PHONE, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_the_analyst_reads_the_effect_and_the_placebo(browser: Any, demo_url: str) -> None:
    from opora.evaluation.demo import PLACEBO_NAME

    page = browser.new_page()
    try:
        demo_login(page, demo_url, "analyst")
        page.goto(f"{demo_url}{reverse('evaluation:index')}")
        main_link = page.locator("main table a").filter(has_not_text="Читающая").first
        with page.expect_navigation():
            main_link.click()
        text = page.inner_text("main")
        assert "95-процентный интервал" in text
        assert "Что показывают данные" in text
        assert "Эффект не обнаружен" not in text
        assert page.locator("svg.evaluation-chart").count() == 1
        page.goto(f"{demo_url}{reverse('evaluation:index')}")
        with page.expect_navigation():
            page.get_by_role("link", name=PLACEBO_NAME).click()
        assert "Эффект не обнаружен — это не значит, что его нет" in page.inner_text("main")
    finally:
        page.close()
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        demo_login(phone, demo_url, "analyst")
        phone.goto(f"{demo_url}{reverse('evaluation:index')}")
        with phone.expect_navigation():
            phone.locator("main table a").filter(has_not_text="Читающая").first.click()
        assert phone_problems(phone, "оценка эффективности") == []
    finally:
        context.close()
