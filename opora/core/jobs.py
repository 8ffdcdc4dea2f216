"""Background jobs: what users see (Job) on top of the django-tasks queue that runs them.

A capability registers a handler for a job kind with `@job_handler("registry.import")`;
`job_start` records the Job and enqueues it after the transaction commits; the worker
(`opora db_worker`, started by `opora serve`) calls `job_run`, which reports progress, log
and result on the Job row so the job page can show them while the work goes on.

The handler contract makes «data are unchanged» true for every failure:

- A handler is called outside any transaction and may only read (and report progress): its
  writes are refused while it runs. It returns a *save step*, a function without arguments
  that does all the writing and returns the job's result.
- `job_run` calls the save step in one transaction and records the job's success in that
  same transaction. A failure anywhere (in the handler, in the save step, or a worker that
  dies) leaves the data as they were; e-mail is sent on commit (`opora.core.mail`), so a
  rolled-back job sends nothing.
- Reading outside the transaction matters on SQLite, where a transaction holds the write lock
  from its start (IMMEDIATE): only the save step locks the database, not the whole job.

While a job runs its heartbeat is refreshed by a thread; a running job whose heartbeat is
older than the lease (`OPORA_JOB_LEASE_SECONDS`) has lost its worker and `jobs_reap` marks it
failed. A failed job can be started again with the same parameters (`job_restart`).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import Error, InterfaceError, OperationalError, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.choices import JobStatus
from opora.core.dates import datetime_ru
from opora.core.models import Job

logger = logging.getLogger(__name__)

# Database errors (django.db.Error covers both DatabaseError and InterfaceError) are caught
# broadly and re-raised unless db_error_is_transient says waiting helps.

# Pauses before the next try when the database is busy (a locked SQLite file, a PostgreSQL
# serialisation failure or a dropped connection); after the last one the job fails.
DB_RETRY_DELAYS: tuple[float, ...] = (1, 4, 15)


class JobError(Exception):
    """A failure whose message is meant for the user (Russian, says what and where)."""


class JobContractError(RuntimeError):
    """A handler wrote to the database outside its save step (a programming error)."""


class JobLost(Exception):
    """The job was marked failed (its lease expired) while this worker was still on it."""


JobResult = dict[str, Any]
JobSave = Callable[[], JobResult]
JobHandler = Callable[[Job, "JobReporter"], JobSave]
JobHook = Callable[[Job], None]


@dataclass(frozen=True)
class JobKind:
    """What runs a kind of job, and what its domain objects do when it fails or restarts."""

    handler: JobHandler
    # Called in the transaction that marks the job failed (also when its worker died).
    on_failure: JobHook | None = None
    # Called in the transaction that queues the job again; raises ValidationError to refuse.
    on_restart: JobHook | None = None


_KINDS: dict[str, JobKind] = {}


def job_handler(
    kind: str, *, on_failure: JobHook | None = None, on_restart: JobHook | None = None
) -> Callable[[JobHandler], JobHandler]:
    """Register the function that does the work of jobs of `kind` (see the module docstring)."""

    def register(func: JobHandler) -> JobHandler:
        _KINDS[kind] = JobKind(func, on_failure, on_restart)
        return func

    return register


# --- Database errors worth another try --------------------------------------------------

# PostgreSQL: serialisation failure, deadlock, lock not available, the server shutting down.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03"}


def db_error_is_transient(exc: BaseException) -> bool:
    """Whether a database error goes away by itself, so waiting and trying again is right."""
    if isinstance(exc, InterfaceError):  # the connection was closed under us
        return True
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc).lower()
    if "database is locked" in message or "database table is locked" in message:
        return True
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state:
        return state in _TRANSIENT_SQLSTATES or state.startswith("08")  # 08: connection
    # psycopg reports a lost connection as an OperationalError without a state.
    return cause is not None and type(cause).__module__.startswith("psycopg")


def db_connection_recover() -> None:
    """Drop a broken connection so that the next query opens a new one (outside transactions)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _retrying(func: Callable[[], Any]) -> Any:
    """Call `func`, trying again after a pause while the database is busy."""
    for delay in (*DB_RETRY_DELAYS, None):
        try:
            return func()
        except Error as exc:
            if delay is None or not db_error_is_transient(exc):
                raise
            logger.warning("Database busy (%s); retrying in %s s", exc, delay)
            db_connection_recover()
            _pause(delay)
    raise AssertionError("unreachable")


# --- Reporting -----------------------------------------------------------------------------

_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP", "TRUNCATE")


class _ReadOnly:
    """An execute wrapper refusing writes while a handler prepares its work."""

    def __init__(self) -> None:
        self.allowed = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not self.allowed and sql.lstrip().upper().startswith(_WRITE_VERBS):
            raise JobContractError(
                "A job handler wrote outside its save step; return a save step instead: "
                + sql[:200]
            )
        return execute(sql, params, many, context)

    @contextmanager
    def allow(self) -> Iterator[None]:
        self.allowed += 1
        try:
            yield
        finally:
            self.allowed -= 1


class JobReporter:
    """Writes a running job's progress and log where the job page reads them.

    Outside the save step every report is written at once (and counts as a heartbeat). Inside
    it the reports are kept and written with the job's outcome: a line written in the
    transaction would be invisible until commit and lost on rollback.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._lines: list[str] = []
        self._fields: dict[str, Any] = {}
        self._holding = False
        self._guard: _ReadOnly | None = None
        # What was written, kept while a savepoint could take it back (see _attempt).
        self._journal: dict[str, Any] | None = None

    def progress(self, percent: float, text: str | None = None) -> None:
        self._fields["progress"] = max(0, min(100, int(percent)))
        if text is not None:
            self._fields["progress_text"] = text[:255]
        self._flush()

    def log(self, message: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self._lines.append(f"[{stamp}] {message}\n")
        self._flush()

    def take_lines(self) -> str:
        """The log lines not written yet (they go with the job's outcome)."""
        lines, self._lines = "".join(self._lines), []
        return lines

    def _flush(self) -> None:
        if self._holding or not (self._lines or self._fields):
            return
        fields = {**self._fields, "heartbeat_at": timezone.now()}
        if self._lines:
            fields["log"] = Concat(F("log"), Value("".join(self._lines)))
        try:
            with self._guard.allow() if self._guard else nullcontext():
                Job.objects.filter(pk=self.job.pk).update(**fields)
        except Error as exc:
            # A busy database must not fail the work over a progress bar: keep the lines
            # and try with the next report.
            if not db_error_is_transient(exc):
                raise
            logger.warning("Job %s: progress not written (%s)", self.job.pk, exc)
            return
        if self._journal is not None:
            self._journal.update(self._fields)
            self._journal["lines"] = self._journal.get("lines", "") + "".join(self._lines)
        self._lines, self._fields = [], {}

    def rewrite(self) -> None:
        """Write again the reports a rolled-back savepoint took back."""
        journal, self._journal = self._journal, None
        if journal:
            lines = journal.pop("lines", "")
            Job.objects.filter(pk=self.job.pk).update(**journal, log=Concat(F("log"), Value(lines)))

    @contextmanager
    def _held(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False


# --- Heartbeat and lease -------------------------------------------------------------------


def job_lease() -> datetime.timedelta:
    """How long a running job may go without a heartbeat before it counts as dead."""
    return datetime.timedelta(seconds=int(settings.OPORA_JOB_LEASE_SECONDS))


def heartbeat_interval() -> float:
    return max(0.05, min(15.0, job_lease().total_seconds() / 10))


class _Heartbeat:
    """Refreshes a running job's heartbeat from a thread (its own connection) while it works."""

    def __init__(self, job_id: int, every: float | None = None) -> None:
        self.job_id = job_id
        self.every = every if every is not None else heartbeat_interval()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        # Run synchronously inside a transaction (the immediate backend of the tests), the job
        # is invisible to other connections and nobody else watches it: no thread.
        if not transaction.get_connection().in_atomic_block:
            self._thread = threading.Thread(
                target=self._beat, name=f"job-{self.job_id}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Error as exc:
                    # On SQLite the save step holds the write lock; the next beat gets through.
                    logger.info("Job %s: heartbeat skipped (%s)", self.job_id, exc)
                    db_connection_recover()
        finally:
            connections.close_all()  # this thread's own connections


def _stale(cutoff: datetime.datetime) -> Q:
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )


def jobs_reap(*, now: datetime.datetime | None = None) -> list[Job]:
    """Mark failed the running jobs whose worker stopped (no heartbeat within the lease)."""
    now = now or timezone.now()
    cutoff = now - job_lease()
    reaped = []
    for job in Job.objects.filter(_stale(cutoff)).order_by("pk"):
        seen = job.heartbeat_at or job.started_at or job.created_at
        error = _(
            "Задача прервана: обработчик остановился, не завершив её (последний признак "
            "работы — %(at)s). Данные не изменены. Задачу можно запустить снова."
        ) % {"at": datetime_ru(seen)}
        with transaction.atomic():
            marked = Job.objects.filter(_stale(cutoff), pk=job.pk).update(
                status=JobStatus.FAILED,
                finished_at=now,
                error=error,
                log=Concat(F("log"), Value(_line(error))),
            )
            if marked:
                _on_failure(job)
                reaped.append(job)
        if marked:
            logger.warning("Job %s (%s) lost its worker; marked failed", job.pk, job.kind)
    return reaped


def jobs_reap_on_page() -> None:
    """`jobs_reap` for a page view: a busy database only postpones it (the scheduler reaps
    every minute too), it never turns the page into an error."""
    try:
        jobs_reap()
    except Error as exc:
        if not db_error_is_transient(exc):
            raise
        logger.info("Reaping dead jobs postponed: %s", exc)


def _line(message: str) -> str:
    return f"[{timezone.localtime().strftime('%H:%M:%S')}] {message}\n"


def _on_failure(job: Job) -> None:
    kind = _KINDS.get(job.kind)
    if kind is not None and kind.on_failure is not None:
        kind.on_failure(job)


# --- Starting, running, restarting ----------------------------------------------------------


def job_start(
    *,
    kind: str,
    title: str,
    params: dict[str, Any],
    user: User | None,
    organization_id: int | None = None,
) -> Job:
    """Record a job and put it on the queue once the surrounding transaction commits."""
    if kind not in _KINDS:
        raise LookupError(f"No handler for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title,
        params=params,
        created_by=user if user is not None and user.is_authenticated else None,
        organization_id=organization_id,
    )
    _enqueue_on_commit(job.pk)
    return job


def _enqueue_on_commit(job_id: int) -> None:
    def enqueue() -> None:
        from opora.core.tasks import run_job

        run_job.enqueue(job_id)

    transaction.on_commit(enqueue)


def job_may_restart(job: Job) -> bool:
    """Whether the job failed and its kind still exists (who may is the caller's check)."""
    return job.status == JobStatus.FAILED and job.kind in _KINDS


@transaction.atomic
def job_restart(*, job: Job, user: User | AnonymousUser) -> Job:
    """Queue a failed job again with the same parameters (e.g. an import's stored file).

    The caller checked that `user` may change the job (`job_get(user, pk, Action.CHANGE)`).
    """
    if not job_may_restart(job):
        raise ValidationError(_("Запустить снова можно только задачу, завершившуюся ошибкой."))
    kind = _KINDS[job.kind]
    if kind.on_restart is not None:
        kind.on_restart(job)
    who = (user.get_full_name() or user.get_username()) if isinstance(user, User) else ""
    queued = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED,
        progress=0,
        progress_text="",
        error="",
        result={},
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
        log=Concat(F("log"), Value(_line(_("Запущена снова: %(who)s") % {"who": who or "—"}))),
    )
    if not queued:
        raise ValidationError(_("Задача уже запущена снова."))
    _enqueue_on_commit(job.pk)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(job_id: int) -> None:
    """Run a queued job to its end, recording success or the failure users can read."""
    job = _retrying(lambda: _claim(job_id))
    if job is None:
        logger.warning("Job %s is not queued; skipped", job_id)
        return
    kind = _KINDS.get(job.kind)
    with _Heartbeat(job.pk):
        for delay in (*DB_RETRY_DELAYS, None):
            reporter = JobReporter(job)
            try:
                if kind is None:
                    raise LookupError(f"No handler for job kind {job.kind!r}")
                _attempt(job, kind, reporter)
            except JobError as exc:
                _fail(job, str(exc), reporter)
            except JobLost:
                logger.warning("Job %s was marked failed while it ran; its work undone", job.pk)
            except Exception as exc:
                if delay is not None and db_error_is_transient(exc):
                    logger.warning("Job %s: database busy (%s); retrying", job.pk, exc)
                    reporter.log(
                        _("База данных занята; повтор через %(s)s с.") % {"s": f"{delay:g}"}
                    )
                    db_connection_recover()
                    _pause(delay)
                    continue
                logger.exception("Job %s (%s) crashed", job.pk, job.kind)
                _fail(
                    job,
                    _(
                        "Внутренняя ошибка при выполнении задачи. Данные не изменены; "
                        "сообщите администратору номер задачи %(id)s."
                    )
                    % {"id": job.pk},
                    reporter,
                )
            return


def _attempt(job: Job, kind: JobKind, reporter: JobReporter) -> None:
    """The handler reads (writes refused), then its save step writes with the job's success."""
    guard = _ReadOnly()
    reporter._guard = guard
    connection = transaction.get_connection()
    # Run inside a caller's transaction (the tests' immediate backend), a savepoint keeps a
    # refused write or a failed query from breaking that transaction. The worker reads in
    # autocommit: on SQLite a transaction would take the write lock for the whole read.
    isolated = connection.in_atomic_block
    reporter._journal = {} if isolated else None
    try:
        with transaction.atomic() if isolated else nullcontext(), connection.execute_wrapper(guard):
            save = kind.handler(job, reporter)
    except BaseException:
        reporter.rewrite()  # what the savepoint's rollback took back from the job page
        raise
    finally:
        reporter._guard = reporter._journal = None
    if not callable(save):
        raise JobContractError(f"Handler of {job.kind!r} returned {type(save).__name__}")
    with transaction.atomic(), reporter._held():
        result = save()
        succeeded = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.SUCCEEDED,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            error="",
            progress=100,
            progress_text=_("Готово"),
            result=result,
            log=Concat(F("log"), Value(reporter.take_lines())),
        )
        if not succeeded:
            raise JobLost


def _fail(job: Job, error: str, reporter: JobReporter) -> None:
    lines = reporter.take_lines() + _line(error)

    @transaction.atomic
    def mark() -> None:
        # A job already marked failed (its lease expired) keeps that record.
        if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=error,
            log=Concat(F("log"), Value(lines)),
        ):
            _on_failure(job)

    _retrying(mark)
