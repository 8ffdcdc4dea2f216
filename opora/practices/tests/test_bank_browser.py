"""The practice path in real Chromium over the demo: the director describes a practice of the
school and is refused the review without materials (the refusal is on the page); with a file
attached the practice goes to the review; the methodist (analyst) scores it on the criteria and
recommends publication; the coordinator publishes it; the curator finds it in the bank by its
risk factor; the methodist adopts it for another school into that school's roadmap, and the
programme constructor proposes it for a school with the same risk factor.

The markup and the flow do not depend on the database; the PostgreSQL run skips the module
(the services behind each step are tested on both in test_bank.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from opora.conftest import demo_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )

TITLE = "Языковой клуб для детей-инофонов в начальной школе"


def _click(page: Any, text: str) -> str:
    with page.expect_navigation():
        page.locator("main button, main a", has_text=text).first.click()
    return page.inner_text("main")


def test_a_practice_from_description_to_the_bank(demo_url, browser, tmp_path):
    from opora.practices.models import Practice, ReviewCriterion

    url = demo_url
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # The director describes a practice of the school, without materials first.
        demo_login(page, url, "director")
        with page.expect_navigation():
            page.locator("nav a", has_text="Практики").first.click()
        _click(page, "Описать практику")
        page.fill("#id_title", TITLE)
        page.fill("#id_description", "Занятия по развитию речи два раза в неделю, тьютор.")
        page.locator("label", has_text="языковых и культурных барьеров").first.click()
        text = _click(page, "Сохранить черновик")
        assert TITLE in text and "Черновик" in text
        # Submitting without materials is refused, saying what is missing.
        text = _click(page, "Отправить на экспертизу")
        assert "нельзя отправить на экспертизу" in text and "материалы" in text
        # A file, then the submission goes through.
        plan = tmp_path / "План занятий.pdf"
        plan.write_bytes(b"%PDF-1.4\n% plan of the lessons\n")
        page.set_input_files("#id_file", str(plan))
        text = _click(page, "Добавить материал")
        assert "План занятий.pdf" in text
        text = _click(page, "Отправить на экспертизу")
        assert "На экспертизе" in text
        practice = Practice.objects.get(title=TITLE)
        assert practice.status == "review"
        path = practice.get_absolute_url()

        # The methodist reviews it from the queue on the criteria.
        demo_login(page, url, "analyst")
        page.goto(f"{url}{reverse('practices:index')}?tab=review")
        with page.expect_navigation():
            page.locator("main a", has_text=TITLE).first.click()
        _click(page, "Провести экспертизу")
        for criterion in ReviewCriterion.objects.filter(owner=None, is_active=True):
            page.check(f"input[name=c{criterion.pk}][value='3']")
        page.check("input[name=conclusion][value=publish]")
        page.fill("textarea[name=comment]", "Материалы полные, перенос описан.")
        text = _click(page, "Дать заключение")
        assert "Рекомендовать к публикации" in text

        # The coordinator publishes it.
        demo_login(page, url, "coordinator")
        page.goto(f"{url}{path}")
        text = _click(page, "Опубликовать")
        assert "Опубликована" in text

        # The curator finds it in the bank by its risk factor.
        demo_login(page, url, "curator")
        page.goto(f"{url}{reverse('practices:index')}")
        page.select_option("#factor", "language-barriers")
        text = _click(page, "Найти")
        assert TITLE in text

        # The methodist adopts it for another school, as an activity of its roadmap.
        from opora.practices.selectors import adoption_schools
        from opora.roadmaps.models import Section
        from opora.roadmaps.services import EDITABLE

        practice.refresh_from_db()
        reachable = adoption_schools(User.objects.get(username="analyst"))
        section = (
            Section.objects.filter(
                roadmap__status__in=sorted(EDITABLE),
                roadmap__school__in=reachable.exclude(pk=practice.organization_id),
            )
            .select_related("roadmap")
            .order_by("roadmap_id", "position")
            .first()
        )
        assert section is not None, "в демо нет школы с редактируемой дорожной картой"
        demo_login(page, url, "analyst")
        page.goto(f"{url}{path}")
        _click(page, "Внедрить в школе")
        page.select_option("#id_school", str(section.roadmap.school_id))
        page.fill("#id_adopted_on", "2026-09-01")
        page.select_option("#id_section", str(section.pk))
        page.fill("#id_responsible", "Заместитель директора по учебной работе")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        activity = f"Внедрение практики «{TITLE}»"
        assert activity in page.inner_text("body")
        page.goto(f"{url}{section.roadmap.get_absolute_url()}")
        assert activity in page.inner_text("main")

        # The constructor proposes it beside the library's measures for its risk factor.
        constructor = reverse("roadmaps:constructor", args=[section.roadmap.programme_id])
        page.goto(f"{url}{constructor}?school={section.roadmap.school_id}")
        page.check("input[name=risk_factors][value=language-barriers]")
        with page.expect_navigation():
            page.click("button[value=propose]")
        assert page.locator("tr.suggestion", has_text=TITLE).count() == 1
    finally:
        context.close()
