"""The demo territory: counts, type mix, accounts that log in, reach, idempotent --if-empty."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from opora.core.access import restrict
from opora.registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from opora.registry.models import Organization, Person, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


def test_demo_territory_has_the_promised_shape(demo):
    schools = Organization.objects.filter(kind="school").select_related("school")
    assert 140 <= schools.count() <= 160
    types = Counter(s.school.school_type for s in schools)
    assert types["sosh"] > 100 and types["gymnasium"] >= 8 and types["lyceum"] >= 5
    assert types["evening"] == 1 and types["boarding"] == 1 and types["oosh"] >= 5
    assert 3 <= sum(1 for s in schools if s.school.locality == "rural") <= 15
    assert Territory.objects.filter(kind="city_district").count() == 5
    assert Organization.objects.filter(kind="methodical_centre").count() == 2
    assert Organization.objects.filter(kind="partner").count() >= 5
    assert Person.objects.count() >= 200


def test_every_demo_account_logs_in_and_sees_its_reach(demo):
    for username, _role, _description in DEMO_ACCOUNTS:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    from django.contrib.auth.models import User

    schools = Organization.objects.filter(kind="school")
    assert restrict(schools, User.objects.get(username="coordinator")).count() == schools.count()
    assert restrict(schools, User.objects.get(username="director")).count() == 1
    assert 2 <= restrict(schools, User.objects.get(username="curator")).count() <= 4
    director_school = restrict(schools, User.objects.get(username="director")).get()
    assert director_school.programmes.exists()
    assert restrict(schools, User.objects.get(username="teacher")).get() == director_school


def test_demo_if_empty_keeps_the_data_and_a_second_load_is_refused(demo):
    count = Organization.objects.count()
    call_command("demo", "--if-empty", verbosity=0)
    assert Organization.objects.count() == count
    with pytest.raises(CommandError, match="уже загружена"):
        call_command("demo")
