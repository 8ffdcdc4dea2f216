"""The support loop in real Chromium over the demo, as the issue's users walk it: from the
menu's «Поддержка» the coordinator assigns a curator by order and pairs a supported school
with a mentor the recommender proposes; the curator plans a visit and, on a phone, records
and closes it with two recommendations; the director answers one with evidence and turns the
other into an activity of the school's roadmap; the coordinator sees the schools that do not
engage. The phone pages are checked for sideways scrolling and small targets on the way.

The markup and the flow do not depend on the database; the PostgreSQL run skips the module
(the services behind each step are tested on both)."""

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


def _submit(page: Any, selector: str = "main form button[type=submit]") -> str:
    with page.expect_navigation():
        page.locator(selector).first.click()
    return page.inner_text("main")


def test_the_support_loop_on_the_demo(demo_url, browser, django_db_blocker, tmp_path):
    from opora.core.choices import Role
    from opora.core.dates import today
    from opora.registry.models import CuratorAssignment, Organization
    from opora.roadmaps.models import Activity
    from opora.support.choices import RecommendationStatus, VisitStatus
    from opora.support.models import MentorPair, Recommendation, Visit

    url = demo_url
    # Every context is closed before the test ends: a keep-alive connection left open would be
    # closed by the server's thread after the server has stopped sharing the database.
    desk = browser.new_context(locale="ru-RU")
    page = desk.new_page()
    page.set_default_timeout(20000)

    # The coordinator: «Поддержка» in the menu, then «Кураторы».
    demo_login(page, url, "coordinator")
    with page.expect_navigation():
        page.locator("nav a", has_text="Поддержка").first.click()
    assert page.url.endswith(reverse("support:index"))
    with page.expect_navigation():
        page.locator("main a[href$='/support/curators/']").first.click()
    free = page.locator("#id_schools option", has_text="без куратора").first
    school_name = free.inner_text().split(" (")[0]
    page.select_option("#id_curator", index=1)
    page.select_option("#id_schools", value=free.get_attribute("value"))
    # The demo's registered order on the curators of the 2024 list (the newest comes first).
    page.select_option("#id_order", index=1)
    assert "118-од" in page.locator("#id_order option:checked").inner_text()
    main = _submit(page)
    assert "Ошибка" not in main and "ошибк" not in main, main[:2000]
    with django_db_blocker.unblock():
        assigned = CuratorAssignment.objects.get(
            school__short_name=school_name, order__number="118-од"
        )

    # …then a mentor for a supported school: the first candidate that may be proposed.
    with django_db_blocker.unblock():
        from opora.identification.models import SchoolIdentification
        from opora.registry.demo import DEMO_TERRITORY_CODE

        paired = set(MentorPair.objects.values_list("school_id", flat=True))
        # The city's list: the coordinator's; the region's other municipalities are not its.
        listed = [
            pk
            for pk in SchoolIdentification.objects.filter(
                run__territory__code=DEMO_TERRITORY_CODE, run__status="approved", in_list=True
            ).values_list("school_id", flat=True)
            if pk not in paired
        ]
    for school_pk in listed[:8]:
        page.goto(f"{url}{reverse('support:mentor-recommend', args=[school_pk])}")
        assert "Похожие школы с лучшими результатами" in page.inner_text("main")
        propose = page.locator("main a", has_text="Сделать наставником")
        if propose.count():
            break
    else:
        raise AssertionError("рекомендатель не предложил наставника ни одной из восьми школ")
    with page.expect_navigation():
        propose.first.click()
    page.locator("input[name=areas]").first.check()
    main = _submit(page)
    with django_db_blocker.unblock():
        pair = MentorPair.objects.get(school_id=school_pk)
    assert str(pair.mentor.short_name) in page.inner_text("body")

    # The curator plans a visit to the director's school and records it on a phone.
    with django_db_blocker.unblock():
        school = Organization.objects.get(
            memberships__person__user__username="director",
            memberships__role=Role.SCHOOL_DIRECTOR,
        )
    desk.close()
    phone = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(20000)
    problems: list[str] = []
    demo_login(page, url, "curator")
    page.goto(f"{url}{reverse('support:visit-new')}")
    problems += phone_problems(page, "план выезда")
    page.select_option("#id_school", value=str(school.pk))
    page.select_option("#id_kind", value="landing")
    page.fill("#id_planned_on", today().isoformat())
    page.select_option("#id_lead", index=1)
    page.fill("#id_purpose", "Методический десант: подготовка к ВПР по математике")
    main = _submit(page)
    assert "Выезд запланирован" in main, main[:2000]
    with django_db_blocker.unblock():
        visit = Visit.objects.filter(school=school, purpose__startswith="Методический десант:")
        visit = visit.get()
    page.goto(f"{url}{reverse('support:visit-record', args=[visit.pk])}")
    problems += phone_problems(page, "запись выезда")
    page.fill("#id_findings", "Команда школы разобрала задания ВПР; нужен план ВШК")
    page.fill("#id_rec-0-text", "Составить план внутришкольного контроля по математике")
    page.fill("#id_rec-0-due_on", "2099-05-20")
    page.fill("#id_rec-1-text", "Провести взаимопосещение уроков математики")
    page.fill("#id_rec-1-due_on", "2099-06-01")
    close = page.locator("button[name=close]")
    close.scroll_into_view_if_needed()
    with page.expect_navigation():
        close.tap()
    assert "Выезд закрыт" in page.inner_text("main")
    with django_db_blocker.unblock():
        visit.refresh_from_db()
        assert visit.status == VisitStatus.DONE
        first, second = Recommendation.objects.filter(visit=visit).order_by("pk")

    # The director answers the first with evidence and turns the second into an activity.
    demo_login(page, url, "director")
    page.goto(f"{url}{first.get_absolute_url()}")
    problems += phone_problems(page, "рекомендация")
    done = page.locator("input[name=status][value=done]")
    page.locator(f"label[for='{done.get_attribute('id')}']").tap()
    evidence = tmp_path / "план ВШК.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% plan\n")
    page.set_input_files("#id_evidence", str(evidence))
    with page.expect_navigation():
        page.locator("#answer-form button[type=submit]").tap()
    assert "Ответ записан" in page.inner_text("main")
    page.goto(f"{url}{second.get_absolute_url()}")
    with page.expect_navigation():
        page.locator("a:has-text('Сделать мероприятием дорожной карты')").tap()
    correction = page.locator("#id_correction")
    if correction.count():
        correction.fill("Рекомендация по итогам методического десанта")
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert "добавлено в дорожную карту" in page.inner_text("main")
    with django_db_blocker.unblock():
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == RecommendationStatus.DONE
        assert second.activity is not None
        assert Activity.objects.filter(pk=second.activity_id, roadmap__school=school).exists()
    phone.close()

    # The coordinator sees who does not engage, and the school card shows the new curator.
    page = browser.new_context(locale="ru-RU").new_page()
    demo_login(page, url, "coordinator")
    page.goto(f"{url}{reverse('support:engagement')}")
    main = page.inner_text("main")
    assert "Вовлечённость школ" in main and "Обратиться к директору" in main, main[:2000]
    page.goto(f"{url}{reverse('registry:school', args=[assigned.school_id])}")
    assert str(assigned.curator) in page.inner_text("main")
    page.context.close()
    assert problems == [], "\n".join(problems)


def test_a_list_approved_by_the_order_opora_drafted(demo_url, browser, django_db_blocker, tmp_path):
    """Issue 13, «done when»: the coordinator approves the demo's 2025 list through the
    order Opora drafts — «Подготовить проект приказа», the .docx downloaded, the signed PDF
    uploaded and registered, the list approved by that order."""
    import docx

    from opora.identification.choices import RunStatus
    from opora.identification.models import IdentificationRun
    from opora.identification.services import run_send
    from opora.registry.demo import DEMO_TERRITORY_CODE

    with django_db_blocker.unblock():
        # The city's draft (the coordinator's): the region's municipalities have their own.
        run = IdentificationRun.objects.get(
            territory__code=DEMO_TERRITORY_CODE, year=2025, status=RunStatus.DRAFT
        )
        run_send(run=run, user=run.created_by)
    desk = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = desk.new_page()
    page.set_default_timeout(20000)
    try:
        demo_login(page, demo_url, "coordinator")
        page.goto(f"{demo_url}{run.get_absolute_url()}")
        main = _submit(page, "main form button:has-text('Подготовить проект приказа')")
        assert "Проект приказа со списком школ подготовлен" in main
        with page.expect_download() as download_info:
            page.click("main a:has-text('Скачать проект приказа (.docx)')")
        target = tmp_path / "проект.docx"
        download_info.value.save_as(target)
        document = docx.Document(str(target))
        appendix = document.tables[-1]
        assert [c.text for c in appendix.rows[0].cells][:2] == ["№", "Школа"]
        assert len(appendix.rows) > 5
        with page.expect_navigation():
            page.click("main a:has-text('Зарегистрировать подписанный приказ')")
        page.fill("#id_number", "131-од")
        page.fill("#id_date", "2025-09-03")
        page.fill("#id_signatory", "Начальник департамента образования Е. В. Соколова")
        signed = tmp_path / "Приказ 131-од.pdf"
        signed.write_bytes(b"%PDF-1.4\n% signed scan\n")
        page.set_input_files("#id_file", str(signed))
        main = _submit(page, "main form button:has-text('Зарегистрировать')")
        assert "Приказ зарегистрирован" in main and "№ 131-од от 03.09.2025" in main
        assert "Список" in page.inner_text("#order-subjects")
        page.goto(f"{demo_url}{run.get_absolute_url()}")
        page.select_option(
            "#id_order", label=page.locator("#id_order option", has_text="131-од").inner_text()
        )
        main = _submit(page, "main form button:has-text('Утвердить')")
        assert "Список утверждён" in main and "Приказ № 131-од от 03.09.2025" in main
    finally:
        desk.close()
    with django_db_blocker.unblock():
        run.refresh_from_db()
        assert (run.status, run.order_number) == (RunStatus.APPROVED, "131-од")
