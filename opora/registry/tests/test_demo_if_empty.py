"""`opora demo --if-empty`: loads once (the `demo` fixture's first load is this command),
keeps a loaded demo, and a second plain load is refused."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

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


def test_demo_if_empty_keeps_a_loaded_demo_and_a_second_load_is_refused(demo: None) -> None:
    # The first `demo --if-empty`, on the empty database, is the load the test run makes once
    # for the `demo` fixture (conftest `_DemoSnapshots`, `_SharedDemo`): it loaded the
    # territory counted here. Loading it once more only for this test took two minutes of the suite.
    counts = _counts()
    assert counts["Organization"] > 150
    call_command("demo", "--if-empty", verbosity=0)
    assert _counts() == counts
    with pytest.raises(CommandError, match="уже загружена"):
        call_command("demo", verbosity=0)
    assert _counts() == counts
