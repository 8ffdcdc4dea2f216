"""In real Chromium: the coordinator invites a teacher, the letter's link sets the password,
the teacher logs in and sees their school."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_invite_set_password_and_log_in(world, live_server, browser, page, password):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector('h1:has-text("Здравствуйте")')

    page.click("nav >> text=Пользователи")
    page.wait_for_selector("#people-table")
    page.click("#invite-button")
    page.fill("#id_last_name", "Новикова")
    page.fill("#id_first_name", "Анна")
    page.fill("#id_middle_name", "Игоревна")
    page.fill("#id_email", "novikova@school-a.ru")
    page.select_option("#id_organization", label="СОШ № 1 (Северный)")
    page.select_option("#id_role", label="Учитель")
    page.fill("#id_position", "учитель химии")
    page.click("#person-form button[type=submit]")
    page.wait_for_selector("text=Приглашение отправлено на адрес novikova@school-a.ru")
    assert "Приглашён, пароль не задан" in page.inner_text("#account-state")

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/users/welcome/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)

    # The teacher, in a browser of their own.
    context = browser.new_context(locale="ru-RU")
    teacher = context.new_page()
    teacher.set_default_timeout(15000)
    teacher.goto(link)
    teacher.wait_for_selector("text=Задайте пароль для входа")
    teacher.fill("#id_new_password1", "Sirenevyi-Tuman-77")
    teacher.fill("#id_new_password2", "Sirenevyi-Tuman-77")
    teacher.click("#welcome-form button[type=submit]")
    teacher.wait_for_selector("#welcome-done")
    teacher.click("main >> text=Войти")
    teacher.fill("#id_username", "novikova@school-a.ru")
    teacher.fill("#id_password", "Sirenevyi-Tuman-77")
    teacher.click("main button[type=submit]")
    teacher.wait_for_selector("text=Моя школа")
    assert "СОШ № 1" in teacher.inner_text("main")
    # The link is spent.
    teacher.goto(link)
    teacher.wait_for_selector("#welcome-invalid")
    context.close()

    # Back at the coordinator's: the account is active now.
    page.reload()
    assert "Действует" in page.inner_text("#account-state")
