"""Access scoping of governance: a body is read by the territory's coordinators, analysts and
council members (over its owner) and by its own members; it is managed by the coordinators of
the owner's territory. Meetings, agenda items and decisions follow their body; a decision is
also seen — and reported done — by its responsible (the person, or the staff who may change
the responsible organisation).

A seat on a body and a decision addressed to somebody are personal ties, not roles: a member
from outside the authority may hold no role at all, and a teacher named responsible holds no
CHANGE anywhere. So the scopers are registered with `ties=True` (asked even when the user's
roles give no reach) and admit such a user through the tie alone."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    Reach,
    UserLike,
    own_organizations,
    reach,
    scoped,
)
from opora.governance.models import AgendaItem, Body, Decision, Meeting, Member
from opora.registry.scoping import coordinator_reach

# Reading a body's pages: the territory roles over the owner; members through their seat.
BODY_READ_ROLES = TERRITORY_ROLES
VIEW_ACTIONS = (Action.VIEW, Action.VIEW_PEOPLE)


def body_q(user: UserLike, action: Action, prefix: str = "") -> Q:
    """The bodies (through `prefix`) `user` may read (VIEW) or manage (any other action)."""
    if action in VIEW_ACTIONS:
        seats = Member.objects.filter(
            composition__body=OuterRef(f"{prefix}pk" if prefix else "pk"),
            # A proposal gives nobody a seat until an order approves it.
            composition__approved=True,
            person__user_id=user.pk or 0,
        )
        readers = reach(user, Action.VIEW, roles=BODY_READ_ROLES).organization_q(f"{prefix}owner__")
        return readers | Q(Exists(seats))
    return coordinator_reach(user).organization_q(f"{prefix}owner__")


@scoped(Body, ties=True)
def scope_bodies(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action))


@scoped(Meeting, ties=True)
def scope_meetings(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action, "body__"))


@scoped(AgendaItem, ties=True)
def scope_agenda_items(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action, "meeting__body__"))


@scoped(Decision, ties=True)
def scope_decisions(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen with the body and by the responsible; reported (CHANGE) by the body's managers,
    the responsible person and those who may change the responsible organisation."""
    responsible = Q(responsible_person__user_id=user.pk or 0)
    if r.action in VIEW_ACTIONS:
        own = reach(user, Action.VIEW).organization_q("responsible_organization__")
        return qs.filter(body_q(user, r.action, "meeting__body__") | responsible | own)
    if r.action == Action.CHANGE:
        # The responsible organisation's own managing staff (a director for the school), not
        # everyone whose reach covers it: an analyst of the territory does not report a
        # school's decision for it.
        managed = [o.pk for o in own_organizations(user, Action.CHANGE)]
        own = Q(responsible_organization__in=managed)
        return qs.filter(body_q(user, r.action, "meeting__body__") | responsible | own)
    return qs.filter(body_q(user, r.action, "meeting__body__"))
