"""Reads of identification, always through the user's reach."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor, Least, Mod
from django.utils import timezone

from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    own_organizations,
    reach,
    restrict,
    restrict_within,
    role_organization_ids,
)
from opora.core.choices import Role
from opora.core.models import Job
from opora.core.queries import count_of
from opora.identification.choices import QualityStatus, RunStatus
from opora.identification.distribution import (
    FLAGGED_FIELDS,
    FLAGGED_Q,
    GRID,
    grid_empty,
    grid_from_cells,
)
from opora.identification.models import (
    ExternalList,
    ExternalListSchool,
    IdentificationRun,
    Methodology,
    MethodologyVersion,
    QualityCheck,
    SchoolIdentification,
)
from opora.registry.models import Organization, Territory
from opora.results.models import Assessment, ContextIndicator, SchoolResult, Subject

# Filter values of the results table: which flag or status a school has.
STATUS_FILTERS: dict[str, Q] = {
    "in_list": Q(in_list=True),
    "low_results": Q(low_results=True),
    "unfavourable": Q(unfavourable=True),
    "both": Q(low_results=True, unfavourable=True),
    "risk": Q(risk=True),
    "resilient": Q(resilient=True),
    "below_expected": Q(below_expected=True),
    "objectivity": Q(objectivity=True),
    "insufficient_data": Q(insufficient_data=True),
    "entered": Q(change="entered"),
    "left": Q(change="left"),
}


def run_list(user: UserLike) -> QuerySet[IdentificationRun]:
    return restrict(IdentificationRun.objects.all(), user).select_related(
        "territory", "version__methodology", "job", "created_by", "order"
    )


def run_compare_choices(user: UserLike, run: IdentificationRun) -> QuerySet[IdentificationRun]:
    """The other runs in reach, for the run page's «Сравнить с расчётом»: what their names read
    (`IdentificationRun.__str__`), not their summaries, jobs and orders — one option each."""
    return (
        restrict(IdentificationRun.objects.exclude(pk=run.pk), user)
        .select_related("territory", "version__methodology")
        .only("year", "territory__name", "version__number", "version__methodology__name")
    )


def run_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> IdentificationRun:
    """A run (list) the user may `action`; 404 for missing and forbidden alike."""
    return get_for_user(
        IdentificationRun.objects.select_related(
            "territory", "version__methodology", "job", "order"
        ),
        user,
        pk,
        action,
    )


def run_for_job(job: Job) -> IdentificationRun:
    """The run a job computes, with the rights of the one who started it (who may see it)."""
    return run_get(job.created_by or AnonymousUser(), job.params["run_id"])


def run_territories(user: UserLike) -> QuerySet[Territory]:
    """Territories the user may run an identification for."""
    return restrict(Territory.objects.all(), user, Action.CHANGE).order_by("path")


def run_years() -> list[int]:
    """The years results exist for, newest first: one entry per year. (Without order_by the
    model's ordering joins the DISTINCT and yields one entry per result row.)"""
    return list(SchoolResult.objects.order_by("-year").values_list("year", flat=True).distinct())


def runnable_versions(user: UserLike) -> QuerySet[MethodologyVersion]:
    """The current version of every methodology the user may see: what a run may use."""
    latest = (
        MethodologyVersion.objects.filter(methodology=OuterRef("methodology"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        restrict(MethodologyVersion.objects.all(), user)
        .filter(number=Subquery(latest))
        .select_related("methodology__owner")
        .order_by("-methodology__is_builtin", "methodology__name", "methodology__pk")
    )


# --- Methodologies ---------------------------------------------------------------------------


def methodology_list(user: UserLike) -> QuerySet[Methodology]:
    """The methodologies the user may see, with their current version number (one query)."""
    return (
        restrict(Methodology.objects.all(), user)
        .select_related("owner")
        .annotate(current_number=Max("versions__number"))
        .order_by("-is_builtin", "name", "pk")
    )


def methodology_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Methodology:
    """A methodology the user may `action` (404 for missing and forbidden alike); the
    built-in one is only ever viewed, whoever asks (superusers included)."""
    qs = Methodology.objects.select_related("owner")
    if action != Action.VIEW:
        qs = qs.filter(is_builtin=False)
    return get_for_user(qs, user, pk, action)


def methodology_versions(user: UserLike, methodology: Methodology) -> list[MethodologyVersion]:
    """The methodology's versions the user may see, newest first."""
    return list(
        restrict(MethodologyVersion.objects.filter(methodology=methodology), user)
        .select_related("created_by")
        .order_by("-number")
    )


def methodology_owners(user: UserLike) -> list[Organization]:
    """The user's own organisations that may own a methodology (copy one, run one): those
    where they hold a territory role that changes data."""
    return own_organizations(user, Action.CHANGE, territory_roles=True)


def methodology_may_change(user: UserLike, methodology: Methodology) -> bool:
    """Whether the user may add versions (its owner in their reach; never the built-in)."""
    if methodology.is_builtin:
        return False
    return restrict(Methodology.objects.filter(pk=methodology.pk), user, Action.CHANGE).exists()


def catalogue_names() -> dict[str, dict[str, str]]:
    """Names by code of the assessments, subjects and context indicators (public reference
    data) for reading a methodology's lists: three small queries."""
    return {
        "assessments": dict(Assessment.objects.values_list("code", "name")),
        "subjects": dict(Subject.objects.values_list("code", "name")),
        "indicators": dict(ContextIndicator.objects.values_list("code", "name")),
    }


def run_schools(
    run: IdentificationRun,
    user: UserLike,
    *,
    status: str = "",
    years: str = "",
    problem_type: str = "",
    territory_id: str = "",
    ownership: str = "",
    query: str = "",
) -> QuerySet[SchoolIdentification]:
    """The run's schools the user may see, filtered as the results table asks."""
    qs = restrict(run.schools.all(), user).select_related("school__territory")
    if status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[status])
    if years == "3":
        qs = qs.filter(years_in_status__gte=3)
    elif years in ("1", "2"):
        qs = qs.filter(years_in_status=int(years))
    if problem_type:
        # JSON "contains" differs between SQLite and PostgreSQL; the list is short.
        ids = [s.pk for s in qs.only("pk", "problem_types") if problem_type in s.problem_types]
        qs = qs.filter(pk__in=ids)
    if territory_id.isdigit():
        territory = Territory.objects.filter(pk=int(territory_id)).first()
        if territory is not None:
            qs = qs.filter(school__territory__path__startswith=territory.path)
    if ownership:
        qs = qs.filter(school__ownership=ownership)
    if query:
        qs = qs.filter(
            Q(school__short_name__icontains=query)
            | Q(school__name__icontains=query)
            | Q(school__code__iexact=query)
        )
    return qs.order_by("results_index", "school__short_name")


def run_district_choices(run: IdentificationRun) -> list[Territory]:
    return list(
        Territory.objects.filter(path__startswith=run.territory.path, depth__gt=run.territory.depth)
        .filter(depth__lte=run.territory.depth + 2)
        .order_by("path")
    )


# The scatter page draws every school of a run up to this many; beyond it, the unflagged
# schools as the density grid and the flagged ones as points, at most `CHART_FLAGGED_LIMIT` of
# them (a deterministic sample), and the chosen school always. What a screen can show.
CHART_POINTS_LIMIT = 3000
CHART_FLAGGED_LIMIT = 1500

# The columns of a chart point: context index, results index, group, school id (None for a
# school the user may not see) and its short name ("" likewise).
ChartPoint = list[Any]


def point_group(item: SchoolIdentification) -> str:
    """The group a point is coloured by: the first of `FLAGGED_FIELDS` it has, else «other»."""
    return next((f for f in FLAGGED_FIELDS if getattr(item, f)), "other")


def run_distribution(run: IdentificationRun) -> dict[str, Any]:
    """The run's density grid (`distribution`): stored with the run by the job; for a run
    stored before, binned by the database in two aggregate queries (nothing is written: a
    recomputed run stores its own)."""
    stored = run.summary.get("distribution")
    if stored is not None:
        return dict(stored)
    qs = run.schools.filter(results_index__isnull=False, context_index__isnull=False).order_by()
    bounds = qs.aggregate(
        x_low=Min("context_index"),
        x_high=Max("context_index"),
        y_low=Min("results_index"),
        y_high=Max("results_index"),
    )
    if bounds["x_low"] is None:
        return grid_empty()
    x_low, x_high, y_low, y_high = (
        bounds["x_low"],
        bounds["x_high"],
        bounds["y_low"],
        bounds["y_high"],
    )

    def cell(field: str, low: float, span: float) -> Any:
        # `distribution.cell_of` in SQL, operation for operation, so both give the same cells.
        if span <= 0:
            return Value(0)
        scaled = (F(field) - Value(low)) / Value(span) * Value(float(GRID))
        return Least(Cast(Floor(scaled), IntegerField()), Value(GRID - 1))

    rows = (
        qs.annotate(i=cell("context_index", x_low, x_high - x_low))
        .annotate(j=cell("results_index", y_low, y_high - y_low))
        .values("i", "j")
        .annotate(n=Count("pk"), others=Count("pk", filter=~FLAGGED_Q))
        .order_by()
    )
    cells = {(row["i"], row["j"]): [row["n"], row["others"]] for row in rows}
    return grid_from_cells((x_low, x_high, y_low, y_high), cells)


@dataclass
class ChartData:
    """What a scatter draws: points, the run's grid (`distribution`) and whether the schools
    not drawn as points are drawn as its density (`dense`); of the flagged schools, how many
    are drawn."""

    points: list[ChartPoint]
    grid: dict[str, Any]
    dense: bool
    flagged_shown: int
    flagged_total: int

    @property
    def sampled(self) -> bool:
        return self.dense and self.flagged_shown < self.flagged_total


def chart_points(
    run: IdentificationRun, user: UserLike, *, highlight: int | None = None
) -> ChartData:
    """The scatter page's points, in one query besides the grid whatever the territory: every
    school with both indices up to `CHART_POINTS_LIMIT`; beyond it the flagged ones (every
    k-th by id when more than `CHART_FLAGGED_LIMIT`) and the chosen school `highlight` (only
    if the user may see it), the rest as the grid. Ids and names only of schools the user may
    see, decided in the same query."""
    grid = run_distribution(run)
    visible = Exists(restrict(SchoolIdentification.objects.filter(pk=OuterRef("pk")), user))
    qs = run.schools.filter(results_index__isnull=False, context_index__isnull=False).annotate(
        visible=visible
    )
    if grid["schools"] > CHART_POINTS_LIMIT:
        drawn = FLAGGED_Q
        step = math.ceil(grid["flagged"] / CHART_FLAGGED_LIMIT)
        if step > 1:
            qs = qs.annotate(sample=Mod("pk", step))
            drawn &= Q(sample=0)
        first: Any = Value(1)
        if highlight is not None:
            drawn |= Q(school_id=highlight, visible=True)
            first = Case(When(school_id=highlight, then=Value(0)), default=Value(1))
        limit = CHART_FLAGGED_LIMIT + (highlight is not None)
        qs = qs.filter(drawn).order_by(first, "pk")[:limit]
    else:
        qs = qs.order_by("pk")
    points = []
    flagged_shown = 0
    fields = ("context_index", "results_index", "school_id", "school__short_name", "visible")
    for x, y, school_id, name, seen, *flags in qs.values_list(*fields, *FLAGGED_FIELDS):
        group = next((f for f, on in zip(FLAGGED_FIELDS, flags, strict=True) if on), "other")
        flagged_shown += group != "other"
        points.append([x, y, group, school_id if seen else None, name if seen else ""])
    return ChartData(
        points=points,
        grid=grid,
        dense=grid["schools"] > CHART_POINTS_LIMIT,
        flagged_shown=flagged_shown,
        flagged_total=grid["flagged"],
    )


def latest_run_for_school(school: Organization, user: UserLike) -> SchoolIdentification | None:
    """The school's outcome in the newest approved list, or else in the newest draft.

    Whoever may see the school sees its outcome in approved lists (a director, a curator);
    drafts and lists on their way to approval only those who see the run itself.
    """
    visible = restrict_within(SchoolIdentification.objects.all(), user, school)
    # The card names the run's approving order too.
    related = ("run__version__methodology", "run__territory", "run__order")
    # Approved lists first, without the drafts' subquery: most schools have one, and then
    # the drafts query is never built.
    approved = visible.filter(run__status=RunStatus.APPROVED).order_by("-run__year", "-run__pk")
    found = approved.select_related(*related).first()
    if found is None:
        drafts = visible.filter(
            run__in=run_list(user).filter(status__in=[RunStatus.SENT, RunStatus.DRAFT])
        )
        found = drafts.order_by("-run__year", "-run__pk").select_related(*related).first()
    return found


def school_results_by_year(
    school: Organization, user: UserLike, *, limit: int
) -> list[tuple[Any, ...]]:
    """The school's first `limit` results, newest year first, as the card's table rows: (year,
    assessment, subject, grade, participants, mean score, share «2», share «4–5»). Plain rows,
    not model instances: the card shows only these columns."""
    return list(
        restrict_within(SchoolResult.objects.all(), user, school)
        .order_by("-year", "assessment__name", "grade", "subject__name")
        .values_list(
            "year",
            "assessment__name",
            "subject__name",
            "grade",
            "participants",
            "mean_score",
            "share_fail",
            "share_good",
        )[:limit]
    )


@dataclass
class Difference:
    school: Organization
    a: SchoolIdentification | None
    b: SchoolIdentification | None
    what: str


def compare_runs(
    a: IdentificationRun, b: IdentificationRun, user: UserLike
) -> dict[str, list[Difference]]:
    """Who is in one list and not in the other, and whose flags differ."""
    left = {s.school_id: s for s in restrict(a.schools.all(), user).select_related("school")}
    right = {s.school_id: s for s in restrict(b.schools.all(), user).select_related("school")}
    out: dict[str, list[Difference]] = {"only_a": [], "only_b": [], "changed": []}
    for school_id in sorted(set(left) | set(right)):
        x, y = left.get(school_id), right.get(school_id)
        school = (x or y).school  # type: ignore[union-attr]
        in_a = bool(x and x.in_list)
        in_b = bool(y and y.in_list)
        if in_a and not in_b:
            out["only_a"].append(Difference(school, x, y, "only_a"))
        elif in_b and not in_a:
            out["only_b"].append(Difference(school, x, y, "only_b"))
        elif (
            x
            and y
            and (
                (x.low_results, x.unfavourable, x.risk, x.resilient)
                != (y.low_results, y.unfavourable, y.risk, y.resilient)
            )
        ):
            out["changed"].append(Difference(school, x, y, "changed"))
    for items in out.values():
        items.sort(key=lambda d: d.school.short_name)
    return out


def may_view(user: UserLike, run: IdentificationRun) -> bool:
    """Whether the run's own page opens for `user` (a school's outcome may be visible to
    those who cannot open the whole list: directors, teachers, curators)."""
    return run_list(user).filter(pk=run.pk).exists()


def may_approve(user: UserLike, run: IdentificationRun) -> bool:
    """Approve or return the list: coordinators of the whole territory it covers."""
    return reach(user, Action.APPROVE).covers_territory(run.territory)


def may_change(user: UserLike, run: IdentificationRun) -> bool:
    """Send or recompute the list: those who may change the whole territory it covers."""
    return reach(user, Action.CHANGE).covers_territory(run.territory)


def run_for_territory(user: UserLike, territory: Territory, year: int) -> IdentificationRun | None:
    """The list a report over `territory` for `year` leans on: the newest approved run of the
    year or earlier over the territory or a territory above it, else the newest draft or
    list on its way to approval; among equals the nearest territory."""
    step = Territory.steplen
    paths = [territory.path[:end] for end in range(step, len(territory.path) + 1, step)]
    runs = run_list(user).filter(territory__path__in=paths, year__lte=year)
    order = ("-year", "-territory__depth", "-pk")
    approved = runs.filter(status=RunStatus.APPROVED).order_by(*order).first()
    if approved is not None:
        return approved
    return runs.filter(status__in=[RunStatus.SENT, RunStatus.DRAFT]).order_by(*order).first()


# The columns of `run_outcome_rows`, in order.
OUTCOME_ROW_FIELDS = (
    "school_id",
    "results_index",
    "results_percentile",
    "context_index",
    "context_percentile",
    "expected",
    "residual",
    "residual_z",
    "objectivity",
    "in_list",
)


def run_outcome_rows(
    user: UserLike, run: IdentificationRun, territory_path: str
) -> list[tuple[Any, ...]]:
    """The run's outcomes for the schools of a territory (subtree) that the user may see, as
    tuples of `OUTCOME_ROW_FIELDS`: one query whatever the number of schools."""
    return list(
        restrict(run.schools.filter(school__territory__path__startswith=territory_path), user)
        .order_by("school_id")
        .values_list(*OUTCOME_ROW_FIELDS)
    )


def school_outcome_for_year(
    user: UserLike, school: Organization, year: int
) -> SchoolIdentification | None:
    """The school's outcome in the newest approved list of `year` or earlier, else in the
    newest draft of those years the user may see (as `latest_run_for_school`, bounded)."""
    items = restrict(
        SchoolIdentification.objects.filter(school=school, run__year__lte=year), user
    ).filter(
        Q(run__status=RunStatus.APPROVED)
        | Q(run__in=run_list(user).filter(status__in=[RunStatus.SENT, RunStatus.DRAFT]))
    )
    # The card names the run's approving order too.
    related = ("run__version__methodology", "run__territory", "run__order")
    order = ("-run__year", "-run__pk")
    found = (
        items.filter(run__status=RunStatus.APPROVED)
        .order_by(*order)
        .select_related(*related)
        .first()
    )
    if found is None:
        found = items.order_by(*order).select_related(*related).first()
    return found


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 6
HOME_RECENT_DAYS = 30


def home_runs(user: UserLike) -> list[IdentificationRun] | None:
    """For analysts: the lists computed lately, still computing or failed, newest first (one
    query); None for others."""
    if not role_organization_ids(user, [Role.ANALYST]):
        return None
    since = timezone.now() - datetime.timedelta(days=HOME_RECENT_DAYS)
    # The card names each run (year, territory, methodology version), its status and date:
    # the run's summary (with its density grid) and the version's parameters, JSON decoded
    # per row, are left in the database.
    return list(
        restrict(IdentificationRun.objects.all(), user)
        .select_related("territory", "version__methodology")
        .defer("summary", "version__params")
        .filter(Q(status__in=(RunStatus.QUEUED, RunStatus.FAILED)) | Q(created_at__gte=since))
        .order_by("-created_at", "-pk")[:HOME_ITEMS]
    )


def home_runs_to_approve(user: UserLike) -> list[IdentificationRun] | None:
    """For coordinators: the lists sent for approval that they may approve (one query, access
    per list from the cached reach); None for others."""
    if not role_organization_ids(user, [Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR]):
        return None
    runs = run_list(user).filter(status=RunStatus.SENT).order_by("created_at", "pk")
    return [run for run in runs if may_approve(user, run)][:HOME_ITEMS]


# --- Official lists --------------------------------------------------------------------------


# The groups of the comparison of an official list with a computed one.
COMPARISON_GROUPS = ("both", "official", "computed")


def external_list_list(
    user: UserLike, *, year: int | None = None, territory_id: Any = None
) -> QuerySet[ExternalList]:
    """Official lists the user may see (over territories in reach and above), with the number
    of their schools, filtered by year and territory."""
    qs = restrict(ExternalList.objects.all(), user).select_related("territory", "upload")
    if year:
        qs = qs.filter(year=year)
    if territory_id:
        qs = qs.filter(territory_id=territory_id)
    return qs.annotate(
        school_count=count_of(ExternalListSchool.objects.all(), "external_list")
    ).order_by("-year", "-order_date", "-pk")


def external_list_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> ExternalList:
    """An official list the user may `action`; 404 for missing and forbidden alike."""
    return get_for_user(
        ExternalList.objects.select_related("territory", "upload", "created_by"), user, pk, action
    )


def external_list_territories(user: UserLike) -> QuerySet[Territory]:
    """Territories the user may load an official list for (those they may run identification
    for)."""
    return run_territories(user)


def external_list_years(user: UserLike) -> list[int]:
    """The years of the official lists the user may see, newest first."""
    return list(
        restrict(ExternalList.objects.all(), user)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def external_list_runs(user: UserLike, external_list: ExternalList) -> QuerySet[IdentificationRun]:
    """Computed runs of the list's territory and year that the user may see and that have a
    result: what the list is compared with."""
    return (
        run_list(user)
        .filter(territory_id=external_list.territory_id, year=external_list.year)
        .exclude(status__in=[RunStatus.QUEUED, RunStatus.FAILED])
        .order_by("-created_at", "-pk")
    )


def external_list_default_run(runs: QuerySet[IdentificationRun]) -> IdentificationRun | None:
    """The approved run, else the newest one."""
    return runs.filter(status=RunStatus.APPROVED).first() or runs.first()


def run_external_list(user: UserLike, run: IdentificationRun) -> ExternalList | None:
    """The newest official list of the run's territory and year the user may see."""
    return (
        restrict(ExternalList.objects.all(), user)
        .filter(territory_id=run.territory_id, year=run.year)
        .order_by("-order_date", "-pk")
        .first()
    )


@dataclass
class ComparisonCounts:
    official: int
    computed: int
    both: int

    @property
    def only_official(self) -> int:
        return self.official - self.both

    @property
    def only_computed(self) -> int:
        return self.computed - self.both


def external_list_counts(
    user: UserLike, external_list: ExternalList, run: IdentificationRun | None
) -> ComparisonCounts:
    """How many schools are in the official list, in the computed one and in both (three
    counts, whatever the size of the territory)."""
    official = restrict(ExternalListSchool.objects.all(), user).filter(external_list=external_list)
    if run is None:
        return ComparisonCounts(official.count(), 0, 0)
    computed = restrict(SchoolIdentification.objects.all(), user).filter(run=run, in_list=True)
    both = official.filter(school_id__in=computed.values("school_id")).count()
    return ComparisonCounts(official.count(), computed.count(), both)


def external_list_comparison(
    user: UserLike,
    external_list: ExternalList,
    run: IdentificationRun | None,
    *,
    group: str = "",
) -> QuerySet[Organization]:
    """The schools of the official list and of the run's list (those the user may see), each
    annotated `in_official` / `in_computed`, of one group if asked: «both», «official» (only
    in the official one) or «computed» (only in the computed one). The figures behind each
    row come from `external_list_outcomes` for a page of rows."""
    official = ExternalListSchool.objects.filter(external_list=external_list, school=OuterRef("pk"))
    computed = SchoolIdentification.objects.filter(
        run_id=run.pk if run is not None else None, in_list=True, school=OuterRef("pk")
    )
    official_ids = ExternalListSchool.objects.filter(external_list=external_list).values(
        "school_id"
    )
    q = Q(pk__in=official_ids)
    if run is not None:
        q |= Q(
            pk__in=SchoolIdentification.objects.filter(run=run, in_list=True).values("school_id")
        )
    qs = (
        restrict(Organization.objects.all(), user)
        .filter(q)
        .annotate(in_official=Exists(official), in_computed=Exists(computed))
        .select_related("territory")
    )
    if group == "both":
        qs = qs.filter(in_official=True, in_computed=True)
    elif group == "official":
        qs = qs.filter(in_official=True, in_computed=False)
    elif group == "computed":
        qs = qs.filter(in_official=False, in_computed=True)
    return qs.order_by("-in_official", "-in_computed", "territory__path", "short_name", "pk")


def external_list_outcomes(
    user: UserLike, run: IdentificationRun | None, schools: list[Organization]
) -> dict[int, SchoolIdentification]:
    """The run's outcome of each of these schools (a page of the comparison), by school id:
    one query."""
    if run is None or not schools:
        return {}
    rows = restrict(SchoolIdentification.objects.all(), user).filter(
        run=run, school_id__in=[s.pk for s in schools]
    )
    return {row.school_id: row for row in rows}


# --- Quality of a methodology ----------------------------------------------------------------
# «Качество методики»: checks are seen like runs (by territory) and only with a methodology
# the user sees.


def quality_check_list(user: UserLike) -> QuerySet[QualityCheck]:
    """The quality checks the user may see: territory in reach, methodology visible."""
    return (
        restrict(QualityCheck.objects.all(), user)
        .filter(version__methodology__in=restrict(Methodology.objects.all(), user))
        .select_related("territory", "version__methodology", "job", "created_by")
        .order_by("-created_at", "-pk")
    )


def quality_check_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> QualityCheck:
    """A quality check the user may `action`; 404 for missing and forbidden alike."""
    qs = QualityCheck.objects.filter(
        version__methodology__in=restrict(Methodology.objects.all(), user)
    ).select_related("territory", "version__methodology", "job", "created_by")
    return get_for_user(qs, user, pk, action)


def quality_check_for_job(job: Job) -> QualityCheck:
    """The check a job computes, with the rights of the one who started it."""
    return quality_check_get(job.created_by or AnonymousUser(), job.params["check_id"])


def quality_checks_of_methodology(
    user: UserLike, methodology: Methodology, limit: int = 10
) -> list[QualityCheck]:
    """The latest checks of any version of the methodology that the user may see."""
    return list(quality_check_list(user).filter(version__methodology=methodology)[:limit])


def quality_checks_alike(user: UserLike, check: QualityCheck) -> list[QualityCheck]:
    """Other computed checks of the same territory and last year: what a check compares with."""
    return list(
        quality_check_list(user)
        .filter(territory=check.territory, year=check.year, status=QualityStatus.DONE)
        .exclude(pk=check.pk)[:20]
    )
