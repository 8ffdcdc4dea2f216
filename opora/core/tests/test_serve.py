"""`opora serve` keeps the web server up when the worker or the scheduler exits, and the
worker itself waits out a busy database.

The supervisor is tested with small Python processes and a clock the test moves, so nothing
waits for real pauses and no web server is started.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.db import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker as library

from opora.core.management.commands import db_worker
from opora.core.management.commands.serve import (
    RESTART_PAUSE_FIRST,
    SCHEDULER,
    WEB,
    WORKER,
    Child,
    Supervisor,
)

EXITS = [sys.executable, "-c", "raise SystemExit(3)"]
RUNS = [sys.executable, "-c", "import time; time.sleep(60)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def supervised() -> Iterator[tuple[Supervisor, Clock, list[str]]]:
    clock, said = Clock(), list[str]()
    supervisor = Supervisor(
        [
            Child(WEB, RUNS, restart=False),
            Child(WORKER, EXITS, restart=True),
            Child(SCHEDULER, RUNS, restart=True),
        ],
        write=said.append,
        clock=clock,
    )
    supervisor.start()
    yield supervisor, clock, said
    for process in supervisor.processes().values():
        if process.poll() is None:
            process.kill()
        process.wait()


def _exited(process: subprocess.Popen[bytes] | None) -> None:
    assert process is not None
    process.wait(timeout=30)


def test_a_worker_that_exits_is_started_again_and_the_web_server_stays(supervised):
    supervisor, clock, said = supervised
    worker, web = supervisor.children[WORKER], supervisor.children[WEB]
    first = worker.process
    _exited(first)

    assert supervisor.check() == ""  # not fatal: the web server keeps running
    assert said == [
        f"Процесс «{WORKER}» завершился (код 3); перезапуск через 1 с. "
        "Веб-сервер продолжает работать."
    ]
    assert worker.process is first  # the pause first
    clock.now += RESTART_PAUSE_FIRST
    assert supervisor.check() == ""
    assert worker.process is not first and said[-1] == f"Процесс «{WORKER}» запускается снова."
    assert web.process is not None and web.process.poll() is None

    # Exiting again at once, it waits twice as long.
    _exited(worker.process)
    supervisor.check()
    assert "перезапуск через 2 с" in said[-1]


def test_the_web_server_exiting_stops_opora(supervised):
    supervisor, _clock, _said = supervised
    web = supervisor.children[WEB].process
    assert web is not None
    web.kill()
    web.wait()
    assert supervisor.check() == WEB


def _worker() -> db_worker.ResilientWorker:
    return db_worker.ResilientWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_the_worker_waits_out_transient_errors_with_growing_pauses(monkeypatch):
    errors = [OperationalError("database is locked"), InterfaceError("connection already closed")]

    def run(self: object) -> None:
        if errors:
            raise errors.pop(0)

    pauses: list[float] = []
    monkeypatch.setattr(library.Worker, "run", run)
    monkeypatch.setattr(db_worker, "_sleep", pauses.append)
    monkeypatch.setattr(db_worker, "db_connection_recover", lambda: None)
    _worker().run()
    assert pauses == [db_worker.PAUSE_FIRST, db_worker.PAUSE_FIRST * 2]


def test_the_worker_still_stops_on_a_real_error(monkeypatch):
    def run(self: object) -> None:
        raise OperationalError("no such table: django_tasks_db_dbtaskresult")

    monkeypatch.setattr(library.Worker, "run", run)
    with pytest.raises(OperationalError, match="no such table"):
        _worker().run()
