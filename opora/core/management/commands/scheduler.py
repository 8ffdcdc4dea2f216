"""`opora scheduler`: start the periodic jobs (reminders) when they are due and mark failed the
jobs whose worker died; runs beside the worker under `opora serve`. `--once` checks once and
exits (for cron or a test)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import Error

from opora.core.jobs import db_connection_recover, db_error_is_transient, jobs_reap
from opora.core.periodic import periodic_run

logger = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = "Запускать периодические задачи (напоминания) по расписанию."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="проверить один раз и выйти")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                self.check_once()
            except Error as exc:  # DatabaseError or InterfaceError
                # A busy database (a long save on SQLite) is waited out until the next check.
                if options["once"] or not db_error_is_transient(exc):
                    raise
                logger.warning("Scheduler: database busy (%s); next check in a minute", exc)
                db_connection_recover()
            if options["once"]:
                return
            time.sleep(CHECK_EVERY_SECONDS)

    def check_once(self) -> None:
        for job in jobs_reap():
            self.stdout.write(f"Задача № {job.pk} «{job.title}» прервана: обработчик остановился")
        for job in periodic_run():
            self.stdout.write(f"Запущена задача «{job.title}» (№ {job.pk})")
