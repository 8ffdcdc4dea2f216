"""Access to roadmaps.

A school's roadmap is seen by whoever may see the school (its staff, its curator, the
territory's specialists) and changed by those who may change the school (its director, the
territory's coordinators and analysts). The programme's own roadmap is seen wherever the
programme is seen and changed by those who may change the programme's owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.core.access import Action, Reach, UserLike, decided_by_organization, scoped
from opora.registry.models import ProgrammeSchool
from opora.roadmaps.models import Activity, Evidence, Roadmap, RoadmapUpload


def roadmap_q(r: Reach, prefix: str = "") -> Q:
    school = Q(**{f"{prefix}school__isnull": False}) & r.organization_q(f"{prefix}school__")
    own = r.organization_q(f"{prefix}programme__owner__")
    if r.action == Action.VIEW:
        participation = ProgrammeSchool.objects.filter(
            programme=OuterRef(f"{prefix}programme")
        ).filter(r.organization_q("school__"))
        own = own | Q(Exists(participation))
    return school | (Q(**{f"{prefix}school__isnull": True}) & own)


# A school's roadmap is seen and acted on exactly where its school is (`roadmap_q`'s first
# branch; the programme's own roadmaps have no school).
@scoped(Roadmap)
@decided_by_organization("school__")
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
