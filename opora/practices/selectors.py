"""Reading the practice bank, always through the access scoping (`opora.practices.scoping`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    own_organizations,
    permits,
    reach,
    restrict,
    restrict_within,
)
from opora.core.choices import Role
from opora.practices import scoping  # noqa: F401  (registers the scopers)
from opora.practices.choices import PracticeStatus
from opora.practices.models import (
    Adoption,
    Collection,
    CollectionItem,
    Practice,
    PracticeMaterial,
    Review,
    ReviewCriterion,
)
from opora.practices.scoping import (
    author_reach,
    expert_reach,
    handler_reach,
    publisher_reach,
)
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Person, Territory
from opora.results.models import Subject
from opora.roadmaps.library import PROBLEM_TYPES, SECTIONS, measures_for
from opora.roadmaps.models import Roadmap, Section
from opora.roadmaps.selectors import roadmap_may
from opora.roadmaps.services import EDITABLE
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---


def json_has(field_name: str, value: str | int) -> Q:
    """Rows whose JSON list `field_name` holds `value`. Matched on the list's text (both
    PostgreSQL and SQLite write «["a", "b"]» / «[1, 2]»), since SQLite has no JSON contains."""
    if isinstance(value, int):
        q = Q(**{f"{field_name}__icontains": f"[{value}]"})
        for left, right in (("[", ","), (" ", ","), (" ", "]")):
            q |= Q(**{f"{field_name}__icontains": f"{left}{value}{right}"})
        return q
    return Q(**{f"{field_name}__icontains": f'"{value}"'})


@dataclass
class BankFilter:
    """What the bank page is asked for (all optional)."""

    text: str = ""
    problem_type: str = ""
    risk_factor: str = ""
    subject: int | None = None
    grade: int | None = None
    territory: Territory | None = None
    status: str = ""
    mine: bool = False
    awaiting_review: bool = False


def practice_list(user: UserLike, filters: BankFilter | None = None) -> QuerySet[Practice]:
    """The practices the user may see, filtered; without a state asked for, the published
    bank (drafts are reached by «мои» / a state / «ждут экспертизы»)."""
    f = filters or BankFilter()
    qs = restrict(Practice.objects.all(), user).select_related("organization__territory")
    if f.mine:
        mine = Q(created_by=user) | Q(authors__user=user)
        mine |= author_reach(user).organization_q("organization__") & ~Q(
            status=PracticeStatus.PUBLISHED
        )
        qs = qs.filter(pk__in=Practice.objects.filter(mine).values("pk"))
        if f.status:
            qs = qs.filter(status=f.status)
    elif f.awaiting_review:
        qs = qs.filter(status=PracticeStatus.REVIEW).filter(
            expert_reach(user).organization_q("organization__")
        )
        qs = qs.exclude(reviews__reviewer_id=user.pk)
    elif f.status:
        qs = qs.filter(status=f.status)
    else:
        qs = qs.filter(status=PracticeStatus.PUBLISHED)
    if f.text:
        words = f.text.strip()
        qs = qs.filter(
            Q(title__icontains=words)
            | Q(summary__icontains=words)
            | Q(description__icontains=words)
        )
    if f.problem_type:
        qs = qs.filter(json_has("problem_types", f.problem_type))
    if f.risk_factor:
        qs = qs.filter(json_has("risk_factors", f.risk_factor))
    if f.grade:
        qs = qs.filter(json_has("grades", f.grade))
    if f.subject:
        qs = qs.filter(
            pk__in=Practice.subjects.through.objects.filter(subject_id=f.subject).values(
                "practice_id"
            )
        )
    if f.territory is not None:
        qs = qs.filter(organization__territory__path__startswith=f.territory.path)
    return qs.order_by("-published_at", "-created_at", "-pk")


def territory_find(pk: int | None) -> Territory | None:
    """A territory to filter the bank by (territories are not protected: their names are
    what every page shows)."""
    return Territory.objects.filter(pk=pk).first() if pk else None


def territory_choices() -> QuerySet[Territory]:
    """The region, municipalities and districts to filter the bank by."""
    return Territory.objects.filter(depth__lte=3).order_by("path")


def subject_choices() -> QuerySet[Subject]:
    return Subject.objects.order_by("name")


def organizations_of(organizations: list[Organization]) -> QuerySet[Organization]:
    """The given organisations (already chosen through the user's reach) as a queryset for a
    form's choices."""
    return Organization.objects.filter(pk__in=[o.pk for o in organizations])


def practice_list_all(user: UserLike) -> QuerySet[Practice]:
    """Every practice the user may see, whatever its state."""
    return restrict(Practice.objects.select_related("organization"), user)


def practice_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Practice:
    """A practice the user may `action`; 404 otherwise."""
    qs = Practice.objects.select_related("organization__territory", "created_by", "root")
    return get_for_user(qs, user, pk, action)


def practice_may(user: UserLike, practice: Practice, action: Action) -> bool:
    return permits(user, practice, action)


def practice_versions(user: UserLike, practice: Practice) -> list[Practice]:
    """All versions of the practice's lineage the user may see, oldest first."""
    root = practice.lineage_id
    return list(
        restrict(Practice.objects.filter(Q(pk=root) | Q(root_id=root)), user).order_by("version")
    )


def practice_materials(user: UserLike, practice: Practice) -> list[PracticeMaterial]:
    return list(restrict(PracticeMaterial.objects.filter(practice=practice), user))


def material_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> PracticeMaterial:
    """A material the user may `action` (through its practice); 404 otherwise."""
    return get_for_user(PracticeMaterial.objects.select_related("practice"), user, pk, action)


def practice_reviews(user: UserLike, practice: Practice) -> list[Review]:
    """The reviews of this version the user may read."""
    return list(restrict(Review.objects.filter(practice=practice), user).select_related("reviewer"))


def may_describe(user: UserLike) -> bool:
    return not author_reach(user).is_empty


def may_review_anywhere(user: UserLike) -> bool:
    return not expert_reach(user).is_empty


def authoring_choices(user: UserLike) -> QuerySet[Organization]:
    """The schools and methodical centres the user may describe a practice for."""
    return (
        Organization.objects.filter(author_reach(user).organization_q(), is_active=True)
        .filter(kind__in=[OrganizationKind.SCHOOL, OrganizationKind.METHODICAL_CENTRE])
        .select_related("territory")
        .order_by("kind", "short_name", "name")
    )


def author_choices(user: UserLike, organization: Organization | None = None) -> QuerySet[Person]:
    """The people who may be named authors: of `organization` when it is known (a saved
    draft), else of every organisation in the user's authoring reach (the service checks
    that they work at the chosen one)."""
    r = author_reach(user)
    people = Person.objects.filter(r.organization_q("memberships__organization__")).filter(
        memberships__is_active=True
    )
    if organization is not None:
        people = people.filter(memberships__organization=organization)
    return people.distinct().order_by("last_name", "first_name", "pk")


def active_criteria(user: UserLike, practice: Practice) -> list[ReviewCriterion]:
    """The criteria the practice is reviewed on: the shipped ones and those of the authorities
    above its organisation."""
    path = practice.organization.territory.path
    steplen = Territory.steplen
    around = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
    return list(
        restrict(ReviewCriterion.objects.filter(is_active=True), user).filter(
            Q(owner__isnull=True) | Q(owner__territory__path__in=around)
        )
    )


def criterion_list(user: UserLike) -> QuerySet[ReviewCriterion]:
    return restrict(ReviewCriterion.objects.select_related("owner"), user).order_by(
        "owner__name", "position", "pk"
    )


def criterion_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> ReviewCriterion:
    return get_for_user(ReviewCriterion.objects.select_related("owner"), user, pk, action)


def criterion_owner_choices(user: UserLike) -> list[Organization]:
    """The authorities the user may add criteria for: their own, as a coordinator."""
    return [
        o
        for o in own_organizations(user, Action.APPROVE, territory_roles=True)
        if o.kind == OrganizationKind.EDUCATION_AUTHORITY
    ]


def may_publish(user: UserLike, practice: Practice) -> bool:
    return publisher_reach(user).covers(practice.organization)


def may_review(user: UserLike, practice: Practice) -> bool:
    return expert_reach(user).covers(practice.organization)


def collection_list(user: UserLike) -> QuerySet[Collection]:
    from opora.core.queries import count_of

    return (
        restrict(Collection.objects.select_related("owner"), user)
        .annotate(practice_count=count_of(CollectionItem.objects.all(), "collection"))
        .order_by("title", "pk")
    )


def collection_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Collection:
    return get_for_user(Collection.objects.select_related("owner", "created_by"), user, pk, action)


def collection_may(user: UserLike, collection: Collection, action: Action) -> bool:
    return permits(user, collection, action)


def collection_item_rows(user: UserLike, collection: Collection) -> QuerySet[CollectionItem]:
    """The items of a collection whose practice the user may see, in order, with the practice
    and its organisation: what the collection's page pages."""
    visible = restrict(Practice.objects.all(), user).values("pk")
    return (
        CollectionItem.objects.filter(collection=collection, practice__in=visible)
        .select_related("practice__organization")
        .order_by("position", "pk")
    )


def collection_items(user: UserLike, collection: Collection) -> list[CollectionItem]:
    """The items of a collection in order, with what the atlas prints (authors, materials)."""
    return list(
        collection_item_rows(user, collection).prefetch_related(
            "practice__authors",
            Prefetch(
                "practice__materials", queryset=PracticeMaterial.objects.order_by("position", "pk")
            ),
        )
    )


def collection_owner_choices(user: UserLike) -> list[Organization]:
    """The organisations a handler compiles collections for: their own."""
    return [
        o
        for o in own_organizations(user, Action.VIEW, territory_roles=True)
        if handler_reach(user).covers(o)
    ]


def may_compile(user: UserLike) -> bool:
    return bool(collection_owner_choices(user))


def collection_practice_choices(
    user: UserLike, *, outside: Collection | None = None, text: str = ""
) -> QuerySet[Practice]:
    """Published practices a collection may take, newest first; with `outside`, those not in
    it yet; with `text`, those whose title or description has it (as the bank's search)."""
    practices = practice_list(user, BankFilter(text=text)).select_related(None).only("pk", "title")
    if outside is not None:
        # A subquery: the page shows only a page of the items, the choices skip all of them.
        practices = practices.exclude(
            pk__in=CollectionItem.objects.filter(collection=outside).values("practice_id")
        )
    return practices


# --- Evidence of effect, adoption, the constructor's proposals ---

# Who records that a school takes up a practice: the school's own director and staff, its
# curator and the territory's methodists.
ADOPT_ROLES = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.CURATOR, Role.ANALYST})


def published_practice_get(user: UserLike, pk: Any) -> Practice:
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
        restrict_within(Adoption.objects.all(), user, school)
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
