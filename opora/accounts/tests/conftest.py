"""User administration fixtures on top of the shared personas: a teacher of school A with an
active account, a staff member of school B, and a person of the other city."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from opora.conftest import World
from opora.core.choices import Role
from opora.registry.models import Person
from opora.registry.tests.factories import MembershipFactory, PersonFactory, UserFactory


@dataclass
class People:
    world: World
    teacher_a: Person  # a teacher of school A with an account
    staff_b: Person  # a staff member of school B with an account
    other_city: Person  # a teacher of school C (Другой город)


def person_in(organization, role, *, username, email):
    user = UserFactory(username=username, email=email)
    person = PersonFactory(user=user, email=email, last_name=username.capitalize())
    MembershipFactory(person=person, organization=organization, role=role)
    return person


@pytest.fixture
def people(world: World) -> People:
    return People(
        world,
        teacher_a=person_in(
            world.school_a, Role.TEACHER, username="uchitel", email="uchitel@school-a.ru"
        ),
        staff_b=person_in(
            world.school_b, Role.SCHOOL_STAFF, username="zavuch", email="zavuch@school-b.ru"
        ),
        other_city=person_in(
            world.school_c, Role.TEACHER, username="chuzhoy", email="chuzhoy@school-c.ru"
        ),
    )
