"""`opora bench scale`: the pages a region's users open every day, at 2,000 and at 8,000
schools (`--small`, `--big`), on the same database. For each page: the server's time (Django's
test client as the page's natural user, the median after a warm-up) and its SQL queries at
both sizes. Target for the 4× step: the time less than doubles and the queries stay equal.
The pages are timed in a process started for the purpose, as a server's worker would serve
them, not in the one that has just generated the region (see `measure_pages_afresh`).
`--json FILE` writes the figures as a list of objects (page, small, big, ms_small, ms_big,
queries_small, queries_big).

Imported by `opora/reports/bench.py` (benchmarks are discovered in the apps' `bench` modules).
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import django
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from opora.core.bench import BenchReport, benchmark
from opora.reports.scale import ScaleRegion, region_grow, region_start, scale_pages

REPEAT = 10
# A page slower than this on its warm-up is timed 5 times, not 10 (the 8,000-school
# dashboard would otherwise take minutes of the run on its own).
SLOW_MS = 2000
TIME_RATIO = 2.0


def measure_pages(
    pages: list[tuple[str, str, int]], *, repeat: int = REPEAT
) -> dict[str, tuple[float, int]]:
    """Each page (name, URL, id of the user who opens it): its median time in ms and its
    number of SQL queries."""
    figures: dict[str, tuple[float, int]] = {}
    users = get_user_model().objects.in_bulk({user_id for _, _, user_id in pages})
    for name, url, user_id in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[user_id])
        started = time.perf_counter()
        response = client.get(url)
        warm_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Counted now: the context reads the connection's log, which later requests clear.
        queries = len(captured)
        samples = []
        for _ in range(repeat if warm_ms < SLOW_MS else max(1, repeat // 2)):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = (statistics.median(samples), queries)
    return figures


def measure_pages_afresh(scale: ScaleRegion) -> dict[str, tuple[float, int]]:
    """`measure_pages` in a new process on the same database. The process that generated
    the region carries its memory afterwards: one that had held and freed three million
    objects served the same overdue list in 350 ms instead of 200, and the build of 8,000
    schools leaves more behind than the build of 2,000, so timed here the big region looked
    slower than its queries make it."""
    pages = [(name, url, user.pk) for name, url, user in scale_pages(scale)]
    connection.close()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=django.setup) as worker:
        return worker.submit(measure_pages, pages).result()


def scale_rows(
    small: int,
    big: int,
    at_small: dict[str, tuple[float, int]],
    at_big: dict[str, tuple[float, int]],
) -> list[dict[str, Any]]:
    """The figures as the `--json` file holds them."""
    return [
        {
            "page": page,
            "small": small,
            "big": big,
            "ms_small": round(at_small[page][0], 1),
            "ms_big": round(at_big[page][0], 1),
            "queries_small": at_small[page][1],
            "queries_big": at_big[page][1],
        }
        for page in at_small
    ]


@benchmark("scale")
def bench_scale(report: BenchReport) -> None:
    small = int(report.options.get("small") or 2000)
    big = int(report.options.get("big") or 8000)
    report.title = f"Scale: the everyday pages at {small} and {big} schools"
    scale = region_start()
    measured = {}
    for size in (small, big):
        report.log(f"  построение региона до {size} школ…")
        started = time.perf_counter()
        region_grow(scale, size)
        report.add(
            f"построение региона до {size} школ ({scale.municipalities} муниципалитетов, у каждой "
            "школы исполняемая дорожная карта из 20 мероприятий, утверждённый список)",
            f"{time.perf_counter() - started:.1f} s",
        )
        if connection.vendor == "postgresql":
            # Statistics as autovacuum would have them on a live database after such a load:
            # measured at once, the planner read the new rows with the statistics of an empty
            # region (the dashboard took 4.5 s at 2,000 schools and 0.1 s at 8,000).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        report.log(f"  замер страниц при {size} школ…")
        measured[size] = measure_pages_afresh(scale)
    rows = scale_rows(small, big, measured[small], measured[big])
    step = big / small
    for row in rows:
        ratio = row["ms_big"] / max(row["ms_small"], 0.1)
        report.add(
            f"{row['page']}: время при {small} → {big} школ (отношение); SQL-запросов",
            f"{row['ms_small']:.0f} → {row['ms_big']:.0f} ms ({ratio:.2f}×); "
            f"{row['queries_small']} → {row['queries_big']}",
            f"< {TIME_RATIO:.0f}× при {step:.0f}× школ; запросов поровну",
            ratio < TIME_RATIO and row["queries_small"] == row["queries_big"],
        )
    if report.options.get("json"):
        path = Path(report.options["json"])
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        report.log(f"  записано в {path}")
