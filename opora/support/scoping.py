"""Access to the support network's records (registered with `opora.core.access.scoped`)."""

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
    territory_ancestor_paths,
)
from opora.core.choices import Role
from opora.registry.models import Territory
from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate

# --- visits ---

# Who reads visits, their records, photos and recommendations: the territory's specialists and
# council, the school's curator, its director and staff — not teachers (a lesson observed is
# the administration's and the methodists' business, and its notes name the teacher).
VISIT_VIEW_ROLES = TERRITORY_ROLES | {Role.CURATOR, Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF}
# Conducting a visit (planning, recording, closing it, cancelling it, withdrawing its
# recommendations) is reviewing the school: its curator and the territory's methodists and
# coordinators hold `Action.REVIEW`; the school's own director does not.
VISIT_ACTION = Action.REVIEW


def visit_view_reach(user: UserLike) -> Reach:
    return reach(user, Action.VIEW, roles=frozenset(VISIT_VIEW_ROLES))


def _visit_school_q(r: Reach, user: UserLike, prefix: str) -> Q:
    if r.action == Action.VIEW:
        return visit_view_reach(user).organization_q(prefix)
    return r.organization_q(prefix)


@scoped(Visit)
def scope_visits(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen by VISIT_VIEW_ROLES over the school; conducted (`VISIT_ACTION`) by the school's
    curator and the territory's methodists and coordinators."""
    return qs.filter(_visit_school_q(r, user, "school__"))


@scoped(VisitPhoto)
def scope_visit_photos(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A photo is served to whoever may see its visit, and to nobody else."""
    return qs.filter(_visit_school_q(r, user, "visit__school__"))


@scoped(Recommendation)
def scope_recommendations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen like visits; who may answer one is `selectors.recommendation_may_answer`."""
    return qs.filter(_visit_school_q(r, user, "school__"))


@scoped(VisitTemplate)
def scope_visit_templates(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Shipped templates (no owner) are read by everyone with a role; an authority's own copy
    is read by everyone in reach of it or working in its territory (the curators of its
    methodical centre, the schools' staff) and changed only by the owner's own people (their
    membership there carries the action): another authority's template is never changed."""
    if r.action != Action.VIEW:
        owners = own_organizations(user, r.action, territory_roles=True)
        return qs.filter(owner__in=[o.pk for o in owners])
    paths = {o.territory.path for o in own_organizations(user, Action.VIEW)}
    around = territory_ancestor_paths(paths, Territory.steplen)
    return qs.filter(
        Q(owner__isnull=True)
        | r.organization_q("owner__")
        | Q(owner__territory__path__in=sorted(around))
    )
