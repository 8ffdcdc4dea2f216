"""Access scoping of the support network's records: each hangs off the schools (or the
organisations) it concerns, and is changed by the coordinators of their territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from opora.core.access import TERRITORY_ROLES, Action, Reach, UserLike, reach, scoped
from opora.core.choices import Role
from opora.registry.scoping import coordinator_reach
from opora.support.models import Consultation, Escalation, MentorPair, NetworkAgreement

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


# --- engagement ---

# A consultation is the school administration's exchange with the methodical centre: the
# school's director and staff see their own school's, the territory's specialists (and
# council members, read only) and the school's curator see those of schools in reach.
# Teachers do not: they ask through their administration.
CONSULTATION_VIEW_ROLES = TERRITORY_ROLES | {Role.CURATOR, Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF}
# Who asks for one on behalf of a school.
CONSULTATION_ASK_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF})
# Who takes, schedules and answers: the methodists (analysts) of the methodical centre and the
# coordinators of the territory — territory roles holding CHANGE (council members do not).
CONSULTATION_HANDLER_ROLES = frozenset(
    {Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.ANALYST}
)
# The engagement page: the territory's coordinators and analysts; council members read it.
ENGAGEMENT_VIEW_ROLES = TERRITORY_ROLES
# Escalating is the authority's act towards a school: coordinators, not analysts.
ESCALATE_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR})
# An escalation is addressed to the director: they see and answer it; the territory's roles
# and the school's curator see it.
ESCALATION_VIEW_ROLES = TERRITORY_ROLES | {Role.CURATOR, Role.SCHOOL_DIRECTOR}
ESCALATION_ANSWER_ROLES = frozenset({Role.SCHOOL_DIRECTOR})


@scoped(Consultation)
def scope_consultations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: CONSULTATION_VIEW_ROLES over their reach. Any other action (take, schedule,
    answer) is the handlers' within their territories."""
    roles = CONSULTATION_VIEW_ROLES if r.action == Action.VIEW else CONSULTATION_HANDLER_ROLES
    return qs.filter(reach(user, r.action, roles=roles).organization_q("school__"))


@scoped(Escalation)
def scope_escalations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: ESCALATION_VIEW_ROLES over their reach. Changing one (answering it) is the
    school director's; creating one is checked on the school (`escalation_may_create`)."""
    roles = ESCALATION_VIEW_ROLES if r.action == Action.VIEW else ESCALATION_ANSWER_ROLES
    return qs.filter(reach(user, r.action, roles=roles).organization_q("school__"))
