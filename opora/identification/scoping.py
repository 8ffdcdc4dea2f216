"""Access to runs and outcomes.

A run belongs to a territory: territory roles see the runs of territories in their reach and
above them (a municipality sees the region's list, for its own schools). A school's outcome
is seen by whoever may see the school. Methodologies are shared reference data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    UserLike,
    organization_prefix_scoper,
    scoped,
    territory_ancestor_paths,
)
from opora.identification.models import IdentificationRun, SchoolIdentification
from opora.registry.models import Territory

scoped(SchoolIdentification)(organization_prefix_scoper("school__"))


@scoped(IdentificationRun)
def scope_runs(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Runs over a territory in reach; for viewing also runs over its ancestors."""
    q = Q(pk__in=[])
    for path in r.territory_paths:
        q |= Q(territory__path__startswith=path)
    if r.action == Action.VIEW and r.territory_paths:
        ancestors = territory_ancestor_paths(r.territory_paths, Territory.steplen)
        q |= Q(territory__path__in=sorted(ancestors))
    return qs.filter(q)
