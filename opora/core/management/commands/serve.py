"""`opora serve`: migrate, load the demo on an empty database, run the web server and the worker.

This is what `make run` starts. Ctrl-C (or SIGTERM) stops every process and exits 0. The
worker and the scheduler are supervised: one that exits is reported and started again after
a pause that grows while it keeps failing, and the web server stays up meanwhile. Only the
web server's own exit stops Opora (and the command fails, so it never goes unnoticed).

The children run in their own process group: Ctrl-C in the terminal reaches only this
command, which then stops each child once, so the worker finishes the job it is running
instead of being interrupted twice. On Linux each child also dies with this process if it is
killed outright (SIGKILL), so no orphaned server keeps the port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opora.core.demo import demo_accounts

# How long a stopping worker may take to finish the job it is running before it is killed.
WORKER_STOP_TIMEOUT = 30
WEB_STOP_TIMEOUT = 10
WORKER_INTERVAL = "0.5"


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec hook asking Linux to SIGTERM the child when this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def hook() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


WORKER = "обработчик задач"
SCHEDULER = "расписание"
WEB = "веб-сервер"
# Pauses before a supervised process that exited is started again: from the first to the
# longest, doubling while it keeps exiting; one that ran calmly this long starts afresh.
RESTART_PAUSE_FIRST = 1.0
RESTART_PAUSE_MAX = 60.0
RESTART_CALM_SECONDS = 300.0


@dataclass
class Child:
    """One supervised process: how to start it and whether its exit stops everything."""

    name: str
    command: list[str]
    restart: bool
    process: subprocess.Popen[bytes] | None = None
    exits: int = 0
    started_at: float = 0.0
    restart_at: float | None = None


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, process_group=0, preexec_fn=_die_with_parent()
    )


class Supervisor:
    """Keeps the worker and the scheduler running beside the web server."""

    def __init__(
        self,
        children: list[Child],
        *,
        write: Callable[[str], None],
        spawn: Callable[[list[str]], subprocess.Popen[bytes]] = _spawn,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = {child.name: child for child in children}
        self.write = write
        self.spawn = spawn
        self.clock = clock

    def start(self) -> None:
        for child in self.children.values():
            self._start(child)

    def _start(self, child: Child) -> None:
        child.process = self.spawn(child.command)
        child.started_at = self.clock()
        child.restart_at = None

    def check(self) -> str:
        """Restart the supervised children that exited; the name of a fatal one that exited."""
        now = self.clock()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.write(f"Процесс «{child.name}» запускается снова.")
                    self._start(child)
                continue
            if child.process is None or child.process.poll() is None:
                continue
            if not child.restart:
                return child.name
            child.exits = 1 if now - child.started_at > RESTART_CALM_SECONDS else child.exits + 1
            pause = min(RESTART_PAUSE_FIRST * 2 ** (child.exits - 1), RESTART_PAUSE_MAX)
            child.restart_at = now + pause
            self.write(
                f"Процесс «{child.name}» завершился (код {child.process.returncode}); "
                f"перезапуск через {pause:g} с. Веб-сервер продолжает работать."
            )
        return ""

    def processes(self) -> dict[str, subprocess.Popen[bytes]]:
        return {c.name: c.process for c in self.children.values() if c.process is not None}


class Command(BaseCommand):
    help = "Запустить Опору: веб-сервер и обработчик фоновых задач вместе"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("OPORA_HOST", "127.0.0.1"), help="адрес сервера"
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("OPORA_PORT") or 8000),
            help="порт (по умолчанию OPORA_PORT или 8000)",
        )
        parser.add_argument("--no-demo", action="store_true", help="не загружать демо-данные")
        parser.add_argument("--no-worker", action="store_true", help="без обработчика задач")

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        self._check_port_free(host, port)
        try:
            self._prepare(load_demo=not options["no_demo"])
        except KeyboardInterrupt:
            self.stderr.write("Запуск прерван.")
            sys.exit(130)

        stop_signal: list[int] = []

        def request_stop(signum: int, frame: object) -> None:
            stop_signal.append(signum)

        # Installed before the children start, so a signal never leaves them orphaned.
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        manage = [sys.executable, "-m", "opora.cli"]
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        children = [Child(WEB, [*manage, "runserver", "--noreload", address], restart=False)]
        if not options["no_worker"]:
            worker = [
                *manage,
                "db_worker",
                "--interval",
                WORKER_INTERVAL,
                "--queue-name",
                "*",
                "--no-reload",
                "--no-startup-delay",
            ]
            children.append(Child(WORKER, worker, restart=True))
            children.append(Child(SCHEDULER, [*manage, "scheduler"], restart=True))
        supervisor = Supervisor(children, write=self.stderr.write)
        failed = ""
        try:
            supervisor.start()
            failed = self._wait_until_listening(host, port, supervisor, stop_signal)
            if not failed and not stop_signal:
                self._print_welcome(host, port)
            while not failed and not stop_signal:
                failed = supervisor.check()
                time.sleep(0.2)
        finally:
            self._stop(supervisor.processes())
        if failed:
            code = supervisor.processes()[failed].returncode
            raise CommandError(
                f"Процесс «{failed}» завершился (код {code}); Опора остановлена.", returncode=1
            )
        self.stdout.write("Опора остановлена.")

    def _prepare(self, *, load_demo: bool) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # `demo` may be missing from a trimmed installation; serve works without it.
        if load_demo and "demo" in get_commands():
            # serve prints the accounts itself once the server answers.
            call_command("demo", "--if-empty", "--no-accounts")
        if not settings.DEBUG:
            # Without DEBUG WhiteNoise serves the collected, compressed files.
            call_command("collectstatic", interactive=False, verbosity=0)

    @staticmethod
    def _check_port_free(host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    f"Не удаётся занять адрес {host}:{port} ({exc.strerror}). Порт занят другой "
                    "программой? Укажите другой: opora serve --port 8080 (make run PORT=8080)."
                ) from exc

    def _wait_until_listening(
        self,
        host: str,
        port: int,
        supervisor: Supervisor,
        stop_signal: list[int],
        timeout: float = 30,
    ) -> str:
        """Wait for the web server's port; return the web server's name if it died meanwhile."""
        probe = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stop_signal:
            failed = supervisor.check()
            if failed:
                return failed
            try:
                with socket.create_connection((probe, port), timeout=0.5):
                    return ""
            except OSError:
                time.sleep(0.2)
        return ""

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        # Further Ctrl-C presses while stopping must not interrupt the cleanup itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for process in children.values():
            if process.poll() is None:
                process.terminate()
        for name, process in children.items():
            timeout = WORKER_STOP_TIMEOUT if name == WORKER else WEB_STOP_TIMEOUT
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"Процесс «{name}» не остановился за {timeout} с; завершён.")
                process.kill()
                process.wait()

    def _print_welcome(self, host: str, port: int) -> None:
        shown_host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)
        if ":" in shown_host and not shown_host.startswith("["):
            shown_host = f"[{shown_host}]"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Опора запущена: http://{shown_host}:{port}"))
        if host in ("0.0.0.0", "::"):
            self.stdout.write("Сервер открыт для сети: доступен по адресам этой машины.")
        demo = demo_accounts()
        if demo is not None and demo.accounts:
            self.stdout.write(f"Демо-учётные записи (пароль у всех: {demo.password}):")
            for username, role, description in demo.accounts:
                self.stdout.write(f"  {username:<12} {role} — {description}")
        self.stdout.write("Остановить: Ctrl-C")
        self.stdout.write("")
        self.stdout.flush()
