"""Access scoping of events and their records.

An event is seen by whoever reaches its organiser, or one of the schools of its audience (a
school named, or any school of the audience territory). It is changed (edited, attendance,
materials, certificates) by the coordinators and methodists whose reach holds the organiser.
Registrations name people: the organiser's handlers, the participant's director and the
territory's analysts (`TEACHER_RECORD_ROLES`) see them, and the participant sees their own;
everyone else gets counts (selectors).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    UserLike,
    reach,
    scoped,
    teacher_record_reach,
    territory_ancestor_paths,
)
from opora.core.choices import Role
from opora.events.models import Certificate, Event, Material, Registration
from opora.registry.models import Organization, Territory

# Who announces and runs events: the coordinators and methodists (analysts) of the organiser.
EVENT_HANDLER_ROLES = frozenset(
    {Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.ANALYST}
)
# Who nominates a school's staff.
NOMINATE_ROLES = frozenset({Role.SCHOOL_DIRECTOR})


def handler_reach(user: UserLike) -> Reach:
    """The organisations whose events `user` may run."""
    return reach(user, Action.CHANGE, roles=EVENT_HANDLER_ROLES)


def _reach_paths(r: Reach) -> set[str]:
    """The territory paths the reach touches: its territories and its single organisations'."""
    paths = set(r.territory_paths)
    if r.organization_ids:
        paths.update(
            Organization.objects.filter(pk__in=sorted(r.organization_ids)).values_list(
                "territory__path", flat=True
            )
        )
    return paths


def event_view_q(r: Reach, prefix: str = "") -> Q:
    """Events whose organiser or audience is in reach `r`."""
    if r.everything:
        return Q()
    invited = Event.audience_schools.through.objects.filter(
        event=OuterRef(f"{prefix}pk" if prefix else "pk")
    ).filter(r.organization_q("organization__"))
    around = territory_ancestor_paths(_reach_paths(r), Territory.steplen)
    q: Q = r.organization_q(f"{prefix}organizer__") | Q(Exists(invited))
    q |= Q(**{f"{prefix}audience_territory__path__in": sorted(around)})
    for path in r.territory_paths:
        q |= Q(**{f"{prefix}audience_territory__path__startswith": path})
    return q


@scoped(Event)
def scope_events(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: organiser or audience in reach. Any other action: the organiser's handlers."""
    if r.action == Action.VIEW:
        return qs.filter(event_view_q(r))
    return qs.filter(handler_reach(user).organization_q("organizer__"))


@scoped(Registration)
def scope_registrations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen (with names) by the organiser's handlers, the participant's director and the
    territory's analysts, and by the participant; changed (cancelled, attendance) by the
    organiser's handlers only."""
    handlers = handler_reach(user).organization_q("event__organizer__")
    if r.action not in (Action.VIEW, Action.VIEW_PEOPLE):
        return qs.filter(handlers)
    own = Q(person__user=user) if user.is_authenticated else Q(pk__in=[])
    return qs.filter(handlers | teacher_record_reach(user).organization_q("school__") | own)


@scoped(Certificate)
def scope_certificates(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A certificate goes with its registration."""
    visible = scope_registrations(Registration.objects.all(), r, user)
    return qs.filter(registration__in=visible.values("pk"))


@scoped(Material)
def scope_materials(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Materials are read by whoever sees the event; changed by its handlers."""
    if r.action == Action.VIEW:
        return qs.filter(event_view_q(r, "event__"))
    return qs.filter(handler_reach(user).organization_q("event__organizer__"))
