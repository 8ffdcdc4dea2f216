"""Evidence of a practice's effect computed by Opora, and «used by N schools, M like yours».

For a practice with a start date and an authors' school: the school's results before and after
the practice began (the results index of approved identification runs, and the assessment
results by assessment and subject), beside a comparison group — the schools nearest to it in
social context (the distance `opora.support.recommender` uses to find «schools like you»)
that did not adopt the practice. The page shows the means, the difference of changes, how many
schools and years stand behind each figure, and plain notes where the data cannot support a
claim. It never names the comparison schools and never claims a cause: one school against
similar ones proves nothing about why a result changed.

The pure functions work on Polars frames and NumPy arrays (tested with hand-computed numbers);
`practice_effect`, `practice_usage` and `usage_for_practices` read the data in a fixed number
of queries whatever the number of schools (`opora bench practices-effect`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from opora.core.access import Action, UserLike, own_organizations
from opora.core.dates import academic_year_label, academic_year_of
from opora.identification.choices import RunStatus
from opora.identification.methodology import parse_params
from opora.identification.models import SchoolIdentification
from opora.practices.models import Adoption, Practice
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.results.models import ContextValue, SchoolResult
from opora.support.recommender import context_matrix, distances, standardise

# How many nearest schools form the comparison group and «a context like yours».
NEIGHBOURS = 10
# Fewer comparison schools than this and the group's change says little.
MIN_GROUP = 5
# A result from fewer participants than this is a small cohort: one class can swing it.
SMALL_COHORT = 10
# How old a context value may be (years before the reference year) to place a school.
CONTEXT_MAX_AGE = 2
# Share of the school's indicator weight another school must share to be compared at all.
MIN_OVERLAP = 0.5
# Assessment series shown at most (those with the most years of the school's data first).
SERIES_SHOWN = 6

VALUES_SCHEMA: dict[str, Any] = {"school_id": pl.Int64, "year": pl.Int32, "value": pl.Float64}

# --- Pure functions -------------------------------------------------------------------------


def first_year_after(started_on: datetime.date) -> int:
    """The first results year counted as «after»: results of year Y are taken in the spring of
    the academic year that ends in Y, so a practice begun in the academic year starting in S
    shows first in the results of S + 1."""
    return academic_year_of(started_on) + 1


@dataclass(frozen=True)
class Comparison:
    """One measure before and after, for the school and its comparison group."""

    label: str
    unit: str
    higher_is_better: bool
    school_before: float | None
    school_after: float | None
    school_years_before: int
    school_years_after: int
    group_before: float | None
    group_after: float | None
    group_schools: int
    small_cohorts: bool = False
    notes: tuple[str, ...] = ()

    @property
    def school_change(self) -> float | None:
        if self.school_before is None or self.school_after is None:
            return None
        return self.school_after - self.school_before

    @property
    def group_change(self) -> float | None:
        if self.group_before is None or self.group_after is None:
            return None
        return self.group_after - self.group_before

    @property
    def difference(self) -> float | None:
        """The school's change minus the group's (difference of changes)."""
        if self.school_change is None or self.group_change is None:
            return None
        return self.school_change - self.group_change

    @property
    def verdict(self) -> str:
        """A plain sentence on the difference, or "" where there is none to state."""
        diff = self.difference
        if diff is None or self.notes:
            return ""
        if abs(diff) < 1e-9:
            return _("Изменение такое же, как у похожих школ.")
        better = (diff > 0) == self.higher_is_better
        if better:
            return _("У школы изменение в лучшую сторону больше, чем у похожих школ.")
        return _("У школы изменение хуже, чем у похожих школ.")


def _mean(values: pl.Series) -> float | None:
    return None if values.is_empty() else float(values.mean())  # type: ignore[arg-type]


def yearly(values: pl.DataFrame) -> pl.DataFrame:
    """One value per school and year: the mean of its rows (grades, several runs)."""
    return (
        values.drop_nulls("value")
        .group_by("school_id", "year")
        .agg(pl.col("value").mean())
        .sort("school_id", "year")
    )


def compare(
    values: pl.DataFrame,
    *,
    school_id: int,
    group_ids: Sequence[int],
    first_after: int,
    label: str,
    unit: str = "",
    higher_is_better: bool = True,
    small_cohorts: bool = False,
) -> Comparison:
    """Before/after means of a measure (`values`: school_id, year, value) for the school and
    for the group. The school's mean is over its years; the group's is the mean of each
    group school's own mean, over the schools that have years both before and after (a school
    seen on one side only would shift the group's mean without changing)."""
    per_year = yearly(values)
    before = pl.col("year") < first_after
    own = per_year.filter(pl.col("school_id") == school_id)
    own_before = own.filter(before)
    own_after = own.filter(~before)
    group = per_year.filter(pl.col("school_id").is_in(list(group_ids)))
    sides = group.group_by("school_id").agg(
        pl.col("value").filter(before).mean().alias("before"),
        pl.col("value").filter(~before).mean().alias("after"),
    )
    both = sides.drop_nulls(["before", "after"])
    result = Comparison(
        label=label,
        unit=unit,
        higher_is_better=higher_is_better,
        school_before=_mean(own_before.get_column("value")),
        school_after=_mean(own_after.get_column("value")),
        school_years_before=own_before.height,
        school_years_after=own_after.height,
        group_before=_mean(both.get_column("before")),
        group_after=_mean(both.get_column("after")),
        group_schools=both.height,
        small_cohorts=small_cohorts,
    )
    return Comparison(**{**result.__dict__, "notes": tuple(comparison_notes(result))})


def comparison_notes(c: Comparison, min_group: int = MIN_GROUP) -> list[str]:
    """Why this comparison cannot support a claim (Russian, short); empty when it can."""
    notes = []
    if c.school_years_before == 0:
        notes.append(_("Нет результатов школы до начала практики: сравнивать не с чем."))
    if c.school_years_after == 0:
        notes.append(_("Нет результатов школы после начала практики: изменений ещё не видно."))
    if c.group_schools < min_group:
        notes.append(
            _("Похожих школ с результатами до и после — %(n)s, меньше %(min)s: с ними не сравнить.")
            % {"n": c.group_schools, "min": min_group}
        )
    if c.small_cohorts:
        notes.append(
            _(
                "Среди результатов есть малые группы (меньше %(n)s участников): "
                "один класс может всё изменить."
            )
            % {"n": SMALL_COHORT}
        )
    return notes


def latest_context(values: pl.DataFrame, year: int, max_age: int = CONTEXT_MAX_AGE) -> pl.DataFrame:
    """Each school's latest value of each indicator in [year − max_age, year]."""
    return (
        values.filter((pl.col("year") <= year) & (pl.col("year") >= year - max_age))
        .sort("school_id", "indicator", "year")
        .group_by("school_id", "indicator", maintain_order=True)
        .last()
    )


def nearest(
    z: np.ndarray,
    weights: np.ndarray,
    target: int,
    k: int,
    exclude: np.ndarray | None = None,
    min_overlap: float = MIN_OVERLAP,
) -> np.ndarray:
    """The rows of the `k` schools nearest to row `target` in context (standard scores `z`),
    never the target nor an `exclude`d row nor one sharing too little; nearest first, ties in
    row order."""
    distance = distances(z, weights, target, min_overlap)
    eligible = np.isfinite(distance)
    eligible[target] = False
    if exclude is not None:
        eligible &= ~exclude
    rows = np.flatnonzero(eligible)
    rows = rows[np.lexsort((rows, distance[rows]))]
    return rows[:k]


# --- Reading the data ------------------------------------------------------------------------


@dataclass
class Context:
    """The schools a school is compared among, with their standardised context."""

    ids: np.ndarray
    z: np.ndarray
    weights: np.ndarray
    year: int | None

    def row(self, school_id: int) -> int | None:
        found = np.flatnonzero(self.ids == school_id)
        return int(found[0]) if found.size else None

    def neighbours(self, school_id: int, k: int, exclude: Iterable[int] = ()) -> list[int]:
        target = self.row(school_id)
        if target is None or not self.weights.size:
            return []
        if np.isnan(self.z[target]).all():
            return []
        mask = np.isin(self.ids, np.array(sorted(set(exclude)), dtype=np.int64))
        rows = nearest(self.z, self.weights, target, k, exclude=mask)
        return [int(self.ids[r]) for r in rows]


def school_context(school: Organization) -> Context:
    """The school's territory for comparison and everyone's context there, in 3–4 queries.

    The newest approved identification run covering the school gives the territory, the year
    and the indicators with their weights (as the support recommender uses); without one, the
    school's region, the newest year of its context data and every indicator weighed equally.
    """
    outcome = (
        SchoolIdentification.objects.filter(school=school, run__status=RunStatus.APPROVED)
        .select_related("run__version", "run__territory")
        .order_by("-run__year", "-run__pk")
        .first()
    )
    weights_by_code: dict[str, float] = {}
    year: int | None = None
    if outcome is not None:
        run = outcome.run
        params = parse_params(run.version.params)
        weights_by_code = {
            c.indicator: float(c.weight) for c in params.context_components if c.weight
        }
        path = run.territory.path
        year = run.year
    else:
        path = school.territory.path[: Territory.steplen]
    schools = list(
        Organization.objects.filter(
            kind=OrganizationKind.SCHOOL, is_active=True, territory__path__startswith=path
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = np.array(schools, dtype=np.int64)
    # Only the territory's schools: a subquery, not a list of 2,000 ids in the SQL.
    rows = ContextValue.objects.filter(
        school__kind=OrganizationKind.SCHOOL,
        school__is_active=True,
        school__territory__path__startswith=path,
    )
    if weights_by_code:
        rows = rows.filter(indicator__code__in=list(weights_by_code))
    frame = pl.DataFrame(
        list(rows.values_list("school_id", "year", "indicator__code", "value")),
        schema={"school_id": pl.Int64, "year": pl.Int32, "indicator": pl.Utf8, "value": pl.Float64},
        orient="row",
    )
    if year is None:
        own = frame.filter(pl.col("school_id") == school.pk)
        year = int(own.get_column("year").max()) if own.height else None  # type: ignore[arg-type]
    if year is None:
        return Context(ids=ids, z=np.empty((len(ids), 0)), weights=np.empty(0), year=None)
    latest = latest_context(frame, year)
    codes = sorted(weights_by_code) or sorted(set(latest.get_column("indicator").to_list()))
    weights = np.array([weights_by_code.get(c, 1.0) for c in codes], dtype=float)
    z = standardise(context_matrix(latest, ids, codes))
    return Context(ids=ids, z=z, weights=weights, year=year)


@dataclass
class Evidence:
    """What the practice page's evidence block shows."""

    practice: Practice
    school: Organization | None = None
    started_on: datetime.date | None = None
    first_after: int | None = None
    group_size: int = 0
    measures: list[Comparison] = field(default_factory=list)
    # Why nothing is computed (Russian), or "".
    problem: str = ""
    caution: str = ""

    @property
    def first_after_label(self) -> str:
        return academic_year_label(self.first_after - 1) if self.first_after else ""


CAUTION = (
    "Сравнение одной школы с похожими не доказывает, что изменение вызвано практикой: "
    "на результаты влияет многое другое."
)


def _lineage_adopters(practice: Practice) -> list[int]:
    lineage = practice.lineage_id
    return list(
        Adoption.objects.filter(Q(practice_id=lineage) | Q(practice__root_id=lineage))
        .values_list("school_id", flat=True)
        .distinct()
    )


def practice_effect(practice: Practice, k: int = NEIGHBOURS) -> Evidence:
    """The evidence block of a practice the caller has fetched for the user (a published one
    through `published_practice_get`). Aggregates only: no comparison school is named. A fixed
    number of queries."""
    evidence = Evidence(practice=practice, caution=_(CAUTION))
    school = practice.organization
    if school.kind != OrganizationKind.SCHOOL:
        evidence.problem = _(
            "Практику описала не школа: Опора сравнивает результаты школы авторов, "
            "а здесь школы нет."
        )
        return evidence
    evidence.school = school
    if practice.started_on is None:
        evidence.problem = _(
            "Не указано, с какого дня применяется практика: без этого нельзя разделить "
            "результаты на «до» и «после»."
        )
        return evidence
    evidence.started_on = practice.started_on
    first_after = first_year_after(practice.started_on)
    evidence.first_after = first_after
    context = school_context(school)
    adopters = set(_lineage_adopters(practice))
    group = context.neighbours(school.pk, k, exclude=adopters)
    evidence.group_size = len(group)
    ids = [school.pk, *group]

    index_rows = SchoolIdentification.objects.filter(
        school_id__in=ids, run__status=RunStatus.APPROVED, results_index__isnull=False
    ).values_list("school_id", "run__year", "results_index")
    index = pl.DataFrame(list(index_rows), schema=VALUES_SCHEMA, orient="row")
    if index.filter(pl.col("school_id") == school.pk).height:
        evidence.measures.append(
            compare(
                index,
                school_id=school.pk,
                group_ids=group,
                first_after=first_after,
                label=_("Индекс результатов (выявление ШНОР)"),
                higher_is_better=True,
            )
        )
    evidence.measures.extend(_assessment_comparisons(practice, school.pk, group, first_after))
    if not evidence.measures:
        evidence.problem = _(
            "У школы авторов нет результатов выявления и оценочных процедур в Опоре: "
            "сравнивать нечего."
        )
    return evidence


def _assessment_comparisons(
    practice: Practice, school_id: int, group: list[int], first_after: int
) -> list[Comparison]:
    """Per assessment and subject (the practice's subjects, when it names any): the share of
    low results where known, else the mean score."""
    qs = SchoolResult.objects.filter(school_id__in=[school_id, *group])
    subject_ids = [s.pk for s in practice.subjects.all()]
    if subject_ids:
        qs = qs.filter(subject_id__in=subject_ids)
    rows = qs.values_list(
        "school_id",
        "year",
        "assessment__name",
        "subject__name",
        "participants",
        "mean_score",
        "share_fail",
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "school_id": pl.Int64,
            "year": pl.Int32,
            "assessment": pl.Utf8,
            "subject": pl.Utf8,
            "participants": pl.Int64,
            "mean_score": pl.Float64,
            "share_fail": pl.Float64,
        },
        orient="row",
    )
    own = frame.filter(pl.col("school_id") == school_id)
    series = (
        own.group_by("assessment", "subject")
        .agg(
            pl.col("year").n_unique().alias("years"),
            pl.col("share_fail").is_not_null().any().alias("has_fail"),
        )
        .sort(["years", "assessment", "subject"], descending=[True, False, False])
        .head(SERIES_SHOWN)
    )
    result = []
    for assessment, subject, _years, has_fail in series.iter_rows():
        rows_of = frame.filter(
            (pl.col("assessment") == assessment) & (pl.col("subject") == subject)
        )
        column = "share_fail" if has_fail else "mean_score"
        small = bool(
            rows_of.filter(
                (pl.col("school_id") == school_id) & (pl.col("participants") < SMALL_COHORT)
            ).height
        )
        values = rows_of.select("school_id", "year", pl.col(column).alias("value"))
        if has_fail:
            label = _("%(a)s, %(s)s: доля «2» (недостаточный уровень)") % {
                "a": assessment,
                "s": subject,
            }
        else:
            label = _("%(a)s, %(s)s: средний балл") % {"a": assessment, "s": subject}
        result.append(
            compare(
                values,
                school_id=school_id,
                group_ids=group,
                first_after=first_after,
                label=label,
                unit="%" if has_fail else "",
                higher_is_better=not has_fail,
                small_cohorts=small,
            )
        )
    return result


# --- «Used by N schools, M of them in a context like yours» ----------------------------------


@dataclass(frozen=True)
class Usage:
    """How many schools use a practice (`n`) and how many of those are among the viewer's
    school's nearest neighbours (`m`; None when the viewer has no school)."""

    n: int
    m: int | None


def viewer_school(user: UserLike) -> Organization | None:
    """The school the user works at (their first school membership), if any."""
    for organization in own_organizations(user, Action.VIEW):
        if organization.kind == OrganizationKind.SCHOOL:
            return organization
    return None


def usage_for_practices(
    user: UserLike, practices: Iterable[Practice], k: int = NEIGHBOURS
) -> dict[int, Usage]:
    """{practice id: Usage} for a page of practices the caller has fetched for the user, in a
    fixed number of queries: N counts the authors' school and every school that adopted any
    version of the practice; M those of them that are among the k schools nearest to the
    user's school in context."""
    practices = list(practices)
    if not practices:
        return {}
    lineages = {p.pk: p.lineage_id for p in practices}
    users_of: dict[int, set[int]] = {lineage: set() for lineage in lineages.values()}
    rows = (
        Adoption.objects.annotate(lineage=Coalesce(F("practice__root_id"), F("practice_id")))
        .filter(lineage__in=sorted(users_of))
        .values_list("lineage", "school_id")
    )
    for lineage, school_id in rows:
        users_of[lineage].add(school_id)
    schools = Organization.objects.in_bulk(
        sorted({p.organization_id for p in practices}), field_name="pk"
    )
    for practice in practices:
        author = schools.get(practice.organization_id)
        if author is not None and author.kind == OrganizationKind.SCHOOL:
            users_of[practice.lineage_id].add(author.pk)
    own = viewer_school(user)
    near: set[int] | None = None
    if own is not None:
        near = set(school_context(own).neighbours(own.pk, k))
    return {
        pk: Usage(
            n=len(users_of[lineage]),
            m=len(users_of[lineage] & near) if near is not None else None,
        )
        for pk, lineage in lineages.items()
    }


def practice_usage(user: UserLike, practice: Practice) -> Usage:
    """«Used by N schools, M like yours» for one practice (see `usage_for_practices`)."""
    return usage_for_practices(user, [practice])[practice.pk]
