"""Access scoping of the evaluation.

An estimate compares a programme's schools with the other schools of the authority's
territory, so it is read by those who see the whole territory — the territory roles
(coordinators, the regional coordinator, analysts, council members) whose reach covers the
programme's owner — and started by those of them who may change it (not council members).
Curators, directors and teachers never see an estimate: 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opora.core.access import TERRITORY_ROLES, Reach, UserLike, reach, scoped
from opora.evaluation.models import Estimate


def territory_reach(user: UserLike, action: Any) -> Reach:
    """The reach through territory roles only (what evaluation is open to)."""
    return reach(user, action, roles=TERRITORY_ROLES)


@scoped(Estimate)
def scope_estimates(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    own = territory_reach(user, r.action)
    if own.is_empty and not own.everything:
        return qs.none()
    return qs.filter(own.organization_q("programme__owner__"))
