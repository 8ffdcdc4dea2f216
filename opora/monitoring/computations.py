"""Indicators Opora computes from its own data, for many schools at once.

Each computation takes the schools and the checkpoint's date and returns, per school it
could compute, the value (and the counts behind a share). A school it has no data for is
absent, so the form asks the school instead of showing a zero.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from opora.registry.models import CuratorAssignment


@dataclass(frozen=True)
class Computed:
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None


Computation = Callable[[list[int], datetime.date, int], dict[int, Computed]]
COMPUTATIONS: dict[str, tuple[StrOrPromise, Computation]] = {}


def computation(code: str, label: StrOrPromise) -> Callable[[Computation], Computation]:
    def register(func: Computation) -> Computation:
        COMPUTATIONS[code] = (label, func)
        return func

    return register


def share(numerator: int | float | Decimal, denominator: int | float | Decimal) -> Decimal:
    return (Decimal(str(numerator)) * 100 / Decimal(str(denominator))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def results_year(on: datetime.date) -> int:
    """The latest assessment year known on `on`: spring's results count from June."""
    return on.year if on.month >= 6 else on.year - 1


def compute(
    code: str, school_ids: Iterable[int], on: datetime.date, programme_id: int
) -> dict[int, Computed]:
    _label, func = COMPUTATIONS[code]
    return func(sorted(set(school_ids)), on, programme_id)


@computation("teachers_under_35", _("реестр педагогов: доля педагогов моложе 35 лет"))
def teachers_under_35(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    return _staff(schools, on, "teachers_under_35")


@computation(
    "teachers_trained_3y",
    _("реестр педагогов и ИОМ: доля прошедших повышение квалификации за три года"),
)
def teachers_trained(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    return _staff(schools, on, "teachers_trained_3y")


def _staff(schools: list[int], on: datetime.date, key: str) -> dict[int, Computed]:
    from opora.staff.selectors import staff_indicator_counts

    counts = staff_indicator_counts(school_ids=schools, on_date=on)
    out = {}
    for school, figures in counts.items():
        if key in figures and figures[key][1]:
            n, total = figures[key]
            out[school] = Computed(share(n, total), Decimal(n), Decimal(total))
    return out


@computation("results_fail_share", _("результаты: доля работ с отметкой «2»"))
def results_fail_share(
    schools: list[int], on: datetime.date, programme: int
) -> dict[int, Computed]:
    from opora.results.models import SchoolResult

    rows = (
        SchoolResult.objects.filter(
            school_id__in=schools,
            year=results_year(on),
            share_fail__isnull=False,
            participants__gt=0,
        )
        .values_list("school_id", "participants", "share_fail")
        .order_by()
    )
    failed: dict[int, float] = defaultdict(float)
    took: dict[int, int] = defaultdict(int)
    for school, participants, share_fail in rows:
        # Both are non-null: the query filters them.
        failed[school] += (participants or 0) * (share_fail or 0) / 100
        took[school] += participants or 0
    return {s: Computed(share(failed[s], took[s]), None, None) for s in took if took[s]}


@computation(
    "results_positive_dynamics",
    _("результаты: доля «2» снизилась по тем же работам, что и в прошлом году"),
)
def results_positive_dynamics(
    schools: list[int], on: datetime.date, programme: int
) -> dict[int, Computed]:
    from opora.results.models import SchoolResult

    year = results_year(on)
    rows = (
        SchoolResult.objects.filter(
            school_id__in=schools,
            year__in=(year - 1, year),
            share_fail__isnull=False,
            participants__gt=0,
        )
        .values_list(
            "school_id",
            "year",
            "assessment_id",
            "subject_id",
            "grade",
            "participants",
            "share_fail",
        )
        .order_by()
    )
    works: dict[tuple[int, int, int, int], dict[int, tuple[int, float]]] = defaultdict(dict)
    for school, y, assessment, subject, grade, participants, share_fail in rows:
        works[(school, assessment, subject, grade)][y] = (participants or 0, share_fail or 0.0)
    # Only works written in both years are compared, so a new subject does not count.
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for (school, *_work), by_year in works.items():
        if year - 1 in by_year and year in by_year:
            t = totals[school]
            for i, y in ((0, year - 1), (2, year)):
                participants, share_fail = by_year[y]
                t[i] += participants * share_fail / 100
                t[i + 1] += participants
    out = {}
    for school, (failed_before, took_before, failed_now, took_now) in totals.items():
        improved = failed_now / took_now < failed_before / took_before
        out[school] = Computed(Decimal(1 if improved else 0))
    return out


@computation("results_present", _("результаты: загружены за последний учебный год"))
def results_present(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    from opora.results.models import SchoolResult

    present = set(
        SchoolResult.objects.filter(school_id__in=schools, year=results_year(on))
        .values_list("school_id", flat=True)
        .distinct()
    )
    return {s: Computed(Decimal(1 if s in present else 0)) for s in schools}


@computation("curator_assigned", _("реестр: за школой закреплён куратор"))
def curator_assigned(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    assigned = set(
        CuratorAssignment.objects.filter(school_id__in=schools, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .values_list("school_id", flat=True)
    )
    return {s: Computed(Decimal(1 if s in assigned else 0)) for s in schools}


@computation("roadmap_in_force", _("программы: дорожная карта школы утверждена и исполняется"))
def roadmap_in_force(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    from opora.roadmaps.choices import RoadmapStatus
    from opora.roadmaps.models import Roadmap

    in_force = set(
        Roadmap.objects.filter(
            programme_id=programme,
            school_id__in=schools,
            status__in=(
                RoadmapStatus.APPROVED,
                RoadmapStatus.EXECUTION,
                RoadmapStatus.COMPLETED,
            ),
        ).values_list("school_id", flat=True)
    )
    return {s: Computed(Decimal(1 if s in in_force else 0)) for s in schools}


# --- engagement --- (support network: opora.support.selectors, aggregates per school)


@computation("support_mentor", _("поддержка: у школы есть школа-наставник"))
def support_mentor(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    from opora.support.selectors import schools_with_mentor

    paired = schools_with_mentor(school_ids=schools, on_date=on)
    return {s: Computed(Decimal(1 if s in paired else 0)) for s in schools}


@computation("support_visits", _("поддержка: выезды в школу за полгода"))
def support_visits(schools: list[int], on: datetime.date, programme: int) -> dict[int, Computed]:
    from opora.support.selectors import visits_held

    return {s: Computed(Decimal(n)) for s, n in visits_held(school_ids=schools, on_date=on).items()}


@computation(
    "support_recommendations_on_time",
    _("поддержка: доля рекомендаций, выполненных в срок, за полгода"),
)
def support_recommendations_on_time(
    schools: list[int], on: datetime.date, programme: int
) -> dict[int, Computed]:
    from opora.support.selectors import recommendations_on_time

    counts = recommendations_on_time(school_ids=schools, on_date=on)
    return {
        s: Computed(share(done, due), Decimal(done), Decimal(due))
        for s, (done, due) in counts.items()
        if due
    }


# --- events --- (opora.events.selectors, aggregates per school over the academic year so far)


def _academic_year_so_far(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    from opora.core.dates import academic_year_bounds, academic_year_of

    return academic_year_bounds(academic_year_of(on))[0], on


@computation(
    "events_for_school_teams", _("мероприятия: проведённые для команды школы за учебный год")
)
def events_for_school_teams(
    schools: list[int], on: datetime.date, programme: int
) -> dict[int, Computed]:
    from opora.events.selectors import events_held_for_schools

    start, end = _academic_year_so_far(on)
    held = events_held_for_schools(school_ids=schools, start=start, end=end)
    return {s: Computed(Decimal(n)) for s, n in held.items()}


@computation(
    "events_teachers_attended",
    _("мероприятия: доля педагогов, побывавших хотя бы на одном за учебный год"),
)
def events_teachers_attended(
    schools: list[int], on: datetime.date, programme: int
) -> dict[int, Computed]:
    from opora.events.selectors import teachers_attended_counts

    start, end = _academic_year_so_far(on)
    counts = teachers_attended_counts(school_ids=schools, start=start, end=end)
    return {
        s: Computed(share(went, total), Decimal(went), Decimal(total))
        for s, (went, total) in counts.items()
        if total
    }
