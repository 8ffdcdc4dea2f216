"""Access scoping of governance: a body is read by the territory's coordinators, analysts and
council members (over its owner) and by its own members; it is managed by the coordinators of
the owner's territory. Meetings, agenda items and decisions follow their body; a decision is
also seen — and reported done — by its responsible (the person, or the staff who may change
the responsible organisation)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import TERRITORY_ROLES, Action, Reach, UserLike, reach, scoped
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
            person__user_id=user.pk or 0,
        )
        readers = reach(user, Action.VIEW, roles=BODY_READ_ROLES).organization_q(f"{prefix}owner__")
        return readers | Q(Exists(seats))
    return coordinator_reach(user).organization_q(f"{prefix}owner__")


@scoped(Body)
def scope_bodies(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action))


@scoped(Meeting)
def scope_meetings(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action, "body__"))


@scoped(AgendaItem)
def scope_agenda_items(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(body_q(user, r.action, "meeting__body__"))


@scoped(Decision)
def scope_decisions(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen with the body and by the responsible; reported (CHANGE) by the body's managers,
    the responsible person and those who may change the responsible organisation."""
    responsible = Q(responsible_person__user_id=user.pk or 0)
    if r.action in VIEW_ACTIONS:
        own = reach(user, Action.VIEW).organization_q("responsible_organization__")
        return qs.filter(body_q(user, r.action, "meeting__body__") | responsible | own)
    if r.action == Action.CHANGE:
        own = r.organization_q("responsible_organization__")
        return qs.filter(body_q(user, r.action, "meeting__body__") | responsible | own)
    return qs.filter(body_q(user, r.action, "meeting__body__"))
