"""Access scoping of reports and report templates.

A report belongs to its owner organisation (the authority or methodical centre whose analyst
built it). It is read by the territory roles (coordinators, analysts, council members) whose
reach covers the owner — the owner's own people and those above it — and by nobody else: a
school, a curator or another authority gets 404. It is changed (edited, published, built
again) only by the owner's own people with CHANGE (analysts, coordinators), never by an
authority that merely reaches it. Templates follow the same rules."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    Reach,
    UserLike,
    own_organizations,
    reach,
    scoped,
)
from opora.reports.models import Report, ReportTemplate

VIEW_ACTIONS = (Action.VIEW, Action.VIEW_PEOPLE)


def owner_q(user: UserLike, action: Action, prefix: str = "") -> Q:
    """The records (through `prefix`) whose owner `user` may read (VIEW) or change."""
    if action in VIEW_ACTIONS:
        return reach(user, Action.VIEW, roles=TERRITORY_ROLES).organization_q(f"{prefix}owner__")
    owners = own_organizations(user, action, territory_roles=True)
    return Q(**{f"{prefix}owner__in": [o.pk for o in owners]})


@scoped(Report)
def scope_reports(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(owner_q(user, r.action))


@scoped(ReportTemplate)
def scope_templates(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(owner_q(user, r.action))
