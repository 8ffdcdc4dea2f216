"""Who may manage whom: the rule in opora.core.access (MANAGE_PEOPLE, MANAGED_ROLES)."""

from __future__ import annotations

import pytest

from opora.accounts import selectors
from opora.core.access import ROLE_ACTIONS, Action, has_any, manageable_roles
from opora.core.choices import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "manages"),
    [
        ("regional", True),
        ("coordinator", True),
        ("outsider", True),
        ("director_a", True),
        ("superuser", True),
        ("analyst", False),
        ("council", False),
        ("curator", False),
        ("staff_a", False),
        ("teacher", False),
    ],
)
def test_who_manages_people_at_all(world, persona, manages):
    assert has_any(world.user(persona), Action.MANAGE_PEOPLE) is manages


def test_analysts_keep_their_other_rights_but_manage_nobody():
    assert Action.IMPORT in ROLE_ACTIONS[Role.ANALYST]
    assert Action.MANAGE_PEOPLE not in ROLE_ACTIONS[Role.ANALYST]


def test_coordinator_manages_every_role_but_regional_in_own_city_only(world):
    coordinator = world.user("coordinator")
    in_school = manageable_roles(coordinator, world.school_a)
    assert Role.SCHOOL_DIRECTOR in in_school and Role.ANALYST in in_school
    assert Role.REGIONAL_COORDINATOR not in in_school
    assert manageable_roles(coordinator, world.school_c) == frozenset()
    assert manageable_roles(coordinator, world.ministry) == frozenset()
    assert Role.REGIONAL_COORDINATOR in manageable_roles(world.user("regional"), world.school_c)


def test_director_manages_staff_and_teachers_of_own_school_only(world):
    director = world.user("director_a")
    assert manageable_roles(director, world.school_a) == {Role.SCHOOL_STAFF, Role.TEACHER}
    assert manageable_roles(director, world.school_b) == frozenset()
    assert selectors.role_choices(director, world.school_a) == [Role.SCHOOL_STAFF, Role.TEACHER]


def test_roles_offered_fit_the_kind_of_organisation(world):
    coordinator = world.user("coordinator")
    assert Role.TEACHER not in selectors.role_choices(coordinator, world.department)
    assert Role.PROGRAMME_COORDINATOR not in selectors.role_choices(coordinator, world.school_a)
    refusal = selectors.role_refusal(coordinator, world.department, Role.TEACHER)
    assert refusal is not None and "не подходит" in refusal


def test_a_deactivated_coordinator_manages_nobody(world):
    coordinator = world.user("coordinator")
    coordinator.is_active = False
    assert manageable_roles(coordinator, world.school_a) == frozenset()
    assert not has_any(coordinator, Action.MANAGE_PEOPLE)
