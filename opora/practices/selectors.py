"""Reading the practice bank, always through the access scoping (`opora.practices.scoping`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from opora.core.access import Action, UserLike, get_for_user, reach, restrict
from opora.core.choices import Role
from opora.practices import scoping  # noqa: F401  (registers the scopers)
from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization
from opora.roadmaps.library import PROBLEM_TYPES, SECTIONS, measures_for
from opora.roadmaps.models import Roadmap, Section
from opora.roadmaps.selectors import roadmap_may
from opora.roadmaps.services import EDITABLE
from opora.surveys.choices import RiskFactor

# --- bank ---

# --- effect ---

# Who records that a school takes up a practice: the school's own director and staff, its
# curator and the territory's methodists.
ADOPT_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.CURATOR, Role.ANALYST})


def practice_for_effect(user: UserLike, pk: Any) -> Practice:
    """A published practice the user may see (evidence, adoption); 404 otherwise."""
    qs = Practice.objects.filter(status=PracticeStatus.PUBLISHED).select_related(
        "organization__territory"
    )
    return get_for_user(qs, user, pk)


def lineage_q(practice: Practice, prefix: str = "practice__") -> Q:
    """Rows of any version of the practice (its lineage: the first version and later ones)."""
    lineage = practice.lineage_id
    return Q(**{f"{prefix}pk": lineage}) | Q(**{f"{prefix}root_id": lineage})


def adoption_schools(user: UserLike) -> QuerySet[Organization]:
    """The schools for which `user` may record an adoption."""
    r = reach(user, Action.VIEW, roles=ADOPT_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return Organization.objects.filter(
        r.organization_q(), kind=OrganizationKind.SCHOOL, is_active=True
    ).order_by("short_name", "pk")


def may_adopt(user: UserLike) -> bool:
    return not reach(user, Action.VIEW, roles=ADOPT_ROLES).is_empty


def practice_adoptions(user: UserLike, practice: Practice) -> list[Adoption]:
    """The adoptions of the practice (any version) whose school the user reaches (with the
    school's name); the others are only counted (`effect.practice_usage`)."""
    return list(
        restrict(Adoption.objects.filter(lineage_q(practice)), user)
        .select_related("school", "activity__roadmap")
        .order_by("school__short_name", "pk")
    )


def school_adoptions(user: UserLike, school: Organization) -> list[Adoption]:
    """The practices the school adopted, for its card (the user sees the school)."""
    return list(
        restrict(Adoption.objects.filter(school=school), user)
        .select_related("practice", "activity__roadmap")
        .order_by("-adopted_on", "-pk")
    )


def adoption_sections(user: UserLike, schools: QuerySet[Organization]) -> QuerySet[Section]:
    """Sections of the schools' roadmaps that still take new activities (a draft or returned
    roadmap) and that the user may change: where an adopted practice can become an activity."""
    roadmaps = restrict(
        Roadmap.objects.filter(school__in=schools, status__in=sorted(EDITABLE)), user, Action.CHANGE
    )
    return (
        Section.objects.filter(roadmap__in=roadmaps)
        .select_related("roadmap__school")
        .order_by("roadmap__school__short_name", "roadmap_id", "position")
    )


def published_practices(user: UserLike) -> QuerySet[Practice]:
    """Published practices the user may see, with their lineage id for counting adoptions."""
    return restrict(Practice.objects.filter(status=PracticeStatus.PUBLISHED), user).annotate(
        lineage=Coalesce(F("root_id"), F("pk"))
    )


def roadmap_section_may(user: UserLike, section: Section) -> bool:
    return roadmap_may(user, section.roadmap, Action.CHANGE)


# How many practices the constructor proposes at most.
SUGGESTIONS_SHOWN = 10
# Where a proposed practice goes when no library measure shares its factors.
DEFAULT_SECTION = SECTIONS[2]


@dataclass(frozen=True)
class Proposed:
    """A published practice the constructor proposes, with why and the section it fits."""

    practice: Practice
    why: list[str]
    section: str
    adoptions: int


def _section_for(factors: list[str], types: list[str]) -> str:
    """The library section of the first non-baseline measure answering the same factor or
    problem type: a practice sits where the library's own measures for it sit."""
    for measure in measures_for(risk_factors=factors, problem_types=types):
        if not measure.baseline:
            return measure.section
    return DEFAULT_SECTION


def practices_for_selection(
    user: UserLike,
    risk_factors: Iterable[str],
    problem_types: Iterable[str],
    limit: int = SUGGESTIONS_SHOWN,
) -> list[Proposed]:
    """Published practices the user sees that answer any of the selected risk factors or
    problem types: the most matches first, then the most adopted. Two queries (the codes are
    matched in Python: JSON containment differs between SQLite and PostgreSQL)."""
    factors, types = set(risk_factors), set(problem_types)
    if not factors and not types:
        return []
    labels = dict(RiskFactor.choices) | PROBLEM_TYPES
    candidates = []
    for practice in published_practices(user).select_related("organization"):
        own_factors = [f for f in practice.risk_factors if f in factors]
        own_types = [t for t in practice.problem_types if t in types]
        if own_factors or own_types:
            candidates.append((practice, own_factors, own_types))
    if not candidates:
        return []
    counts = dict(
        Adoption.objects.annotate(line=Coalesce(F("practice__root_id"), F("practice_id")))
        .filter(line__in=sorted({p.lineage_id for p, _f, _t in candidates}))
        .values_list("line")
        .annotate(n=Count("pk"))
        .values_list("line", "n")
    )
    candidates.sort(
        key=lambda c: (-(len(c[1]) + len(c[2])), -counts.get(c[0].lineage_id, 0), c[0].title)
    )
    return [
        Proposed(
            practice=practice,
            why=[str(labels[code]) for code in (*own_factors, *own_types) if code in labels],
            section=_section_for(own_factors, own_types),
            adoptions=counts.get(practice.lineage_id, 0),
        )
        for practice, own_factors, own_types in candidates[:limit]
    ]
