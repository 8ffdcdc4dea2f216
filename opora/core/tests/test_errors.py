"""Error pages are Russian, in the site's look, with a way home; 500 needs no database."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from opora.core.errors import server_error
from opora.core.tests.russian import not_russian, visible_text

pytestmark = pytest.mark.django_db


def _assert_error_page(response, status: int, title: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    text = visible_text(html)
    assert title in text
    assert 'href="/"' in html or f'href="{reverse("core:home")}"' in html
    assert "На главную" in text
    assert not_russian(html) == []
    assert "Django" not in text and "Traceback" not in html
    return text


@pytest.mark.parametrize("persona", ["director_a", "outsider", "anonymous"])
def test_unknown_address_is_a_russian_404(world, persona):
    response = world.client(persona).get("/no-such-page/")
    text = _assert_error_page(response, 404, "Страница не найдена")
    assert ("Войти" in text) == (persona == "anonymous")


def test_forbidden_object_is_the_same_404_and_names_nothing(world):
    response = world.client("director_a").get(reverse("registry:school", args=[world.school_b.pk]))
    text = _assert_error_page(response, 404, "Страница не найдена")
    assert "Гимназия" not in text
    # The layout is the site's: the director still has the menu.
    assert "Реестр" in text


@pytest.mark.urls("opora.core.tests.error_urls")
def test_permission_denied_is_a_russian_403(world):
    response = world.client("director_a").get("/denied/")
    text = _assert_error_page(response, 403, "Доступ закрыт")
    assert "may not" not in text


@pytest.mark.urls("opora.core.tests.error_urls")
def test_server_error_is_a_russian_500_with_the_request_id(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.user("director_a"))
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-500")
    text = _assert_error_page(response, 500, "Ошибка на сервере")
    assert "req-500" in text
    assert "RuntimeError" not in text


def test_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


def test_bad_request_is_russian(world):
    response = Client().get("/", HTTP_HOST="evil.example")
    _assert_error_page(response, 400, "Неверный запрос")


def test_stale_form_is_a_russian_csrf_page(world, password):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "director_a", "password": password})
    text = _assert_error_page(response, 403, "Форма устарела")
    assert "CSRF" not in text


def test_api_docs_are_titled_in_russian(world):
    client = world.client("coordinator")
    schema = client.get("/api/schema/?format=json").json()
    assert schema["info"]["title"] == "API системы «Опора»"
    assert "Opora" not in schema["info"]["description"]
    docs = client.get("/api/docs/").content.decode()
    assert "<title>API системы «Опора»</title>" in docs
