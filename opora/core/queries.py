"""Query expressions shared by the apps' selectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet[Any], link: str, *, of: str = "pk", distinct: bool = False) -> Coalesce:
    """An annotation: how many `rows` point by `link` to the annotated row (of their `of`,
    distinct if asked), 0 when none.

    A correlated subquery, not a JOIN with GROUP BY: the database counts only for the rows of
    the page it returns (a JOIN aggregates every row before ordering and limiting — 400 ms for
    a page of 50 events over 50,000 registrations on PostgreSQL), and the paginator's count
    leaves the annotation out."""
    counted = (
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count(of, distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def ids_compiled(rows: QuerySet[Any]) -> RawSQL:
    """The primary keys of `rows` as a subquery compiled to SQL once, for several queries that
    filter by them (`field__in=ids_compiled(rows)`). Compiling an access-scoped queryset (the
    reach's filters, its EXISTS subqueries, Django's alias renaming of each nested query)
    costs more CPU than running it; a page that filters four aggregates by the same rows
    would compile it four times. The SQL is the queryset's own, with its parameters."""
    try:
        # Unordered: an order means nothing to `IN`, and with `distinct()` Django would select
        # the ordering's columns beside the key.
        return RawSQL(*rows.order_by().values("pk").query.sql_with_params())
    except EmptyResultSet:
        # Rows that can hold nothing (`none()`, an empty `__in`) compile to no SQL at all: no
        # row of the model's own key column, so that PostgreSQL compares like types.
        meta = rows.model._meta
        table = connection.ops.quote_name(meta.db_table)
        column = connection.ops.quote_name(meta.pk.column)
        return RawSQL(f"SELECT {column} FROM {table} WHERE 1 = 0", ())


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert many new rows of `model` (no signals, no primary keys back — as `bulk_create`).

    On PostgreSQL through COPY: Django's `bulk_create` there sends each column as an array
    (`UNNEST`), and psycopg quotes every element of a text or JSON array with a regular
    expression in Python — 60 of the 83 seconds of storing a country's 40,000 identification
    outcomes with their reasons. COPY's text format is escaped by psycopg's C code. Values go
    through each field's own `get_db_prep_save`, as `bulk_create` does. Elsewhere
    `bulk_create` in batches."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=BULK_INSERT_BATCH)
        return
    # Every column but an auto-numbered primary key (the database numbers the rows).
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning)]
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    # The driver's own cursor: Django's wrapper does not expose COPY.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            # `pre_save` as `bulk_create` calls it (auto_now fields), then the value as the
            # field writes it.
            copy.write_row(
                [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            )


# Rows per INSERT of `bulk_insert` where it falls back on `bulk_create`.
BULK_INSERT_BATCH = 1000
