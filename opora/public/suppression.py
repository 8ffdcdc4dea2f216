"""Small-number suppression of the public figures: pure functions, no database.

Every figure computed from fewer than `OPORA_PUBLIC_MIN_COUNT` schools or respondents is
shown as «—» (primary suppression). In a table with totals that alone is not enough: a row
«3 — 7 | 12» gives the hidden cell away (12 − 3 − 7). Secondary suppression hides more
cells until no row, column or total line has exactly one hidden member — the smallest
non-zero visible cell of that line (the cheapest loss), or its total when no cell is left.

A count of zero is shown: «no school of this kind in the district» names nobody, and hiding
zeros would hide most of a sparse table. A suppressed zero chosen as a complement stays
hidden (it protects its line like any other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

DASH = "—"


def min_count() -> int:
    """The smallest number of schools or respondents a public figure may rest on."""
    return int(getattr(settings, "OPORA_PUBLIC_MIN_COUNT", 5))


def is_small(count: int | None, minimum: int | None = None) -> bool:
    """Whether a figure resting on `count` units must be hidden (0 < count < minimum).

    `None` (no data) is not small: there is nothing to hide, the page says «нет данных»."""
    limit = min_count() if minimum is None else minimum
    return count is not None and 0 < count < limit


def value_or_none(value: object, count: int | None, minimum: int | None = None) -> object:
    """A figure (a mean, a share) over `count` units, or None when it must be hidden."""
    return None if is_small(count, minimum) else value


@dataclass
class SuppressedTable:
    """A table of counts with its row, column and grand totals, and what must be hidden.

    `hidden` holds (row, column) of hidden cells; a row total is (row, -1), a column total
    (-1, column), the grand total (-1, -1)."""

    cells: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int
    primary: set[tuple[int, int]] = field(default_factory=set)
    hidden: set[tuple[int, int]] = field(default_factory=set)

    def shown(self, row: int, column: int) -> int | None:
        """The figure at (row, column) — -1 for a total — or None when hidden."""
        if (row, column) in self.hidden:
            return None
        if row == -1 and column == -1:
            return self.total
        if row == -1:
            return self.column_totals[column]
        if column == -1:
            return self.row_totals[row]
        return self.cells[row][column]

    def rows_shown(self) -> list[list[int | None]]:
        """Each row's cells then its total, as shown (None = «—»)."""
        return [
            [self.shown(r, c) for c in range(len(self.column_totals))] + [self.shown(r, -1)]
            for r in range(len(self.cells))
        ]

    def totals_shown(self) -> list[int | None]:
        """The column totals then the grand total, as shown."""
        return [self.shown(-1, c) for c in range(len(self.column_totals))] + [self.shown(-1, -1)]

    @property
    def any_hidden(self) -> bool:
        return bool(self.hidden)


def _lines(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    """Every additive relation of the table as its members, the total last: each row with
    its total, each column with its total, and the totals row and column with the grand
    total."""
    lines = [[(r, c) for c in range(columns)] + [(r, -1)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] + [(-1, c)] for c in range(columns)]
    lines.append([(-1, c) for c in range(columns)] + [(-1, -1)])
    lines.append([(r, -1) for r in range(rows)] + [(-1, -1)])
    return lines


def suppress_table(cells: Sequence[Sequence[int]], minimum: int | None = None) -> SuppressedTable:
    """Primary and secondary suppression of a table of counts (rows × columns, totals
    computed here).

    Primary: every cell and total with 0 < count < minimum. Secondary: while a line (a row
    with its total, a column with its total, the totals with the grand total) has exactly
    one hidden member, hide one more of it — its smallest visible non-zero cell, else its
    smallest visible cell, else its total. The hidden set only grows, so this ends."""
    limit = min_count() if minimum is None else minimum
    grid = [list(row) for row in cells]
    columns = len(grid[0]) if grid else 0
    table = SuppressedTable(
        cells=grid,
        row_totals=[sum(row) for row in grid],
        column_totals=[sum(row[c] for row in grid) for c in range(columns)],
        total=sum(sum(row) for row in grid),
    )
    members = [(r, c) for r in range(len(grid)) for c in range(columns)]
    members += [(r, -1) for r in range(len(grid))] + [(-1, c) for c in range(columns)]
    members.append((-1, -1))
    table.primary = {m for m in members if is_small(table.shown(*m), limit)}
    table.hidden = set(table.primary)
    lines = _lines(len(grid), columns)
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [m for m in line if m in table.hidden]
            if len(hidden) != 1:
                continue
            table.hidden.add(_complement(table, line))
            changed = True
    return table


def _complement(table: SuppressedTable, line: list[tuple[int, int]]) -> tuple[int, int]:
    """The member of `line` to hide beside its one hidden member."""
    visible_cells = [m for m in line[:-1] if m not in table.hidden]
    non_zero = [m for m in visible_cells if table.shown(*m)]
    candidates = non_zero or visible_cells
    if candidates:
        return min(candidates, key=lambda m: (table.shown(*m) or 0, m))
    return line[-1]


def recomputable(table: SuppressedTable) -> set[tuple[int, int]]:
    """Hidden members that a reader can work out from what is shown (a line with exactly
    one hidden member): the leak that secondary suppression closes. Used by the tests and
    as a guard by the pages."""
    leaks = set()
    for line in _lines(len(table.cells), len(table.column_totals)):
        hidden = [m for m in line if m in table.hidden]
        if len(hidden) == 1:
            leaks.add(hidden[0])
    return leaks
