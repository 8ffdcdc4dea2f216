"""Reads of the reports, each limited to what the user may see (opora.core.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opora.core import dates
from opora.core.access import (
    TERRITORY_ROLES,
    Action,
    UserLike,
    get_for_user,
    own_organizations,
    permits,
    reach,
    restrict,
)
from opora.core.choices import JobStatus
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Programme, Territory
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.kinds import ReportParams
from opora.reports.models import Report, ReportRecommendation, ReportTemplate
from opora.results.models import Assessment, SchoolResult
from opora.roadmaps.models import Deadline

# The states of a report whose build is not over: the same report may not be asked again.
IN_PROGRESS = (ReportStatus.QUEUED, ReportStatus.BUILDING)
# A list's runs that count as data: computed ones, whatever their way to approval.
COMPUTED_RUNS = (RunStatus.DRAFT, RunStatus.SENT, RunStatus.APPROVED)
REPORTS_PER_PAGE = 25

# --- reports ---


def report_list(
    user: UserLike, *, kind: str = "", year: Any = None, status: str = ""
) -> QuerySet[Report]:
    """The reports the user may read, newest first, filtered by kind, year and state."""
    qs = restrict(Report.objects.all(), user).select_related(
        "owner", "territory", "school", "programme", "job"
    )
    if kind in ReportKind.values:
        qs = qs.filter(kind=kind)
    if str(year or "").isdigit():
        qs = qs.filter(year=int(year))
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def report_years(user: UserLike) -> list[int]:
    """The years of the reports the user may read (the list's filter), newest first."""
    years = restrict(Report.objects.all(), user).values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def report_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Report:
    """A report the user may read (or, with CHANGE, edit and publish); 404 otherwise."""
    qs = Report.objects.select_related(
        "owner__territory", "territory", "school", "programme", "assessment", "template", "job"
    )
    return get_for_user(qs, user, pk, action)


def report_for_job(job: Any) -> Report | None:
    """The report a build job fills (the job is the core's; the report knows its job)."""
    return Report.objects.select_related("owner__territory", "template").filter(job=job).first()


def report_may_change(user: UserLike, report: Report) -> bool:
    return permits(user, report, Action.CHANGE)


def report_may_build(user: UserLike) -> bool:
    """Whether the user builds reports at all: an analyst or a coordinator of an authority
    or a methodical centre (a territory role with CHANGE)."""
    return bool(own_organizations(user, Action.CHANGE, territory_roles=True))


def report_owner_for(user: UserLike, territory: Territory) -> Organization | None:
    """The organisation a new report over `territory` belongs to: the nearest of the user's
    own organisations (territory roles with CHANGE) whose territory covers it."""
    best: Organization | None = None
    for organization in own_organizations(user, Action.CHANGE, territory_roles=True):
        path = organization.territory.path
        if territory.path.startswith(path) and (
            best is None or len(path) > len(best.territory.path)
        ):
            best = organization
    return best


def _same(params: ReportParams) -> dict[str, Any]:
    """The lookups of a report with the same kind and parameters."""
    return {
        "kind": params.kind,
        "year": params.year,
        "territory_id": params.territory_id,
        "school_id": params.school_id,
        "programme_id": params.programme_id,
        "assessment_id": params.assessment_id,
    }


def report_in_progress(params: ReportParams, owner: Organization) -> Report | None:
    """The same report (kind and parameters) of the same owner still queued or building."""
    return (
        Report.objects.filter(owner=owner, status__in=IN_PROGRESS, **_same(params))
        .exclude(job__status=JobStatus.FAILED)
        .first()
    )


def report_params(report: Report) -> ReportParams:
    return ReportParams(
        kind=report.kind,
        year=report.year,
        territory_id=report.territory_id,
        school_id=report.school_id,
        programme_id=report.programme_id,
        assessment_id=report.assessment_id,
    )


def report_newest(user: UserLike, report: Report) -> Report | None:
    """The newest built report of the same kind and parameters the user may read (to tell
    whether this one's data version is still the current one)."""
    return (
        restrict(Report.objects.all(), user)
        .filter(
            owner_id=report.owner_id,
            status__in=(ReportStatus.DRAFT, ReportStatus.PUBLISHED),
            **_same(report_params(report)),
        )
        .order_by("-built_at", "-pk")
        .first()
    )


def report_tracked(user: UserLike, report: Report) -> list[ReportRecommendation]:
    """The published report's recommendations as tracked items, with their states."""
    return list(
        ReportRecommendation.objects.filter(report=report)
        .select_related("recommendation__school", "recommendation__organization")
        .order_by("position")
    )


def reports_in_work(user: UserLike) -> QuerySet[Report]:
    """The reports of the user's own organisations being built or waiting as drafts (the
    analyst's home card)."""
    owners = [o.pk for o in own_organizations(user, Action.CHANGE, territory_roles=True)]
    return (
        restrict(Report.objects.filter(owner__in=owners), user)
        .filter(status__in=(*IN_PROGRESS, ReportStatus.DRAFT))
        .select_related("job")
        .order_by("-created_at", "-pk")
    )


# --- what a report may be built over ---


def territory_choices(user: UserLike) -> QuerySet[Territory]:
    """The territories the user may build reports over (their territory roles' reach)."""
    paths = reach(user, Action.CHANGE, roles=TERRITORY_ROLES).territory_paths
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Territory.objects.filter(q).order_by("path")


def school_choices(user: UserLike) -> QuerySet[Organization]:
    r = reach(user, Action.CHANGE, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return (
        Organization.objects.filter(r.organization_q(), kind=OrganizationKind.SCHOOL)
        .select_related("territory")
        .order_by("short_name", "name")
    )


def programme_choices(user: UserLike) -> QuerySet[Programme]:
    r = reach(user, Action.CHANGE, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Programme.objects.none()
    return (
        Programme.objects.filter(r.organization_q("owner__"))
        .select_related("owner__territory")
        .order_by("-starts_on", "name")
    )


def assessment_choices() -> QuerySet[Assessment]:
    return Assessment.objects.order_by("kind", "name")


def template_choices(user: UserLike) -> QuerySet[ReportTemplate]:
    """The active templates of the user's own organisations (a report uses its owner's)."""
    return restrict(ReportTemplate.objects.filter(is_active=True), user, Action.CHANGE)


def _runs(territory: Territory) -> QuerySet[IdentificationRun]:
    return IdentificationRun.objects.filter(territory=territory, status__in=COMPUTED_RUNS)


def report_year_has_data(params: ReportParams) -> bool:
    """Whether Opora holds data for the report's year (the parameters are already checked to
    be in the user's reach): results, computed lists or roadmap due dates of that year."""
    year = params.year
    if params.kind == ReportKind.YEAR_RESULTS:
        territory = Territory.objects.get(pk=params.territory_id or 0)
        return _runs(territory).filter(year=year).exists()
    if params.kind == ReportKind.MUNICIPAL:
        programme = Programme.objects.select_related("owner__territory").get(
            pk=params.programme_id or 0
        )
        start, end = dates.academic_year_bounds(year)
        if Deadline.objects.filter(
            roadmap__programme=programme, due_on__gte=start, due_on__lte=end
        ).exists():
            return True
        return _runs(programme.owner.territory).filter(year__in=(year, year + 1)).exists()
    if params.kind == ReportKind.SCHOOL:
        return SchoolResult.objects.filter(school_id=params.school_id or 0, year=year).exists()
    territory = Territory.objects.get(pk=params.territory_id or 0)
    return SchoolResult.objects.filter(
        school__territory__path__startswith=territory.path,
        assessment_id=params.assessment_id or 0,
        year=year,
    ).exists()


# --- templates ---


def template_list(user: UserLike) -> QuerySet[ReportTemplate]:
    """The templates of the organisations whose reports the user reads."""
    return (
        restrict(ReportTemplate.objects.all(), user)
        .select_related("owner")
        .order_by("owner__name", "kind", "name", "pk")
    )


def template_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> ReportTemplate:
    """A template the user may read (or, with CHANGE, replace and switch off); 404 otherwise."""
    return get_for_user(ReportTemplate.objects.select_related("owner"), user, pk, action)


def template_changeable_ids(user: UserLike) -> set[int]:
    """The templates the user may switch on and off (their own organisations')."""
    return set(
        restrict(ReportTemplate.objects.all(), user, Action.CHANGE).values_list("pk", flat=True)
    )


def template_owner_choices(user: UserLike) -> list[Organization]:
    return own_organizations(user, Action.CHANGE, territory_roles=True)


def addressee_choices(user: UserLike) -> QuerySet[Organization]:
    """The organisations a report's recommendation may be addressed to: the schools, the
    methodical centres and the authorities in the user's territory roles' reach."""
    r = reach(user, Action.VIEW, roles=TERRITORY_ROLES)
    if r.is_empty:
        return Organization.objects.none()
    return (
        Organization.objects.filter(
            r.organization_q(),
            kind__in=(
                OrganizationKind.SCHOOL,
                OrganizationKind.METHODICAL_CENTRE,
                OrganizationKind.EDUCATION_AUTHORITY,
            ),
            is_active=True,
        )
        .select_related("territory")
        .order_by("kind", "short_name", "name")
    )
