"""Who is told: the accounts behind a role in an organisation or over a territory, for the
services that write in-app notices (`opora.core.notifications.notify`).

These read memberships without a viewer: a service decides who is to be told about a change
it makes, whatever the acting user may see. Nothing here is shown to a user as a list.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Q

from opora.core import dates
from opora.core.choices import Role
from opora.registry.models import CuratorAssignment, Membership, Organization, Person, Territory


def role_users(*, organizations: Iterable[int | None], roles: Iterable[str]) -> list[User]:
    """The active accounts holding one of `roles` in these organisations (one query)."""
    ids = [pk for pk in organizations if pk]
    if not ids:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            person__memberships__organization_id__in=ids,
            person__memberships__role__in=list(roles),
            person__memberships__is_active=True,
        ).distinct()
    )


def school_directors(school_id: int | None) -> list[User]:
    """The accounts of the school's current directors."""
    return role_users(organizations=[school_id], roles=[Role.SCHOOL_DIRECTOR])


def territory_coordinators(territory: Territory | None) -> list[User]:
    """Programme and regional coordinators whose organisation's territory covers `territory`
    (that is, it or one of its ancestors): those who reach it."""
    if territory is None:
        return []
    paths = [
        territory.path[:i]
        for i in range(Territory.steplen, len(territory.path) + 1, Territory.steplen)
    ]
    organizations = Organization.objects.filter(territory__path__in=paths).values_list(
        "pk", flat=True
    )
    return role_users(
        organizations=list(organizations),
        roles=[Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR],
    )


def person_users(people: Iterable[Person | None]) -> list[User]:
    """The active accounts of these people (those without an account are skipped)."""
    ids = [p.pk for p in people if p is not None]
    if not ids:
        return []
    return list(User.objects.filter(is_active=True, person__pk__in=ids))


def school_curators(school_id: int | None) -> list[User]:
    """The accounts of the school's curators assigned today."""
    if not school_id:
        return []
    today = dates.today()
    assigned = (
        CuratorAssignment.objects.filter(school_id=school_id, since__lte=today)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values("curator_id")
    )
    return list(User.objects.filter(is_active=True, person__pk__in=assigned))


def users_by_person(person_ids: Iterable[int]) -> dict[int, User]:
    """The active accounts of these people, by person id (one query)."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    return {
        user.person.pk: user
        for user in User.objects.filter(is_active=True, person__pk__in=ids).select_related("person")
    }


def directors_by_school(school_ids: Iterable[int]) -> dict[int, list[User]]:
    """The accounts of the current directors of these schools, by school id (one query)."""
    ids = list(set(school_ids))
    result: dict[int, list[User]] = {}
    if not ids:
        return result
    rows = Membership.objects.filter(
        organization_id__in=ids,
        role=Role.SCHOOL_DIRECTOR,
        is_active=True,
        person__user__is_active=True,
    ).select_related("person__user")
    for membership in rows:
        assert membership.person.user is not None  # filtered above
        result.setdefault(membership.organization_id, []).append(membership.person.user)
    return result
