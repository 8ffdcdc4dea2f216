"""User administration through HTTP, for the roles that may and the roles that may not;
every refused attempt changes nothing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from opora.accounts.models import Invitation
from opora.core.choices import Role, TimelineVerb
from opora.core.models import TimelineEvent
from opora.registry.models import Membership, Person
from opora.registry.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE = reverse("accounts:people")
INVITE = reverse("accounts:invite")


def invite_data(world, **overrides):
    data = {
        "last_name": "Новикова",
        "first_name": "Анна",
        "middle_name": "Игоревна",
        "email": "Novikova@School-A.ru",
        "phone": "",
        "organization": world.school_a.pk,
        "role": Role.TEACHER,
        "position": "учитель химии",
        "send": "on",
    }
    data.update(overrides)
    return data


# --- Who reaches the pages ------------------------------------------------------------------


def test_anonymous_is_sent_to_login(world):
    response = world.client("anonymous").get(PEOPLE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("director_a", 200),
        ("superuser", 200),
        ("analyst", 404),
        ("council", 404),
        ("curator", 404),
        ("staff_a", 404),
        ("teacher", 404),
    ],
)
def test_people_list_and_invite_page_only_for_those_who_manage(world, persona, status):
    client = world.client(persona)
    assert client.get(PEOPLE).status_code == status
    assert client.get(INVITE).status_code == status


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("coordinator", True), ("director_a", True), ("analyst", False), ("teacher", False)],
)
def test_menu_item_only_for_those_who_manage(world, persona, shown):
    html = world.client(persona).get(reverse("core:home")).content.decode()
    assert (f'href="{PEOPLE}"' in html) is shown


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("coordinator", ["Uchitel", "Zavuch", "Director_a"], ["Chuzhoy", "Outsider"]),
        ("director_a", ["Uchitel", "Staff_a"], ["Zavuch", "Director_b", "Chuzhoy"]),
        ("outsider", ["Chuzhoy"], ["Uchitel", "Zavuch"]),
    ],
)
def test_people_list_shows_only_people_in_reach(world, people, persona, visible, hidden):
    html = world.client(persona).get(PEOPLE).content.decode()
    for name in visible:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("director_a", 200),
        ("superuser", 200),
        ("director_b", 404),
        ("outsider", 404),
        ("analyst", 404),
        ("curator", 404),
        ("teacher", 404),
        ("council", 404),
    ],
)
def test_person_page_access(world, people, persona, status):
    url = reverse("accounts:person", args=[people.teacher_a.pk])
    response = world.client(persona).get(url)
    assert response.status_code == status
    if status == 404:
        assert "uchitel@school-a.ru" not in response.content.decode()


def test_people_list_filters(world, people):
    client = world.client("coordinator")
    html = client.get(PEOPLE, {"organization": world.school_b.pk}).content.decode()
    assert "Zavuch" in html and "Uchitel" not in html
    html = client.get(PEOPLE, {"role": Role.TEACHER}).content.decode()
    assert "Uchitel" in html and "Zavuch" not in html
    html = client.get(PEOPLE, {"q": "uchitel@"}).content.decode()
    assert "Uchitel" in html and "Zavuch" not in html
    html = client.get(PEOPLE, {"q": "завуч"}).content.decode()  # no such Cyrillic name
    assert "Найдено: 0" in html
    people.staff_b.user.is_active = False
    people.staff_b.user.save()
    html = client.get(PEOPLE, {"account": "deactivated"}).content.decode()
    assert "Zavuch" in html and "Uchitel" not in html
    membership = people.teacher_a.memberships.get()
    membership.is_active = False
    membership.save()
    html = client.get(PEOPLE, {"status": "ended"}).content.decode()
    assert "Uchitel" in html and "Zavuch" not in html
    # An organisation outside reach is not a valid choice: the filter is ignored, not obeyed.
    html = client.get(PEOPLE, {"organization": world.school_c.pk}).content.decode()
    assert "Chuzhoy" not in html


def test_people_list_query_count_does_not_grow(world, people):
    client = world.client("coordinator")
    client.get(PEOPLE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PEOPLE).status_code == 200
    for n in range(40):
        person = PersonFactory(email=f"p{n}@school-b.ru")
        MembershipFactory(person=person, organization=world.school_b, role=Role.TEACHER)
        MembershipFactory(person=person, organization=world.school_a, role=Role.SCHOOL_STAFF)
    with CaptureQueriesContext(connection) as many:
        assert client.get(PEOPLE).status_code == 200
    assert len(many) == len(few)


# --- Invite ---------------------------------------------------------------------------------


def test_coordinator_invites_a_teacher(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("coordinator").post(INVITE, invite_data(world))
    person = Person.objects.get(email="novikova@school-a.ru")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:person", args=[person.pk])
    user = person.user
    assert user.username == "novikova@school-a.ru" and not user.has_usable_password()
    assert user.is_active and not user.is_staff and not user.is_superuser
    membership = person.memberships.get()
    assert (membership.organization, membership.role) == (world.school_a, Role.TEACHER)
    assert membership.since is not None and membership.position == "учитель химии"
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["novikova@school-a.ru"]
    assert "Приглашение" in letter.subject and "Анна Игоревна" in letter.body
    assert "учитель, Средняя школа № 1" in letter.body
    assert "Coordinator Иван Сергеевич приглашает вас" in letter.body
    assert "http://testserver/users/welcome/" in letter.body
    verbs = set(
        TimelineEvent.objects.filter(object_id=str(person.pk)).values_list("verb", flat=True)
    )
    assert verbs == {TimelineVerb.INVITED, TimelineVerb.ROLE_GRANTED}
    assert LogEntry.objects.get_for_object(membership).get().actor == world.user("coordinator")
    invitation = Invitation.objects.get()
    assert invitation.sent_by == world.user("coordinator")


def test_letter_leaves_only_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.client("coordinator").post(INVITE, invite_data(world))
    assert mail.outbox == [] and len(callbacks) == 1


def test_invite_without_letter(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.client("coordinator").post(INVITE, invite_data(world, send=""))
    person = Person.objects.get(email="novikova@school-a.ru")
    assert mail.outbox == [] and not Invitation.objects.exists()
    html = world.client("coordinator").get(reverse("accounts:person", args=[person.pk]))
    assert "не отправлялось" in html.content.decode()


def test_existing_address_gets_the_role_not_a_duplicate(world, people):
    response = world.client("coordinator").post(
        INVITE,
        invite_data(world, email="UCHITEL@school-a.ru", organization=world.school_b.pk),
        follow=True,
    )
    assert "второй записи не создано" in response.content.decode()
    assert Person.objects.filter(email__iexact="uchitel@school-a.ru").count() == 1
    assert set(people.teacher_a.memberships.values_list("organization", flat=True)) == {
        world.school_a.pk,
        world.school_b.pk,
    }
    # The person has a password already: no letter.
    assert mail.outbox == []


def test_address_of_a_stranger_does_not_reveal_them(world, people):
    """An address known outside the coordinator's reach adds the role only when the typed
    name is that person's: otherwise addresses could be used to look people up."""
    client = world.client("coordinator")
    response = client.post(INVITE, invite_data(world, email="chuzhoy@school-c.ru"))
    html = response.content.decode()
    assert "у другого человека" in html and "Chuzhoy" not in html
    assert people.other_city.memberships.count() == 1
    response = client.post(
        INVITE,
        invite_data(world, email="chuzhoy@school-c.ru", last_name="chuzhoy", first_name="Иван"),
    )
    assert response.status_code == 302
    assert people.other_city.memberships.count() == 2


def test_director_invites_staff_of_own_school(world):
    response = world.client("director_a").post(
        INVITE, invite_data(world, role=Role.SCHOOL_STAFF, send="")
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        person__email="novikova@school-a.ru", role=Role.SCHOOL_STAFF
    ).exists()


@pytest.mark.parametrize(
    ("persona", "overrides"),
    [
        # a director may not make another director, nor a curator
        ("director_a", {"role": Role.SCHOOL_DIRECTOR}),
        ("director_a", {"role": Role.CURATOR}),
        # nor invite into another school
        ("director_a", {"organization": "school_b"}),
        # a coordinator may not grant a role above their own, nor act outside their city
        ("coordinator", {"role": Role.REGIONAL_COORDINATOR, "organization": "department"}),
        ("coordinator", {"organization": "school_c"}),
        ("outsider", {}),
        # a role that does not fit the organisation
        ("coordinator", {"role": Role.TEACHER, "organization": "department"}),
        # an unknown role
        ("coordinator", {"role": "superuser"}),
    ],
)
def test_invite_escalation_is_refused(world, persona, overrides):
    if isinstance(overrides.get("organization"), str):
        overrides["organization"] = getattr(world, overrides["organization"]).pk
    users_before = User.objects.count()
    response = world.client(persona).post(INVITE, invite_data(world, **overrides))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Person.objects.filter(email="novikova@school-a.ru").exists()
    assert User.objects.count() == users_before
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["analyst", "teacher", "curator", "council"])
def test_invite_post_by_those_who_manage_nobody_is_404(world, persona):
    response = world.client(persona).post(INVITE, invite_data(world))
    assert response.status_code == 404
    assert not Person.objects.filter(email="novikova@school-a.ru").exists()


def test_invite_form_keeps_what_was_typed_on_error(world):
    response = world.client("coordinator").post(INVITE, invite_data(world, email="not-an-address"))
    html = response.content.decode()
    assert "Новикова" in html and "учитель химии" in html and "not-an-address" in html
    assert "---------" not in html


# --- Roles ----------------------------------------------------------------------------------


def test_coordinator_grants_and_ends_a_role(world, people):
    client = world.client("coordinator")
    person = people.teacher_a
    response = client.post(
        reverse("accounts:role-add", args=[person.pk]),
        {"organization": world.school_b.pk, "role": Role.SCHOOL_STAFF, "position": ""},
    )
    assert response.status_code == 302
    granted = person.memberships.get(organization=world.school_b)
    response = client.post(reverse("accounts:role-end", args=[granted.pk]))
    assert response.status_code == 302
    granted.refresh_from_db()
    assert not granted.is_active and granted.until is not None
    # Granted again, the same row runs again: its history stays with it.
    client.post(
        reverse("accounts:role-add", args=[person.pk]),
        {"organization": world.school_b.pk, "role": Role.SCHOOL_STAFF, "position": ""},
    )
    granted.refresh_from_db()
    assert granted.is_active and granted.until is None
    assert LogEntry.objects.get_for_object(granted).count() == 3
    verbs = list(
        TimelineEvent.objects.filter(object_id=str(person.pk))
        .order_by("at", "pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [TimelineVerb.ROLE_GRANTED, TimelineVerb.ROLE_ENDED, TimelineVerb.ROLE_GRANTED]
    html = client.get(reverse("accounts:person", args=[person.pk])).content.decode()
    assert "Роль снята" in html and "Назначена роль" in html


def test_ended_role_takes_reach_away(world):
    membership = world.user("staff_a").person.memberships.get()
    world.client("coordinator").post(reverse("accounts:role-end", args=[membership.pk]))
    school_url = reverse("registry:school", args=[world.school_a.pk])
    assert world.client("staff_a").get(school_url).status_code == 404


def test_director_may_not_end_a_director_role_nor_own(world):
    director_b = world.user("director_b").person.memberships.get()
    own = world.user("director_a").person.memberships.get()
    client = world.client("director_a")
    assert client.post(reverse("accounts:role-end", args=[director_b.pk])).status_code == 404
    assert client.post(reverse("accounts:role-end", args=[own.pk])).status_code == 404
    assert Membership.objects.filter(pk__in=[director_b.pk, own.pk], is_active=True).count() == 2


def test_director_ends_a_teacher_role_in_own_school(world):
    teacher = world.user("teacher").person.memberships.get()
    response = world.client("director_a").post(reverse("accounts:role-end", args=[teacher.pk]))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_coordinator_may_not_end_own_role(world):
    own = world.user("coordinator").person.memberships.get()
    response = world.client("coordinator").post(
        reverse("accounts:role-end", args=[own.pk]), follow=True
    )
    assert "Свою роль снять нельзя" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_role_outside_reach_is_404(world, people):
    other = people.other_city.memberships.get()
    response = world.client("coordinator").post(reverse("accounts:role-end", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.parametrize(
    ("persona", "organization", "role"),
    [
        ("director_a", "school_a", Role.SCHOOL_DIRECTOR),
        ("director_a", "school_b", Role.TEACHER),
        ("coordinator", "school_c", Role.TEACHER),
        ("coordinator", "department", Role.REGIONAL_COORDINATOR),
    ],
)
def test_grant_escalation_is_refused(world, people, persona, organization, role):
    before = Membership.objects.count()
    response = world.client(persona).post(
        reverse("accounts:role-add", args=[people.teacher_a.pk]),
        {"organization": getattr(world, organization).pk, "role": role, "position": ""},
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert Membership.objects.count() == before


def test_grant_to_a_person_outside_reach_is_404(world, people):
    response = world.client("coordinator").post(
        reverse("accounts:role-add", args=[people.other_city.pk]),
        {"organization": world.school_a.pk, "role": Role.TEACHER, "position": ""},
    )
    assert response.status_code == 404
    assert people.other_city.memberships.count() == 1


# --- Accounts -------------------------------------------------------------------------------


def test_deactivation_stops_login_session_and_token(world, people, password):
    user = people.teacher_a.user
    token = Token.objects.create(user=user)
    session = world.client("anonymous")
    assert session.login(username="uchitel", password=password)
    school_url = reverse("registry:school", args=[world.school_a.pk])
    assert session.get(school_url).status_code == 200
    response = world.client("director_a").post(
        reverse("accounts:deactivate", args=[people.teacher_a.pk])
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    # The open session no longer counts, the password no longer logs in, the token is gone.
    assert session.get(school_url).status_code == 302
    assert not world.client("anonymous").login(username="uchitel", password=password)
    api = world.client("anonymous")
    response = api.get("/api/schools/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert TimelineEvent.objects.filter(
        object_id=str(people.teacher_a.pk), verb=TimelineVerb.DEACTIVATED
    ).exists()
    # And on again: the password works again, the old token does not.
    world.client("director_a").post(reverse("accounts:reactivate", args=[people.teacher_a.pk]))
    assert world.client("anonymous").login(username="uchitel", password=password)
    assert not Token.objects.filter(key=token.key).exists()


def test_token_of_a_deactivated_account_refused_even_if_kept(world, people):
    """DRF refuses an inactive user's token by itself; this holds if a token survived."""
    user = people.teacher_a.user
    token = Token.objects.create(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = world.client("anonymous").get(
        "/api/schools/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        # a director may not switch off a director, or anyone of another school
        ("director_a", "director_b", 404),
        ("director_a", "staff_b", 404),
        ("outsider", "teacher_a", 404),
        ("analyst", "teacher_a", 404),
        ("curator", "teacher_a", 404),
    ],
)
def test_deactivation_outside_reach_is_404(world, people, persona, target, status):
    person = getattr(people, target, None) or world.user(target).person
    response = world.client(persona).post(reverse("accounts:deactivate", args=[person.pk]))
    assert response.status_code == status
    person.user.refresh_from_db()
    assert person.user.is_active


def test_director_may_not_switch_off_someone_with_a_role_beyond_them(world, people):
    """A teacher of school A who is also a coordinator's analyst: the director manages the
    teacher role only, so the account (every role) is not theirs to switch off."""
    MembershipFactory(
        person=people.teacher_a, organization=world.methodical_centre, role=Role.ANALYST
    )
    client = world.client("director_a")
    html = client.get(reverse("accounts:person", args=[people.teacher_a.pk])).content.decode()
    assert 'id="deactivate"' not in html and "может координатор" in html
    response = client.post(reverse("accounts:deactivate", args=[people.teacher_a.pk]), follow=True)
    assert "может координатор" in response.content.decode()
    people.teacher_a.user.refresh_from_db()
    assert people.teacher_a.user.is_active
    response = client.post(
        reverse("accounts:person-edit", args=[people.teacher_a.pk]),
        {"last_name": "Взлом", "first_name": "И", "email": "hijack@evil.ru"},
    )
    assert response.status_code == 404
    people.teacher_a.refresh_from_db()
    assert people.teacher_a.email == "uchitel@school-a.ru"


def test_nobody_switches_off_own_account_or_a_superuser(world):
    from opora.registry.tests.factories import PersonFactory as Factory

    root_person = Factory(user=world.user("superuser"))
    MembershipFactory(person=root_person, organization=world.department, role=Role.ANALYST)
    client = world.client("coordinator")
    for person in (world.user("coordinator").person, root_person):
        client.post(reverse("accounts:deactivate", args=[person.pk]))
        person.user.refresh_from_db()
        assert person.user.is_active


def test_coordinator_edits_contacts(world, people):
    response = world.client("coordinator").post(
        reverse("accounts:person-edit", args=[people.teacher_a.pk]),
        {
            "last_name": "Учителева",
            "first_name": "Мария",
            "middle_name": "",
            "email": "New@School-A.ru",
            "phone": "+7 900 1",
        },
    )
    assert response.status_code == 302
    people.teacher_a.refresh_from_db()
    assert people.teacher_a.email == "new@school-a.ru"
    assert people.teacher_a.user.email == "new@school-a.ru"
    entry = LogEntry.objects.get_for_object(people.teacher_a).latest("timestamp")
    assert entry.actor == world.user("coordinator")
    response = world.client("coordinator").post(
        reverse("accounts:person-edit", args=[people.teacher_a.pk]),
        {"last_name": "Учителева", "first_name": "Мария", "email": "zavuch@school-b.ru"},
    )
    assert "уже указан у другого человека" in response.content.decode()


def test_person_page_shows_contacts_roles_account_and_history(world, people):
    html = (
        world.client("coordinator")
        .get(reverse("accounts:person", args=[people.teacher_a.pk]))
        .content.decode()
    )
    for text in ("uchitel@school-a.ru", "Учитель", "СОШ № 1", "Действует", "uchitel", "История"):
        assert text in html
    assert "---------" not in html


def test_person_page_hides_roles_outside_reach(world, people):
    MembershipFactory(person=people.teacher_a, organization=world.school_c, role=Role.TEACHER)
    html = (
        world.client("director_a")
        .get(reverse("accounts:person", args=[people.teacher_a.pk]))
        .content.decode()
    )
    assert "СОШ № 3" not in html and "И ещё 1 роль" in html
