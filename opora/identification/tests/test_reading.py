"""The job's column-wise read gives the very frames the ORM read gave (SQLite and PostgreSQL:
`scripts/test-postgres.sh opora/identification/tests/test_reading.py`)."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest

from opora.identification.engine import CONTEXT_SCHEMA, RESULT_SCHEMA
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.reading import read_frames
from opora.identification.services import load_frames
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.registry.tests.factories import SchoolFactory
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject


def _load_frames_orm(
    territory: Territory, year: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The read as it was before issue 17: `values_list` into Python tuples, then Polars."""
    schools = Organization.objects.filter(
        kind=OrganizationKind.SCHOOL,
        is_active=True,
        territory__path__startswith=territory.path,
    )
    school_ids = pl.DataFrame(
        {"school_id": list(schools.values_list("pk", flat=True))}, schema={"school_id": pl.Int64}
    )
    result_rows = SchoolResult.objects.filter(school__in=schools, year__lte=year).values_list(
        "school_id",
        "year",
        "assessment__code",
        "subject__code",
        "grade",
        "participants",
        "mean_score",
        "share_fail",
        "share_good",
        "share_below_min",
        "share_confirm",
        "share_lower",
        "share_raise",
    )
    results = pl.DataFrame(list(result_rows), schema=RESULT_SCHEMA, orient="row")
    context_rows = ContextValue.objects.filter(school__in=schools, year__lte=year).values_list(
        "school_id", "year", "indicator__code", "value"
    )
    context = pl.DataFrame(list(context_rows), schema=CONTEXT_SCHEMA, orient="row")
    return (
        school_ids,
        results.sort("school_id", "year", "assessment", "subject", "grade"),
        context.sort("school_id", "year", "indicator"),
    )


def _fill(schools: list[Any]) -> None:
    """Results with every kind of value the read must carry: nulls in any measure and in
    the participants, awkward floats, several works, years after the run's year."""
    rng = random.Random(17)
    works = [
        (Assessment.objects.get(code=a), Subject.objects.get(code=s), g)
        for a, s, g in (
            ("vpr", "rus", 5),
            ("vpr", "math", 6),
            ("oge", "math", 9),
            ("ege", "rus", 11),
        )
    ]
    indicators = list(ContextIndicator.objects.all()[:3])
    measures = [
        "mean_score",
        "share_fail",
        "share_good",
        "share_below_min",
        "share_confirm",
        "share_lower",
        "share_raise",
    ]

    def figure() -> float | None:
        return None if rng.random() < 0.2 else rng.choice([rng.uniform(0, 100), 0.1 + 0.2, 1e-7])

    results, values = [], []
    for school in schools:
        for year in (2022, 2023, 2024, 2025):
            for assessment, subject, grade in works:
                results.append(
                    SchoolResult(
                        school=school,
                        year=year,
                        assessment=assessment,
                        subject=subject,
                        grade=grade,
                        participants=None if rng.random() < 0.1 else rng.randint(1, 300),
                        **{m: figure() for m in measures},
                    )
                )
            values += [
                ContextValue(school=school, year=year, indicator=i, value=rng.uniform(-5, 100))
                for i in indicators
            ]
    SchoolResult.objects.bulk_create(results)
    ContextValue.objects.bulk_create(values)


@pytest.fixture
def territory(world) -> Territory:
    closed = SchoolFactory(territory=world.north, is_active=False)
    extra = [SchoolFactory(territory=world.north if i % 2 else world.south) for i in range(6)]
    # School C is in another city, the closed school is not read: neither enters the frames.
    _fill([world.school_a, world.school_b, world.school_c, closed, *extra])
    return world.city


def test_column_read_gives_the_frames_of_the_orm_read(territory):
    new = read_frames(territory, 2024)
    old = _load_frames_orm(territory, 2024)
    for fresh, reference in zip(new, old, strict=True):
        assert fresh.schema == reference.schema
        assert fresh.height == reference.height
    assert new[0].sort("school_id").equals(old[0].sort("school_id"))
    assert new[1].equals(old[1]) and new[1].height == 8 * 3 * 4
    assert new[2].equals(old[2]) and new[2].height == 8 * 3 * 3
    assert new[1].get_column("participants").null_count() > 0
    assert new[1].get_column("share_fail").null_count() > 0
    assert new[1].filter(pl.col("year") > 2024).is_empty()


def test_column_read_of_a_territory_without_data_and_the_job_uses_it(world, territory):
    empty = Territory.objects.get(pk=world.other_city.pk)
    Organization.objects.filter(territory=empty).update(is_active=False)
    schools, results, context = read_frames(empty, 2025)
    assert schools.is_empty() and results.is_empty() and context.is_empty()
    assert results.schema == pl.Schema(RESULT_SCHEMA)
    assert context.schema == pl.Schema(CONTEXT_SCHEMA)
    version = Methodology.objects.filter(is_builtin=True).get().current
    run = IdentificationRun(territory=territory, year=2025, version=version)
    assert load_frames(run)[1].equals(_load_frames_orm(territory, 2025)[1])


@pytest.mark.django_db
def test_bulk_insert_stores_what_bulk_create_would(world: Any) -> None:
    """`core.queries.bulk_insert` (COPY on PostgreSQL) writes every kind of value as the
    ORM does: JSON with quotes, backslashes, tabs and new lines, Cyrillic, empty lists, NULL
    floats, booleans, choices."""
    from opora.core.queries import bulk_insert
    from opora.identification.methodology import BASE_METHODOLOGY_NAME
    from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification

    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    tricky = [{"text": 'Кавычки " и \\ обратная черта\tтаб\nстрока', "n": 1.5}]
    rows = [
        SchoolIdentification(
            run=run,
            school=school,
            results_index=None if i else -1.25,
            components=3,
            low_results=bool(i),
            change="entered" if i else "",
            problem_types=[] if i else ["low-results"],
            reasons=tricky,
            history=[{"year": 2025, "index": None}],
        )
        for i, school in enumerate([world.school_a, world.school_b])
    ]
    SchoolIdentification.objects.filter(run=run).delete()
    bulk_insert(SchoolIdentification, rows)
    stored = {
        row["school_id"]: row
        for row in SchoolIdentification.objects.filter(run=run).values(
            "school_id",
            "results_index",
            "low_results",
            "change",
            "problem_types",
            "reasons",
            "history",
            "components",
        )
    }
    assert stored[world.school_a.pk]["results_index"] == -1.25
    assert stored[world.school_b.pk]["results_index"] is None
    assert stored[world.school_a.pk]["problem_types"] == ["low-results"]
    assert stored[world.school_b.pk]["change"] == "entered"
    assert all(row["reasons"] == tricky for row in stored.values())
    assert stored[world.school_a.pk]["history"] == [{"year": 2025, "index": None}]
