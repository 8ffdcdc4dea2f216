"""`opora db_worker`: django-tasks-db's worker that waits out a busy database instead of exiting.

The library's worker skips a locked database only while claiming a task; a lock met anywhere
else (recording a task's outcome, opening the claim's EXCLUSIVE transaction on SQLite) or a
dropped PostgreSQL connection ends the process, and with it the background work of the whole
installation. This command (it takes the library's name, `opora.core` comes first in
INSTALLED_APPS) runs the same worker loop and, on a transient database error, waits with a
growing pause and goes on. A job caught in such an error is handled by `job_run` (retried, or
failed with its data unchanged); one whose worker died anyway is marked failed by `jobs_reap`.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import Error
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

from opora.core.jobs import db_connection_recover, db_error_is_transient

logger = logging.getLogger("django_tasks_db")

PAUSE_FIRST = 0.5
PAUSE_MAX = 30.0
# An error after this long without one starts the pauses from the beginning again.
CALM_SECONDS = 60.0


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class ResilientWorker(library.Worker):
    """The library's worker loop, restarted after a transient database error."""

    def run(self) -> None:
        failures = 0
        last_failure = 0.0
        while True:
            try:
                super().run()
                return
            except Error as exc:  # DatabaseError or InterfaceError
                if not self.running or not db_error_is_transient(exc):
                    raise
                now = time.monotonic()
                failures = 1 if now - last_failure > CALM_SECONDS else failures + 1
                last_failure = now
                pause = min(PAUSE_FIRST * 2 ** (failures - 1), PAUSE_MAX)
                logger.warning(
                    "База данных занята или недоступна (%s); обработчик продолжит через %.1f с.",
                    exc,
                    pause,
                )
                db_connection_recover()
                self.startup_delay = False
                _sleep(pause)


class Command(library.Command):
    help = "Обработчик фоновых задач (пережидает занятую базу данных)"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        # The library's handle() with ResilientWorker in place of its Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together; no autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise library.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
