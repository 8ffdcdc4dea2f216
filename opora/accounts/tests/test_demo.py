"""The demo's user administration: invitations waiting, an account switched off, the demo
accounts still working."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.accounts.demo import FORMER, PENDING
from opora.accounts.models import Invitation
from opora.registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_has_pending_invitations_and_a_deactivated_account(demo: None) -> None:
    for username, _role, _description in DEMO_ACCOUNTS:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert not Client().login(username=FORMER[3], password=DEMO_PASSWORD)
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == len(PENDING)
    client = Client()
    client.login(username="coordinator", password=DEMO_PASSWORD)
    people = reverse("accounts:people")
    html = client.get(people, {"account": "invited"}).content.decode()
    assert all(last in html for last, *_rest in PENDING)
    html = client.get(people, {"account": "deactivated"}).content.decode()
    assert FORMER[0] in html
    # The director manages their own school's staff, the invited teacher among them.
    client = Client()
    client.login(username="director", password=DEMO_PASSWORD)
    html = client.get(people, {"account": "invited"}).content.decode()
    assert PENDING[0][0] in html and PENDING[1][0] not in html
