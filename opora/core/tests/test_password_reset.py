"""Password reset in Opora's look and in Russian: the pages, the letter, the link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from opora.core.tests.russian import not_russian, visible_text

pytestmark = pytest.mark.django_db


def _russian_page(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert not_russian(html) == []
    assert "Django" not in text  # not the admin's look
    assert "bg-opora" in html
    return text


def test_login_offers_password_reset(world):
    html = world.client("anonymous").get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "Забыли пароль?" in html


def test_password_reset_from_request_to_new_password(world, client):
    user = world.user("director_a")
    user.email = "director@school.example"
    user.save()
    _russian_page(client.get(reverse("password_reset")))
    response = client.post(reverse("password_reset"), {"email": user.email}, follow=True)
    assert "Письмо отправлено" in _russian_page(response)

    [letter] = mail.outbox
    assert letter.subject == "Опора: восстановление пароля"
    assert "Здравствуйте" in letter.body and "director_a" in letter.body
    words = re.sub(r"https?://\S+", "", letter.body)
    assert not re.search(r"\b(password|reset|account|Thanks)\b", words, re.I)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", letter.body)
    assert link is not None

    form = client.get(link.group(1), follow=True)
    assert "Новый пароль" in _russian_page(form)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Новый-пароль-2026", "new_password2": "Новый-пароль-2026"},
        follow=True,
    )
    assert "Новый пароль сохранён" in _russian_page(done)
    assert client.login(username="director_a", password="Новый-пароль-2026")


def test_used_or_wrong_link_is_explained(world, client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "wrong-token"]))
    assert "Ссылка не действует" in _russian_page(response)
