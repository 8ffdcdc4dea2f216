"""Access scoping of the core's own records (jobs, uploads, saved mappings)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import Action, Reach, UserLike, scoped
from opora.core.models import ImportUpload, Job


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
