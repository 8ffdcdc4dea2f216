"""Access to teachers' records.

Teacher-level data (the registry entry, diagnostic results, the development plan) is
narrower than any role's general reach: it is seen by the teacher (the record linked to the
user's Person), the director of the teacher's school and the territory's analysts
(methodical centre), and changed by the director and the analysts. Coordinators, curators,
council members, other school staff and other teachers see aggregates only
(`selectors.deficit_map`, `selectors.school_staff_summary`), which read through the schools
the user may view.

These models are not registered as `personal=True`: that switches viewing to the general
VIEW_PEOPLE reach, which includes curators and school staff and excludes the teacher
themself. The scopers below apply the stricter rule for every action instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from opora.core.access import ROLE_ACTIONS, Action, Reach, UserLike, scoped
from opora.core.choices import Role
from opora.registry.models import Membership
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    PlanItem,
    Teacher,
)

# The roles that see and manage teacher-level data within their reach.
TEACHER_LEVEL_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.ANALYST})


def teacher_level_reach(user: UserLike, action: Action | str = Action.VIEW) -> Reach:
    """The schools whose teachers' individual data `user` may `action`: directors' own
    schools and analysts' territories (superusers: everything). One query per request."""
    action = Action(action)
    if isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return Reach(action=action)
    if user.is_superuser:
        return Reach(action=action, everything=True)
    cache: dict[Action, Reach] = user.__dict__.setdefault("_opora_teacher_reach", {})
    if action in cache:
        return cache[action]
    memberships = user.__dict__.get("_opora_teacher_memberships")
    if memberships is None:
        memberships = list(
            Membership.objects.filter(
                person__user=user, is_active=True, role__in=sorted(TEACHER_LEVEL_ROLES)
            ).select_related("organization__territory")
        )
        user.__dict__["_opora_teacher_memberships"] = memberships
    result = Reach(action=action)
    for membership in memberships:
        if action not in ROLE_ACTIONS.get(membership.role, frozenset()):
            continue
        if membership.role == Role.ANALYST:
            result.territory_paths.add(membership.organization.territory.path)
        else:
            result.organization_ids.add(membership.organization_id)
    cache[action] = result
    return result


def teacher_q(user: UserLike, action: Action, prefix: str = "") -> Q:
    """Teachers whose individual data `user` may `action`, through `prefix` ("teacher__")."""
    q = teacher_level_reach(user, action).organization_q(f"{prefix}school__")
    if action == Action.VIEW and isinstance(user, User):
        # A teacher sees their own record and results, read only.
        q |= Q(**{f"{prefix}person__user": user})
    return q


@scoped(Teacher)
def scope_teachers(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(teacher_q(user, r.action))


@scoped(DiagnosticScore)
def scope_scores(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(teacher_q(user, r.action, "teacher__"))


@scoped(DevelopmentPlan)
def scope_plans(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(teacher_q(user, r.action, "teacher__"))


@scoped(PlanItem)
def scope_items(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(teacher_q(user, r.action, "plan__teacher__"))


@scoped(DiagnosticAggregate)
def scope_aggregates(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """School aggregates are seen by whoever may see the school."""
    return qs.filter(r.organization_q("school__"))


@scoped(Diagnostic)
def scope_diagnostics(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A diagnostic is seen where it was organised or where a school in reach took part."""
    with_results = DiagnosticScore.objects.filter(r.organization_q("school__")).values(
        "diagnostic_id"
    )
    with_aggregates = DiagnosticAggregate.objects.filter(r.organization_q("school__")).values(
        "diagnostic_id"
    )
    own = Q(organizer__isnull=False) & r.organization_q("organizer__")
    if r.action != Action.VIEW:
        return qs.filter(own)
    return qs.filter(own | Q(pk__in=with_results) | Q(pk__in=with_aggregates))


@scoped(Course)
def scope_courses(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """The course catalogue is common: anyone with a reach reads it; the analysts of a
    methodical centre (a territory reach among the teacher-level roles) edit it."""
    if r.action == Action.VIEW or teacher_level_reach(user, r.action).territory_paths:
        return qs
    return qs.none()
