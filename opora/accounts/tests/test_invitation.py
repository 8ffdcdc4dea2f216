"""The invitation link: sets the password once, expires, refuses a wrong or revoked token and
a deactivated account; a new letter revokes the earlier link."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from opora.accounts import services
from opora.accounts.models import Invitation
from opora.accounts.tokens import InvitationTokenGenerator
from opora.core.choices import Role, TimelineVerb
from opora.core.models import TimelineEvent
from opora.registry.models import Person

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sirenevyi-Tuman-77"


@pytest.fixture
def invited(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.person_invite(
            actor=world.user("director_a"),
            last_name="Новикова",
            first_name="Анна",
            email="novikova@school-a.ru",
            organization=world.school_a,
            role=Role.TEACHER,
        )
    return outcome.person


def link_of(letter) -> str:
    return re.search(r"http://\S+/users/welcome/\S+/", letter.body).group(0)


def path_of(link: str) -> str:
    return link.split("testserver", 1)[-1].split("localhost:8000", 1)[-1]


def set_password(client: Client, link: str) -> object:
    response = client.get(path_of(link))
    assert response.status_code == 302  # the token moves into the session
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_link_sets_the_password_once(world, invited):
    link = link_of(mail.outbox[0])
    client = Client()
    response = set_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:welcome-done")
    assert client.login(username="novikova@school-a.ru", password=NEW_PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert TimelineEvent.objects.filter(
        object_id=str(invited.pk), verb=TimelineVerb.INVITATION_ACCEPTED
    ).exists()
    # The same link again: refused, and the password stays.
    response = Client().get(path_of(link), follow=True)
    assert "Ссылка не действует" in response.content.decode()
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)


def test_page_is_russian_and_checks_the_password(world, invited):
    client = Client()
    response = client.get(path_of(link_of(mail.outbox[0])), follow=True)
    html = response.content.decode()
    assert "Задайте пароль" in html and "novikova@school-a.ru" in html
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"}
    )
    html = response.content.decode()
    assert "Введённый пароль слишком короткий" in html
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_link_expires(world, invited, settings):
    settings.OPORA_INVITATION_DAYS = 7
    link = link_of(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=7, hours=1)
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=later):
        response = Client().get(path_of(link))
    assert "Ссылка не действует" in response.content.decode()
    within = datetime.datetime.now() + datetime.timedelta(days=6)
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=within):
        response = Client().get(path_of(link))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "mangle",
    [
        lambda path: path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:],  # wrong hash
        lambda path: re.sub(r"/welcome/[^/]+/", "/welcome/MQ/", path),  # another user's id
        lambda path: re.sub(r"/welcome/[^/]+/", "/welcome/!!!/", path),  # garbage
    ],
)
def test_wrong_token_is_refused(world, invited, mangle):
    path = mangle(path_of(link_of(mail.outbox[0])))
    response = Client().get(path)
    assert response.status_code == 200
    assert "Ссылка не действует" in response.content.decode()


def test_password_reset_token_is_not_an_invitation(world, invited):
    """Django's own reset token for the same account does not open the invitation page."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(invited.user.pk))
    token = default_token_generator.make_token(invited.user)
    response = Client().get(reverse("accounts:welcome", args=[uid, token]))
    assert "Ссылка не действует" in response.content.decode()


def test_new_letter_revokes_the_earlier_link(world, invited, django_capture_on_commit_callbacks):
    first = link_of(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("coordinator").post(
            reverse("accounts:invitation-send", args=[invited.pk])
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert "Ссылка не действует" in Client().get(path_of(first)).content.decode()
    assert set_password(Client(), link_of(mail.outbox[1])).status_code == 302
    assert Invitation.objects.filter(person=invited).count() == 2


def test_deactivated_account_link_is_refused(world, invited):
    link = link_of(mail.outbox[0])
    services.account_deactivate(actor=world.user("coordinator"), person=invited)
    response = Client().get(path_of(link))
    assert "Ссылка не действует" in response.content.decode()


def test_resend_refused_once_the_password_is_set(world, invited):
    set_password(Client(), link_of(mail.outbox[0]))
    response = world.client("director_a").post(
        reverse("accounts:invitation-send", args=[invited.pk]), follow=True
    )
    assert "уже задал пароль" in response.content.decode()
    assert len(mail.outbox) == 1


def test_person_without_account_is_invited_from_their_page(
    world, django_capture_on_commit_callbacks
):
    person = world.user("staff_a").person
    person.user = None
    person.email = "staff@school-a.ru"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.client("director_a").post(reverse("accounts:invitation-send", args=[person.pk]))
    person.refresh_from_db()
    assert person.user is not None and person.user.username == "staff@school-a.ru"
    assert mail.outbox[0].to == ["staff@school-a.ru"]


def test_login_made_from_the_address_is_unique(world, invited):
    Person.objects.filter(pk=invited.pk).update(email="")
    assert services.username_for("novikova@school-a.ru") == "novikova@school-a.ru-2"


def test_links_point_to_the_configured_site(world, settings, django_capture_on_commit_callbacks):
    settings.OPORA_SITE_URL = "https://opora.example.ru/"
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            actor=world.user("coordinator"),
            last_name="Котов",
            first_name="Олег",
            email="kotov@gcro.ru",
            organization=world.methodical_centre,
            role=Role.ANALYST,
            base_url="http://internal:8000/",
        )
    assert "https://opora.example.ru/users/welcome/" in mail.outbox[0].body
