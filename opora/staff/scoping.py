"""Access to teachers' records.

Teacher-level data (the registry entry, diagnostic results, the development plan) is
narrower than any role's general reach: it is seen by the teacher (the record linked to the
user's Person), the director of the teacher's school and the territory's analysts
(methodical centre), and changed by the director and the analysts — the reach of
`opora.core.access.teacher_record_reach` (TEACHER_RECORD_ROLES). Coordinators, curators,
council members, other school staff and other teachers see aggregates only
(`selectors.deficit_map`, `selectors.school_staff_summary`), which read through the schools
the user may view.

These models are not registered as `personal=True`: that switches viewing to the general
VIEW_PEOPLE reach, which includes curators and school staff and excludes the teacher
themself. The scopers below apply the stricter rule for every action instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from opora.core.access import Action, Reach, UserLike, scoped, teacher_record_reach
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    PlanItem,
    Teacher,
)


def teacher_q(user: UserLike, action: Action, prefix: str = "") -> Q:
    """Teachers whose individual data `user` may `action`, through `prefix` ("teacher__")."""
    q = teacher_record_reach(user, action).organization_q(f"{prefix}school__")
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
    if r.action == Action.VIEW or teacher_record_reach(user, r.action).territory_paths:
        return qs
    return qs.none()
