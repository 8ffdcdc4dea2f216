"""In real Chromium on a phone (390 px): the curator fills a visit record — a rating, a note,
a photo and two recommendations — and closes the visit; the director answers one
recommendation with an evidence file and turns the other into an activity of the school's
running roadmap (through its correction). Each page fits the phone (browser_checks)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from opora.core.tests.browser_checks import PHONE, phone_problems, within_screen
from opora.identification.tests.test_browser import login
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity
from opora.support.choices import RecommendationStatus, VisitStatus
from opora.support.models import Recommendation, VisitPhoto
from opora.support.tests.visits_helpers import PNG, plan, running_roadmap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_a_visit_recorded_on_a_phone_and_answered_by_the_director(
    world, live_server, browser, password, tmp_path
):
    roadmap = running_roadmap(world)
    visit = plan(world)
    url = live_server.url
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    problems: list[str] = []

    # The curator, on the day, on a phone.
    login(page, url, "curator", password)
    page.goto(f"{url}{reverse('support:visit-record', args=[visit.pk])}")
    problems += phone_problems(page, "запись выезда")
    radio = page.locator("input[name=rating_0_0]").nth(2)
    box = radio.bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24
    page.locator(f"label[for='{radio.get_attribute('id')}']").tap()
    assert radio.is_checked()
    page.fill("#id_note_0_0", "Анализ ВПР обсуждён на педсовете")
    page.fill("#id_findings", "Школьная команда работает, нужна помощь с ВШК")
    photo = tmp_path / "доска.png"
    photo.write_bytes(PNG)
    page.set_input_files("#id_photos", str(photo))
    page.fill("#id_rec-0-text", "Провести педсовет по итогам ВПР")
    page.fill("#id_rec-0-due_on", "2099-05-20")
    page.fill("#id_rec-1-text", "Организовать взаимопосещение уроков")
    page.fill("#id_rec-1-due_on", "2099-06-01")
    close = page.locator("button[name=close]")
    close.scroll_into_view_if_needed()
    assert within_screen(page, close), "«Закрыть выезд» за краем экрана"
    with page.expect_navigation():
        close.tap()
    assert "Выезд закрыт" in page.inner_text("main")
    problems += phone_problems(page, "выезд закрыт")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.answers["0.0"] == {"rating": 2, "note": "Анализ ВПР обсуждён на педсовете"}
    assert VisitPhoto.objects.get(visit=visit).file_name == "доска.png"
    first, second = Recommendation.objects.filter(visit=visit).order_by("pk")

    # The director answers the first with evidence.
    context.clear_cookies()
    login(page, url, "director_a", password)
    page.goto(f"{url}{first.get_absolute_url()}")
    problems += phone_problems(page, "рекомендация")
    done = page.locator("input[name=status][value=done]")
    page.locator(f"label[for='{done.get_attribute('id')}']").tap()
    evidence = tmp_path / "протокол педсовета.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minutes\n")
    page.set_input_files("#id_evidence", str(evidence))
    with page.expect_navigation():
        page.locator("#answer-form button[type=submit]").tap()
    assert "Ответ записан" in page.inner_text("main")
    first.refresh_from_db()
    assert first.status == RecommendationStatus.DONE
    assert first.evidence_name == "протокол педсовета.pdf"

    # …and turns the second into an activity of the running roadmap (a correction).
    page.goto(f"{url}{second.get_absolute_url()}")
    with page.expect_navigation():
        page.locator("a:has-text('Сделать мероприятием дорожной карты')").tap()
    problems += phone_problems(page, "мероприятие из рекомендации")
    page.fill("#id_correction", "Рекомендация по итогам выезда")
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert "добавлено в дорожную карту" in page.inner_text("main")
    second.refresh_from_db()
    assert second.activity is not None and second.status == RecommendationStatus.ACCEPTED
    assert Activity.objects.filter(roadmap=roadmap).count() == 2
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.DRAFT
    context.close()
    assert problems == [], "\n".join(problems)
