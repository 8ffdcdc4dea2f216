"""Access scoping of registry records: everything hangs off the organisations in reach.

The registry also supplies what `opora.core.access` computes reach from — the memberships
and curator assignments (`REACH_SOURCE`, registered in `RegistryConfig.ready()`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    ReachSource,
    UserLike,
    organization_prefix_scoper,
    reach,
    scoped,
    territory_ancestor_paths,
)
from opora.core.choices import Role
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Order,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)


def memberships_of(user: UserLike) -> list[Membership]:
    """The user's active memberships with their organisations and territories (one query).
    Their person is the user's own: `user.person`, which pages ask for after the reach, is
    then read from here rather than with a query of its own."""
    memberships = list(
        Membership.objects.filter(person__user=user, is_active=True).select_related(  # type: ignore[misc]
            "organization__territory", "person"
        )
    )
    if memberships and isinstance(user, models.Model):
        Person._meta.get_field("user").remote_field.set_cached_value(user, memberships[0].person)
    return memberships


def curator_school_ids(person_ids: set[int], day: datetime.date) -> Iterable[int]:
    """The schools assigned to these curators on `day` (`until` is inclusive)."""
    return (
        CuratorAssignment.objects.filter(curator_id__in=person_ids, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .values_list("school_id", flat=True)
    )


REACH_SOURCE = ReachSource(memberships=memberships_of, curator_school_ids=curator_school_ids)

scoped(Organization)(organization_prefix_scoper(""))
scoped(SchoolProfile)(organization_prefix_scoper("organization__"))
scoped(Membership, personal=True)(organization_prefix_scoper("organization__"))

# Who places curators (and, in the support app, mentor schools and network agreements): the
# coordinators of the territory. Analysts change data too, and a director changes the school,
# but neither decides who curates it: an assignment gives the curator their reach.
COORDINATOR_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR})


def coordinator_reach(user: UserLike) -> Reach:
    """The organisations whose curators (and mentor schools) `user` may place or end: the
    territories of their coordinator roles (superusers: everything)."""
    return reach(user, Action.CHANGE, roles=COORDINATOR_ROLES)


@scoped(CuratorAssignment)
def scope_curator_assignments(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen with the school; changed (ended) only by the coordinators of its territory."""
    if r.action in (Action.VIEW, Action.VIEW_PEOPLE):
        return qs.filter(r.organization_q("school__"))
    return qs.filter(coordinator_reach(user).organization_q("school__"))


@scoped(Territory)
def scope_territories(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """The territories in reach with their subtrees; for viewing, also the ancestors that
    breadcrumbs need (and the territories of single organisations in reach)."""
    if r.action != Action.VIEW:
        q = Q(pk__in=[])
        for path in r.territory_paths:
            q |= Q(path__startswith=path)
        return qs.filter(q)
    own_paths = set(
        Organization.objects.filter(pk__in=r.organization_ids).values_list(
            "territory__path", flat=True
        )
    )
    ancestors = territory_ancestor_paths(own_paths | r.territory_paths, Territory.steplen)
    q = Q(path__in=sorted(ancestors))
    for path in r.territory_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


@scoped(Person, personal=True)
def scope_people(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """People who hold a role in an organisation in reach, and the user themself."""
    memberships = Membership.objects.filter(person=OuterRef("pk")).filter(
        r.organization_q("organization__")
    )
    return qs.filter(Exists(memberships) | Q(user=user))


@scoped(Programme)
def scope_programmes(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen where it is owned in reach or where a school in reach takes part; changed (edited,
    approved, its monitoring set up) by those who may change its owner."""
    if r.action != Action.VIEW:
        return qs.filter(r.organization_q("owner__"))
    participation = ProgrammeSchool.objects.filter(programme=OuterRef("pk")).filter(
        r.organization_q("school__")
    )
    return qs.filter(r.organization_q("owner__") | Exists(participation))


@scoped(ProgrammeSchool)
def scope_programme_schools(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(r.organization_q("school__"))


@scoped(Order)
def scope_orders(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Read by everyone who reaches the issuing authority; drafted, registered and cancelled
    by those who may change it (its coordinators and analysts)."""
    return qs.filter(r.organization_q("issuer__"))
