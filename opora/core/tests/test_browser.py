"""In real Chromium: log in, search a school, open its card, run a small registry import."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_login_search_open_card_and_import(world, live_server, page, password, tmp_path):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector('h1:has-text("Здравствуйте")')

    page.fill("input[name=q][type=search]", "гимназия")
    page.press("input[name=q][type=search]", "Enter")
    page.wait_for_selector("text=Найдено: 1")
    assert "СОШ № 1" not in page.inner_text("#school-table")
    page.click("#school-table >> text=Гимназия № 2")
    page.wait_for_selector("h1:has-text('Гимназия № 2')")
    assert "Южный" in page.content()
    # The card's tabs: each opens at its own address, the browser's «Назад» returns.
    page.click("nav[aria-label='Разделы карточки школы'] >> text=Поддержка")
    page.wait_for_selector("a[aria-current=page]:has-text('Поддержка')")
    assert page.url.endswith(f"/registry/schools/{world.school_b.pk}/support/")
    assert "Сведения о школе" not in page.content()
    page.go_back()
    page.wait_for_selector("a[aria-current=page]:has-text('Общие сведения')")
    assert "Сведения о школе" in page.content()

    csv_file = tmp_path / "реестр.csv"
    csv_file.write_bytes(
        "Код ОО;Полное наименование;Вид ОО;Номер;Территория;Численность обучающихся\r\n"
        "BR-1;Средняя школа № 77;СОШ;77;Северный;640\r\n"
        "BR-2;Лицей № 78;лицей;78;Южный;910\r\n".encode("cp1251")
    )
    page.goto(f"{live_server.url}/imports/registry.schools/")
    page.set_input_files("#id_file", str(csv_file))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Сопоставление столбцов")
    assert page.input_value("#id_col_territory") == "Территория"
    page.click("button:has-text('Проверить')")
    page.wait_for_selector("#import-ok")
    assert "будет создано: 2" in page.inner_text("#import-ok")
    page.click("#import-confirm")
    page.wait_for_selector("#job-result")
    assert "создано: 2" in page.inner_text("#job-result")
    assert "100" in page.inner_text(".progress")

    page.goto(f"{live_server.url}/registry/schools/?q=77")
    page.wait_for_selector("text=Средняя школа № 77")
    shutil.rmtree(tmp_path, ignore_errors=True)
