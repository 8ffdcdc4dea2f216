"""Reads of roadmaps; callers pass roadmaps the user may see."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from opora.core.access import Action, UserLike, can, get_for_user, restrict
from opora.registry.models import Organization, Programme, ProgrammeSchool
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import Activity, ReviewComment, Roadmap, RoadmapVersion, Section


def roadmap_draft(roadmap: Roadmap) -> DraftRoadmap:
    """The roadmap's current text as a draft (for versions, diffs and exports): two queries
    whatever its size."""
    sections = list(Section.objects.filter(roadmap=roadmap).select_related("parent"))
    activities = Activity.objects.filter(roadmap=roadmap).order_by("position")
    drafts = {
        s.pk: DraftSection(
            number=s.number, title=s.title, parent=s.parent.number if s.parent else ""
        )
        for s in sections
    }
    for activity in activities:
        drafts[activity.section_id].activities.append(
            DraftActivity(
                number=activity.number,
                text=activity.text,
                schedule=activity.schedule_text,
                responsible=activity.responsible,
                result=activity.result,
                document=activity.document,
                levels=list(activity.levels),
                year_results=dict(activity.year_results),
                indicators=list(activity.indicators),
                measure=activity.measure,
            )
        )
    return DraftRoadmap(
        title=roadmap.title,
        result_years=list(roadmap.result_years),
        sections=[drafts[s.pk] for s in sections],
    )


def programme_roadmaps(user: UserLike, programme: Programme) -> QuerySet[Roadmap]:
    """The programme's roadmaps `user` may see: its own first, then the schools'."""
    return (
        restrict(Roadmap.objects.filter(programme=programme), user)
        .select_related("school")
        .annotate(activity_count=Count("activities"))
        .order_by(F("school__name").asc(nulls_first=True), "title")
    )


def roadmap_get(user: UserLike, pk: int, action: Action = Action.VIEW) -> Roadmap:
    """The roadmap if `user` may `action` it; 404 otherwise."""
    return get_for_user(
        Roadmap.objects.select_related("programme__owner__territory", "school__territory"),
        user,
        pk,
        action,
    )


def roadmap_schools(user: UserLike, programme: Programme) -> QuerySet[Organization]:
    """The programme's schools for which `user` may create a roadmap."""
    ids = ProgrammeSchool.objects.filter(programme=programme).values("school_id")
    return restrict(Organization.objects.filter(pk__in=ids), user, Action.CHANGE).order_by("name")


def may_create_roadmap(user: UserLike, programme: Programme) -> bool:
    return can(user, Action.CHANGE, programme.owner) or roadmap_schools(user, programme).exists()


def may_change_roadmap(user: UserLike, roadmap: Roadmap) -> bool:
    return restrict(Roadmap.objects.filter(pk=roadmap.pk), user, Action.CHANGE).exists()


def roadmap_sections(roadmap: Roadmap) -> list[tuple[Section, list[Activity]]]:
    """Sections with their activities, for the roadmap page: two queries whatever its size."""
    sections = list(Section.objects.filter(roadmap=roadmap))
    by_section: dict[int, list[Activity]] = {s.pk: [] for s in sections}
    for activity in Activity.objects.filter(roadmap=roadmap).order_by("position"):
        by_section[activity.section_id].append(activity)
    return [(s, by_section[s.pk]) for s in sections]


def roadmap_comments(roadmap: Roadmap) -> list[ReviewComment]:
    return list(
        ReviewComment.objects.filter(roadmap=roadmap)
        .select_related("author")
        .order_by("created_at")
    )


def roadmap_versions(roadmap: Roadmap) -> list[RoadmapVersion]:
    return list(RoadmapVersion.objects.filter(roadmap=roadmap).order_by("number"))


def may_comment(user: UserLike, roadmap: Roadmap) -> bool:
    """Reviewers and authors discuss a roadmap while it is being reviewed."""
    if roadmap.status not in (RoadmapStatus.SUBMITTED, RoadmapStatus.REVIEW):
        return False
    visible = Roadmap.objects.filter(pk=roadmap.pk)
    return (
        restrict(visible, user, Action.REVIEW).exists()
        or restrict(visible, user, Action.CHANGE).exists()
    )
