"""Logging in and out, changing the password — in Russian, keeping what was typed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_russian_and_wrong_password_is_explained(world):
    client = world.client("anonymous")
    assert "Вход в Опору" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "director_a", "password": "нет"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "правильные имя пользователя и пароль" in html
    assert 'value="director_a"' in html


def test_login_then_logout(world, password):
    client = world.client("anonymous")
    response = client.post(reverse("login"), {"username": "director_a", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(world, password):
    client = world.client("teacher")
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"old_password": "неверный", "new_password1": "x", "new_password2": "y"}
    )
    html = response.content.decode()
    assert "Ваш старый пароль введен неправильно" in html
    response = client.post(
        url,
        {
            "old_password": password,
            "new_password1": "Опора-2026-новый",
            "new_password2": "Опора-2026-новый",
        },
    )
    assert response.status_code == 302
    world.user("teacher").refresh_from_db()
    assert world.user("teacher").check_password("Опора-2026-новый")


def test_password_change_needs_login(world):
    assert world.client("anonymous").get(reverse("password_change")).status_code == 302
