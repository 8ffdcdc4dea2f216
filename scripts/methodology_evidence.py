"""The evidence behind the base methodology's settings (docs/user-guide/metodika-vyyavleniya.md).

Runs «Качество методики» (`opora.identification.quality.quality_figures`, the same code as
the page and `opora identify --quality`) for candidate settings on a territory's data and
prints a Markdown table. Load the data first as a user would (`opora import …`), then:

    TERRITORY=CL YEAR=2025 opora shell < scripts/methodology_evidence.py

TERRITORY is a territory code (default: the only root), YEAR the last year; FAIL=0 turns the
marks rule off, to see the results index alone.
"""

import os
import time
from dataclasses import replace

import polars as pl

from opora.identification import services
from opora.identification.methodology import BASE_METHODOLOGY, parse_params
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.quality import quality_figures
from opora.registry.models import Territory

code = os.environ.get("TERRITORY")
territory = Territory.objects.get(code=code) if code else Territory.objects.filter(depth=1).get()
year = int(os.environ.get("YEAR", "2025"))
builtin = Methodology.objects.get(is_builtin=True)
# The candidates differ from the first version of the base methodology (one year, no
# shrinkage, every tie in) in one respect at a time, then together.
first = replace(
    parse_params(BASE_METHODOLOGY),
    index_years=1,
    year_weights=(),
    missing_years="available",
    shrinkage=False,
    tie_rule="all",
)
if os.environ.get("FAIL") == "0":
    # The marks rule off: the figures of the results index alone.
    first = replace(first, fail_min_assessments=0)
CANDIDATES = {
    "1 год (версия 1)": {},
    "2 года, 1 : 1": {"index_years": 2},
    "3 года, 1 : 1 : 1": {"index_years": 3},
    "3 года, 3 : 2 : 1": {"index_years": 3, "year_weights": (3.0, 2.0, 1.0)},
    "1 год + сглаживание": {"shrinkage": True},
    "3 года, 3 : 2 : 1 + сглаживание": {
        "index_years": 3,
        "year_weights": (3.0, 2.0, 1.0),
        "shrinkage": True,
    },
    "3 года, 1 : 1 : 1 + сглаживание": {"index_years": 3, "shrinkage": True},
    "3 года, 1 : 1 : 1 + сглаживание, нужен год расчёта": {
        "index_years": 3,
        "shrinkage": True,
        "missing_years": "latest",
    },
    "3 года, 3 : 2 : 1 + сглаживание, нужен год расчёта": {
        "index_years": 3,
        "year_weights": (3.0, 2.0, 1.0),
        "shrinkage": True,
        "missing_years": "latest",
    },
}
run = IdentificationRun(territory=territory, year=year, version=builtin.current)
schools, results, context = services.load_frames(run)
directions = services.directions()
print(f"{territory.name}: школ {schools.height}, строк результатов {results.height}, год {year}")


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


print()
print(
    "| настройка | в списке | ШНОР | устойчивость списка | устойчивость ШНОР | AUC | "
    "чувствительность, макс. | без индекса | время |"
)
print("|---|---|---|---|---|---|---|---|---|")
for name, changes in CANDIDATES.items():
    params = replace(first, **changes)
    started = time.perf_counter()
    figures = quality_figures(
        schools=schools,
        results=results,
        context=context,
        directions=directions,
        params=params,
        year=year,
    )
    elapsed = time.perf_counter() - started
    # Only pairs whose earlier year has three data years behind it: every candidate then
    # reads a full window, and the comparison is between like and like.
    pairs = [
        p
        for p in figures.pairs
        if p.year_from >= figures.data_years[min(2, len(figures.data_years) - 1)]
    ]
    last = figures.years[-1]
    print(
        f"| {name} | {last.in_list} | {last.low_results} | "
        f"{fmt(mean([p.stability for p in pairs]))} | "
        f"{fmt(mean([p.low_stability for p in pairs]))} | {fmt(mean([p.auc for p in pairs]))} | "
        f"{figures.sensitivity_max if figures.sensitivity_max is not None else '—'} | "
        f"{fmt(figures.missing_share, 3)} | {elapsed:.0f} с |"
    )
print()
print("Равные на пороге ШНСУ (нижние % индекса контекста) по правилам:")
from opora.identification.engine import identify  # noqa: E402

for rule in ("all", "none", "secondary"):
    outcome = identify(
        schools=schools,
        results=results,
        context=context,
        directions=directions,
        params=replace(first, tie_rule=rule),
        year=year,
    )
    for cut in outcome.cuts:
        print(
            f"  {rule}: {cut.measure}: школ со значением {cut.schools}, цель {cut.target}, "
            f"вошло {cut.selected}, равных на пороге {cut.tied}, неразрешённых {cut.unresolved}"
        )
shrunk = identify(
    schools=schools,
    results=results,
    context=context,
    directions=directions,
    params=replace(first, shrinkage=True),
    year=year,
).table
plain = identify(
    schools=schools,
    results=results,
    context=context,
    directions=directions,
    params=first,
    year=year,
).table
moved = plain.select("school_id", pl.col("low_by_index").alias("a")).join(
    shrunk.select("school_id", pl.col("low_by_index").alias("b"), "results_se"), on="school_id"
)
entered = moved.filter(~pl.col("a") & pl.col("b")).height
left = moved.filter(pl.col("a") & ~pl.col("b")).height
print(
    f"Сглаживание за {year} г.: ШНОР по индексу вошли {entered}, вышли {left}; "
    "медиана погрешности (95 %) "
    f"{fmt(1.96 * (moved.get_column('results_se').median() or 0), 2)}"
)
