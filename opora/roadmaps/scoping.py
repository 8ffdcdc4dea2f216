"""Access to roadmaps.

A school's roadmap is seen by whoever may see the school (its staff, its curator, the
territory's specialists) and changed by those who may change the school (its director, the
territory's coordinators and analysts). The programme's own roadmap is seen wherever the
programme is seen and changed by those who may change the programme's owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import (
    Action,
    Reach,
    UserLike,
    admitted_by,
    decided_by_organization,
    scoped,
)
from opora.registry.models import ProgrammeSchool
from opora.roadmaps.models import Activity, Evidence, Roadmap, RoadmapUpload


def roadmap_q(r: Reach, prefix: str = "") -> Q:
    school = Q(**{f"{prefix}school__isnull": False}) & r.organization_q(f"{prefix}school__")
    own = r.organization_q(f"{prefix}programme__owner__")
    if r.action == Action.VIEW:
        own = own | Q(Exists(_participating(r, OuterRef(f"{prefix}programme"))))
    return school | (Q(**{f"{prefix}school__isnull": True}) & own)


def _participating(r: Reach, programme: Any) -> QuerySet[ProgrammeSchool]:
    """The schools in reach `r` taking part in `programme` (an id, or a reference to one)."""
    return ProgrammeSchool.objects.filter(programme=programme).filter(r.organization_q("school__"))


def roadmap_deciding_organization(roadmap: Roadmap) -> Any:
    """The organisation whose place in a reach decides `roadmap_q` for a roadmap already read
    (with `school__territory` and `programme__owner__territory`): its school; for the
    programme's own roadmap, the programme's owner — except that viewing the latter is also
    open to the reach of a school taking part (`roadmap_participation_seen`)."""
    return roadmap.school if roadmap.school_id is not None else roadmap.programme.owner


def roadmap_participation_seen(r: Reach, roadmap: Roadmap) -> bool:
    """`roadmap_q`'s other way to view the programme's own roadmap: a school of the programme
    in reach `r` (one query)."""
    return _participating(r, roadmap.programme_id).exists()


def roadmap_admits(roadmap: Roadmap, r: Reach, user: UserLike) -> bool:
    """`roadmap_q` for one roadmap already read (see `roadmap_deciding_organization`)."""
    if r.covers(roadmap_deciding_organization(roadmap)):
        return True
    return (
        roadmap.school_id is None
        and r.action == Action.VIEW
        and roadmap_participation_seen(r, roadmap)
    )


# A school's roadmap is seen and acted on exactly where its school is (`roadmap_q`'s first
# branch; the programme's own roadmaps have no school).
@scoped(Roadmap)
@decided_by_organization("school__")
@admitted_by(roadmap_admits)
def scope_roadmaps(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(roadmap_q(r))


# Activities have a history page (auditlog), which fetches them through this scoping.
@scoped(Activity)
def scope_activities(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(roadmap_q(r, "roadmap__"))


@scoped(RoadmapUpload)
def scope_uploads(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """A file being recognised is its uploader's until it is saved as a roadmap."""
    return qs.filter(created_by=user)


@scoped(Evidence)
def scope_evidence(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """An evidence file is served to whoever may see its activity, and to nobody else."""
    return qs.filter(roadmap_q(r, "report__activity__roadmap__"))
