"""`opora serve`: migrate, load the demo on an empty database, run the web server and the worker.

This is what `make run` starts. Ctrl-C stops both processes; if either dies, the other is
stopped too and the command fails, so a broken worker never goes unnoticed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Запустить Опору: веб-сервер и обработчик фоновых задач вместе"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("OPORA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("OPORA_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="не загружать демо-данные")
        parser.add_argument("--no-worker", action="store_true", help="без обработчика задач")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("demo", "--if-empty")
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        manage = [sys.executable, "-m", "opora.cli"]
        children = {
            "веб-сервер": subprocess.Popen([*manage, "runserver", "--noreload", address]),
        }
        if not options["no_worker"]:
            children["обработчик задач"] = subprocess.Popen(
                [*manage, "db_worker", "--interval", "0.5", "--queue-name", "*", "--no-reload"]
            )
        self._print_welcome(options["host"], options["port"])
        stop_requested = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        failed = ""
        while not stop_requested and not failed:
            for name, process in children.items():
                if process.poll() is not None:
                    failed = name
            time.sleep(0.3)
        for process in children.values():
            if process.poll() is None:
                process.terminate()
        for process in children.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if failed:
            raise CommandError(f"Процесс «{failed}» остановился; Опора остановлена.")
        self.stdout.write("Опора остановлена.")

    def _print_welcome(self, host: str, port: int) -> None:
        from opora.registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Опора запущена: http://{host}:{port}"))
        self.stdout.write(f"Демо-учётные записи (пароль у всех: {DEMO_PASSWORD}):")
        for username, role, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {role} — {description}")
        self.stdout.write("Остановить: Ctrl-C")
        self.stdout.write("")
