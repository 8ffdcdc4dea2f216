"""`opora bench imports`: what reading a spreadsheet from outside costs, bounded and not.

Three figures, each measured in a fresh Python process so that its peak memory is its own
(the peak resident set is started over after Django is set up, so it is what the reading
adds), each against a floor measured in the same run:

- refusing a 6.7 MB .xlsx whose sheet unpacks to 50 MB and 600,000 numbered rows — it
  compresses like a real sheet, so only counting its rows tells it apart; the floor is
  merely unpacking that sheet (zlib, nothing kept), and for comparison openpyxl's read-only
  mode reading as far as the row limit;
- refusing a classic zip bomb (600,000 identical rows in 78 KB), from the ZIP directory;
- a normal import of 7,000 result rows (1,000 schools × 7 works) from an .xlsx through the
  wizard's code: the upload request (header and first rows), then the job run in process
  exactly as the worker runs it (`job_run`: read, validate, save in one transaction). The
  floor is parsing the same rows as CSV with the csv module; openpyxl's read-only mode
  reading the workbook is given for comparison.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from opora.core.bench import BenchReport, benchmark
from opora.core.imports.limits import ReadLimits

ROWS_BOMB = 600_000
SCHOOLS = 1_000
WORKS = (
    ("ВПР", "Математика", 4),
    ("ВПР", "Русский язык", 4),
    ("ВПР", "Математика", 5),
    ("ВПР", "Русский язык", 5),
    ("ВПР", "Математика", 6),
    ("ОГЭ", "Математика", 9),
    ("ОГЭ", "Русский язык", 9),
)
HEADER = [
    "Код ОО",
    "Наименование ОО",
    "Год",
    "Оценочная процедура",
    "Предмет",
    "Класс",
    "Число участников",
    "Средний балл",
    "Доля «2», %",
    "Доля «4» и «5», %",
]


# --- measuring in a fresh process -----------------------------------------------------------


def _status_mib(field: str) -> float | None:
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
    """Start the peak resident set (VmHWM) over, as /proc/PID/clear_refs allows (Linux ≥ 4)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def _measured(func: Any) -> dict[str, Any]:
    """Wall time of `func()` and the peak resident set it adds above the process before it."""
    before = _status_mib("VmRSS")
    reset = _reset_peak()
    start = time.perf_counter()
    outcome = func()
    seconds = time.perf_counter() - start
    peak = _status_mib("VmHWM") if reset else None
    return {
        "seconds": seconds,
        "before_mib": before,
        "peak_mib": peak,
        "added_mib": (peak - before) if peak is not None and before is not None else None,
        "outcome": outcome,
    }


def child(task: str, argument: str) -> None:
    """Entry point of a measuring process: prints its figures as one JSON line."""
    import django

    django.setup()
    figures = CHILD_TASKS[task](argument)
    print(json.dumps(figures, default=str))


def _in_fresh_process(task: str, argument: str) -> dict[str, Any]:
    code = f"from opora.results.bench import child; child({task!r}, {argument!r})"
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise RuntimeError(f"Замер «{task}» завершился с ошибкой:\n{completed.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


# --- the measuring processes ----------------------------------------------------------------


def _refuse(path: str) -> dict[str, Any]:
    from opora.core.imports.readers import TableFileError, read_table

    def refuse() -> str:
        try:
            with open(path, "rb") as stream:
                read_table(stream, Path(path).name)
        except TableFileError as exc:
            return str(exc)
        return "прочитан"

    figures = _measured(refuse)

    def unpack() -> int:
        with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as m:
            total = 0
            while chunk := m.read(1 << 20):
                total += len(chunk)
            return total

    floor = _measured(unpack)
    figures.update(floor_seconds=floor["seconds"], unpacked=floor["outcome"])
    return figures


def _openpyxl_rows(path_and_limit: str) -> dict[str, Any]:
    from openpyxl import load_workbook

    path, limit = path_and_limit.rsplit("|", 1)

    def read() -> int:
        book = load_workbook(path, read_only=True, data_only=True)
        rows = 0
        for _row in book.worksheets[0].iter_rows(values_only=True):
            rows += 1
            if rows >= int(limit):
                break
        book.close()
        return rows

    return _measured(read)


def _run_job(job_id: str) -> dict[str, Any]:
    from opora.core.imports.readers import read_table
    from opora.core.jobs import job_run
    from opora.core.models import ImportUpload, Job

    upload = ImportUpload.objects.get(job_id=int(job_id))

    def read() -> int:
        with upload.file.open("rb") as stream:
            return len(read_table(stream, upload.original_name).rows)

    # The reading alone first (the job reads the file again), then the whole job.
    reading = _measured(read)
    figures = _measured(lambda: job_run(int(job_id)))
    job = Job.objects.get(pk=int(job_id))
    figures.update(
        status=job.status,
        error=job.error,
        result=job.result,
        read_seconds=reading["seconds"],
        read_added_mib=reading["added_mib"],
    )
    return figures


def _csv_floor(path: str) -> dict[str, Any]:
    def parse() -> int:
        with open(path, encoding="cp1251", newline="") as stream:
            return sum(1 for _row in csv.reader(stream, delimiter=";"))

    return _measured(parse)


CHILD_TASKS = {
    "refuse": _refuse,
    "openpyxl": _openpyxl_rows,
    "job": _run_job,
    "csv": _csv_floor,
}


# --- the benchmark --------------------------------------------------------------------------


def _results_rows() -> list[list[Any]]:
    rows = []
    for n in range(SCHOOLS):
        for index, (assessment, subject, grade) in enumerate(WORKS):
            fail = (n * 7 + index * 3) % 40
            rows.append(
                [
                    f"BENCH-{n:04d}",
                    f"СОШ № {n}",
                    2024,
                    assessment,
                    subject,
                    grade,
                    20 + n % 40,
                    round(10 + (n % 17) / 2, 1),
                    fail,
                    min(100 - fail, 35 + (n + index) % 50),
                ]
            )
    return rows


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Результаты")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MiB"


@benchmark("imports")
def bench_imports(report: BenchReport) -> None:
    from opora.core.imports.crafted import identical_rows_bomb, numbered_rows
    from opora.core.imports.services import (
        import_upload_commit,
        import_upload_create,
        import_upload_set_columns,
    )
    from opora.registry.choices import TerritoryKind
    from opora.registry.models import AcademicYear, Territory
    from opora.registry.services import NewSchool, schools_bulk_create

    limits = ReadLimits.from_settings()
    with tempfile.TemporaryDirectory(prefix="opora-bench-imports-") as folder:
        # 1. The 600,000-row sheet that compresses like a real one.
        path = Path(folder) / "600000-строк.xlsx"
        path.write_bytes(numbered_rows(ROWS_BOMB))
        size_mb = path.stat().st_size / 1024 / 1024
        report.log(f"  {ROWS_BOMB:,} строк, {size_mb:.1f} МБ — отказ в отдельном процессе…")
        f = _in_fresh_process("refuse", str(path))
        assert "больше" in f["outcome"], f["outcome"]
        unpacked_mb = f["unpacked"] / 2**20
        what = (
            f"refusing a {size_mb:.1f} MB .xlsx of {ROWS_BOMB:,} rows "
            f"({unpacked_mb:.0f} MB unpacked)"
        )
        report.add(f"{what}: time", f"{f['seconds']:.2f} s", "< 10 s", f["seconds"] < 10)
        report.add(
            f"{what}: peak memory added / process before",
            f"{_mib(f['added_mib'])} / {_mib(f['before_mib'])}",
            "< 64 MiB",
            f["added_mib"] is None or f["added_mib"] < 64,
        )
        report.add(
            f"{what}: floor — unpacking the sheet (zlib, nothing kept)",
            f"{f['floor_seconds']:.2f} s",
        )
        report.add(f"{what}: refusal / floor", f"{f['seconds'] / f['floor_seconds']:.1f}×")
        report.log(f"  openpyxl read-only до {limits.max_rows:,} строк (для сравнения)…")
        o = _in_fresh_process("openpyxl", f"{path}|{limits.max_rows + 1}")
        report.add(
            f"{what}: for comparison — openpyxl read-only reaching row {limits.max_rows + 1:,} "
            "(open + iterate), time / peak memory added",
            f"{o['seconds']:.1f} s / {_mib(o['added_mib'])}",
        )
        report.add(f"{what}: openpyxl / Opora's refusal", f"{o['seconds'] / f['seconds']:.0f}×")

        # 2. The classic zip bomb: refused from the ZIP directory.
        bomb = Path(folder) / "бомба.xlsx"
        bomb.write_bytes(identical_rows_bomb(ROWS_BOMB))
        b = _in_fresh_process("refuse", str(bomb))
        assert "zip-бомбы" in b["outcome"], b["outcome"]
        report.add(
            f"refusing a zip bomb ({bomb.stat().st_size // 1024} KB, {ROWS_BOMB:,} identical "
            f"rows, {b['unpacked'] / 2**20:.0f} MB unpacked): time / peak memory added",
            f"{b['seconds'] * 1000:.1f} ms / {_mib(b['added_mib'])}",
            "< 1 s",
            b["seconds"] < 1,
        )

        # 3. A normal import of 7,000 result rows through the wizard and its job.
        root = Territory.objects.add_root({"name": "Бенч-регион", "kind": TerritoryKind.REGION})
        schools_bulk_create(
            [
                NewSchool(code=f"BENCH-{n:04d}", name=f"СОШ № {n}", territory=root)
                for n in range(SCHOOLS)
            ]
        )
        AcademicYear.objects.bulk_create([AcademicYear(start_year=2023)], ignore_conflicts=True)
        user = get_user_model().objects.create_superuser("bench-imports", "b@example.org", "x")
        rows = _results_rows()
        content = _xlsx(rows)
        csv_path = Path(folder) / "результаты.csv"
        with open(csv_path, "w", encoding="cp1251", newline="") as stream:
            writer = csv.writer(stream, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(rows)
        start = time.perf_counter()
        upload = import_upload_create(
            importer_key="results.table",
            uploaded=SimpleUploadedFile("результаты.xlsx", content),
            user=user,
        )
        request_s = time.perf_counter() - start
        upload = import_upload_set_columns(upload=upload, columns=upload.columns, user=user)
        job = import_upload_commit(upload=upload, user=user)
        what = (
            f"import of {len(rows):,} result rows ({SCHOOLS:,} schools × {len(WORKS)} works), "
            f".xlsx {len(content) // 1024} KB"
        )
        report.add(f"{what}: upload request (header and first rows)", f"{request_s:.2f} s")
        report.log("  задача загрузки в отдельном процессе (job_run, как у обработчика)…")
        j = _in_fresh_process("job", str(job.pk))
        assert j["status"] == "succeeded", (j["status"], j["error"])
        assert j["result"]["created"] == len(rows), j["result"]
        report.add(
            f"{what}: the job (read + validate + save)",
            f"{j['seconds']:.2f} s",
            "< 30 s",
            j["seconds"] < 30,
        )
        report.add(f"{what}: the job's peak memory added", _mib(j["added_mib"]))
        report.add(
            f"{what}: of which reading the file (read_table alone), time / peak memory added",
            f"{j['read_seconds']:.2f} s / {_mib(j['read_added_mib'])}",
        )
        c = _in_fresh_process("csv", str(csv_path))
        report.add(
            f"{what}: floor — the same rows as CSV through the csv module",
            f"{c['seconds'] * 1000:.0f} ms",
        )
        report.add(
            f"{what}: reading / floor, job / floor",
            f"{j['read_seconds'] / c['seconds']:.0f}×, {j['seconds'] / c['seconds']:.0f}×",
        )
        xlsx_path = Path(folder) / "результаты.xlsx"
        xlsx_path.write_bytes(content)
        o = _in_fresh_process("openpyxl", f"{xlsx_path}|{len(rows) + 10}")
        report.add(
            f"{what}: for comparison — openpyxl read-only reading the workbook",
            f"{o['seconds']:.2f} s",
        )
