"""Access scoping of the support network's records: each hangs off the schools (or the
organisations) it concerns, and is changed by the coordinators of their territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    Reach,
    UserLike,
    decided_by_organization,
    own_organizations,
    reach,
    scoped,
    territory_ancestor_paths,
)
from opora.core.choices import Role
from opora.registry.models import Territory
from opora.registry.scoping import coordinator_reach
from opora.support.models import (
    Consultation,
    Escalation,
    MentorPair,
    NetworkAgreement,
    Recommendation,
    Visit,
    VisitPhoto,
    VisitTemplate,
)

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


def _consultation_reach(r: Reach, user: UserLike) -> Reach:
    roles = CONSULTATION_VIEW_ROLES if r.action == Action.VIEW else CONSULTATION_HANDLER_ROLES
    return reach(user, r.action, roles=roles)


@scoped(Consultation)
@decided_by_organization("school__", _consultation_reach)
def scope_consultations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: CONSULTATION_VIEW_ROLES over their reach. Any other action (take, schedule,
    answer) is the handlers' within their territories."""
    return qs.filter(_consultation_reach(r, user).organization_q("school__"))


def _escalation_reach(r: Reach, user: UserLike) -> Reach:
    roles = ESCALATION_VIEW_ROLES if r.action == Action.VIEW else ESCALATION_ANSWER_ROLES
    return reach(user, r.action, roles=roles)


@scoped(Escalation)
@decided_by_organization("school__", _escalation_reach)
def scope_escalations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Viewing: ESCALATION_VIEW_ROLES over their reach. Changing one (answering it) is the
    school director's; creating one is checked on the school (`escalation_may_create`)."""
    return qs.filter(_escalation_reach(r, user).organization_q("school__"))


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


def _visit_reach(r: Reach, user: UserLike) -> Reach:
    return visit_view_reach(user) if r.action == Action.VIEW else r


def _visit_school_q(r: Reach, user: UserLike, prefix: str) -> Q:
    return _visit_reach(r, user).organization_q(prefix)


@scoped(Visit)
@decided_by_organization("school__", _visit_reach)
def scope_visits(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen by VISIT_VIEW_ROLES over the school; conducted (`VISIT_ACTION`) by the school's
    curator and the territory's methodists and coordinators."""
    return qs.filter(_visit_school_q(r, user, "school__"))


@scoped(VisitPhoto)
def scope_visit_photos(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A photo is served to whoever may see its visit, and to nobody else."""
    return qs.filter(_visit_school_q(r, user, "visit__school__"))


# A recommendation to a school is seen like its visits; one to an organisation has no school.
@scoped(Recommendation)
@decided_by_organization("school__", _visit_reach)
def scope_recommendations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen like visits; one addressed to an organisation rather than a school (a report's
    recommendation to the methodical centre or the authority) is seen by whoever reaches that
    organisation. Who may answer one is `selectors.recommendation_may_answer`."""
    return qs.filter(
        _visit_school_q(r, user, "school__")
        | (Q(school__isnull=True) & r.organization_q("organization__"))
    )


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
