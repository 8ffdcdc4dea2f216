"""The reach of every role, tested through `restrict` on organisations."""

import pytest
from django.contrib.auth.models import AnonymousUser

from opora.core.access import (
    _SCOPERS,
    Action,
    reach,
    restrict,
    restrict_within,
    restrict_within_each,
    role_organization_ids,
    role_organizations,
)
from opora.core.choices import Role
from opora.core.queries import ids_compiled
from opora.identification.models import SchoolIdentification
from opora.registry.models import Membership, Organization, Person, Programme, Territory
from opora.results.models import SchoolResult

EXPECTED_SCHOOLS = {
    "regional": {"SCH-A", "SCH-B", "SCH-C"},
    "coordinator": {"SCH-A", "SCH-B"},
    "analyst": {"SCH-A", "SCH-B"},
    "council": {"SCH-A", "SCH-B"},
    "curator": {"SCH-A"},
    "director_a": {"SCH-A"},
    "director_b": {"SCH-B"},
    "staff_a": {"SCH-A"},
    "teacher": {"SCH-A"},
    "outsider": {"SCH-C"},
    "superuser": {"SCH-A", "SCH-B", "SCH-C"},
}


@pytest.mark.parametrize(("persona", "codes"), EXPECTED_SCHOOLS.items())
def test_each_role_sees_the_schools_of_its_reach(world, persona, codes):
    schools = restrict(Organization.objects.filter(kind="school"), world.user(persona))
    assert set(schools.values_list("code", flat=True)) == codes


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("coordinator", {"SCH-A", "SCH-B"}),
        ("director_a", {"SCH-A"}),
        ("council", set()),
        ("curator", set()),
        ("teacher", set()),
    ],
)
def test_change_reach(world, persona, codes):
    schools = restrict(
        Organization.objects.filter(kind="school"), world.user(persona), Action.CHANGE
    )
    assert set(schools.values_list("code", flat=True)) == codes


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Organization.objects.all(), AnonymousUser()).exists()


def test_territories_include_ancestors_for_breadcrumbs(world):
    names = set(
        restrict(Territory.objects.all(), world.user("director_a")).values_list("name", flat=True)
    )
    assert names == {"Тестовая область", "Город N", "Северный"}


def test_teacher_does_not_see_people_but_director_does(world):
    assert not restrict(
        Person.objects.exclude(user=world.user("teacher")),
        world.user("teacher"),
        Action.VIEW_PEOPLE,
    ).exists()
    people = restrict(Person.objects.all(), world.user("director_a"), Action.VIEW_PEOPLE)
    assert {"Director_a", "Staff_a", "Teacher"} <= set(people.values_list("last_name", flat=True))
    assert "Director_b" not in set(people.values_list("last_name", flat=True))


def test_expired_curator_assignment_gives_no_reach(world):
    import datetime

    from opora.registry.models import CuratorAssignment

    CuratorAssignment.objects.update(until=datetime.date.today() - datetime.timedelta(days=1))
    assert not restrict(Organization.objects.filter(kind="school"), world.user("curator")).exists()


def test_territories_for_change_are_only_the_own_subtree(world):
    names = set(
        restrict(Territory.objects.all(), world.user("coordinator"), Action.CHANGE).values_list(
            "name", flat=True
        )
    )
    assert names == {"Город N", "Северный", "Южный"}
    assert not restrict(Territory.objects.all(), world.user("director_a"), Action.CHANGE).exists()


def test_history_of_a_person_needs_the_right_to_see_people(world):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    person = world.user("staff_a").person
    url = reverse("core:history", args=[ContentType.objects.get_for_model(Person).pk, person.pk])
    assert world.client("director_a").get(url).status_code == 200
    assert world.client("teacher").get(url).status_code == 404
    assert world.client("council").get(url).status_code == 404


def test_restrict_within_an_organisation_is_restrict_for_every_persona_and_action(world):
    """`restrict_within` decides from the reach what `restrict` decides by query, for every
    model `decided_by_organization` (the personal ones too), every persona, action and
    organisation; where the reach decides, its query has no join to territories."""
    models = {
        model: scoper.organization_prefix
        for model, scoper in _SCOPERS.items()
        if hasattr(scoper, "organization_prefix")
    }
    assert {Organization, Membership, SchoolResult, SchoolIdentification} <= set(models)
    organizations = list(Organization.objects.select_related("territory"))
    users = [*world.users.values(), AnonymousUser()]
    compared = 0
    for model, prefix in models.items():
        for user in users:
            for action in (Action.VIEW, Action.CHANGE, Action.VIEW_PEOPLE):
                for organization in organizations:
                    rows = model._default_manager.all()
                    expected = restrict(
                        rows.filter(**{f"{prefix}pk": organization.pk}), user, action
                    )
                    found = restrict_within(rows, user, organization, action)
                    assert set(found.values_list("pk", flat=True)) == set(
                        expected.values_list("pk", flat=True)
                    ), (model.__name__, user, action, organization)
                    # Decided from the reach (not handed back to the scoper's own query).
                    deciding = _SCOPERS[model].deciding_reach
                    decided = deciding is None or deciding(reach(user, action), user) is not None
                    if decided and not found.query.is_empty():
                        assert "registry_territory" not in str(found.query)
                    compared += expected.exists()
    assert compared > 50  # the comparisons saw rows, not only empty sets
    with pytest.raises(LookupError):
        restrict_within(Programme.objects.all(), world.user("coordinator"), organizations[0])


def test_restrict_within_each_is_restrict_over_several_organisations(world):
    """`restrict_within_each` (the home page's cards of one's own schools) admits what
    `restrict` admits among the rows of the organisations given, two at a time, for every
    model decided by organisation, persona and action; `role_organizations` are the user's
    own organisations with their territories, as `role_organization_ids` names them."""
    models = {
        model: scoper.organization_prefix
        for model, scoper in _SCOPERS.items()
        if hasattr(scoper, "organization_prefix")
    }
    organizations = list(Organization.objects.select_related("territory").order_by("pk"))
    pairs = list(zip(organizations, organizations[1:] + organizations[:1], strict=True))
    compared = 0
    for model, prefix in models.items():
        for user in [*world.users.values(), AnonymousUser()]:
            for action in (Action.VIEW, Action.CHANGE):
                for pair in pairs:
                    rows = model._default_manager.all()
                    ids = [o.pk for o in pair]
                    expected = restrict(rows.filter(**{f"{prefix}pk__in": ids}), user, action)
                    found = restrict_within_each(rows, user, pair, action)
                    assert set(found.values_list("pk", flat=True)) == set(
                        expected.values_list("pk", flat=True)
                    ), (model.__name__, user, action, pair)
                    compared += expected.exists()
    assert compared > 50
    for user in world.users.values():
        own = role_organizations(user, [Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF])
        assert [o.pk for o in own] == role_organization_ids(
            user, [Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF]
        )
        assert all(o.territory.path for o in own)


def test_ids_compiled_filters_as_the_queryset_it_was_compiled_from(world):
    """A filter by `ids_compiled(rows)` selects `rows` exactly, for every persona's reach,
    and rows that can hold nothing select nothing (they compile to no SQL)."""
    for user in world.users.values():
        visible = restrict(Organization.objects.all(), user)
        compiled = ids_compiled(visible)
        again = Organization.objects.filter(pk__in=compiled)
        assert set(again.values_list("pk", flat=True)) == set(visible.values_list("pk", flat=True))
    nothing = Organization.objects.filter(pk__in=ids_compiled(Organization.objects.none()))
    assert not nothing.exists()
