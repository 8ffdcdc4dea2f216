"""`opora bench NAME`: measure a capability on generated data in a throwaway database."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.core.bench import BenchReport, benchmarks

SANDBOX_FLAG = "OPORA_BENCH_SANDBOX"


class Command(BaseCommand):
    help = "Замеры скорости на сгенерированных данных во временной базе: opora bench registry"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="что измерять, например registry")
        parser.add_argument(
            "--database-url",
            help="пустая база для замера (например, PostgreSQL); по умолчанию временный SQLite",
        )
        parser.add_argument(
            "--schools",
            type=int,
            help="число школ, где замер его принимает (identify-db: 2000 — регион, 40000 — страна)",
        )
        # Options of `opora bench scale` (others ignore them).
        parser.add_argument("--json", help="куда записать результаты в JSON (замер scale)")
        parser.add_argument("--small", type=int, default=2000, help="школ в малом регионе")
        parser.add_argument("--big", type=int, default=8000, help="школ в большом регионе")
        # `opora bench load`: the server's workers, the concurrency levels, requests per page.
        parser.add_argument("--workers", type=int, default=2, help="load: процессов gunicorn")
        parser.add_argument(
            "--clients", default="1,10,50", help="load: одновременных клиентов, через запятую"
        )
        parser.add_argument(
            "--requests", type=int, default=120, help="load: запросов к странице на уровень"
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=3.0,
            help="load: не короче стольких секунд каждый замер страницы",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        available = benchmarks()
        if options["name"] not in available:
            raise CommandError(
                f"Неизвестный замер «{options['name']}». Есть: {', '.join(sorted(available))}"
            )
        if os.environ.get(SANDBOX_FLAG) != "1":
            self._rerun_in_sandbox(options)
            return
        call_command("migrate", verbosity=0, interactive=False)
        report = BenchReport(
            title=options["name"],
            log=self.stdout.write,
            options={
                k: options[k]
                for k in (
                    "schools",
                    "json",
                    "small",
                    "big",
                    "workers",
                    "clients",
                    "requests",
                    "seconds",
                )
                if options[k] is not None
            },
        )
        self.stdout.write(f"Замер «{options['name']}»…")
        available[options["name"]](report)
        self.stdout.write("")
        self.stdout.write(
            f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, database: "
            f"{'PostgreSQL' if options['database_url'] else 'SQLite (temporary file)'}"
        )
        self.stdout.write(report.markdown())
        if not report.all_met:
            raise CommandError("Не все цели достигнуты.")

    def _rerun_in_sandbox(self, options: dict[str, Any]) -> None:
        """Run this command again in a child process whose database is a throwaway one."""
        with tempfile.TemporaryDirectory(prefix="opora-bench-") as var_dir:
            env = {
                **os.environ,
                SANDBOX_FLAG: "1",
                "OPORA_VAR_DIR": var_dir,
                "DEBUG": "false",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "opora-bench-throwaway-key"),
                "LOG_LEVEL": "WARNING",
            }
            env.pop("DATABASE_URL", None)
            if options["name"] == "load":
                # The floor of `opora bench load`: /bench/trivial/ routed in this process too.
                env["OPORA_BENCH_TRIVIAL"] = "1"
            if options["database_url"]:
                env["DATABASE_URL"] = options["database_url"]
            argv = [sys.executable, "-m", "opora.cli", "bench", options["name"]]
            if options["database_url"]:
                argv += ["--database-url", options["database_url"]]
            if options["schools"]:
                argv += ["--schools", str(options["schools"])]
            if options["json"]:
                argv += ["--json", os.path.abspath(options["json"])]
            argv += ["--small", str(options["small"]), "--big", str(options["big"])]
            for key in ("workers", "clients", "requests", "seconds"):
                argv += [f"--{key}", str(options[key])]
            completed = subprocess.run(argv, env=env, check=False)
        if completed.returncode:
            raise CommandError("Замер завершился с ошибкой.")
