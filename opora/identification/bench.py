"""`opora bench identify`: the identification engine on a region and on the whole country.

Generates N schools × 5 years × 30 works (ВПР, ОГЭ, ЕГЭ) with a latent social context that
the results follow, plus five context indicators per school and year, all vectorised with
NumPy and Polars. Each size runs in fresh Python processes so that each peak memory is its
own; the parent only collects the figures. The floor (`bench_floor.floor_identify`) is the
fastest plain Polars computation of the same outputs for the base methodology — every school's
indices and flags for the run's year — measured in a process of its own and checked against
the engine school by school; the ratio the bench judges is engine / floor. The old "floor", a
bare group-by of the results, is kept as a row for continuity.

The database is not used: `identify()` is a pure function of data frames.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import polars as pl

from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.identification.bench_floor import compare, floor_identify
from opora.identification.engine import RESULT_SCHEMA, identify
from opora.identification.methodology import default_params

YEARS = (2021, 2022, 2023, 2024, 2025)
SEED = 20251
# (label, schools, target seconds for the whole identification, target peak memory in MiB)
SIZES: tuple[tuple[str, int, float, float | None], ...] = (
    ("регион", 2_000, 5.0, None),
    ("страна", 40_000, 60.0, 4096.0),
)
# 30 distinct works per school and year: ВПР grades 4–8 × 5 subjects, ОГЭ × 3, ЕГЭ × 2.
VPR_SUBJECTS = {
    4: ("rus", "math", "world", "reading", "eng"),
    5: ("rus", "math", "hist", "bio", "geo"),
    6: ("rus", "math", "hist", "bio", "soc"),
    7: ("rus", "math", "phys", "geo", "eng"),
    8: ("rus", "math", "phys", "chem", "bio"),
}
WORKS: tuple[tuple[str, str, int], ...] = (
    *(("vpr", subject, grade) for grade, subjects in VPR_SUBJECTS.items() for subject in subjects),
    ("oge", "rus", 9),
    ("oge", "math", 9),
    ("oge", "soc", 9),
    ("ege", "rus", 11),
    ("ege", "math-prof", 11),
)
# Context indicators: value = intercept + slope × latent context + noise, clipped to 0–100.
CONTEXT_FORMULAS: dict[str, tuple[float, float, float]] = {
    "low-income": (16.0, -9.0, 3.0),
    "parents-no-prof-education": (38.0, -14.0, 5.0),
    "risk-families": (2.5, -2.0, 1.0),
    "unemployment": (5.5, -3.0, 1.5),
}
DIRECTIONS = {
    "low-income": -1,
    "parents-no-prof-education": -1,
    "risk-families": -1,
    "unemployment": -1,
    "ses-group": 1,
}
# The engine may take at most this many times the floor's time (issue 17).
FLOOR_RATIO = 1.5
FLAGS = ("low_results", "unfavourable", "risk", "resilient", "objectivity", "insufficient_data")


def _clip(values: np.ndarray, low: float = 0.0, high: float = 100.0) -> np.ndarray:
    return np.round(np.clip(values, low, high), 1)


def generate(schools: int, seed: int = SEED) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Schools, results and context frames in the engine's schemas, without Python row loops."""
    rng = np.random.default_rng(seed)
    years, works = len(YEARS), len(WORKS)
    # Per school: social context (higher is more favourable), quality beyond it, size, role.
    context = rng.normal(0.0, 1.0, schools)
    quality = rng.normal(0.0, 0.6, schools)
    size = np.clip(np.exp(rng.normal(np.log(40), 0.55, schools)), 3, 250)
    role = rng.random(schools)
    weak = role < 0.03  # shares of "2" above 30 % in most ВПР: the marks rule fires
    falling = (role >= 0.03) & (role < 0.06)  # index down every year since 2022
    jumping = (role >= 0.06) & (role < 0.07)  # last year far above the previous ones
    # About 1 % of schools are tiny (2–4 pupils a class): their figures cannot be used.
    size = np.where(role >= 0.99, rng.uniform(2, 5, schools), size)

    # Level of each school in each year, shape (schools, years).
    year_offset = np.arange(years)
    level = (0.55 * context + quality)[:, None] + rng.normal(0.0, 0.25, (schools, years))
    level += np.where(falling[:, None], 0.6 - 0.55 * np.maximum(0, year_offset - 1), 0.0)
    level[:, -1] += np.where(jumping, 2.2, 0.0)

    # Everything below has shape (schools, years, works) and is flattened in C order, so the
    # row index is school-major, then year, then work.
    shape = (schools, years, works)
    kind = np.array([{"vpr": 0, "oge": 1, "ege": 2}[a] for a, _, _ in WORKS])
    vpr, oge, ege = (np.broadcast_to(kind == k, shape) for k in range(3))
    difficulty = rng.normal(0.0, 0.3, works)  # some works are harder for everyone
    lv = level[:, :, None] - difficulty[None, None, :] + rng.normal(0.0, 0.3, shape)

    def noise(sd: float) -> np.ndarray:
        return rng.normal(0.0, sd, shape)

    share_of_class = np.where(ege, rng.uniform(0.3, 0.7, shape), rng.uniform(0.8, 1.0, shape))
    participants = np.maximum(1.0, np.floor(size[:, None, None] * share_of_class))
    mean_score = np.select(
        [vpr, oge], [11 + 3 * lv + noise(0.8), 16 + 4 * lv + noise(1.0)], 62 + 9 * lv + noise(3.0)
    )
    share_fail = np.select([vpr, oge], [12 - 10 * lv + noise(3.0), 8 - 7 * lv + noise(2.0)], np.nan)
    share_fail = np.where(vpr & weak[:, None, None], 34 + noise(4.0), share_fail)
    share_good = np.select(
        [vpr, oge],
        [48 + 16 * lv + noise(5.0), 50 + 18 * lv + noise(5.0)],
        20 + 12 * lv + noise(4.0),
    )
    share_below_min = np.where(ege, 4 - 4 * lv + noise(1.5), np.nan)
    jumped = jumping[:, None, None] & (np.arange(years) == years - 1)[None, :, None]
    share_lower = np.where(vpr, _clip(22 - 6 * lv + noise(4.0), 0, 90), np.nan)
    share_raise = np.where(vpr, _clip(3 + noise(1.5), 0, 30), np.nan)
    share_lower = np.where(vpr & jumped, 2.0, share_lower)
    share_raise = np.where(vpr & jumped, _clip(35 + noise(5.0)), share_raise)

    work_index = np.broadcast_to(np.arange(works, dtype=np.int32), shape)
    results = (
        pl.DataFrame(
            {
                "school_id": np.repeat(np.arange(1, schools + 1, dtype=np.int64), years * works),
                "year": np.broadcast_to(np.array(YEARS, dtype=np.int32)[None, :, None], shape)
                .ravel()
                .copy(),
                "work": work_index.ravel().copy(),
                "participants": participants.ravel(),
                "mean_score": np.round(np.maximum(0.0, mean_score), 1).ravel(),
                "share_fail": _clip(share_fail).ravel(),
                "share_good": _clip(share_good).ravel(),
                "share_below_min": _clip(share_below_min).ravel(),
                "share_confirm": np.round(
                    np.maximum(0.0, 100 - share_lower - share_raise), 1
                ).ravel(),
                "share_lower": share_lower.ravel(),
                "share_raise": share_raise.ravel(),
            }
        )
        .fill_nan(None)
        .with_columns(
            _decode("work", [a for a, _, _ in WORKS], pl.Utf8).alias("assessment"),
            _decode("work", [s for _, s, _ in WORKS], pl.Utf8).alias("subject"),
            _decode("work", [g for _, _, g in WORKS], pl.Int32).alias("grade"),
        )
        .select(list(RESULT_SCHEMA))
        .cast(pl.Schema(RESULT_SCHEMA))
    )

    # Context: four percentages and the socio-economic group, each school and year.
    indicators = [*CONTEXT_FORMULAS, "ses-group"]
    values = np.empty((schools, years, len(indicators)))
    drift = rng.normal(0.0, 0.15, (schools, years))  # the context moves a little over years
    latent = context[:, None] + drift
    for position, (intercept, slope, sd) in enumerate(CONTEXT_FORMULAS.values()):
        values[:, :, position] = _clip(
            intercept + slope * latent + rng.normal(0.0, sd, (schools, years))
        )
    values[:, :, -1] = np.clip(np.round(3 + 1.2 * latent + rng.normal(0, 0.5, latent.shape)), 1, 5)
    context_shape = values.shape
    context_frame = pl.DataFrame(
        {
            "school_id": np.repeat(
                np.arange(1, schools + 1, dtype=np.int64), years * len(indicators)
            ),
            "year": np.broadcast_to(np.array(YEARS, dtype=np.int32)[None, :, None], context_shape)
            .ravel()
            .copy(),
            "indicator": np.broadcast_to(np.arange(len(indicators), dtype=np.int32), context_shape)
            .ravel()
            .copy(),
            "value": values.ravel(),
        }
    ).with_columns(_decode("indicator", indicators, pl.Utf8))
    school_frame = pl.DataFrame({"school_id": np.arange(1, schools + 1, dtype=np.int64)})
    return school_frame, results, context_frame


def _decode(column: str, labels: list[Any], dtype: Any) -> pl.Expr:
    """An integer code column turned into its labels (vectorised, no per-row Python)."""
    return pl.col(column).replace_strict(dict(enumerate(labels)), return_dtype=dtype)


def measure(schools: int, what: str = "engine") -> dict[str, Any]:
    """Generate one size and time the engine (`what="engine"`) or the floor (`"floor"`);
    meant to run alone in its own process, so that the first call is a process's first."""
    start = time.perf_counter()
    school_frame, results, context = generate(schools)
    generate_s = time.perf_counter() - start
    # The generator's temporary arrays are gone by now; start the peak over (Linux ≥ 4.0)
    # to see what the identification itself adds on top of the frames it is given.
    generation_peak_mib = _peak_mib()
    ready_mib = _proc_status_mib("VmRSS")
    peak_reset = ready_mib is not None and _reset_peak()
    params = default_params()
    year = YEARS[-1]

    def engine() -> Any:
        return identify(
            schools=school_frame,
            results=results,
            context=context,
            directions=DIRECTIONS,
            params=params,
            year=year,
        )

    def floor() -> Any:
        return floor_identify(
            schools=school_frame,
            results=results,
            context=context,
            directions=DIRECTIONS,
            params=params,
            year=year,
        )

    run = engine if what == "engine" else floor
    # The first call is what a real run in the worker meets; then the median of two more.
    start = time.perf_counter()
    outcome = run()
    first_s = time.perf_counter() - start
    identify_s = median_ms(timed(run, repeat=2)) / 1000
    run_peak_mib = _proc_status_mib("VmHWM") if peak_reset else None
    if what == "floor":
        # The floor must compute what the engine does: every flag of every school.
        return {
            "first_s": first_s,
            "median_s": identify_s,
            "peak_mib": run_peak_mib,
            "ready_mib": ready_mib,
            "differences": compare(engine().table, outcome),
        }
    floor_s = (
        median_ms(
            timed(
                lambda: results.group_by("school_id", "year").agg(pl.col("mean_score").mean()),
                repeat=5,
            )
        )
        / 1000
    )
    table = outcome.table
    return {
        "schools": schools,
        "results": results.height,
        "context": context.height,
        "generate_s": generate_s,
        "first_s": first_s,
        "identify_s": identify_s,
        "floor_s": floor_s,
        "flags": {flag: int(table.get_column(flag).sum()) for flag in FLAGS},
        "in_table": table.height,
        "generation_peak_mib": generation_peak_mib,
        "ready_mib": ready_mib,
        "identify_peak_mib": run_peak_mib,
        "group_by_peak_mib": _proc_status_mib("VmHWM") if peak_reset else None,
    }


def _peak_mib() -> float:
    # Linux reports the peak resident set in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_status_mib(field: str) -> float | None:
    """The current (VmRSS) or peak (VmHWM) resident set from /proc, where there is one."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Start the peak resident set (VmHWM) over, as /proc/PID/clear_refs allows since 4.0."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def child(schools: int, what: str = "engine") -> None:
    """Entry point of the per-size process: prints its figures as one JSON line."""
    import django

    django.setup()
    figures = measure(schools, what)
    if what == "engine":
        # The peak of the whole process, generation included, read at its very end.
        figures["peak_mib"] = max(_peak_mib(), figures["generation_peak_mib"])
    print(json.dumps(figures))


def _measure_in_fresh_process(schools: int, what: str = "engine") -> dict[str, Any]:
    code = f"from opora.identification.bench import child; child({schools}, {what!r})"
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise RuntimeError(
            f"Замер на {schools} школах завершился с ошибкой:\n{completed.stderr[-4000:]}"
        )
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


@benchmark("identify")
def bench_identify(report: BenchReport) -> None:
    for label, schools, target_s, target_mib in SIZES:
        report.log(
            f"  {label}: {schools} школ × {len(YEARS)} лет × {len(WORKS)} работ — "
            "генерация и расчёт в отдельном процессе…"
        )
        f = _measure_in_fresh_process(schools)
        report.log(f"  {label}: «пол» (простой расчёт тех же признаков) в отдельном процессе…")
        floor = _measure_in_fresh_process(schools, "floor")
        if floor["differences"]:
            raise RuntimeError(
                f"«Пол» на {schools} школах расходится с движком: "
                + "; ".join(floor["differences"])
            )
        assert f["in_table"] == schools, f
        assert all(f["flags"][flag] > 0 for flag in FLAGS if flag != "insufficient_data"), f
        what = f"{label}, {schools} школ"
        rows, values = (f"{f[key]:,}".replace(",", " ") for key in ("results", "context"))
        report.add(
            f"{what}: генерация {rows} строк результатов и {values} значений контекста "
            "(не входит в замер)",
            f"{f['generate_s']:.1f} s",
        )
        report.add(
            f"{what}: выявление за {YEARS[-1]} г. целиком (identify), первый вызов / медиана",
            f"{f['first_s']:.2f} / {f['identify_s']:.2f} s",
            f"< {target_s:.0f} s",
            max(f["first_s"], f["identify_s"]) < target_s,
        )
        report.add(
            f"{what}: «пол» — простой расчёт тех же признаков и индексов на Polars "
            "(bench_floor), первый вызов / медиана; совпадает с движком у каждой школы",
            f"{floor['first_s']:.2f} / {floor['median_s']:.2f} s",
        )
        first_ratio = f["first_s"] / floor["first_s"]
        median_ratio = f["identify_s"] / floor["median_s"]
        report.add(
            f"{what}: выявление / «пол», первый вызов / медиана",
            f"{first_ratio:.2f}× / {median_ratio:.2f}×",
            f"< {FLOOR_RATIO}×",
            max(first_ratio, median_ratio) < FLOOR_RATIO,
        )
        if f["identify_peak_mib"] is not None and floor["peak_mib"] is not None:
            report.add(
                f"{what}: пик памяти процесса во время выявления / во время «пола» "
                "(в скобках — сверх готовых данных)",
                f"{f['identify_peak_mib']:.0f} ({f['identify_peak_mib'] - f['ready_mib']:.0f}) / "
                f"{floor['peak_mib']:.0f} ({floor['peak_mib'] - floor['ready_mib']:.0f}) MiB",
            )
        report.add(
            f"{what}: для сравнения — group_by(школа, год) тех же результатов, медиана; "
            "выявление / group_by",
            f"{f['floor_s'] * 1000:.0f} ms; {f['identify_s'] / f['floor_s']:.0f}×",
        )
        report.add(
            f"{what}: пик памяти процесса (генерация + выявление)",
            f"{f['peak_mib']:.0f} MiB",
            f"< {target_mib / 1024:.0f} GB" if target_mib else "",
            f["peak_mib"] < target_mib if target_mib else None,
        )
        if f["identify_peak_mib"] is not None:
            report.add(
                f"{what}: пик при генерации / память с готовыми данными / "
                "пик во время выявления и group_by",
                f"{f['generation_peak_mib']:.0f} / {f['ready_mib']:.0f} / "
                f"{f['group_by_peak_mib']:.0f} MiB",
            )
        flags = f["flags"]
        report.add(
            f"{what}: признаки (проверка, что данные их вызывают)",
            f"ШНОР {flags['low_results']}, ШНСУ {flags['unfavourable']}, "
            f"риск {flags['risk']}, устойчивых {flags['resilient']}, "
            f"объективность {flags['objectivity']}, мало данных {flags['insufficient_data']}",
        )


def _store_in_database(schools: int) -> tuple[int, int]:
    """Put generated data of `schools` schools into the (throwaway) database; returns the
    territory's pk and the number of result rows. Results and context go in with COPY on
    PostgreSQL (the country's 6 million rows in a minute or two), bulk_create elsewhere."""
    from django.db import connection

    from opora.registry.choices import OrganizationKind, TerritoryKind
    from opora.registry.models import Organization, SchoolProfile, Territory
    from opora.results.models import (
        Assessment,
        ContextIndicator,
        ContextValue,
        SchoolResult,
        Subject,
    )

    school_frame, results, context = generate(schools)
    territory = Territory.objects.add_root(
        {"name": "Бенч-регион", "kind": TerritoryKind.REGION, "code": "BENCH-ID"}
    )
    ids = school_frame.get_column("school_id").to_list()
    Organization.objects.bulk_create(
        (
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{i}",
                name=f"Школа № {i}",
                short_name=f"Школа № {i}",
                territory=territory,
            )
            for i in ids
        ),
        batch_size=2000,
    )
    pk_of = dict(Organization.objects.filter(code__startswith="BENCH-").values_list("code", "pk"))
    SchoolProfile.objects.bulk_create(
        (SchoolProfile(organization_id=pk, school_type="sosh") for pk in pk_of.values()),
        batch_size=2000,
    )
    # The generator's numbers → the database's keys, as columns (no per-row Python).
    keys = pl.DataFrame(
        {"school_id": ids, "school_pk": [pk_of[f"BENCH-{i}"] for i in ids]},
        schema={"school_id": pl.Int64, "school_pk": pl.Int64},
    )
    assessments = dict(Assessment.objects.values_list("code", "pk"))
    subjects = dict(Subject.objects.values_list("code", "pk"))
    indicators = dict(ContextIndicator.objects.values_list("code", "pk"))
    result_rows = results.join(keys, on="school_id", maintain_order="left").select(
        pl.col("school_pk").alias("school_id"),
        "year",
        pl.col("assessment")
        .replace_strict(assessments, return_dtype=pl.Int64)
        .alias("assessment_id"),
        pl.col("subject").replace_strict(subjects, return_dtype=pl.Int64).alias("subject_id"),
        "grade",
        pl.col("participants").cast(pl.Int64),
        *MEASURES,
    )
    context_rows = context.join(keys, on="school_id", maintain_order="left").select(
        pl.col("school_pk").alias("school_id"),
        "year",
        pl.col("indicator").replace_strict(indicators, return_dtype=pl.Int64).alias("indicator_id"),
        "value",
    )
    del results, context
    if connection.vendor == "postgresql":
        _copy_in(SchoolResult._meta.db_table, result_rows)
        _copy_in(ContextValue._meta.db_table, context_rows)
    else:
        SchoolResult.objects.bulk_create(
            (SchoolResult(**row) for row in result_rows.iter_rows(named=True)), batch_size=5000
        )
        ContextValue.objects.bulk_create(
            (ContextValue(**row) for row in context_rows.iter_rows(named=True)), batch_size=5000
        )
    return territory.pk, result_rows.height


MEASURES = (
    "mean_score",
    "share_fail",
    "share_good",
    "share_below_min",
    "share_confirm",
    "share_lower",
    "share_raise",
)


def _copy_in(table: str, frame: pl.DataFrame, block: int = 500_000) -> None:
    """`COPY table (columns) FROM STDIN` of the frame as CSV, a block of rows at a time
    (Polars writes an empty field for null, which is NULL to COPY's CSV)."""
    from django.db import connection

    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in frame.columns)
        statement = f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT csv)"
        with cursor.cursor.copy(statement) as copy:
            for offset in range(0, frame.height, block):
                copy.write(frame.slice(offset, block).write_csv(include_header=False))
        cursor.execute(f"ANALYZE {quote(table)}")


# (schools, target seconds of the whole job, target peak memory of the job's process in MiB)
DB_TARGETS: dict[int, tuple[float, float | None]] = {2_000: (5.0, None), 40_000: (60.0, 3072.0)}


class _PhaseMeter:
    """Stands in for the job's reporter: at each step the job announces (read, identify,
    reasons, store) it notes the time and the peak resident set since the previous step,
    then starts the peak over."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.phase = "start"
        self.phases: list[tuple[str, float, float | None]] = []
        self.reset = _reset_peak()

    def progress(self, percent: float, text: str | None = None) -> None:
        self.close(str(percent))

    def log(self, message: str) -> None:
        pass

    def close(self, next_phase: str) -> None:
        now = time.perf_counter()
        peak = _proc_status_mib("VmHWM") if self.reset else None
        self.phases.append((self.phase, now - self.last, peak))
        self.reset = _reset_peak()
        self.phase, self.last = next_phase, time.perf_counter()


# Names of the job's steps by the progress it announces at their start (services.run_prepare).
PHASE_NAMES = {
    "start": "проверка данных",
    "5": "чтение",
    "30": "выявление",
    "60": "причины",
    "80": "запись",
}


def db_child(what: str, run_pk: int) -> None:
    """Entry point of a process that does one thing on the stored data and prints its
    figures as one JSON line: `read-values`, `read` (the two reads) or `job` (run_compute)."""
    import django

    django.setup()
    from opora.identification.models import IdentificationRun
    from opora.identification.reading import _read_frames_values, read_frames
    from opora.identification.services import run_compute

    run = IdentificationRun.objects.select_related("territory", "version").get(pk=run_pk)
    ready_mib = _proc_status_mib("VmRSS")
    figures: dict[str, Any] = {"ready_mib": ready_mib}
    if what == "job":
        meter = _PhaseMeter()
        started = time.perf_counter()
        run_compute(run, meter)  # type: ignore[arg-type]
        figures["seconds"] = time.perf_counter() - started
        meter.close("end")
        figures["phases"] = [
            {"phase": PHASE_NAMES.get(name, name), "seconds": s, "peak_mib": peak}
            for name, s, peak in meter.phases
        ]
        figures["stored"] = run.schools.count()
    else:
        reader = read_frames if what == "read" else _read_frames_values
        started = time.perf_counter()
        frames = reader(run.territory, run.year)
        figures["seconds"] = time.perf_counter() - started
        figures["rows"] = [frame.height for frame in frames]
    figures["peak_mib"] = _peak_mib()
    print(json.dumps(figures))


def _db_in_fresh_process(what: str, run_pk: int) -> dict[str, Any]:
    code = f"from opora.identification.bench import db_child; db_child({what!r}, {run_pk})"
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise RuntimeError(f"Замер «{what}» завершился с ошибкой:\n{completed.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


@benchmark("identify-db")
def bench_identify_database(report: BenchReport) -> None:
    """The run as the job does it, on data written into the database: the old and the new
    read, then the whole job (read, identify, reasons, store), each in a fresh process so
    that its peak memory is its own. `--schools 40000` is the country."""
    from django.db import connection

    from opora.identification.models import IdentificationRun, Methodology

    schools = int(report.options.get("schools") or SIZES[0][1])
    target_s, target_mib = DB_TARGETS.get(schools, (None, None))
    label = "страна" if schools >= 40_000 else "регион"
    what = f"{label} через базу, {schools} школ"
    report.log(f"  запись {schools} школ × {len(YEARS)} лет × {len(WORKS)} работ в базу…")
    started = time.perf_counter()
    territory_pk, rows = _store_in_database(schools)
    written_s = time.perf_counter() - started
    report.add(
        f"{what}: запись {f'{rows:,}'.replace(',', ' ')} строк результатов в базу "
        + ("(COPY)" if connection.vendor == "postgresql" else "(bulk_create)")
        + ", не входит в замер",
        f"{written_s:.0f} s",
    )
    version = Methodology.objects.get(is_builtin=True).current
    run = IdentificationRun.objects.create(
        territory_id=territory_pk, year=YEARS[-1], version=version
    )
    reads = {}
    for kind, title in (("read-values", "прежнее (values_list)"), ("read", "по столбцам")):
        report.log(f"  чтение {title} в отдельном процессе…")
        reads[kind] = f = _db_in_fresh_process(kind, run.pk)
        report.add(
            f"{what}: чтение результатов и контекста {title}: время / пик процесса "
            "(после запуска Django)",
            f"{f['seconds']:.2f} s / {f['peak_mib']:.0f} MiB ({f['ready_mib']:.0f})",
        )
    if len(reads) == 2:
        old, new = reads["read-values"], reads["read"]
        report.add(
            f"{what}: чтение по столбцам / прежнее — время, прирост памяти",
            f"{new['seconds'] / old['seconds']:.2f}×, "
            f"{(new['peak_mib'] - new['ready_mib']) / (old['peak_mib'] - old['ready_mib']):.2f}×",
        )
    report.log("  вся задача (run_compute) в отдельном процессе…")
    job = _db_in_fresh_process("job", run.pk)
    assert job["stored"] == schools, job
    report.add(
        f"{what}: вся задача — чтение, выявление, причины, запись {schools} результатов",
        f"{job['seconds']:.1f} s",
        f"< {target_s:.0f} s" if target_s else "",
        job["seconds"] < target_s if target_s else None,
    )
    report.add(
        f"{what}: пик памяти процесса задачи",
        f"{job['peak_mib']:.0f} MiB",
        f"< {target_mib / 1024:.0f} GiB" if target_mib else "",
        job["peak_mib"] < target_mib if target_mib else None,
    )
    report.add(
        f"{what}: по шагам — время / пик памяти за шаг",
        "; ".join(
            f"{p['phase']} {p['seconds']:.1f} s"
            + (f" / {p['peak_mib']:.0f} MiB" if p["peak_mib"] is not None else "")
            for p in job["phases"]
        ),
    )


# --- Quality of a methodology ----------------------------------------------------------------
# `opora bench quality`: the quality figures of the base methodology over 5 years of a region.

QUALITY_SCHOOLS = 2_000
QUALITY_TARGET_S = 10.0


@benchmark("quality")
def bench_quality(report: BenchReport) -> None:
    """All figures of «Качество методики» (stability, AUC, 14 threshold steps, missing data)
    on generated data; the floor is one `identify()` on the same frames."""
    from opora.identification.quality import quality_figures

    schools = QUALITY_SCHOOLS
    report.log(f"  {schools} школ × {len(YEARS)} лет × {len(WORKS)} работ — генерация…")
    school_frame, results, context = generate(schools)
    params = default_params()
    year = YEARS[-1]

    def one_identify() -> Any:
        return identify(
            schools=school_frame,
            results=results,
            context=context,
            directions=DIRECTIONS,
            params=params,
            year=year,
        )

    def figures() -> Any:
        return quality_figures(
            schools=school_frame,
            results=results,
            context=context,
            directions=DIRECTIONS,
            params=params,
            year=year,
        )

    start = time.perf_counter()
    first = figures()
    first_s = time.perf_counter() - start
    quality_s = median_ms(timed(figures, repeat=2)) / 1000
    floor_s = median_ms(timed(one_identify, repeat=3)) / 1000
    what = f"регион, {schools} школ, {len(YEARS)} лет"
    report.add(
        f"{what}: все показатели качества базовой методики, первый вызов / медиана",
        f"{first_s:.2f} / {quality_s:.2f} s",
        f"< {QUALITY_TARGET_S:.0f} s",
        max(first_s, quality_s) < QUALITY_TARGET_S,
    )
    report.add(
        f"{what}: «пол» — один вызов identify() на тех же данных, медиана", f"{floor_s:.2f} s"
    )
    report.add(
        f"{what}: качество / «пол» (identify: 1 + окно + {len(first.sensitivity)} сдвигов)",
        f"{quality_s / floor_s:.1f}×",
    )

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f} %"

    report.add(
        f"{what}: показатели (проверка, что данные их дают)",
        f"устойчивость {share(first.stability)}, AUC {first.auc}, "
        f"наибольший сдвиг {first.sensitivity_max} школ ({share(first.sensitivity_share)}), "
        f"без индекса {share(first.missing_share)}",
    )


# --- Official lists ------------------------------------------------------------------------------


@benchmark("external-lists")
def bench_external_lists(report: BenchReport) -> None:
    """A 5,000-code official list imported and compared (`bench_lists`, which needs the apps
    loaded — this module is also imported bare by the per-size processes above)."""
    from opora.identification.bench_lists import bench_external_lists as run

    run(report)
