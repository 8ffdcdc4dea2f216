"""An event from announcement to certificate in real Chromium over the demo: the methodist
announces it from the «Мероприятия» menu, the director nominates a teacher of the school and
the demo teacher registers on a phone; once the event has taken place the methodist marks
attendance and publishes a recording and opens the feedback questionnaire; the teacher
downloads the certificate and the anonymous feedback link opens. The teacher's pages are
checked at 390 px on the way.

The PostgreSQL run skips the module (the services behind each step are tested on both)."""

from __future__ import annotations

import datetime
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


def _submit(page: Any, selector: str) -> str:
    with page.expect_navigation():
        page.locator(selector).first.click()
    return page.inner_text("main")


def test_an_event_from_announcement_to_certificate(demo_url, browser, django_db_blocker):
    from django.utils import timezone

    from opora.events.models import Event, Registration
    from opora.registry.models import Organization

    url = demo_url
    desk = browser.new_context(locale="ru-RU")
    page = desk.new_page()
    page.set_default_timeout(20000)

    # The methodist: «Мероприятия» in the menu, «Новое мероприятие».
    demo_login(page, url, "analyst")
    with page.expect_navigation():
        page.locator("nav a", has_text="Мероприятия").first.click()
    assert page.url.endswith(reverse("events:index"))
    with page.expect_navigation():
        page.locator("main a", has_text="Новое мероприятие").click()
    with django_db_blocker.unblock():
        centre = Organization.objects.get(
            kind="methodical_centre", memberships__person__user__username="analyst"
        )
        city = centre.territory
    starts = timezone.localtime() + datetime.timedelta(days=3)
    page.select_option("#id_kind", "seminar")
    page.fill("#id_title", "Семинар «Читательская грамотность на любом уроке»")
    page.select_option("#id_organizer", str(centre.pk))
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT10:00"))
    page.fill("#id_ends_at", starts.strftime("%Y-%m-%dT12:00"))
    page.fill("#id_place", "ГЦРО, ауд. 5")
    page.fill("#id_hours", "2")
    page.select_option("#id_audience_territory", str(city.pk))
    main = _submit(page, "main form button[type=submit]")
    assert "Мероприятие сохранено" in page.inner_text("body"), main[:2000]
    with django_db_blocker.unblock():
        event = Event.objects.get(title__startswith="Семинар «Читательская")
    event_url = f"{url}{event.get_absolute_url()}"

    # The director nominates a teacher of the school.
    demo_login(page, url, "director")
    page.goto(event_url)
    with page.expect_navigation():
        page.locator("main a", has_text="Записать педагогов школы").click()
    page.locator("input[name=teachers]").first.check()
    _submit(page, "main form button[type=submit]")
    assert "Записано педагогов: 1" in page.inner_text("body")
    desk.close()

    # The teacher registers on a phone; the calendar and the event fit it.
    phone = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(20000)
    demo_login(mobile, url, "teacher")
    month = f"?month={starts:%Y-%m}"
    mobile.goto(f"{url}{reverse('events:calendar')}{month}")
    problems = phone_problems(mobile, "календарь мероприятий")
    with mobile.expect_navigation():
        mobile.locator("main .d-md-none a", has_text="Читательская грамотность").first.click()
    problems += phone_problems(mobile, "мероприятие")
    _submit(mobile, "main form[action$='/register/'] button")
    assert "Вы записаны" in mobile.inner_text("body")

    # Time passes: the event has taken place.
    with django_db_blocker.unblock():
        past = timezone.now() - datetime.timedelta(hours=3)
        Event.objects.filter(pk=event.pk).update(
            starts_at=past, ends_at=past + datetime.timedelta(hours=2)
        )
        assert Registration.objects.filter(event=event).count() == 2

    # The methodist marks both present, publishes the recording, opens the feedback.
    desk = browser.new_context(locale="ru-RU")
    page = desk.new_page()
    page.set_default_timeout(20000)
    demo_login(page, url, "analyst")
    page.goto(event_url)
    for box in page.locator("input[name=attended]").all():
        box.check()
    _submit(page, "main form[action$='/attendance/'] button[type=submit]")
    assert "присутствовали 2" in page.inner_text("body")
    page.fill("#id_title", "Запись семинара")
    page.fill("#id_url", "https://video.example.org/seminar")
    _submit(page, "main form[action$='/materials/'] button[type=submit]")
    assert "Материал опубликован" in page.inner_text("body")
    _submit(page, "main form[action$='/feedback/'] button[type=submit]")
    feedback = page.locator("main a[href*='/s/']").first.get_attribute("href")
    assert feedback
    desk.close()

    # The teacher downloads the certificate; the feedback link opens for anyone.
    mobile.goto(event_url)
    problems += phone_problems(mobile, "мероприятие после проведения")
    with mobile.expect_download() as info:
        mobile.locator("main a", has_text="Скачать сертификат").click()
    download = info.value
    assert download.suggested_filename.startswith("Сертификат")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    phone.close()
    anonymous = browser.new_context(locale="ru-RU")
    survey = anonymous.new_page()
    survey.goto(feedback if feedback.startswith("http") else f"{url}{feedback}")
    assert "Обратная связь о мероприятии" in survey.inner_text("body")
    anonymous.close()
    assert problems == [], "\n".join(problems)
