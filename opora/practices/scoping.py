"""Access scoping of the practice bank.

# --- bank ---

# --- effect ---
Until the bank's practice scoper lands, a minimal one: a published practice is read by every
signed-in user with a role (the bank is shared across territories); anything else, and every
other action, only within the reach of the authors' organisation. An adoption belongs to the
adopting school: seen (with the school's name) by whoever reaches that school.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import Action, Reach, UserLike, organization_prefix_scoper, scoped
from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice

# --- bank ---

# --- effect ---


@scoped(Practice)
def scope_practices(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: published practices, or any in the authors' organisation's reach; any other
    action: the authors' organisation in reach. (Effect's stand-in for bank's scoper.)"""
    if r.action == Action.VIEW:
        return qs.filter(Q(status=PracticeStatus.PUBLISHED) | r.organization_q("organization__"))
    return qs.filter(r.organization_q("organization__"))


scoped(Adoption)(organization_prefix_scoper("school__"))
