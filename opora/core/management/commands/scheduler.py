"""`opora scheduler`: start the periodic jobs (reminders) when they are due; runs beside the
worker under `opora serve`. `--once` checks once and exits (for cron or a test)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opora.core.periodic import periodic_run

CHECK_EVERY_SECONDS = 60


class Command(BaseCommand):
    help = "Запускать периодические задачи (напоминания) по расписанию."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="проверить один раз и выйти")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for job in periodic_run():
                self.stdout.write(f"Запущена задача «{job.title}» (№ {job.pk})")
            if options["once"]:
                return
            time.sleep(CHECK_EVERY_SECONDS)
