"""Access scoping of the practice bank.

A published practice (and a once-published one in the archive) is the bank: every signed-in
user reads it, whatever their territory. A draft or a practice under review is seen by the
authoring organisation's school staff (director, staff, teachers) and by the handlers —
coordinators, regional coordinators and analysts (methodists) — whose reach covers the
organisation; everyone else gets 404.

Actions on a practice:
- CHANGE (edit a draft, submit it, add materials): the authoring school's staff and the
  handlers in reach (`author_reach`);
- REVIEW (score it on the criteria): analysts and coordinators in reach (`expert_reach`); the
  service refuses the practice's own authors;
- APPROVE (publish, archive): coordinators and analysts in reach (`publisher_reach`).

A review is seen by the handlers who see the practice and by its authors (people among
`authors` and the creator). A collection (of published practices) is read by everyone
signed in and changed by the handlers whose reach covers its compiler.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import (
    SCHOOL_ROLES,
    Action,
    Reach,
    UserLike,
    organization_prefix_scoper,
    reach,
    scoped,
)
from opora.core.choices import Role
from opora.practices.choices import PracticeStatus
from opora.practices.models import (
    Adoption,
    Collection,
    Practice,
    PracticeMaterial,
    Review,
    ReviewCriterion,
)

# --- The bank: practices, reviews, collections ---

# Who handles the bank in a territory: sees drafts, reviews, publishes, compiles collections.
HANDLER_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR, Role.ANALYST})
# Who describes practices: a school's people for their own school, and the handlers.
AUTHOR_ROLES = SCHOOL_ROLES | HANDLER_ROLES


def handler_reach(user: UserLike) -> Reach:
    """The organisations whose unpublished practices `user` handles."""
    return reach(user, Action.VIEW, roles=HANDLER_ROLES)


def author_reach(user: UserLike) -> Reach:
    """The organisations `user` may describe practices for (and edit their drafts)."""
    return reach(user, Action.VIEW, roles=AUTHOR_ROLES)


def expert_reach(user: UserLike) -> Reach:
    """The organisations whose practices `user` may review as an expert."""
    return reach(user, Action.REVIEW, roles=HANDLER_ROLES)


def publisher_reach(user: UserLike) -> Reach:
    """The organisations whose practices `user` may publish and archive."""
    return reach(user, Action.VIEW, roles=HANDLER_ROLES)


def bank_q(prefix: str = "") -> Q:
    """The bank everyone signed in reads: published practices and once-published archived."""
    return Q(**{f"{prefix}status": PracticeStatus.PUBLISHED}) | Q(
        **{f"{prefix}status": PracticeStatus.ARCHIVED, f"{prefix}published_at__isnull": False}
    )


def practice_q(user: UserLike, action: Action, prefix: str = "") -> Q:
    """The practices `user` may `action`, through `prefix` (e.g. "practice__")."""
    org = f"{prefix}organization__"
    if action == Action.VIEW:
        if not (user.is_authenticated and user.is_active):
            return Q(pk__in=[])
        own = reach(user, Action.VIEW, roles=SCHOOL_ROLES).organization_q(org)
        return bank_q(prefix) | own | handler_reach(user).organization_q(org)
    if action == Action.CHANGE:
        return author_reach(user).organization_q(org)
    if action == Action.REVIEW:
        return expert_reach(user).organization_q(org)
    if action == Action.APPROVE:
        return publisher_reach(user).organization_q(org)
    return Q(pk__in=[])


# Practices are registered with `ties`: a signed-in user whose roles give no reach (or no
# APPROVE reach, as an analyst) still reads the bank and publishes through HANDLER_ROLES.
@scoped(Practice, ties=True)
def scope_practices(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(practice_q(user, r.action))


@scoped(PracticeMaterial, ties=True)
def scope_materials(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A material goes with its practice (read and changed alike)."""
    return qs.filter(practice_q(user, r.action, "practice__"))


@scoped(Review, ties=True)
def scope_reviews(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Read by the handlers in reach and by the practice's authors; changed by nobody (a
    review is final once given)."""
    if r.action != Action.VIEW or not (user.is_authenticated and user.is_active):
        return qs.none()
    authors = Q(practice__authors__user=user) | Q(practice__created_by=user)
    handlers = handler_reach(user).organization_q("practice__organization__")
    mine = Q(reviewer=user)
    # Authors are a many-to-many: a subquery keeps one row per review.
    return qs.filter(pk__in=Review.objects.filter(authors | handlers | mine).values("pk"))


@scoped(Collection, ties=True)
def scope_collections(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Read by everyone signed in; changed by the handlers whose reach covers the compiler."""
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if r.action == Action.VIEW:
        return qs
    return qs.filter(handler_reach(user).organization_q("owner__"))


@scoped(ReviewCriterion, ties=True)
def scope_criteria(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Shipped and authorities' criteria are read by everyone signed in; an authority's own
    are changed by its coordinators only (shipped ones by nobody)."""
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if r.action == Action.VIEW:
        return qs
    owners = reach(
        user,
        Action.APPROVE,
        roles=frozenset({Role.REGIONAL_COORDINATOR, Role.PROGRAMME_COORDINATOR}),
    )
    return qs.filter(owner__isnull=False).filter(owners.organization_q("owner__"))


# --- Evidence of effect, adoption, the constructor's proposals ---

# An adoption belongs to the adopting school: seen (with the school's name) by whoever
# reaches that school.
scoped(Adoption)(organization_prefix_scoper("school__"))
