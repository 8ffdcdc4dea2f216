"""In real Chromium: a director builds a programme in the constructor and submits it, the
curator remarks on an activity and returns it, then recommends it, the coordinator approves
it by an order, and the director reports an activity done with an evidence file that the
curator downloads."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse

from opora.identification.tests.test_browser import login
from opora.registry.choices import OrderKind
from opora.registry.models import Programme, ProgrammeSchool
from opora.registry.tests.factories import registered_order
from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
from opora.roadmaps.models import Activity, Evidence, ReviewComment, Roadmap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def step(page, label: str) -> None:
    """Press a workflow button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(f"main button:has-text('{label}')")


def test_constructor_review_approval_and_execution(world, live_server, page, password, tmp_path):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    url = live_server.url

    # The director proposes measures for one risk factor, drops one and creates the draft.
    login(page, url, "director_a", password)
    constructor = reverse("roadmaps:constructor", args=[programme.pk])
    page.goto(f"{url}{constructor}?school={world.school_a.pk}")
    page.check("input[name=risk_factors] >> nth=0")
    page.click("button[value=propose]")
    page.wait_for_selector("button[value=create]")
    proposed = page.locator("input[name=measures]").count()
    assert proposed >= 5
    page.uncheck("input[name=measures] >> nth=0")
    with page.expect_navigation():
        page.click("button[value=create]")
    assert "Проект программы создан" in page.inner_text("main")
    roadmap = Roadmap.objects.get(school=world.school_a)
    assert Activity.objects.filter(roadmap=roadmap).count() == proposed - 1
    step(page, "Представить на рассмотрение")
    assert "представлена на рассмотрение" in page.inner_text("main")

    # The curator takes it up, remarks on the first activity and returns it with a reason.
    page.context.clear_cookies()
    login(page, url, "curator", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    step(page, "Взять на рассмотрение")
    first = Activity.objects.filter(roadmap=roadmap).order_by("position").first()
    assert first is not None
    row = page.locator(f"#a{first.pk} + tr.comments")
    row.locator("summary").click()
    row.locator("textarea").fill("Уточните, кто отвечает за мероприятие")
    with page.expect_navigation():
        row.locator("button").click()
    assert ReviewComment.objects.get(activity=first).text.startswith("Уточните")
    # Returning without a reason keeps the page and says what is missing.
    step(page, "Вернуть на доработку")
    assert "Напишите, что нужно исправить" in page.inner_text("main")
    page.fill("#comment-return", "Нет ответственных за раздел 1")
    step(page, "Вернуть на доработку")
    assert Roadmap.objects.get(pk=roadmap.pk).status == RoadmapStatus.RETURNED

    # The director sees the remark, corrects the activity and submits again.
    page.context.clear_cookies()
    login(page, url, "director_a", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    assert "Уточните, кто отвечает за мероприятие" in page.inner_text("main")
    assert "Нет ответственных за раздел 1" in page.inner_text("main")
    page.goto(f"{url}{reverse('roadmaps:activity', args=[roadmap.pk, first.pk])}")
    page.fill("#id_responsible", "заместитель директора по УВР")
    page.fill("#id_schedule_text", "октябрь 2024")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    step(page, "Представить на рассмотрение")

    # The curator recommends; the coordinator approves by an order.
    page.context.clear_cookies()
    login(page, url, "curator", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    step(page, "Рекомендовать к утверждению")
    order = registered_order(
        world.department, OrderKind.ROADMAP, "245-од", date=datetime.date(2024, 9, 10)
    )
    page.context.clear_cookies()
    login(page, url, "coordinator", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    page.select_option("#order-select", str(order.pk))
    step(page, "Утвердить приказом")
    assert "Приказ № 245-од от 10.09.2024" in page.inner_text("main")

    # The director starts execution and reports the corrected activity with a minutes file.
    page.context.clear_cookies()
    login(page, url, "director_a", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    step(page, "Начать исполнение")
    page.click(f"#a{first.pk} a:has-text('Отчитаться')")
    page.wait_for_selector("#id_text")
    minutes = tmp_path / "протокол педсовета.pdf"
    minutes.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.select_option("#id_outcome", "done")
    page.fill("#id_done_on", "2024-10-20")
    page.fill("#id_text", "Назначен ответственный, проведён педсовет.")
    page.select_option("#id_kind", "minutes")
    page.set_input_files("#id_evidence", str(minutes))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    first.refresh_from_db()
    assert first.status == ActivityStatus.DONE
    evidence = Evidence.objects.get(report__activity=first)
    assert evidence.original_name == "протокол педсовета.pdf"

    # The curator sees the report and downloads the file.
    page.context.clear_cookies()
    login(page, url, "curator", password)
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    assert "Назначен ответственный" in page.inner_text(f"#a{first.pk}")
    with page.expect_download() as download:
        page.click(f"#a{first.pk} a:has-text('протокол педсовета.pdf')")
    assert download.value.suggested_filename == "протокол педсовета.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
