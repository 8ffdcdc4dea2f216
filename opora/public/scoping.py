"""Access to the publication switches' records, for their history pages (auditlog): a
programme's publication is seen by whoever may see the programme, a school roadmap's by
whoever may see the roadmap. The public pages never come here (`public.selectors`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opora.core.access import Reach, UserLike, scoped
from opora.public.models import ProgrammePublication, RoadmapPublication
from opora.registry.models import Programme
from opora.registry.scoping import scope_programmes
from opora.roadmaps.scoping import roadmap_q


@scoped(ProgrammePublication)
def scope_programme_publications(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(programme__in=scope_programmes(Programme.objects.all(), r, user))


@scoped(RoadmapPublication)
def scope_roadmap_publications(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    return qs.filter(roadmap_q(r, "roadmap__"))
