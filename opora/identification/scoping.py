"""Access to runs and outcomes.

A run belongs to a territory: territory roles see the runs of territories in their reach and
above them (a municipality sees the region's list, for its own schools). A school's outcome
is seen by whoever may see the school. A methodology belongs to an organisation: it is seen
within reach of its owner and by whoever sees a run that used it; the built-in one by every
territory role; only the owner's reach changes it, and the built-in one never.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    UserLike,
    organization_prefix_scoper,
    restrict,
    scoped,
    territory_ancestor_paths,
)
from opora.identification.models import (
    ExternalList,
    ExternalListSchool,
    IdentificationRun,
    Methodology,
    MethodologyVersion,
    QualityCheck,
    SchoolIdentification,
)
from opora.registry.models import Territory

scoped(SchoolIdentification)(organization_prefix_scoper("school__"))
scoped(ExternalListSchool)(organization_prefix_scoper("school__"))


@scoped(IdentificationRun)
@scoped(ExternalList)
@scoped(QualityCheck)
def scope_runs(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Runs (and official lists, quality checks) over a territory in reach; for viewing also
    those over its ancestors."""
    q = Q(pk__in=[])
    for path in r.territory_paths:
        q |= Q(territory__path__startswith=path)
    if r.action == Action.VIEW and r.territory_paths:
        ancestors = territory_ancestor_paths(r.territory_paths, Territory.steplen)
        q |= Q(territory__path__in=sorted(ancestors))
    return qs.filter(q)


@scoped(Methodology)
def scope_methodologies(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: the owner in reach, a visible run used it, or built-in for territory roles.
    Any other action: own methodologies of organisations in reach, never the built-in one."""
    owned = Q(owner__isnull=False) & r.organization_q("owner__")
    if r.action != Action.VIEW:
        return qs.filter(owned, is_builtin=False)
    q = owned | Q(
        pk__in=restrict(IdentificationRun.objects.all(), user).values("version__methodology_id")
    )
    if r.territory_paths:
        q |= Q(is_builtin=True)
    return qs.filter(q)


@scoped(MethodologyVersion)
def scope_methodology_versions(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A version goes with its methodology."""
    return qs.filter(methodology__in=scope_methodologies(Methodology.objects.all(), r, user))
