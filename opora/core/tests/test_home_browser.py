"""The director's home in real Chromium over the demo, on a phone: the school's overdue
activities and a recommendation to answer are on the home page, the bell says how many notices
are unread, opening one marks it read and goes to its page; nothing scrolls sideways and every
target is big enough.

The markup does not depend on the database; the PostgreSQL run skips the module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from opora.core.tests.browser_checks import PHONE, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_the_directors_home_and_bell_on_a_phone(demo_url, browser, django_db_blocker):
    from opora.core.models import Notification
    from opora.registry.demo import DEMO_PASSWORD

    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{demo_url}{reverse('login')}")
    page.fill("#id_username", "director")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.rstrip("/") == demo_url.rstrip("/")

    deadlines = page.locator("#home-deadlines")
    assert "Сроки мероприятий дорожной карты" in deadlines.inner_text()
    assert "просрочено, срок был" in deadlines.inner_text()
    recommendations = page.locator("#home-recommendations")
    assert recommendations.locator("li").count() >= 1
    problems = phone_problems(page, "главная")

    bell = page.locator("#bell")
    label = bell.get_attribute("aria-label") or ""
    assert label.startswith("Уведомления: ") and "непрочитанн" in label, label
    unread_before = int(bell.inner_text().strip())
    assert unread_before >= 1
    box = bell.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24
    with page.expect_navigation():
        bell.tap()
    assert page.url.endswith(reverse("core:notifications"))
    problems += phone_problems(page, "уведомления")
    first = page.locator("#notifications a.notification-link").first
    pk = int((first.get_attribute("href") or "").rstrip("/").rsplit("/", 1)[1])
    with django_db_blocker.unblock():
        notice = Notification.objects.get(pk=pk)
        assert notice.read_at is None
    with page.expect_navigation():
        first.tap()
    assert page.url.endswith(notice.url)
    with django_db_blocker.unblock():
        notice.refresh_from_db()
        assert notice.read_at is not None
    assert int(page.locator("#bell").inner_text().strip() or 0) == unread_before - 1
    context.close()
    assert problems == [], "\n".join(problems)
