"""Readers of monitoring for views, exports and the API; each goes through opora.core.access.

The programme's figures come from the precomputed roll-ups (a few rows per checkpoint), so
the programme page costs the same number of queries for 20 schools or 2,000."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from opora.core import dates
from opora.core.access import (
    Action,
    UserLike,
    can,
    get_for_user,
    has_any,
    restrict,
    role_organization_ids,
)
from opora.core.choices import Role
from opora.core.queries import count_of
from opora.monitoring.choices import (
    CheckpointKind,
    CheckpointStatus,
    IndicatorDirection,
    IndicatorUnit,
    Light,
    SubmissionStatus,
)
from opora.monitoring.models import (
    Checkpoint,
    Confirmation,
    Indicator,
    ProgrammeIndicator,
    Rollup,
    Submission,
    Value,
    with_targets,
)
from opora.monitoring.services import reaches
from opora.registry.models import CuratorAssignment, Organization, Programme
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Deadline, ExecutionReport, Roadmap
from opora.roadmaps.selectors import programmes_execution
from opora.support.choices import RecommendationStatus
from opora.support.models import Recommendation


def may_manage(user: UserLike, programme: Programme) -> bool:
    """Set up indicators, targets and checkpoints: those who may change the programme's owner."""
    return can(user, Action.CHANGE, programme.owner)


def programmes_visible(user: UserLike) -> QuerySet[Programme]:
    return restrict(Programme.objects.select_related("owner__territory"), user, Action.VIEW)


def checkpoint_get(user: UserLike, pk: Any, action: Action = Action.VIEW) -> Checkpoint:
    """A checkpoint the user may see (or, with CHANGE, manage: the programme's owner); 404
    otherwise."""
    qs = Checkpoint.objects.select_related("programme__owner__territory")
    return get_for_user(qs, user, pk, action)


def checkpoint_list(user: UserLike, programme: Programme) -> list[Checkpoint]:
    """The programme's checkpoints the user may see, by date."""
    return list(
        restrict(Checkpoint.objects.filter(programme=programme), user).order_by("held_on", "pk")
    )


def programme_indicator_get(
    user: UserLike, pk: Any, action: Action = Action.VIEW
) -> ProgrammeIndicator:
    """An indicator of a programme the user may see (with CHANGE: set up); 404 otherwise."""
    qs = ProgrammeIndicator.objects.select_related("indicator", "programme__owner__territory")
    return get_for_user(qs, user, pk, action)


def indicator_catalogue(user: UserLike) -> QuerySet[Indicator]:
    """Built-in indicators and those of the organisations the user may change (what a
    programme may measure, and the parts of a new ratio)."""
    own = restrict(Organization.objects.all(), user, Action.CHANGE)
    return Indicator.objects.filter(Q(owner__isnull=True) | Q(owner__in=own)).order_by("name")


def submission_get(user: UserLike, checkpoint: Checkpoint, school_pk: Any) -> Submission:
    """The school's form at the checkpoint if the user may see it; 404 otherwise."""
    qs = restrict(
        Submission.objects.filter(checkpoint=checkpoint).select_related(
            "school__territory", "checkpoint__programme__owner"
        ),
        user,
        Action.VIEW,
    )
    try:
        return qs.get(school_id=int(school_pk))
    except (Submission.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def submission_actions(user: UserLike, submission: Submission) -> frozenset[Action]:
    """Fill the form (change) and accept or return it (accept data): read once per page."""
    school = submission.school
    return frozenset(a for a in (Action.CHANGE, Action.ACCEPT_DATA) if can(user, a, school))


def confirmation_get(user: UserLike, pk: Any) -> Confirmation:
    return get_for_user(Confirmation.objects.all(), user, pk, Action.VIEW)


def programme_indicators(programme: Programme) -> list[ProgrammeIndicator]:
    """The indicators of a programme the caller holds (from `programme_get`), with their
    targets (two queries)."""
    return with_targets(
        ProgrammeIndicator.objects.filter(programme=programme)
        .select_related("indicator")
        .order_by("position")
    )


def programme_indicator_list(user: UserLike, programme: Programme) -> QuerySet[ProgrammeIndicator]:
    """The programme's indicators the user may see, in order (choices of a checkpoint)."""
    return (
        restrict(ProgrammeIndicator.objects.filter(programme=programme), user)
        .select_related("indicator")
        .order_by("position")
    )


def programme_indicator_count(programme: Programme) -> int:
    """How many indicators the programme measures."""
    return ProgrammeIndicator.objects.filter(programme=programme).count()


def indicator_choices(user: UserLike, programme: Programme) -> QuerySet[Indicator]:
    """What may be added to the programme: the user's catalogue less what it measures."""
    measured = ProgrammeIndicator.objects.filter(programme=programme).values("indicator")
    return indicator_catalogue(user).exclude(pk__in=measured)


def programme_years(programme: Programme) -> list[int]:
    """The academic years the programme runs through (start years)."""
    years = dates.academic_years_between(programme.starts_on, programme.ends_on)
    return years or [dates.academic_year_of(programme.starts_on)]


def light(
    value: Decimal | None,
    target: Decimal | None,
    *,
    direction: str,
    close_within: Decimal,
    flag: bool = False,
) -> Light:
    """Reached, close or far from the target; a school's yes/no is reached or far."""
    if value is None:
        return Light.NONE
    if flag:
        return Light.REACHED if value == 1 else Light.FAR
    if target is None:
        return Light.NONE
    if reaches(value, target, direction):
        return Light.REACHED
    gap = target - value if direction == IndicatorDirection.UP else value - target
    return Light.CLOSE if gap <= close_within else Light.FAR


def programme_light(item: ProgrammeIndicator, value: Decimal | None, year: int) -> Light:
    """The light of the programme's figure: for flags, the share of schools against the target."""
    target = item.target_for(year)
    indicator = item.indicator
    return light(value, target, direction=indicator.direction, close_within=item.light_margin)


@dataclass
class RollupRow:
    item: ProgrammeIndicator
    target: Decimal | None
    rollup: Rollup | None
    light: Light
    history: list[tuple[Checkpoint, Decimal | None]] = field(default_factory=list)

    @property
    def reached_share(self) -> Decimal | None:
        if not self.rollup or not self.rollup.schools:
            return None
        return (Decimal(self.rollup.reached) * 100 / self.rollup.schools).quantize(Decimal("1"))


def checkpoint_rollup(checkpoint: Checkpoint) -> list[RollupRow]:
    """Each indicator of the checkpoint against its target, with the share of schools that
    reached it and the programme's figure at every checkpoint so far (four queries)."""
    items = with_targets(checkpoint.indicators.select_related("indicator").order_by("position"))
    checkpoints = list(
        Checkpoint.objects.filter(
            programme_id=checkpoint.programme_id, held_on__lte=checkpoint.held_on
        ).order_by("held_on", "pk")
    )
    rollups: dict[tuple[int, int], Rollup] = {
        (r.checkpoint_id, r.programme_indicator_id): r
        for r in Rollup.objects.filter(checkpoint__in=checkpoints, programme_indicator__in=items)
    }
    rows = []
    for item in items:
        rollup = rollups.get((checkpoint.pk, item.pk))
        value = rollup.value if rollup else None
        rows.append(
            RollupRow(
                item=item,
                target=item.target_for(checkpoint.year),
                rollup=rollup,
                light=programme_light(item, value, checkpoint.year),
                history=[
                    (c, r.value if (r := rollups.get((c.pk, item.pk))) else None)
                    for c in checkpoints
                ],
            )
        )
    return rows


def checkpoint_light_counts(checkpoint: Checkpoint) -> dict[str, int]:
    """How many of the checkpoint's indicators have each light (two queries): the lights of
    `checkpoint_rollup` without the history it reads for every earlier checkpoint."""
    items = with_targets(checkpoint.indicators.select_related("indicator"))
    values = dict(
        Rollup.objects.filter(checkpoint=checkpoint).values_list("programme_indicator_id", "value")
    )
    return dict(
        Counter(str(programme_light(item, values.get(item.pk), checkpoint.year)) for item in items)
    )


def programme_dynamics(programme: Programme) -> dict[str, Any]:
    """The programme's figures at every checkpoint, with targets, for the chart (3 queries)."""
    items = programme_indicators(programme)
    checkpoints = list(Checkpoint.objects.filter(programme=programme).order_by("held_on", "pk"))
    rollups = {
        (r.checkpoint_id, r.programme_indicator_id): r.value
        for r in Rollup.objects.filter(checkpoint__programme=programme)
    }
    return {
        "labels": [c.name for c in checkpoints],
        "series": [
            {
                "id": item.pk,
                "label": f"{item.number}. {item.indicator.name}",
                "unit": "%"
                if item.indicator.unit in (IndicatorUnit.PERCENT, IndicatorUnit.FLAG)
                else item.indicator.get_unit_display(),
                "values": [_float(rollups.get((c.pk, item.pk))) for c in checkpoints],
                "targets": [_float(item.target_for(c.year)) for c in checkpoints],
            }
            for item in items
        ],
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


FORMS_PER_PAGE = 100


@dataclass
class SubmissionList:
    """A page of the forms of a checkpoint the user may see, and the counts over all schools."""

    rows: list[Submission]
    counts: dict[str, int]
    total: int
    page: Any = None

    @property
    def not_submitted(self) -> int:
        return self.counts.get(SubmissionStatus.DRAFT, 0) + self.counts.get(
            SubmissionStatus.RETURNED, 0
        )


def submission_counts(checkpoint: Checkpoint) -> dict[str, int]:
    """How many of the checkpoint's forms are in each state, over all its schools."""
    return dict(
        Counter(
            dict(
                checkpoint.submissions.values("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
                .order_by()
            )
        )
    )


def submission_list(
    user: UserLike, checkpoint: Checkpoint, status: str = ""
) -> QuerySet[Submission]:
    """The checkpoint's forms the user may see (in a state: "missing" = not yet submitted),
    with their schools (the page and the export show the school, neither who submitted or
    accepted: joining those and the territory built three objects per form for nothing)."""
    qs = restrict(
        checkpoint.submissions.select_related("school"),
        user,
        Action.VIEW,
    )
    if status == "missing":
        qs = qs.filter(status__in=(SubmissionStatus.DRAFT, SubmissionStatus.RETURNED))
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("school__short_name", "school__name", "pk")


def checkpoint_submissions(
    user: UserLike, checkpoint: Checkpoint, status: str = "", page: Any = None
) -> SubmissionList:
    """The forms with the counts: those of `page` (from `core.web.paginate` over
    `submission_list`, the checkpoint page), or all of them (the export)."""
    counts = submission_counts(checkpoint)
    rows = list(page.object_list if page is not None else submission_list(user, checkpoint, status))
    return SubmissionList(rows=rows, counts=counts, total=sum(counts.values()), page=page)


def submissions_to_accept(user: UserLike, checkpoint: Checkpoint) -> QuerySet[Submission]:
    """The submitted forms of the checkpoint that `user` may accept."""
    return restrict(
        checkpoint.submissions.filter(status=SubmissionStatus.SUBMITTED),
        user,
        Action.ACCEPT_DATA,
    )


@dataclass
class FormRow:
    item: ProgrammeIndicator
    value: Value | None
    target: Decimal | None
    light: Light
    confirmations: list[Confirmation]


def submission_rows(submission: Submission) -> list[FormRow]:
    """The form's indicators with the school's values, targets and lights (four queries)."""
    checkpoint = submission.checkpoint
    items = with_targets(submission.items().select_related("indicator").order_by("position"))
    values = {v.programme_indicator_id: v for v in submission.values.all()}
    files: dict[int, list[Confirmation]] = {}
    for c in submission.confirmations.order_by("uploaded_at"):
        files.setdefault(c.programme_indicator_id, []).append(c)
    rows = []
    for item in items:
        value = values.get(item.pk)
        target = item.target_for(checkpoint.year)
        rows.append(
            FormRow(
                item=item,
                value=value,
                target=target,
                light=light(
                    value.value if value else None,
                    target,
                    direction=item.indicator.direction,
                    close_within=item.light_margin,
                    flag=item.indicator.unit == IndicatorUnit.FLAG,
                ),
                confirmations=files.get(item.pk, []),
            )
        )
    return rows


@dataclass
class SchoolRow:
    item: ProgrammeIndicator
    values: list[Decimal | None]
    target: Decimal | None
    light: Light
    change: str  # "better", "worse", "same" or "" (since the entry checkpoint)


def school_monitoring(
    user: UserLike, programme: Programme, school: Organization
) -> tuple[list[Checkpoint], list[SchoolRow]]:
    """The school's approved values at every checkpoint, its lights against the targets of
    the latest one, and the change since the entry checkpoint («позитивные изменения»)."""
    checkpoints = list(Checkpoint.objects.filter(programme=programme).order_by("held_on", "pk"))
    approved = {
        (v.submission.checkpoint_id, v.programme_indicator_id): v.value
        for v in Value.objects.filter(
            submission__checkpoint__in=checkpoints,
            submission__school=school,
            submission__status=SubmissionStatus.APPROVED,
        ).select_related("submission")
    }
    reported = [c for c in checkpoints if any(k[0] == c.pk for k in approved)]
    latest = reported[-1] if reported else None
    entry = next((c for c in reported if c.kind == CheckpointKind.ENTRY), None)
    entry = entry or (reported[0] if reported else None)
    rows = []
    for item in programme_indicators(programme):
        values = [approved.get((c.pk, item.pk)) for c in checkpoints]
        now = approved.get((latest.pk, item.pk)) if latest else None
        before = approved.get((entry.pk, item.pk)) if entry and entry != latest else None
        target = item.target_for(latest.year) if latest else None
        rows.append(
            SchoolRow(
                item=item,
                values=values,
                target=target,
                light=light(
                    now,
                    target,
                    direction=item.indicator.direction,
                    close_within=item.light_margin,
                    flag=item.indicator.unit == IndicatorUnit.FLAG,
                ),
                change=_change(before, now, item.indicator.direction),
            )
        )
    return checkpoints, rows


def _change(before: Decimal | None, now: Decimal | None, direction: str) -> str:
    if before is None or now is None:
        return ""
    if now == before:
        return "same"
    better = now > before if direction == IndicatorDirection.UP else now < before
    return "better" if better else "worse"


def positive_changes(rows: list[SchoolRow]) -> dict[str, int]:
    """How many indicators improved, worsened or stayed since the entry checkpoint."""
    counts = Counter(r.change for r in rows if r.change)
    return {k: counts.get(k, 0) for k in ("better", "same", "worse")}


def programme_positive_changes(
    programme: Programme,
) -> tuple[Checkpoint | None, list[tuple[ProgrammeIndicator, int, int]]]:
    """Per indicator, at the latest checkpoint with accepted forms: schools whose value is
    better than at the entry checkpoint, of the schools compared (from the roll-ups)."""
    latest = (
        Checkpoint.objects.filter(programme=programme, rollups__compared__gt=0)
        .order_by("-held_on", "-pk")
        .first()
    )
    if latest is None:
        return None, []
    rollups = {
        r.programme_indicator_id: r
        for r in Rollup.objects.filter(checkpoint=latest).select_related(
            "programme_indicator__indicator"
        )
    }
    rows = [
        (r.programme_indicator, r.improved, r.compared)
        for r in sorted(rollups.values(), key=lambda r: r.programme_indicator.position)
        if r.compared
    ]
    return latest, rows


def school_programmes(
    user: UserLike, school: Organization
) -> list[tuple[Programme, Submission | None]]:
    """The programmes the school takes part in with monitoring, each with its latest form."""
    latest: dict[int, Submission] = {}
    for submission in (
        restrict(Submission.objects.filter(school=school), user)
        .select_related("checkpoint__programme")
        .order_by("checkpoint__held_on", "pk")
    ):
        latest[submission.checkpoint.programme_id] = submission
    return [(s.checkpoint.programme, s) for s in latest.values()]


# --- Home page ------------------------------------------------------------------------------

HOME_ITEMS = 8
HOME_PROGRAMMES = 3
NO_REPORT_DAYS = 30
FILLER_ROLES = (Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF)
OPEN_FORM = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def home_forms_to_fill(user: UserLike) -> list[Submission] | None:
    """The open forms of the user's own school not yet submitted (returned ones first); None
    for those who fill no forms. One query."""
    schools = role_organization_ids(user, FILLER_ROLES)
    if not schools:
        return None
    return list(
        restrict(
            Submission.objects.filter(
                school_id__in=schools,
                status__in=OPEN_FORM,
                checkpoint__status=CheckpointStatus.OPEN,
            ),
            user,
        )
        .select_related("checkpoint__programme")
        .order_by("-status", "checkpoint__due_on", "pk")[: HOME_ITEMS + 1]
    )


def home_forms_to_accept(user: UserLike) -> list[dict[str, Any]] | None:
    """Submitted forms waiting for the user's acceptance, counted by checkpoint (one grouped
    query); None for those who accept nothing."""
    if not has_any(user, Action.ACCEPT_DATA):
        return None
    rows = (
        restrict(
            Submission.objects.filter(status=SubmissionStatus.SUBMITTED), user, Action.ACCEPT_DATA
        )
        .values("checkpoint_id", "checkpoint__name", "checkpoint__programme__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "checkpoint_id")[:HOME_ITEMS]
    )
    return [dict(row) for row in rows]


@dataclass
class SchoolLateness:
    """What is late at one of a curator's schools."""

    school: Organization
    overdue_activities: int
    overdue_recommendations: int
    forms_missing: int
    last_report: datetime.datetime | None
    report_late: bool  # a roadmap runs and nothing was reported for `NO_REPORT_DAYS` days

    @property
    def late(self) -> int:
        return (
            self.overdue_activities
            + self.overdue_recommendations
            + self.forms_missing
            + int(self.report_late)
        )


def home_curator_schools(user: UserLike, today: datetime.date) -> list[SchoolLateness] | None:
    """The curator's schools, each with what is late there (overdue activities, unanswered
    recommendations past their date, monitoring forms past due, no execution report for
    `NO_REPORT_DAYS` days), the latest first. One query (correlated counts) whatever the
    number of schools; None for those who are not curators."""
    if not role_organization_ids(user, [Role.CURATOR]):
        return None
    assigned = CuratorAssignment.objects.filter(
        curator__user_id=user.pk or 0, since__lte=today
    ).filter(Q(until__isnull=True) | Q(until__gte=today))
    running = RoadmapStatus.EXECUTION
    schools = (
        restrict(
            Organization.objects.filter(pk__in=assigned.values("school_id")),
            user,
        )
        .annotate(
            overdue_activities=count_of(
                Deadline.objects.filter(
                    roadmap__status=running, closed_on__isnull=True, due_on__lt=today
                ),
                "roadmap__school",
            ),
            overdue_recommendations=count_of(
                Recommendation.objects.filter(status=RecommendationStatus.OPEN, due_on__lt=today),
                "school",
            ),
            forms_missing=count_of(
                Submission.objects.filter(
                    status__in=OPEN_FORM,
                    checkpoint__status=CheckpointStatus.OPEN,
                    checkpoint__due_on__lt=today,
                ),
                "school",
            ),
            running_roadmaps=count_of(Roadmap.objects.filter(status=running), "school"),
            last_report=Subquery(
                ExecutionReport.objects.filter(activity__roadmap__school=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .order_by("short_name")
    )
    result = []
    for school in schools:
        last = school.last_report
        report_late = bool(school.running_roadmaps) and (
            last is None or (today - timezone.localtime(last).date()).days > NO_REPORT_DAYS
        )
        result.append(
            SchoolLateness(
                school=school,
                overdue_activities=school.overdue_activities,
                overdue_recommendations=school.overdue_recommendations,
                forms_missing=school.forms_missing,
                last_report=last,
                report_late=report_late,
            )
        )
    return sorted(result, key=lambda s: (-s.late, s.school.short_name))


@dataclass
class ProgrammeLights:
    """A programme's traffic lights: execution of its roadmaps and its indicators."""

    programme: Programme
    execution: Any  # roadmaps.selectors.Progress
    lights: dict[str, int]
    checkpoint: Checkpoint | None


def home_programme_lights(user: UserLike, today: datetime.date) -> list[ProgrammeLights] | None:
    """For coordinators: the programmes they manage (the latest few), each with its roadmaps'
    execution and its indicators against targets at the latest checkpoint with figures. A
    fixed number of queries per programme, whatever the number of schools; None for others."""
    if not role_organization_ids(user, [Role.PROGRAMME_COORDINATOR, Role.REGIONAL_COORDINATOR]):
        return None
    programmes = list(
        restrict(Programme.objects.all(), user, Action.CHANGE).order_by("-starts_on", "-pk")[
            :HOME_PROGRAMMES
        ]
    )
    if not programmes:
        return []
    execution = programmes_execution(user, [p.pk for p in programmes], today)
    latest: dict[int, Checkpoint] = {}
    for checkpoint in (
        Checkpoint.objects.filter(programme__in=programmes, rollups__isnull=False)
        .distinct()
        .order_by("held_on", "pk")
    ):
        latest[checkpoint.programme_id] = checkpoint
    result = []
    for programme in programmes:
        shown = latest.get(programme.pk)
        counts = checkpoint_light_counts(shown) if shown is not None else {}
        result.append(ProgrammeLights(programme, execution.get(programme.pk), counts, shown))
    return result
