"""The public site in real Chromium over the demo, as a parent on a phone 390 px wide walks
it without an account: the authority's public index, the programme with its roadmap's
progress, the calendar of open events and an event, the results with a figure suppressed as
«—» and its footnote, and a CSV of the open data downloaded. Every page passes axe-core
without a critical or serious violation and fits the phone (nothing scrolls sideways, every
control at least 24×24 px).

The markup does not depend on the database, so the PostgreSQL run skips the module (the
selectors and suppression are tested on both)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from opora.core.tests.browser_checks import PHONE, axe_violations, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def _checked(page: Any, where: str) -> list[str]:
    page.wait_for_load_state("load")
    return axe_violations(page, where) + phone_problems(page, where)


def _follow(page: Any, link: Any) -> None:
    with page.expect_navigation():
        link.click()


def test_a_parent_walks_the_public_site_on_a_phone(demo_url, browser, django_db_blocker, settings):
    from django.core.cache import cache

    from opora.events.models import Event
    from opora.public.models import ProgrammePublication

    # The live server answers from this process: a whole walk must not trip the flood limit,
    # and pages cached by an earlier module must not stand in for these.
    settings.OPORA_PUBLIC_REQUESTS_PER_MINUTE = 10_000
    cache.clear()
    with django_db_blocker.unblock():
        programme = (
            ProgrammePublication.objects.select_related("programme__owner")
            .get(is_public=True)
            .programme
        )
        event = (
            Event.objects.filter(is_public=True)
            .exclude(status="cancelled")
            .order_by("starts_at")
            .last()
        )
    assert event is not None, "в демо есть открытые мероприятия"

    # bypass_csp: axe goes in as a script element (the policy is tested elsewhere).
    context = browser.new_context(
        locale="ru-RU",
        bypass_csp=True,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    problems: list[str] = []

    # /public/ lists the organisations with something public (the department and the
    # methodical centre holding open events); the department's page.
    page.goto(f"{demo_url}{reverse('public:index')}")
    problems += _checked(page, "список органов")
    _follow(page, page.locator("main a", has_text=programme.owner.name).first)
    assert page.url.endswith(reverse("public:authority", args=[programme.owner_id]))
    assert "Войти" in page.inner_text("header")
    problems += _checked(page, "публичная главная")

    # The programme: its roadmap's progress, no login-only menu.
    _follow(page, page.locator("main a", has_text=programme.name).first)
    main = page.inner_text("main")
    assert "Дорожная карта программы" in main and "выполнено:" in main, main[:1500]
    assert page.locator(".public-progress").count() >= 1
    assert page.locator("#main-nav").count() == 0
    problems += _checked(page, "программа")

    # The calendar of open events, at the month of an open event, then the event.
    _follow(page, page.locator("header nav a", has_text="Мероприятия"))
    problems += _checked(page, "календарь мероприятий")
    page.goto(f"{page.url.split('?')[0]}?month={event.starts_at:%Y-%m}")
    problems += _checked(page, "календарь: месяц мероприятия")
    _follow(page, page.locator("main a", has_text=event.title).first)
    main = page.inner_text("main")
    assert event.title in main and "Организатор" in main
    problems += _checked(page, "мероприятие")

    # The results: at least one figure shown as «—» with the footnote saying why.
    page.goto(f"{demo_url}{reverse('public:results', args=[programme.pk])}")
    suppressed = page.locator("main td", has_text="—")
    assert suppressed.count() >= 1, "в демо есть скрытая малая цифра"
    assert suppressed.first.is_visible()
    main = page.inner_text("main")
    assert "менее 5 — не показывается" in main, main[-1500:]
    problems += _checked(page, "результаты")

    # …and the identification table as open data, with the same «—».
    with page.expect_download() as info:
        page.locator("main a", has_text="Скачать итоги (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes().decode("utf-8-sig")
    assert data.startswith("Район;") and "—" in data, data[:500]

    context.close()
    assert problems == [], "\n".join(problems)
