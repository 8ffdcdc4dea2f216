"""Access scoping of the core's own records (jobs, uploads, saved mappings)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import Action, Reach, UserLike, scoped
from opora.core.models import ImportMapping, ImportUpload, Job, Notification


@scoped(Job)
def scope_jobs(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A user sees the jobs they started and those of organisations in their reach; only the
    one who started a job may start it again (it runs with their rights)."""
    if r.action != Action.VIEW:
        return qs.filter(created_by=user)
    return qs.filter(
        Q(created_by=user) | (Q(organization__isnull=False) & r.organization_q("organization__"))
    )


@scoped(ImportUpload)
def scope_uploads(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """An upload is its uploader's until it is saved."""
    return qs.filter(uploaded_by=user)


@scoped(ImportMapping)
def scope_mappings(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """The shipped presets (read-only) plus the mappings of organisations in reach.

    Reading (`view`, `import`) includes the presets; any other action (changing) never does.
    """
    owned = Q(preset="", owner__isnull=False) & r.organization_q("owner__")
    if r.action in (Action.VIEW, Action.IMPORT):
        return qs.filter(~Q(preset="") | owned)
    return qs.filter(owned)


@scoped(Notification, ties=True)
def scope_notifications(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A notice is its recipient's alone, whatever their roles (a teacher without reach
    included)."""
    return qs.filter(recipient_id=user.pk or 0)
