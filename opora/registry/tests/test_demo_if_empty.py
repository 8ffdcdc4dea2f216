"""`opora demo --if-empty`: loads once, and a second plain load is refused (a module of its
own, since the other demo tests share one loaded demo)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    Programme,
    Territory,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = (Territory, Organization, Person, Membership, CuratorAssignment, Programme, User)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_if_empty_loads_once_and_a_second_load_is_refused(db: None) -> None:
    if connection.vendor == "postgresql":
        # What is tested is the command's choice, the same on every database; the demo's
        # loading on PostgreSQL is tested by every module that uses it (conftest's
        # `demo_module`), and a second full load here would add most of a minute.
        pytest.skip("выбор команды одинаков на всех базах; демо на PostgreSQL грузит demo_module")
    call_command("demo", "--if-empty", verbosity=0)
    counts = _counts()
    assert counts["Organization"] > 150
    call_command("demo", "--if-empty", verbosity=0)
    assert _counts() == counts
    with pytest.raises(CommandError, match="уже загружена"):
        call_command("demo", verbosity=0)
    assert _counts() == counts
