"""The identification job's read: a territory's schools, results and context into Polars.

The rows are chosen by ORM querysets (`run_querysets`: one definition of what a run reads)
and fetched column-wise, without a Python object per row:

- PostgreSQL: the queryset's own SQL (`query.sql_with_params()`) wrapped in
  `COPY (…) TO STDOUT (FORMAT csv)` on Django's connection (psycopg 3), parsed by Polars'
  CSV reader in blocks of a few megabytes. Chosen over connectorx and ADBC
  (`adbc-driver-postgresql`), both measured (docs/benchmarks.md, identify-db): it needs no
  new dependency (psycopg 3 is Django's driver; connectorx's Polars output also needs
  pyarrow), and — unlike both, which open a connection of their own — it reads inside the
  caller's transaction, so a job, the quality check, the demo and the tests see exactly
  what the ORM sees. Its cost above the server's own COPY is psycopg's Python call per row
  (≈ 5 µs); ADBC, which parses COPY binary in C++, reads at the server's speed and is the
  next step where the country's read must shrink further (in autocommit only).
- SQLite (a district, tests): `values_list` (`_read_frames_values`), which measured faster
  there than the same SQL on Django's cursor fetched in blocks into columns (`_read_cursor`,
  kept for other databases).

Codes come as foreign keys and are decoded to the engine's dtypes with one small lookup per
table, which keeps the text to parse short and the server's work to one join-free scan.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from opora.identification.engine import CONTEXT_SCHEMA, RESULT_SCHEMA
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject

MEASURES = (
    "mean_score",
    "share_fail",
    "share_good",
    "share_below_min",
    "share_confirm",
    "share_lower",
    "share_raise",
)
# The columns as fetched: codes as their keys, decoded afterwards (`_decode`).
RESULT_COLUMNS: dict[str, Any] = {
    "school_id": pl.Int64,
    "year": pl.Int32,
    "assessment_id": pl.Int64,
    "subject_id": pl.Int64,
    "grade": pl.Int32,
    "participants": pl.Float64,
    **dict.fromkeys(MEASURES, pl.Float64),
}
CONTEXT_COLUMNS: dict[str, Any] = {
    "school_id": pl.Int64,
    "year": pl.Int32,
    "indicator_id": pl.Int64,
    "value": pl.Float64,
}
# Bytes of CSV (PostgreSQL) or rows (SQLite) parsed at a time: the text is never held whole.
COPY_BLOCK_BYTES = 32 * 1024 * 1024
FETCH_BLOCK_ROWS = 100_000


def run_querysets(
    territory: Territory, year: int
) -> tuple[QuerySet[Organization], QuerySet[SchoolResult], QuerySet[ContextValue]]:
    """What a run of `territory` for `year` reads: its active schools, their results and
    their context up to the year (no ordering: the frames are sorted afterwards)."""
    schools = Organization.objects.filter(
        kind=OrganizationKind.SCHOOL,
        is_active=True,
        territory__path__startswith=territory.path,
    ).order_by()
    results = SchoolResult.objects.filter(school__in=schools, year__lte=year).order_by()
    context = ContextValue.objects.filter(school__in=schools, year__lte=year).order_by()
    return schools, results, context


def read_frames(territory: Territory, year: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The schools, results and context frames in the engine's schemas, sorted (the same
    data in any order gives the same sums)."""
    if connection.vendor != "postgresql":
        # Measured in the same run (docs/benchmarks.md): on SQLite the cursor read in blocks
        # was slower than `values_list`, so SQLite keeps it.
        return _read_frames_values(territory, year)
    schools, results, context = run_querysets(territory, year)
    school_ids = _read(schools.values_list("pk"), {"school_id": pl.Int64})
    result_rows = _read(results.values_list(*RESULT_COLUMNS), RESULT_COLUMNS)
    context_rows = _read(context.values_list(*CONTEXT_COLUMNS), CONTEXT_COLUMNS)
    assessments = dict(Assessment.objects.values_list("pk", "code"))
    subjects = dict(Subject.objects.values_list("pk", "code"))
    indicators = dict(ContextIndicator.objects.values_list("pk", "code"))
    result_frame = result_rows.with_columns(
        _decode("assessment_id", assessments, RESULT_SCHEMA["assessment"]).alias("assessment"),
        _decode("subject_id", subjects, RESULT_SCHEMA["subject"]).alias("subject"),
    ).select(list(RESULT_SCHEMA))
    context_frame = context_rows.with_columns(
        _decode("indicator_id", indicators, CONTEXT_SCHEMA["indicator"]).alias("indicator")
    ).select(list(CONTEXT_SCHEMA))
    return (
        school_ids,
        result_frame.sort("school_id", "year", "assessment", "subject", "grade"),
        context_frame.sort("school_id", "year", "indicator"),
    )


def _decode(column: str, codes: dict[int, str], dtype: Any) -> pl.Expr:
    return pl.col(column).replace_strict(codes, return_dtype=dtype)


def _read(queryset: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a `values_list` queryset as a frame of `schema` (its columns in order)."""
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        frame = _read_copy(sql, params, schema)
    else:
        frame = _read_cursor(sql, params, schema)
    return frame


def _read_copy(sql: str, params: tuple[Any, ...], schema: dict[str, Any]) -> pl.DataFrame:
    """COPY of the query's rows as CSV, parsed by Polars block by block.

    Each chunk psycopg returns is whole rows, so a block ends at a row's end."""
    frames: list[pl.DataFrame] = []
    block = bytearray()

    def parse() -> None:
        frames.append(
            pl.read_csv(bytes(block), has_header=False, new_columns=list(schema), schema=schema)
        )
        block.clear()

    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The driver's own cursor: Django's wrapper does not expose COPY. Parameters are
        # bound by psycopg on the client (COPY takes no server-side ones).
        raw = cursor.cursor
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params or None) as copy:
            for chunk in copy:
                block += chunk
                if len(block) >= COPY_BLOCK_BYTES:
                    parse()
    if block:
        parse()
    return _concat(frames, schema)


def _read_cursor(sql: str, params: tuple[Any, ...], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows fetched in blocks and turned into columns without a per-row Python object
    beyond the driver's tuple."""
    frames: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_BLOCK_ROWS):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return _concat(frames, schema)


def _concat(frames: list[pl.DataFrame], schema: dict[str, Any]) -> pl.DataFrame:
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames, rechunk=True) if len(frames) > 1 else frames[0]


def _read_frames_values(
    territory: Territory, year: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The read before issue 17 — `values_list` into a Python tuple per row, then Polars —
    kept as the reference the test compares with and `opora bench identify-db` times."""
    schools, results, context = run_querysets(territory, year)
    school_ids = pl.DataFrame(
        {"school_id": list(schools.values_list("pk", flat=True))}, schema={"school_id": pl.Int64}
    )
    result_rows = results.values_list(
        "school_id",
        "year",
        "assessment__code",
        "subject__code",
        "grade",
        "participants",
        *MEASURES,
    )
    result_frame = pl.DataFrame(list(result_rows), schema=RESULT_SCHEMA, orient="row")
    context_rows = context.values_list("school_id", "year", "indicator__code", "value")
    context_frame = pl.DataFrame(list(context_rows), schema=CONTEXT_SCHEMA, orient="row")
    return (
        school_ids,
        result_frame.sort("school_id", "year", "assessment", "subject", "grade"),
        context_frame.sort("school_id", "year", "indicator"),
    )
