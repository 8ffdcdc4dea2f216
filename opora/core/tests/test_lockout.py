"""Password guessing: the login page and /api/token/ lock out after repeated failures — per
account from one address, per account, per address — with a Russian answer saying when to try
again; the client address is the one trusted proxies report; /admin/login/ is no second form."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from opora.core.web import client_ip
from opora.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def token(client: APIClient, username: str, password: str):
    return client.post("/api/token/", {"username": username, "password": password})


def test_login_page_locks_an_account_from_an_address_after_five_failures(world, password):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(4):
        assert login(client, "director_a", "неверный").status_code == 200
    locked = login(client, "director_a", "неверный")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Вход временно закрыт" in page
    assert re.search(r"попробуйте снова после \d\d\.\d\d\.\d{4} \d\d:\d\d \(через 15 мин\.\)", page)
    assert locked["Retry-After"] == "900"
    # Even the right password is refused while locked, and nothing is signed in.
    assert login(client, "director_a", password).status_code == 429
    assert client.get(reverse("core:home")).status_code == 302
    # The real user at another address is not affected; nor is another account here.
    assert login(Client(REMOTE_ADDR="198.51.100.7"), "director_a", password).status_code == 302
    assert login(client, "director_b", password).status_code == 302


def test_an_account_is_locked_against_guessing_spread_over_addresses(world, password, settings):
    settings.OPORA_LOGIN_FAILURES_ACCOUNT = 6
    for n in range(6):
        login(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "coordinator", "неверный")
    assert login(Client(REMOTE_ADDR="192.0.2.77"), "coordinator", password).status_code == 429


def test_an_address_trying_many_accounts_is_locked(world, password, settings):
    settings.OPORA_LOGIN_FAILURES_ADDRESS = 8
    client = Client(REMOTE_ADDR="203.0.113.9")
    for persona in ["coordinator", "analyst", "curator", "teacher"] * 2:
        assert login(client, persona, "неверный").status_code in (200, 429)
    assert login(client, "council", password).status_code == 429
    assert login(Client(REMOTE_ADDR="203.0.113.10"), "council", password).status_code == 302


def test_the_lockout_passes_after_the_window(world, password, settings):
    client = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(5):
        login(client, "teacher", "неверный")
    assert login(client, "teacher", password).status_code == 429
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert login(client, "teacher", password).status_code == 302


def test_token_endpoint_counts_failures_and_locks_out_in_russian(world, password):
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    for _ in range(4):
        response = token(client, "director_a", "неверный")
        assert response.status_code == 400
        assert "Невозможно войти" in response.json()["non_field_errors"][0]
    locked = token(client, "director_a", "неверный")
    assert locked.status_code == 429
    assert "(через 15 мин.)" in locked.json()["detail"]
    assert token(client, "director_a", password).status_code == 429
    # The page and the API count together: the login page is locked for this pair too.
    assert login(Client(REMOTE_ADDR="203.0.113.20"), "director_a", password).status_code == 429
    ok = token(APIClient(REMOTE_ADDR="203.0.113.21"), "director_a", password)
    assert ok.status_code == 200 and ok.json()["token"]


def test_token_endpoint_is_throttled_for_anonymous_floods(world, settings):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/minute"}
    settings.OPORA_LOGIN_FAILURES = 1000
    settings.OPORA_LOGIN_FAILURES_ACCOUNT = 1000
    settings.OPORA_LOGIN_FAILURES_ADDRESS = 1000
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = APIClient(REMOTE_ADDR="203.0.113.30")
        codes = [token(client, f"nobody{n}", "x").status_code for n in range(4)]
        assert codes == [400, 400, 400, 429]
        # Keyed on the client address, not on an X-Forwarded-For anyone may send.
        forged = APIClient(REMOTE_ADDR="203.0.113.30", HTTP_X_FORWARDED_FOR="10.0.0.1")
        assert token(forged, "nobody", "x").status_code == 429
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()


def test_admin_login_is_opora_login(world, password):
    anonymous = Client(REMOTE_ADDR="203.0.113.40")
    response = anonymous.get("/admin/login/?next=/admin/registry/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fregistry%2F"
    # No password form of its own: a POST is not a login.
    posted = anonymous.post("/admin/login/", {"username": "root", "password": password})
    assert posted.status_code == 302 and "/accounts/login/" in posted["Location"]
    assert anonymous.get("/admin/").status_code == 404
    # An outside «next» is not followed.
    assert anonymous.get("/admin/login/?next=https://evil.example/")["Location"] == (
        "/accounts/login/?next=%2Fadmin%2F"
    )
    # A superuser signs in on Opora's page and gets the admin.
    assert login(anonymous, "root", password).status_code == 302
    assert anonymous.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert anonymous.get("/admin/").status_code == 200
    # Others signed in do not learn that the admin exists.
    assert world.client("coordinator").get("/admin/login/").status_code == 404


def test_admin_login_failures_are_locked_out_too(world):
    UserFactory(username="boss", is_superuser=True, is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.41")
    for _ in range(5):
        login(client, "boss", "неверный")
    assert login(client, "boss", "неверный").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        # Facing the network: the peer, whatever headers say.
        (0, {"REMOTE_ADDR": "203.0.113.1", "HTTP_X_FORWARDED_FOR": "10.0.0.9"}, "203.0.113.1"),
        # One proxy (nginx appending $remote_addr): the right-most entry.
        (1, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.3"}, "198.51.100.3"),
        # … and what the client wrote to the left of it is ignored.
        (
            1,
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.9, 198.51.100.3"},
            "198.51.100.3",
        ),
        # Two proxies (a balancer, then nginx): the second from the right.
        (
            2,
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.3, 10.0.0.2"},
            "198.51.100.3",
        ),
        # A request that bypassed the proxies: the peer.
        (1, {"REMOTE_ADDR": "192.0.2.8"}, "192.0.2.8"),
        (2, {"REMOTE_ADDR": "192.0.2.8", "HTTP_X_FORWARDED_FOR": "198.51.100.3"}, "192.0.2.8"),
        # Not an address: the peer; an address with a port: the address.
        (1, {"REMOTE_ADDR": "192.0.2.8", "HTTP_X_FORWARDED_FOR": "unknown"}, "192.0.2.8"),
        (
            1,
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.3:5123"},
            "198.51.100.3",
        ),
        (1, {"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "[2001:db8::7]:443"}, "2001:db8::7"),
    ],
)
def test_client_ip(settings, proxies, meta, expected):
    settings.OPORA_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert client_ip(request) == expected


def test_client_ip_reads_the_configured_header(settings):
    settings.OPORA_TRUSTED_PROXIES = 1
    settings.OPORA_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert client_ip(request) == "198.51.100.4"


def test_lockout_behind_a_proxy_keys_on_the_forwarded_address(world, password, settings):
    settings.OPORA_TRUSTED_PROXIES = 1
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    for _ in range(5):
        login(attacker, "analyst", "неверный")
    assert login(attacker, "analyst", password).status_code == 429
    # Everyone else comes through the same nginx (127.0.0.1) and is not locked with them.
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert login(colleague, "analyst", password).status_code == 302
    # Forging the header in front of the proxy's entry does not change who one is.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.50, 203.0.113.50")
    assert login(forged, "analyst", password).status_code == 429
