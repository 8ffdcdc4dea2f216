"""The spread of a run's schools over context × results, kept small enough for any page.

The school card, and the scatter page of a territory too large to draw school by school,
show the territory as a density grid — the number of schools in each of `GRID` × `GRID`
cells of context index (x) against results index (y) — instead of one point per school, so
that what they send does not grow with the territory. The job computes the grid once, when
it stores the run (`run.summary["distribution"]`); a run stored before that is binned by
the database with the same arithmetic (`selectors.run_distribution`).

A grid is a dict: ``bins`` (`GRID`), ``x`` and ``y`` (the [lowest, highest] index, or None
without schools), ``schools`` (with both indices), ``flagged`` (of them, those drawn as
points on the scatter page: `FLAGGED_FIELDS`) and ``cells``: ``[i, j, schools, others]`` for
every non-empty cell, column `i` of context and row `j` of results counted from the lowest,
``others`` being the unflagged schools of the cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

GRID = 20

# The groups the scatter page always draws as points (in the order a point takes its colour).
FLAGGED_FIELDS = ("resilient", "low_results", "unfavourable", "risk")
FLAGGED_Q = Q(resilient=True) | Q(low_results=True) | Q(unfavourable=True) | Q(risk=True)


def cell_of(value: float, low: float, span: float) -> int:
    """The column (row) of a value: the same arithmetic as the SQL in `run_distribution`
    ((value − low) / span × GRID, floored, the highest value in the last cell)."""
    if span <= 0:
        return 0
    return min(GRID - 1, math.floor((value - low) / span * float(GRID)))


def grid_empty() -> dict[str, Any]:
    return {"bins": GRID, "x": None, "y": None, "schools": 0, "flagged": 0, "cells": []}


def grid_of(points: Iterable[tuple[float, float, bool]]) -> dict[str, Any]:
    """The grid of (context index, results index, flagged) points."""
    points = list(points)
    if not points:
        return grid_empty()
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_low, x_high, y_low, y_high = min(xs), max(xs), min(ys), max(ys)
    cells: dict[tuple[int, int], list[int]] = {}
    for x, y, flagged in points:
        key = (cell_of(x, x_low, x_high - x_low), cell_of(y, y_low, y_high - y_low))
        counts = cells.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += 0 if flagged else 1
    return grid_from_cells((x_low, x_high, y_low, y_high), cells)


def grid_from_cells(
    bounds: tuple[float, float, float, float], cells: dict[tuple[int, int], list[int]]
) -> dict[str, Any]:
    """The grid from its bounds and counts by cell ([schools, others])."""
    x_low, x_high, y_low, y_high = bounds
    schools = sum(c[0] for c in cells.values())
    return {
        "bins": GRID,
        "x": [x_low, x_high],
        "y": [y_low, y_high],
        "schools": schools,
        "flagged": schools - sum(c[1] for c in cells.values()),
        "cells": [[i, j, n, others] for (i, j), (n, others) in sorted(cells.items())],
    }


def grid_of_rows(rows: Iterable[Any]) -> dict[str, Any]:
    """The grid of a run's outcomes (`SchoolIdentification` rows not yet stored): the
    schools with both indices."""
    return grid_of(
        (r.context_index, r.results_index, any(getattr(r, f) for f in FLAGGED_FIELDS))
        for r in rows
        if r.context_index is not None and r.results_index is not None
    )
