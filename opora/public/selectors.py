"""What the public pages read: published, aggregated data only, for anyone without an account.

These selectors are the exception to «every selector takes the user» by design: there is no
user, and they never call `restrict` / `get_for_user` (the reach of a logged-in user has
nothing to do with what is public). Instead each one filters on the publication itself —
a programme with `ProgrammePublication.is_public`, a school roadmap with a
`RoadmapPublication` (and adopted), an event with `is_public`, a practice in state
«published» — and a missing or unpublished object is 404 (`Http404`), never 403. Nothing
here returns a person, except the authors of a published practice (printed on it as in any
atlas); figures resting on fewer than `OPORA_PUBLIC_MIN_COUNT` schools are suppressed
(`opora.public.suppression`). Query counts do not grow with the number of schools.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from opora.core import dates
from opora.events.choices import EventStatus
from opora.events.models import Event
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun, SchoolIdentification
from opora.monitoring.choices import IndicatorUnit
from opora.monitoring.models import Checkpoint, ProgrammeIndicator, Rollup, with_targets
from opora.practices.choices import PracticeStatus
from opora.practices.models import Practice, PracticeMaterial
from opora.public.models import ProgrammePublication, PublicVersion, RoadmapPublication
from opora.public.suppression import SuppressedTable, is_small, suppress_table
from opora.registry.choices import OrderStatus, OrganizationKind
from opora.registry.models import Order, Organization, Programme, ProgrammeSchool
from opora.results.models import Subject
from opora.roadmaps.choices import ActivityStatus, RoadmapStatus
from opora.roadmaps.library import PROBLEM_TYPES
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section
from opora.surveys.choices import RiskFactor

ADOPTED_ROADMAP = (RoadmapStatus.APPROVED, RoadmapStatus.EXECUTION, RoadmapStatus.COMPLETED)


def public_version() -> int:
    """The current public version (part of every cached page's key; one query)."""
    row = PublicVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 0


# --- Authorities and programmes ------------------------------------------------------------


def _public_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(publication__is_public=True)


def _public_events() -> QuerySet[Event]:
    return Event.objects.filter(is_public=True)


def authority_list() -> list[Organization]:
    """Organisations (not schools) that own a public programme or hold an open event."""
    owners = _public_programmes().values("owner")
    organisers = _public_events().values("organizer")
    return list(
        Organization.objects.filter(Q(pk__in=owners) | Q(pk__in=organisers))
        .exclude(kind=OrganizationKind.SCHOOL)
        .select_related("territory")
        .order_by("name")
    )


def authority_get(pk: Any) -> Organization:
    """An organisation with something public, or 404."""
    for authority in authority_list():
        if str(authority.pk) == str(pk):
            return authority
    raise Http404


def authority_programmes(authority: Organization) -> list[Programme]:
    """The authority's programmes with public pages, newest first."""
    return list(_public_programmes().filter(owner=authority).order_by("-starts_on", "name"))


def programme_public_get(pk: Any) -> Programme:
    """A programme whose public pages are on, with its publication, or 404."""
    programme = (
        _public_programmes()
        .select_related("owner__territory", "publication", "order")
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    return programme


def programme_order(programme: Programme) -> Order | None:
    """The registered order approving the programme (a public act), if any."""
    order = programme.order
    return order if order is not None and order.status == OrderStatus.REGISTERED else None


def programme_order_get(pk: Any) -> Order:
    """The approving order of a public programme, for its file; 404 otherwise."""
    programme = programme_public_get(pk)
    order = programme_order(programme)
    if order is None or not order.file:
        raise Http404
    return order


def publication_of(programme: Programme) -> ProgrammePublication:
    return programme.publication


# --- Roadmaps and their progress -------------------------------------------------------------


@dataclass
class ActivityRow:
    number: str
    text: str
    schedule: str
    due: datetime.date | None
    state: str
    state_label: str


@dataclass
class SectionRows:
    number: str
    title: str
    activities: list[ActivityRow] = field(default_factory=list)


@dataclass
class RoadmapProgress:
    """A public roadmap: its sections and activities with their states, and the counts."""

    roadmap: Roadmap
    sections: list[SectionRows]
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    planned: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.overdue + self.planned

    def share(self, part: int) -> int:
        return round(100 * part / self.total) if self.total else 0

    @property
    def done_share(self) -> int:
        return self.share(self.done)

    @property
    def in_progress_share(self) -> int:
        return self.share(self.in_progress)

    @property
    def overdue_share(self) -> int:
        return self.share(self.overdue)


STATE_LABELS = {
    "done": _("выполнено"),
    "in_progress": _("выполняется"),
    "overdue": _("просрочено"),
    "planned": _("запланировано"),
    "cancelled": _("отменено"),
}


def programme_roadmap(programme: Programme) -> Roadmap | None:
    """The programme's own (municipal) roadmap, the latest adopted one."""
    return (
        Roadmap.objects.filter(programme=programme, school__isnull=True, status__in=ADOPTED_ROADMAP)
        .order_by("-version", "-pk")
        .first()
    )


def school_roadmaps_published(programme: Programme) -> list[Roadmap]:
    """The school roadmaps of the programme their schools have published."""
    return list(
        Roadmap.objects.filter(
            programme=programme,
            school__isnull=False,
            status__in=ADOPTED_ROADMAP,
            publication__isnull=False,
        )
        .select_related("school")
        .order_by("school__short_name", "title")
    )


def roadmap_public_get(pk: Any) -> Roadmap:
    """A school roadmap its school has published (and that is adopted), or 404."""
    roadmap = (
        Roadmap.objects.filter(
            pk=pk, school__isnull=False, status__in=ADOPTED_ROADMAP, publication__isnull=False
        )
        .select_related("school", "programme")
        .first()
    )
    if roadmap is None:
        raise Http404
    return roadmap


def roadmap_progress(roadmap: Roadmap, today: datetime.date) -> RoadmapProgress:
    """Sections, activities and each activity's state from its due dates (three queries,
    whatever the roadmap's size). No responsible, no executor, no reports: the public sees
    what is done, not who did it."""
    deadlines: dict[int, dict[str, Any]] = {
        row["activity_id"]: dict(row)
        for row in Deadline.objects.filter(roadmap=roadmap)
        .order_by()
        .values("activity_id")
        .annotate(
            due=Count("pk"),
            closed=Count("pk", filter=Q(closed_on__isnull=False)),
            late=Count("pk", filter=Q(closed_on__isnull=True, due_on__lt=today)),
        )
    }
    sections: dict[int, SectionRows] = {
        s.pk: SectionRows(number=s.number, title=s.title)
        for s in Section.objects.filter(roadmap=roadmap).order_by("position")
    }
    progress = RoadmapProgress(roadmap=roadmap, sections=list(sections.values()))
    for activity in Activity.objects.filter(roadmap=roadmap).order_by("position"):
        state = _activity_state(activity, deadlines.get(activity.pk))
        if state in ("done", "in_progress", "overdue", "planned"):
            setattr(progress, state, getattr(progress, state) + 1)
        sections[activity.section_id].activities.append(
            ActivityRow(
                number=activity.number,
                text=activity.text,
                schedule=activity.schedule_text,
                due=activity.due_on or activity.schedule_date,
                state=state,
                state_label=str(STATE_LABELS[state]),
            )
        )
    return progress


def _activity_state(activity: Activity, counts: dict[str, Any] | None) -> str:
    if activity.status == ActivityStatus.CANCELLED:
        return "cancelled"
    if counts and counts["due"]:
        if counts["late"]:
            return "overdue"
        if counts["closed"] == counts["due"]:
            return "done"
        return "in_progress" if counts["closed"] else "planned"
    if activity.status in (ActivityStatus.DONE, ActivityStatus.DONE_LATE):
        return "done"
    if activity.status == ActivityStatus.NOT_DONE:
        return "overdue"
    if activity.status == ActivityStatus.IN_PROGRESS:
        return "in_progress"
    return "planned"


# --- Supported schools -------------------------------------------------------------------------


@dataclass
class SchoolsSummary:
    """The programme's supported schools: by name (when the coordinator shows names) or as
    counts by district, small counts suppressed."""

    names: list[tuple[str, str]]  # (school, district)
    districts: list[str]
    table: SuppressedTable
    total: int

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        """Each district with its count as shown (None: «—»)."""
        return [
            (d, shown[0]) for d, shown in zip(self.districts, self.table.rows_shown(), strict=True)
        ]

    @property
    def total_shown(self) -> int | None:
        return self.table.totals_shown()[-1]


def programme_schools(programme: Programme) -> SchoolsSummary:
    """Supported schools (still in the programme) by district (one query)."""
    rows = list(
        ProgrammeSchool.objects.filter(programme=programme, left_on__isnull=True)
        .order_by("school__territory__name", "school__short_name")
        .values_list("school__short_name", "school__territory__name")
    )
    counts: dict[str, int] = defaultdict(int)
    for _name, district in rows:
        counts[district] += 1
    districts = sorted(counts)
    table = suppress_table([[counts[d]] for d in districts])
    names = rows if publication_of(programme).show_school_names else []
    return SchoolsSummary(names=names, districts=districts, table=table, total=len(rows))


# --- Results ---------------------------------------------------------------------------------


@dataclass
class IndicatorPoint:
    checkpoint: str
    year: str
    value: Decimal | None  # None: no data or suppressed
    suppressed: bool
    target: Decimal | None
    schools: int | None  # None when suppressed (a count under the minimum is itself small)


@dataclass
class IndicatorResult:
    number: str
    name: str
    unit: str
    direction_up: bool
    baseline: Decimal | None
    points: list[IndicatorPoint]

    @property
    def scale(self) -> Decimal:
        """The largest figure of the row (for the bars)."""
        figures = [p.value for p in self.points if p.value is not None]
        figures += [p.target for p in self.points if p.target is not None]
        return max(figures, default=Decimal(0)) or Decimal(1)


def programme_indicator_results(programme: Programme) -> list[IndicatorResult]:
    """Each indicator of the programme at every checkpoint against its target, from the
    precomputed roll-ups (four queries); a figure over fewer than the minimum of schools is
    suppressed."""
    items = with_targets(
        ProgrammeIndicator.objects.filter(programme=programme)
        .select_related("indicator")
        .order_by("position")
    )
    checkpoints = list(Checkpoint.objects.filter(programme=programme).order_by("held_on", "pk"))
    rollups = {
        (r.checkpoint_id, r.programme_indicator_id): r
        for r in Rollup.objects.filter(checkpoint__programme=programme)
    }
    results = []
    for item in items:
        unit = item.indicator.unit
        points = []
        for checkpoint in checkpoints:
            rollup = rollups.get((checkpoint.pk, item.pk))
            schools = rollup.schools if rollup else None
            small = is_small(schools)
            points.append(
                IndicatorPoint(
                    checkpoint=checkpoint.name,
                    year=dates.academic_year_label(checkpoint.year),
                    value=None if small or rollup is None else rollup.value,
                    suppressed=small,
                    target=item.target_for(checkpoint.year),
                    schools=None if small else schools,
                )
            )
        results.append(
            IndicatorResult(
                number=item.number,
                name=item.indicator.name,
                unit="%"
                if unit in (IndicatorUnit.PERCENT, IndicatorUnit.FLAG)
                else str(item.indicator.get_unit_display()),
                direction_up=item.indicator.direction == "up",
                baseline=item.baseline,
                points=points,
            )
        )
    return results


CATEGORIES = [
    ("both", _("ШНОР и ШНСУ")),
    ("low", _("только ШНОР")),
    ("unfavourable", _("только ШНСУ")),
    ("other", _("остальные школы")),
]


@dataclass
class IdentificationSummary:
    """The approved list's outcome: schools per category per district, suppressed."""

    run_year: int
    order: Order | None
    districts: list[str]
    categories: list[str]
    table: SuppressedTable

    @property
    def rows(self) -> list[tuple[str, list[int | None]]]:
        """Each district with its cells and total as shown (None: «—»)."""
        return list(zip(self.districts, self.table.rows_shown(), strict=True))

    @property
    def totals(self) -> list[int | None]:
        return self.table.totals_shown()


def programme_identification(programme: Programme) -> IdentificationSummary | None:
    """The latest approved identification list of the programme owner's territory, counted
    by district and category in one grouped query (two in all)."""
    run = (
        IdentificationRun.objects.filter(
            territory_id=programme.owner.territory_id, status=RunStatus.APPROVED
        )
        .select_related("order")
        .order_by("-year", "-pk")
        .first()
    )
    if run is None:
        return None
    grouped = (
        SchoolIdentification.objects.filter(run=run)
        .order_by()
        .values("school__territory__name", "low_results", "unfavourable")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_codes(), 0))
    for row in grouped:
        low, unfavourable = row["low_results"], row["unfavourable"]
        code = (
            "both"
            if low and unfavourable
            else "low"
            if low
            else "unfavourable"
            if unfavourable
            else "other"
        )
        counts[row["school__territory__name"]][code] += row["n"]
    districts = sorted(counts)
    table = suppress_table([[counts[d][c] for c in _codes()] for d in districts])
    order = run.order if run.order and run.order.status == OrderStatus.REGISTERED else None
    return IdentificationSummary(
        run_year=run.year,
        order=order,
        districts=districts,
        categories=[str(label) for _code, label in CATEGORIES],
        table=table,
    )


def _codes() -> list[str]:
    return [code for code, _label in CATEGORIES]


# --- Open events --------------------------------------------------------------------------------


def events_public(
    *,
    authority: Organization | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> QuerySet[Event]:
    """Open events (of the authority's territory), by time."""
    qs = _public_events().select_related("organizer").order_by("starts_at", "pk")
    if authority is not None:
        qs = qs.filter(organizer__territory__path__startswith=authority.territory.path)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs


def events_upcoming(authority: Organization, now: datetime.datetime, limit: int = 5) -> list[Event]:
    """The next open events of the authority's territory that are not cancelled."""
    return list(
        events_public(authority=authority, start=now).exclude(status=EventStatus.CANCELLED)[:limit]
    )


def event_public_get(pk: Any) -> Event:
    """An open event, or 404."""
    event = _public_events().select_related("organizer__territory").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def event_programme_get(pk: Any) -> Event:
    """An open event with a programme file, or 404."""
    event = event_public_get(pk)
    if not event.programme_file:
        raise Http404
    return event


# --- Published practices -----------------------------------------------------------------


@dataclass
class PracticeFilters:
    problem: str = ""
    risk: str = ""
    subject: str = ""


def practice_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """What the practice list filters by, in words."""
    return {
        "problem": list(PROBLEM_TYPES.items()),
        "risk": [(str(v), str(label)) for v, label in RiskFactor.choices],
        "subject": [(s.code, s.name) for s in Subject.objects.order_by("name")],
    }


def practices_public(
    filters: PracticeFilters | None = None, authority: Organization | None = None
) -> QuerySet[Practice]:
    """Published practices (of the authority's territory), filtered; the JSON lists of codes
    are matched here rather than in SQL, so SQLite and PostgreSQL agree."""
    qs = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    if authority is not None:
        qs = qs.filter(organization__territory__path__startswith=authority.territory.path)
    filters = filters or PracticeFilters()
    if filters.subject:
        qs = qs.filter(subjects__code=filters.subject)
    rows = list(qs.values_list("pk", "problem_types", "risk_factors"))
    ids = [
        pk
        for pk, problems, risks in rows
        if (not filters.problem or filters.problem in (problems or []))
        and (not filters.risk or filters.risk in (risks or []))
    ]
    # A queryset: the list page reads only its page of full rows.
    return (
        Practice.objects.filter(pk__in=ids)
        .select_related("organization")
        .order_by("-published_at", "title", "pk")
    )


def practice_public_get(pk: Any) -> Practice:
    """A published practice with its school, or 404."""
    practice = (
        Practice.objects.filter(pk=pk, status=PracticeStatus.PUBLISHED)
        .select_related("organization")
        .prefetch_related("subjects", "authors")
        .first()
    )
    if practice is None:
        raise Http404
    return practice


def practice_materials(practice: Practice) -> list[PracticeMaterial]:
    """The materials of a practice the caller holds (from `practice_public_get`)."""
    return list(PracticeMaterial.objects.filter(practice=practice).order_by("position", "pk"))


def practice_material_public_get(pk: Any) -> PracticeMaterial:
    """A file of a published practice, or 404."""
    material = (
        PracticeMaterial.objects.filter(pk=pk, practice__status=PracticeStatus.PUBLISHED)
        .exclude(file="")
        .first()
    )
    if material is None:
        raise Http404
    return material


def practice_labels(practice: Practice) -> dict[str, list[str]]:
    """The practice's problem types and risk factors in words."""
    risks = dict(RiskFactor.choices)
    return {
        "problems": [
            PROBLEM_TYPES.get(c, "") for c in practice.problem_types if c in PROBLEM_TYPES
        ],
        "risks": [str(risks[c]) for c in practice.risk_factors if c in risks],
    }


# --- For the switches (logged in: the caller fetched the object with its own selector) -------


def programme_publication_or_new(programme: Programme) -> ProgrammePublication:
    """The programme's publication settings, or unsaved defaults (everything off)."""
    return ProgrammePublication.objects.filter(programme=programme).first() or ProgrammePublication(
        programme=programme
    )


def programme_is_public(programme: Programme) -> bool:
    return ProgrammePublication.objects.filter(programme=programme, is_public=True).exists()


def roadmaps_with_publication(roadmaps: QuerySet[Roadmap]) -> list[Roadmap]:
    """These roadmaps (fetched by the caller's own selector), each with `is_published`, in
    one query."""
    published = RoadmapPublication.objects.filter(roadmap=OuterRef("pk"))
    return list(roadmaps.annotate(is_published=Exists(published)))
