"""Access to monitoring.

A programme's indicators, checkpoints and roll-ups are seen wherever the programme is seen,
and set up by those who may change the programme's owner.
A school's form is seen by whoever may see the school and by the programme's owners; it is
filled by those who may change the school, and accepted or returned by those who may
accept data for it (the territory's coordinators and analysts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core.access import Action, Reach, UserLike, restrict, scoped
from opora.monitoring.models import Checkpoint, Confirmation, ProgrammeIndicator, Submission
from opora.registry.models import Programme


def submission_q(r: Reach, prefix: str = "") -> Q:
    school = r.organization_q(f"{prefix}school__")
    if r.action == Action.VIEW:
        return school | r.organization_q(f"{prefix}checkpoint__programme__owner__")
    return school


def _through_programme(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Seen wherever the programme is seen; changed by those who may change its owner."""
    if r.action == Action.VIEW:
        return qs.filter(programme__in=restrict(Programme.objects.all(), user, Action.VIEW))
    return qs.filter(r.organization_q("programme__owner__"))


scoped(Checkpoint)(_through_programme)
scoped(ProgrammeIndicator)(_through_programme)


@scoped(Submission)
def scope_submissions(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(submission_q(r))


@scoped(Confirmation)
def scope_confirmations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A confirming document is served to whoever may see its form, and to nobody else."""
    return qs.filter(submission_q(r, "submission__"))
