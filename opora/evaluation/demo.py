"""Demo evaluation: a planted effect of known size for the city's programme, a placebo
programme with none, and both estimates computed.

The effect is planted in the raw figures, not in the index: every 2025 result of the
programme's schools (the first results after support began in 2024/25) moves by DELTA of that
work's standard deviation across the city's schools, in the favourable direction of each
measure (mean scores up, shares of «2» and below the minimum down, shares of «4» and «5» up).
The results index — a weighted mean of such standard scores — then rises by about DELTA for
the programme's schools. The 15 schools that joined in February 2024 (support from 2023/24)
carry it in the second of their two post years only, so the expected overall difference is
DELTA × (n₂₀₂₅ + n₂₀₂₄ / 2) / n over the matched schools of each cohort. The 2025 list is a
draft and is recomputed from the changed results; the approved 2024 list is not touched (its
data are not changed).
"""

from __future__ import annotations

import datetime
import statistics
from typing import Any

from django.contrib.auth.models import User

from opora.core.demo import DemoContext, demo_step
from opora.evaluation.services import estimate_compute_now
from opora.identification.choices import RunStatus
from opora.identification.models import IdentificationRun
from opora.identification.services import run_compute
from opora.registry.choices import OrganizationKind
from opora.registry.demo import DEMO_TERRITORY_CODE
from opora.registry.models import Organization, Programme, ProgrammeSchool, Territory
from opora.results.models import SchoolResult

# In standard deviations of each work's figures: the results index of the programme's schools
# rises by about 0.5 (its SD among the city's schools is about 0.7). 0.3 was tried first and is
# not detectable here: only about 18 of the 45 programme schools find a comparison school
# within the caliper among the 84 never-supported ones, and the interval is about ±0.2 wide.
DELTA = 0.5
PLANTED_YEAR = 2025
PLACEBO_NAME = "Пилотный проект «Читающая школа»"
PLACEBO_SIZE = 18
JOINED = datetime.date(2024, 9, 2)
# +1: a higher value is better; −1: lower is better.
MEASURES = {"mean_score": 1, "share_good": 1, "share_fail": -1, "share_below_min": -1}


def main_programme(city: Territory) -> Programme | None:
    """The city authority's programme with the most schools (the demo's support programme)."""
    programmes = Programme.objects.filter(
        owner__territory__path__startswith=city.path,
        owner__kind=OrganizationKind.EDUCATION_AUTHORITY,
    ).exclude(name=PLACEBO_NAME)
    return max(programmes, key=lambda p: p.programmeschool_set.count(), default=None)


def plant_effect(city: Territory, school_ids: set[int], delta: float) -> int:
    """Raise the schools' PLANTED_YEAR figures by `delta` SD of each work; rows changed."""
    rows = list(
        SchoolResult.objects.filter(
            year=PLANTED_YEAR, school__territory__path__startswith=city.path
        ).order_by("pk")
    )
    spread: dict[tuple[Any, ...], dict[str, float]] = {}
    groups: dict[tuple[Any, ...], list[SchoolResult]] = {}
    for row in rows:
        groups.setdefault((row.assessment_id, row.subject_id, row.grade), []).append(row)
    for key, members in groups.items():
        spread[key] = {}
        for measure in MEASURES:
            values = [getattr(r, measure) for r in members if getattr(r, measure) is not None]
            spread[key][measure] = statistics.pstdev(values) if len(values) > 1 else 0.0
    changed = []
    for row in rows:
        if row.school_id not in school_ids:
            continue
        sd = spread[(row.assessment_id, row.subject_id, row.grade)]
        for measure, sign in MEASURES.items():
            value = getattr(row, measure)
            if value is None:
                continue
            moved = value + sign * delta * sd[measure]
            if measure.startswith("share_"):
                moved = min(100.0, max(0.0, moved))
            setattr(row, measure, round(moved, 3))
        changed.append(row)
    SchoolResult.objects.bulk_update(changed, list(MEASURES), batch_size=1000)
    return len(changed)


@demo_step(
    order=93,
    name=(
        f"Эффективность: заложенный эффект +{DELTA} ст. откл. результатов {PLANTED_YEAR} г. "
        "у школ программы, плацебо «Читающая школа» без эффекта, обе оценки"
    ),
)
def evaluation_demo(context: DemoContext) -> None:
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    programme = main_programme(city)
    analyst = User.objects.filter(username="analyst").first()
    if programme is None or analyst is None:
        return
    treated = set(
        ProgrammeSchool.objects.filter(programme=programme).values_list("school_id", flat=True)
    )
    changed = plant_effect(city, treated, DELTA)
    context.log(
        f"Заложен эффект +{DELTA} ст. откл. в {changed} результатах {PLANTED_YEAR} г. "
        f"{len(treated)} школ программы"
    )
    # The 2025 list is a draft: it is recomputed from the changed results.
    for run in IdentificationRun.objects.filter(
        territory=city, year=PLANTED_YEAR, status=RunStatus.DRAFT
    ):
        run_compute(run)
    # The placebo: schools in no programme, drawn at random, joining in 2024/25 — no effect.
    supported = set(ProgrammeSchool.objects.values_list("school_id", flat=True))
    with_results = set(
        SchoolResult.objects.filter(year=PLANTED_YEAR).values_list("school_id", flat=True)
    )
    pool = list(
        Organization.objects.filter(
            kind=OrganizationKind.SCHOOL,
            territory__path__startswith=city.path,
            pk__in=sorted(with_results - supported),
        ).order_by("code")
    )
    placebo_schools = context.random.sample(pool, min(PLACEBO_SIZE, len(pool)))
    placebo = Programme.objects.create(
        name=PLACEBO_NAME,
        owner=programme.owner,
        starts_on=JOINED,
        ends_on=datetime.date(2026, 8, 31),
        goal="Развитие читательской грамотности в школах-участницах пилотного проекта.",
    )
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=placebo, school=s, joined_on=JOINED) for s in placebo_schools]
    )
    context.objects["evaluation_placebo"] = placebo
    for each in (programme, placebo):
        estimate = estimate_compute_now(programme=each, user=analyst)
        did = estimate.result.get("did") or {}
        context.summary.append(
            f"Оценка эффективности «{each.name[:40]}…»: "
            + (
                f"{did['estimate']:+.2f} (95 % интервал {did['low']:+.2f}…{did['high']:+.2f}), "
                f"школ в оценке {estimate.result['n_matched']}"
                if did
                else "не показывается"
            )
        )
