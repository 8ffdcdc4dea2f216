"""An official list in real Chromium over the demo: the analyst opens «Выявление» →
«Официальные списки», loads a list file through the import wizard with the order's data,
waits for the job, opens the list, sees the three groups with their counts, switches the
group shown and downloads the comparison as XLSX.

SQLite only (the import and the comparison are tested on both databases in
test_external_lists.py)."""

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

ORDER_NUMBER = "77-р"
TITLE = "Перечень школ, нуждающихся в поддержке"


def test_the_analyst_loads_an_official_list_and_compares_it(
    demo_url, browser, django_db_blocker, tmp_path
):
    from opora.core.jobs import job_run
    from opora.core.models import Job
    from opora.identification.choices import RunStatus
    from opora.identification.models import ExternalList, SchoolIdentification
    from opora.registry.demo import DEMO_TERRITORY_CODE

    with django_db_blocker.unblock():
        outcomes = SchoolIdentification.objects.filter(
            run__territory__code=DEMO_TERRITORY_CODE,
            run__year=2024,
            run__status=RunStatus.APPROVED,
        ).order_by("school__code")
        listed = list(outcomes.filter(in_list=True).values_list("school__code", "school__name"))
        others = list(outcomes.filter(in_list=False).values_list("school__code", "school__name"))
    assert len(listed) > 5 and len(others) >= 2
    # Five of the approved list and two schools outside it.
    chosen = listed[-5:] + others[:2]
    csv = tmp_path / "Перечень 2024.csv"
    csv.write_text(
        "\r\n".join(["Код ОО;Наименование", *(f"{code};{name}" for code, name in chosen)]),
        encoding="utf-8-sig",
    )

    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        demo_login(page, demo_url, "analyst")
        with page.expect_navigation():
            page.locator("#main-nav .nav-link", has_text="Выявление").click()
        with page.expect_navigation():
            page.locator("main a", has_text="Официальные списки").first.click()
        assert page.locator("h1").inner_text() == "Официальные списки"
        with page.expect_navigation():
            page.locator("main a", has_text="Загрузить официальный список").click()

        # The wizard: the file, then the columns (guessed) and the list's own data.
        page.set_input_files("#id_file", str(csv))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/columns/" in page.url, page.inner_text("main")
        page.fill("#id_default_territory", DEMO_TERRITORY_CODE)
        page.fill("#id_default_year", "2024")
        page.fill("#id_default_title", TITLE)
        page.fill("#id_default_issuer", "Министерство образования Демо-области")
        page.fill("#id_default_order_number", ORDER_NUMBER)
        page.fill("#id_default_order_date", "02.09.2024")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/preview/" in page.url, page.inner_text("main")
        assert "Официальный список будет сохранён: школ — 7" in page.inner_text("main")
        with page.expect_navigation():
            page.click("#import-confirm")
        assert "/jobs/" in page.url
        job_url = page.url
        # The served demo shares the tests' transaction, so the queue's on-commit never comes:
        # the job runs here, as a worker would, while the page (which polls) is away.
        page.goto("about:blank")
        with django_db_blocker.unblock():
            job = Job.objects.filter(kind="core.import").order_by("-pk").first()
            assert job is not None
            job_run(job.pk)
        page.goto(job_url)
        assert "Официальный список сохранён: школ — 7" in page.inner_text("#job-result")

        # The list among the lists, and its page.
        page.goto(f"{demo_url}{reverse('identification:lists')}")
        with page.expect_navigation():
            page.get_by_role("link", name=TITLE, exact=True).click()
        main = page.inner_text("main")
        assert "приказ от 2 сентября 2024 г. № 77-р" in main
        assert "Министерство образования Демо-области" in main
        counts = [
            text.split("\n")[0]
            for text in page.locator("#comparison-counts .border").all_inner_texts()
        ]
        only_computed = len(listed) - 5
        assert counts == ["7", "5", "2", str(only_computed)]
        # All three groups are in the table at first; then only the official one's extras.
        groups = set(page.locator("#comparison tbody tr td:nth-child(2)").all_inner_texts())
        assert groups == {"в обоих списках", "только в официальном", "только в рассчитанном"}
        page.select_option("#id_group", "official")
        with page.expect_navigation():
            page.locator("main form button[type=submit]", has_text="Показать").click()
        rows = page.locator("#comparison tbody tr")
        assert rows.count() == 2
        assert set(page.locator("#comparison tbody tr td:nth-child(2)").all_inner_texts()) == {
            "только в официальном"
        }
        names = page.locator("#comparison tbody tr td:first-child a").all_inner_texts()
        assert len(names) == 2

        with page.expect_download() as info:
            page.locator("main a", has_text="XLSX").click()
        download = info.value
        name = download.suggested_filename
        assert name.endswith(".xlsx") and name.startswith("Сравнение списков"), name
        assert Path(download.path()).read_bytes().startswith(b"PK")
    finally:
        context.close()
    with django_db_blocker.unblock():
        saved = ExternalList.objects.get(order_number=ORDER_NUMBER)
        assert saved.schools.count() == 7
