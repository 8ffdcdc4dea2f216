"""Access scoping of the support network's records: each hangs off the schools (or the
organisations) it concerns, and is changed by the coordinators of their territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from opora.core.access import Action, Reach, UserLike, scoped
from opora.registry.scoping import coordinator_reach
from opora.support.models import MentorPair, NetworkAgreement

# --- network ---

VIEW_ACTIONS = (Action.VIEW, Action.VIEW_PEOPLE)


@scoped(MentorPair)
def scope_mentor_pairs(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen by whoever sees the supported school or the mentor school; changed by the
    coordinators of the supported school's territory."""
    if r.action in VIEW_ACTIONS:
        return qs.filter(r.organization_q("school__") | r.organization_q("mentor__"))
    return qs.filter(coordinator_reach(user).organization_q("school__"))


@scoped(NetworkAgreement)
def scope_agreements(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen by whoever sees the organisation that keeps it or one of its parties; changed by
    the coordinators of the keeper's territory."""
    if r.action in VIEW_ACTIONS:
        parties = NetworkAgreement.parties.through.objects.filter(
            networkagreement=OuterRef("pk")
        ).filter(r.organization_q("organization__"))
        return qs.filter(r.organization_q("owner__") | Exists(parties))
    return qs.filter(coordinator_reach(user).organization_q("owner__"))
