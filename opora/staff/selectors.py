"""Reads of the staff app.

Teacher-level reads go through `restrict` / `get_for_user` with the scopers of
`staff.scoping` (the teacher, the school's director, the territory's analysts). Aggregate
reads (deficit maps, the school card, the derived indicators) take the schools the user may
view from `restrict(Organization …)` and return counts and shares only, with cells of fewer
than `SUPPRESS_BELOW` teachers hidden from those who may not see the teachers themselves.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    restrict,
    role_organization_ids,
    teacher_record_reach,
)
from opora.core.choices import Role
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Person
from opora.results.models import Subject
from opora.staff.choices import (
    OPEN_STATUSES,
    UNDER_35_BANDS,
    CompetencyArea,
    ItemKind,
    ItemStatus,
)
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    PlanItem,
    Teacher,
)

# Aggregates of fewer teachers than this are not shown to those who may not see the
# teachers' own results: two teachers' mean tells each of them the other's score.
SUPPRESS_BELOW = 3
AREA_ORDER = {area.value: index for index, area in enumerate(CompetencyArea)}


# --- Who may do what ------------------------------------------------------------------------


def may_see_teachers(user: UserLike, school: Organization) -> bool:
    """Whether `user` sees the teachers of `school` one by one (director, analyst)."""
    return teacher_record_reach(user, Action.VIEW).covers(school)


def may_manage_teachers(user: UserLike, school: Organization) -> bool:
    """Whether `user` enters teachers and development plans of `school`."""
    return teacher_record_reach(user, Action.CHANGE).covers(school)


def has_teacher_reach(user: UserLike, action: Action = Action.VIEW) -> bool:
    """Whether `user` sees (or manages) the teachers of any school at all."""
    return not teacher_record_reach(user, action).is_empty


def may_edit_courses(user: UserLike) -> bool:
    """Analysts of a methodical centre (and superusers) keep the course catalogue."""
    r = teacher_record_reach(user, Action.CHANGE)
    return r.everything or bool(r.territory_paths)


def may_import_diagnostics(user: UserLike) -> bool:
    """Teacher-level diagnostic files are loaded by the analysts (or a school's director)."""
    return has_teacher_reach(user, Action.CHANGE)


# --- Schools and teachers -------------------------------------------------------------------


def visible_schools(user: UserLike) -> QuerySet[Organization]:
    """The schools `user` may view (aggregates of their staff are open to the same people)."""
    return restrict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL), user, Action.VIEW
    ).select_related("territory")


def teacher_schools(user: UserLike, action: Action = Action.VIEW) -> QuerySet[Organization]:
    """The schools whose teachers `user` sees (or manages) one by one."""
    r = teacher_record_reach(user, action)
    if r.is_empty:
        return Organization.objects.none()
    return (
        Organization.objects.filter(kind=OrganizationKind.SCHOOL)
        .filter(r.organization_q())
        .select_related("territory")
        .order_by("short_name")
    )


def teacher_school_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Organization:
    """A school whose teachers `user` sees (or, with CHANGE, manages) one by one; 404 else."""
    try:
        school = teacher_schools(user, action).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        school = None
    if school is None:
        raise Http404
    return school


def school_get(user: UserLike, pk: Any) -> Organization:
    """A school `user` may view; 404 otherwise."""
    return get_for_user(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL).select_related("territory"),
        user,
        pk,
    )


def teacher_list(
    user: UserLike, school: Organization, *, active_only: bool = False
) -> QuerySet[Teacher]:
    """The teachers of `school` that `user` may see (none for aggregate-only viewers)."""
    qs = Teacher.objects.filter(school=school)
    if active_only:
        qs = qs.filter(is_active=True)
    return restrict(qs, user).prefetch_related("subjects").select_related("person")


def teacher_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Teacher:
    """A teacher's record if `user` may `action` it; 404 for anyone else."""
    return get_for_user(
        Teacher.objects.select_related("school__territory", "person"), user, pk, action
    )


def school_people(user: UserLike, school: Organization) -> QuerySet[Person]:
    """People holding a role in `school` whom `user` may see (to link a teacher's account)."""
    return (
        restrict(
            Person.objects.filter(memberships__organization=school, memberships__is_active=True),
            user,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def own_teachers(user: UserLike) -> list[Teacher]:
    """The records of the user themself (a teacher may work in two schools)."""
    if not isinstance(user, User):
        return []
    return list(restrict(Teacher.objects.filter(person__user=user), user).select_related("school"))


# --- Diagnostics ----------------------------------------------------------------------------


def diagnostic_list(user: UserLike) -> QuerySet[Diagnostic]:
    return restrict(Diagnostic.objects.all(), user).order_by("-held_on", "title", "pk")


def diagnostic_get(user: UserLike, pk: Any) -> Diagnostic:
    return get_for_user(Diagnostic.objects.all(), user, pk)


def teacher_scores(user: UserLike, teacher: Teacher) -> list[DiagnosticScore]:
    """A teacher's results, newest diagnostic first (the caller has the teacher)."""
    rows = restrict(DiagnosticScore.objects.filter(teacher=teacher), user).select_related(
        "diagnostic", "subject"
    )
    return sorted(
        rows,
        key=lambda s: (
            -s.diagnostic.held_on.toordinal(),
            s.diagnostic_id,
            s.subject.name if s.subject else "",
            AREA_ORDER.get(s.area, 99),
        ),
    )


@dataclass(frozen=True)
class Deficit:
    """A diagnosed deficit: an area (and subject) scored below the diagnostic's threshold."""

    area: str
    subject_id: int | None
    subject_name: str
    score: float
    threshold: float

    @property
    def area_label(self) -> str:
        return str(CompetencyArea(self.area).label)


def teacher_deficits(user: UserLike, teacher: Teacher) -> list[Deficit]:
    """The deficits of the teacher's latest diagnostic."""
    scores = teacher_scores(user, teacher)
    if not scores:
        return []
    latest = scores[0].diagnostic
    return [
        Deficit(
            area=s.area,
            subject_id=s.subject_id,
            subject_name=s.subject.name if s.subject else "",
            score=s.score,
            threshold=latest.threshold,
        )
        for s in scores
        if s.diagnostic_id == latest.pk and s.score < latest.threshold
    ]


@dataclass
class Proposal:
    course: Course
    matches: list[Deficit]
    # A course for the teacher's subject fits a subject deficit better than a general one.
    specific: bool = False


def proposed_courses(deficits: list[Deficit], *, teacher: Teacher | None = None) -> list[Proposal]:
    """Open courses whose topics answer the deficits: a course covers a deficit when it
    names its area and either has no subject (any teacher) or names the deficit's subject.
    The more deficits a course covers, the earlier it comes; then subject courses before
    general ones, then the lowest score."""
    if not deficits:
        return []
    courses = list(Course.objects.filter(is_active=True).prefetch_related("subjects"))
    teacher_subjects = set(teacher.subjects.values_list("pk", flat=True)) if teacher else set()
    proposals = []
    for course in courses:
        course_subjects = {s.pk for s in course.subjects.all()}
        matches = []
        for deficit in deficits:
            if deficit.area not in course.areas:
                continue
            subject = deficit.subject_id
            if course_subjects and not (
                (subject and subject in course_subjects)
                or (subject is None and teacher_subjects & course_subjects)
            ):
                continue
            matches.append(deficit)
        if matches:
            proposals.append(Proposal(course, matches, specific=bool(course_subjects)))
    proposals.sort(
        key=lambda p: (
            -len(p.matches),
            not p.specific,
            min(d.score for d in p.matches),
            p.course.title,
        )
    )
    return proposals


# --- Deficit maps ---------------------------------------------------------------------------


@dataclass
class Cell:
    """An aggregate: how many teachers took the diagnostic, their mean result and the share
    (and number, where known) of them with a deficit."""

    tested: int = 0
    mean: float | None = None
    deficits: int | None = None
    deficit_share: float | None = None
    suppressed: bool = False

    @property
    def level(self) -> str:
        """A heat class for the table: the larger the share with deficits, the hotter."""
        if self.suppressed or self.deficit_share is None:
            return ""
        if self.deficit_share >= 50:
            return "high"
        if self.deficit_share >= 25:
            return "medium"
        return "low"


@dataclass(frozen=True)
class Column:
    subject_id: int | None
    subject_name: str
    area: str

    @property
    def area_label(self) -> str:
        return str(CompetencyArea(self.area).label)


def _column_key(column: Column) -> tuple[Any, ...]:
    return (column.subject_name, AREA_ORDER.get(column.area, 99))


@dataclass
class HeatRow:
    teacher: Teacher
    cells: list[DiagnosticScore | None]


@dataclass
class SchoolMap:
    """One school's map for one diagnostic: per subject × area aggregates, and the teachers'
    own results for those who may see them."""

    school: Organization
    diagnostic: Diagnostic
    detailed: bool
    columns: list[Column]
    cells: list[Cell]
    heat: list[HeatRow] = field(default_factory=list)
    from_aggregates: bool = False
    tested: int = 0


def _cell_from_scores(scores: list[float], threshold: float) -> Cell:
    deficits = sum(1 for s in scores if s < threshold)
    return Cell(
        tested=len(scores),
        mean=round(sum(scores) / len(scores), 1) if scores else None,
        deficits=deficits,
        deficit_share=round(100 * deficits / len(scores), 1) if scores else None,
    )


def _suppress(cell: Cell, detailed: bool) -> Cell:
    if not detailed and cell.tested < SUPPRESS_BELOW:
        return Cell(tested=cell.tested, suppressed=True)
    return cell


def school_deficit_map(user: UserLike, diagnostic: Diagnostic, school: Organization) -> SchoolMap:
    """The map of one school the caller may view (fetched with `school_get`)."""
    detailed = may_see_teachers(user, school)
    base = DiagnosticScore.objects.filter(diagnostic=diagnostic, school=school)
    # Aggregate-only viewers get figures computed from the rows, never the rows themselves.
    related = ("subject", "teacher") if detailed else ("subject",)
    scores = list((restrict(base, user) if detailed else base).select_related(*related).order_by())
    threshold = diagnostic.threshold
    if scores:
        by_column: dict[Column, dict[int, float]] = defaultdict(dict)
        for s in scores:
            column = Column(s.subject_id, s.subject.name if s.subject else "", s.area)
            by_column[column][s.teacher_id] = s.score
        columns = sorted(by_column, key=_column_key)
        cells = [
            _suppress(_cell_from_scores(list(by_column[c].values()), threshold), detailed)
            for c in columns
        ]
        result = SchoolMap(
            school, diagnostic, detailed, columns, cells, tested=len({s.teacher_id for s in scores})
        )
        if detailed:
            teachers = {s.teacher_id: s.teacher for s in scores}
            index = {(s.teacher_id, s.subject_id, s.area): s for s in scores}
            result.heat = [
                HeatRow(t, [index.get((t.pk, c.subject_id, c.area)) for c in columns])
                for t in sorted(teachers.values(), key=lambda t: t.name_key)
            ]
        return result
    aggregates = list(
        restrict(DiagnosticAggregate.objects.filter(diagnostic=diagnostic, school=school), user)
        .select_related("subject")
        .order_by()
    )
    pairs = [
        (Column(a.subject_id, a.subject.name if a.subject else "", a.area), a) for a in aggregates
    ]
    pairs.sort(key=lambda p: _column_key(p[0]))
    return SchoolMap(
        school,
        diagnostic,
        detailed,
        [c for c, _a in pairs],
        [
            _suppress(Cell(a.tested, a.mean_score, None, a.deficit_share), detailed)
            for _c, a in pairs
        ],
        from_aggregates=True,
        tested=max((a.tested for a in aggregates), default=0),
    )


@dataclass
class TerritoryRow:
    school: Organization
    tested: int
    cells: list[Cell]
    from_aggregates: bool = False


@dataclass
class TerritoryMap:
    diagnostic: Diagnostic
    areas: list[str]
    rows: list[TerritoryRow]
    totals: list[Cell]
    subject: Subject | None = None

    @property
    def area_labels(self) -> list[str]:
        return [str(CompetencyArea(a).label) for a in self.areas]


def _combine(cells: list[Cell]) -> Cell:
    """Cells of disjoint groups of teachers, added up (means and shares weighted)."""
    tested = sum(c.tested for c in cells)
    if not tested:
        return Cell()
    means = [(c.mean, c.tested) for c in cells if c.mean is not None]
    shares = [(c.deficit_share, c.tested) for c in cells if c.deficit_share is not None]
    weight_m = sum(n for _m, n in means)
    weight_s = sum(n for _s, n in shares)
    return Cell(
        tested=tested,
        mean=round(sum(m * n for m, n in means) / weight_m, 1) if weight_m else None,
        deficit_share=round(sum(s * n for s, n in shares) / weight_s, 1) if weight_s else None,
        deficits=(
            sum(c.deficits for c in cells if c.deficits is not None)
            if all(c.deficits is not None for c in cells)
            else None
        ),
    )


def area_cells(
    diagnostic: Diagnostic, school_ids: Any, subject: Subject | None = None
) -> tuple[dict[int, dict[str, Cell]], dict[int, int], set[int]]:
    """Per school and area: the aggregate over its teachers (or its imported aggregates when
    it has no teacher-level results), the number of teachers tested per school, and which
    schools' figures come from imported aggregates. No access check: callers pass schools
    the user may view and show aggregates only. Three queries whatever the number of schools."""
    scores = DiagnosticScore.objects.filter(diagnostic=diagnostic, school_id__in=school_ids)
    if subject is not None:
        scores = scores.filter(subject=subject)
    threshold = diagnostic.threshold
    grouped = (
        scores.values("school_id", "area")
        .annotate(
            tested=Count("teacher", distinct=True),
            deficits=Count("teacher", distinct=True, filter=Q(score__lt=threshold)),
            mean=Avg("score"),
        )
        .order_by()
    )
    # A teacher with a deficit in any of their subjects counts once among the deficits; the
    # mean is over all results of the area.
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for row in grouped:
        cells[row["school_id"]][row["area"]] = Cell(
            tested=row["tested"],
            mean=round(row["mean"], 1) if row["mean"] is not None else None,
            deficits=row["deficits"],
            deficit_share=round(100 * row["deficits"] / row["tested"], 1),
        )
    tested = dict(
        scores.values("school_id")
        .annotate(n=Count("teacher", distinct=True))
        .values_list("school_id", "n")
        .order_by()
    )
    aggregates = DiagnosticAggregate.objects.filter(
        diagnostic=diagnostic, school_id__in=school_ids
    ).exclude(school_id__in=list(tested))
    if subject is not None:
        aggregates = aggregates.filter(subject=subject)
    parts: dict[tuple[int, str], list[Cell]] = defaultdict(list)
    for a in aggregates.order_by():
        parts[(a.school_id, a.area)].append(Cell(a.tested, a.mean_score, None, a.deficit_share))
    from_aggregates = set()
    for (school_id, area), found in parts.items():
        cells[school_id][area] = _combine(found)
        from_aggregates.add(school_id)
    for school_id in from_aggregates:
        # Subjects overlap in aggregates; the largest group is the safe count of teachers.
        tested[school_id] = max(c.tested for c in cells[school_id].values())
    return cells, tested, from_aggregates


def territory_deficit_map(
    user: UserLike, diagnostic: Diagnostic, subject: Subject | None = None
) -> TerritoryMap:
    """School × area for the schools the user may view; small cells hidden from those who
    may not see a school's teachers."""
    schools = visible_schools(user)
    cells, tested, from_aggregates = area_cells(diagnostic, schools.values("pk"), subject)
    present = {s.pk: s for s in schools.filter(pk__in=list(cells)).order_by("short_name")}
    areas = sorted({a for per in cells.values() for a in per}, key=lambda a: AREA_ORDER[a])
    r = teacher_record_reach(user, Action.VIEW)
    rows = []
    for school in present.values():
        detailed = r.covers(school)
        rows.append(
            TerritoryRow(
                school,
                tested.get(school.pk, 0),
                [_suppress(cells[school.pk].get(a, Cell()), detailed) for a in areas],
                school.pk in from_aggregates,
            )
        )
    all_detailed = all(r.covers(s) for s in present.values())
    totals = [
        _suppress(_combine([cells[pk][a] for pk in present if a in cells[pk]]), all_detailed)
        for a in areas
    ]
    return TerritoryMap(diagnostic, areas, rows, totals, subject)


def map_subjects(diagnostic: Diagnostic) -> list[Subject]:
    """The subjects a diagnostic has results for (for the map's subject filter)."""
    ids = set(
        DiagnosticScore.objects.filter(diagnostic=diagnostic, subject__isnull=False)
        .values_list("subject_id", flat=True)
        .distinct()
    ) | set(
        DiagnosticAggregate.objects.filter(diagnostic=diagnostic, subject__isnull=False)
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return list(Subject.objects.filter(pk__in=ids).order_by("name"))


# --- Plans ----------------------------------------------------------------------------------


def plan_list(
    user: UserLike,
    today: datetime.date,
    *,
    school: Organization | None = None,
    start_year: int | None = None,
) -> QuerySet[DevelopmentPlan]:
    """Plans `user` may see with their progress: items (cancelled left out), done, overdue."""
    qs = DevelopmentPlan.objects.all()
    if school is not None:
        qs = qs.filter(teacher__school=school)
    if start_year is not None:
        qs = qs.filter(start_year=start_year)
    live = ~Q(items__status=ItemStatus.CANCELLED)
    return (
        restrict(qs, user)
        .select_related("teacher__school")
        .annotate(
            total=Count("items", filter=live),
            done=Count("items", filter=Q(items__status=ItemStatus.DONE)),
            overdue=Count(
                "items",
                filter=Q(items__status__in=OPEN_STATUSES, items__due_on__lt=today),
            ),
        )
        .order_by("teacher__school__short_name", "teacher__last_name", "-start_year")
    )


def plan_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> DevelopmentPlan:
    return get_for_user(
        DevelopmentPlan.objects.select_related("teacher__school__territory", "teacher__person"),
        user,
        pk,
        action,
    )


def plan_items(plan: DevelopmentPlan) -> list[PlanItem]:
    return list(plan.items.select_related("course").order_by("due_on", "pk"))


def item_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> PlanItem:
    return get_for_user(
        PlanItem.objects.select_related("plan__teacher__school__territory", "course"),
        user,
        pk,
        action,
    )


def overdue_items(user: UserLike, today: datetime.date) -> QuerySet[PlanItem]:
    """Open plan items past their due date, oldest first, among the plans `user` may see."""
    return (
        restrict(PlanItem.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today), user)
        .select_related("plan__teacher__school", "course")
        .order_by("due_on", "pk")
    )


def teacher_plans(user: UserLike, teacher: Teacher) -> list[DevelopmentPlan]:
    return list(
        restrict(DevelopmentPlan.objects.filter(teacher=teacher), user).prefetch_related(
            "items__course"
        )
    )


def course_list(user: UserLike, *, active_only: bool = False) -> QuerySet[Course]:
    qs = restrict(Course.objects.all(), user).prefetch_related("subjects")
    return qs.filter(is_active=True) if active_only else qs


def course_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Course:
    return get_for_user(Course.objects.prefetch_related("subjects"), user, pk, action)


# --- Derived indicators and summaries -------------------------------------------------------


def three_years_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 3, day=28)


def staff_indicator_counts(
    *, school_ids: Iterable[int], on_date: datetime.date
) -> dict[int, dict[str, tuple[int, int]]]:
    """Per school: {"teachers_under_35": (n, total), "teachers_trained_3y": (n, total)} over
    active teachers; no access check (aggregates; the caller checked the schools).

    Trained in the last three years: a completed course item of a development plan within
    the three years up to `on_date`, or a reported last-course year among the last three
    calendar years (the current one included; a year alone cannot be placed more exactly).
    One query whatever the number of schools."""
    ids = school_ids if isinstance(school_ids, QuerySet) else sorted(set(school_ids))
    # The teachers with a recent course as one uncorrelated subquery of these schools, not an
    # EXISTS per teacher: SQLite walks every done item of the territory for each teacher
    # (a school's card 12 → 5 ms, a territory of 33 schools 150 → 12 ms on the demo).
    recent_course = PlanItem.objects.filter(
        plan__teacher__school_id__in=ids,
        kind=ItemKind.COURSE,
        status=ItemStatus.DONE,
        completed_on__gt=three_years_before(on_date),
        completed_on__lte=on_date,
    ).values("plan__teacher_id")
    trained = Q(pk__in=recent_course) | Q(
        last_course_year__gte=on_date.year - 2, last_course_year__lte=on_date.year
    )
    rows = (
        Teacher.objects.filter(school_id__in=ids, is_active=True)
        .values("school_id")
        .annotate(
            total=Count("pk"),
            under_35=Count("pk", filter=Q(age_band__in=sorted(UNDER_35_BANDS))),
            trained=Count("pk", filter=trained),
        )
        .order_by()
    )
    return {
        row["school_id"]: {
            "teachers_under_35": (row["under_35"], row["total"]),
            "teachers_trained_3y": (row["trained"], row["total"]),
        }
        for row in rows
    }


@dataclass
class StaffSummary:
    """The school card's staff section: figures only."""

    school: Organization
    teachers: int
    under_35: int
    trained_3y: int
    diagnostic: Diagnostic | None
    areas: list[tuple[str, Cell]]

    def share(self, n: int) -> float | None:
        return round(100 * n / self.teachers, 1) if self.teachers else None

    @property
    def under_35_share(self) -> float | None:
        return self.share(self.under_35)

    @property
    def trained_share(self) -> float | None:
        return self.share(self.trained_3y)


def latest_diagnostic_for(school: Organization) -> Diagnostic | None:
    with_scores = DiagnosticScore.objects.filter(school=school).values("diagnostic_id")
    with_aggregates = DiagnosticAggregate.objects.filter(school=school).values("diagnostic_id")
    return (
        Diagnostic.objects.filter(Q(pk__in=with_scores) | Q(pk__in=with_aggregates))
        .order_by("-held_on", "-pk")
        .first()
    )


def school_staff_summary(
    user: UserLike, school: Organization, today: datetime.date
) -> StaffSummary | None:
    """Counts for a school the caller may view; None when the school has neither teachers
    nor diagnostic results."""
    counts = staff_indicator_counts(school_ids=[school.pk], on_date=today).get(school.pk)
    diagnostic = latest_diagnostic_for(school)
    if counts is None and diagnostic is None:
        return None
    areas: list[tuple[str, Cell]] = []
    if diagnostic is not None:
        cells, _tested, _agg = area_cells(diagnostic, [school.pk])
        detailed = may_see_teachers(user, school)
        per_area = cells.get(school.pk, {})
        areas = [
            (str(CompetencyArea(a).label), _suppress(per_area[a], detailed))
            for a in sorted(per_area, key=lambda a: AREA_ORDER[a])
        ]
    under, total = counts["teachers_under_35"] if counts else (0, 0)
    trained = counts["teachers_trained_3y"][0] if counts else 0
    return StaffSummary(school, total, under, trained, diagnostic, areas)


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 6
HOME_ITEMS_AHEAD_DAYS = 30


def home_plan_items(user: UserLike, today: datetime.date) -> list[PlanItem] | None:
    """The open items of the user's own development plans (ИОМ) overdue or due within a
    month, earliest first (one query); None for those who are not teachers."""
    if not role_organization_ids(user, [Role.TEACHER]):
        return None
    return list(
        restrict(
            PlanItem.objects.filter(
                plan__teacher__person__user_id=user.pk or 0,
                status__in=OPEN_STATUSES,
                due_on__lte=today + datetime.timedelta(days=HOME_ITEMS_AHEAD_DAYS),
            ),
            user,
        )
        .select_related("plan", "course")
        .order_by("due_on", "pk")[:HOME_ITEMS]
    )
