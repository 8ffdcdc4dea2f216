"""In real Chromium: load results through the wizard, run the identification as a job, read
the list, and hover a school on the chart of results against context."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from opora.identification.tests.test_runs import fill
from opora.registry.models import AcademicYear
from opora.registry.tests.factories import SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def login(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector('h1:has-text("Здравствуйте")')


def test_import_run_list_and_chart(world, live_server, page, password, tmp_path):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    schools = [SchoolFactory(territory=world.north) for _ in range(15)]
    fill([world.school_b, *schools], weak=(schools[0],))
    login(page, live_server.url, "analyst", password)

    results = tmp_path / "результаты.csv"
    results.write_bytes(
        "Код ОО;Год;Оценочная процедура;Предмет;Класс;Число участников;Средний балл;Доля «2», %\r\n"
        "SCH-A;2025;ВПР;Математика;5;24;8,5;41\r\n"
        "SCH-A;2025;ВПР;Русский язык;5;24;9;38\r\n"
        "NO-SUCH;2025;ВПР;Математика;5;20;12;10\r\n".encode("cp1251")
    )
    page.goto(f"{live_server.url}/imports/results.table/")
    page.set_input_files("#id_file", str(results))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Сопоставление столбцов")
    page.check("input[name=unknown_schools][value=skip]")
    page.click("button:has-text('Проверить')")
    page.wait_for_selector("#import-ok")
    assert "пропущено: 1" in page.inner_text("#import-ok")
    assert "NO-SUCH (строка 4)" in page.inner_text("main")
    page.click("#import-confirm")
    page.wait_for_selector("#job-result")

    page.goto(f"{live_server.url}/identification/")
    page.select_option("#id_territory", label="Город N")
    page.select_option("#id_year", "2025")
    page.click("button:has-text('Рассчитать')")
    # The page polls the job and reloads itself when the list is ready.
    page.wait_for_selector("text=в списке", timeout=60000)
    page.select_option("#id_status", "low_results")
    page.wait_for_function(
        "name => !document.querySelector('#run-table').innerText.includes(name)",
        arg=world.school_b.short_name,
    )
    assert schools[0].short_name in page.inner_text("#run-table")

    page.click("text=График: результаты и контекст")
    page.wait_for_function("() => window.oporaCharts && window.oporaCharts['run-scatter']")
    position = page.evaluate(
        """() => {
          const chart = window.oporaCharts['run-scatter'];
          const point = chart.getDatasetMeta(0).data[0];
          return {x: point.x, y: point.y, total: chart.data.datasets
            .filter(d => d.type !== 'line').reduce((n, d) => n + d.data.length, 0)};
        }"""
    )
    # School A has results but no context: it is in the list, not on the chart.
    assert position["total"] == 16
    box = page.locator("#run-scatter").bounding_box()
    page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
    page.wait_for_function("() => window.oporaCharts['run-scatter'].tooltip.opacity > 0")
    label = page.evaluate("window.oporaCharts['run-scatter'].tooltip.body[0].lines[0]")
    assert "результаты" in label and "контекст" in label
