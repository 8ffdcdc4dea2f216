"""Small-number suppression: primary, secondary, and that the leak primary-only leaves is
closed (pure functions, no database)."""

from __future__ import annotations

from opora.public.suppression import (
    SuppressedTable,
    is_small,
    recomputable,
    suppress_table,
    value_or_none,
)


def _primary_only(cells: list[list[int]], minimum: int) -> SuppressedTable:
    table = suppress_table(cells, minimum)
    table.hidden = set(table.primary)
    return table


def test_small_counts() -> None:
    assert is_small(1, 5) and is_small(4, 5)
    assert not is_small(5, 5) and not is_small(0, 5) and not is_small(None, 5)
    assert value_or_none(41.5, 3, 5) is None
    assert value_or_none(41.5, 7, 5) == 41.5


def test_primary_alone_leaks_a_cell_through_its_row_total() -> None:
    # District 1: 3 ШНОР of 12 schools — hiding the 3 alone, 12 − 9 gives it back.
    cells = [[3, 9], [10, 20]]
    leaky = _primary_only(cells, 5)
    assert leaky.hidden == {(0, 0)}
    assert (0, 0) in recomputable(leaky)

    table = suppress_table(cells, 5)
    assert recomputable(table) == set()
    assert (0, 0) in table.hidden
    # The complement in its row and in its column are hidden too, the smallest first.
    assert (0, 1) in table.hidden and (1, 0) in table.hidden
    assert table.shown(0, 0) is None
    assert table.rows_shown()[0][:2] == [None, None]


def test_a_small_total_is_hidden_and_cannot_be_recomputed() -> None:
    # A district of 3 schools: its total, and its cells, are all small.
    cells = [[2, 1], [8, 7], [6, 9]]
    table = suppress_table(cells, 5)
    assert {(0, 0), (0, 1), (0, -1)} <= table.primary
    assert recomputable(table) == set()
    # Each column lost a second cell so the district's cells cannot be taken from totals.
    assert any((r, 0) in table.hidden for r in (1, 2))
    assert any((r, 1) in table.hidden for r in (1, 2))


def test_zeros_are_shown_and_large_tables_keep_their_figures() -> None:
    table = suppress_table([[0, 12], [15, 30]], 5)
    assert table.hidden == set()
    assert table.rows_shown() == [[0, 12, 12], [15, 30, 45]]
    assert table.totals_shown() == [15, 42, 57]


def test_a_single_column_hides_a_second_district_or_the_total() -> None:
    table = suppress_table([[2], [40], [30]], 5)
    assert recomputable(table) == set()
    # Row lines: the cell and its row total are both small/hidden; the column then needs
    # a second hidden member — the smaller of the two large districts.
    assert (2, 0) in table.hidden
    assert table.shown(-1, -1) == 72


def test_every_line_of_a_random_table_is_safe() -> None:
    import random

    rng = random.Random(14)
    for _ in range(200):
        rows, columns = rng.randint(1, 6), rng.randint(1, 5)
        cells = [
            [rng.choice([0, 1, 2, 3, 6, 10, 25]) for _c in range(columns)] for _r in range(rows)
        ]
        table = suppress_table(cells, 5)
        assert recomputable(table) == set(), cells
        assert table.primary <= table.hidden
