"""`opora bench load`: how many requests a real server gives the everyday pages.

The bench loads the demo into its throwaway database, starts gunicorn on a free loopback port
with production settings (DEBUG off, WhiteNoise, the shared cache production runs), signs in
as the demo's roles through the login form and drives each everyday page with a bounded
number of requests at each concurrency level from a small asyncio client (httpx: one
maintained library, no load-tool server of its own to start). A view that does nothing
behind the same middleware (`/bench/trivial/`, routed only when OPORA_BENCH_TRIVIAL is on)
is the floor of the same run: it is driven right before and right after each page at the same
concurrency, and the page's req/s is reported as a share of the mean of those two — so a
machine whose speed drifts during the run (a shared one does, several-fold) moves the page and
its floor together. Each measurement lasts at least `--seconds` as well as `--requests`, so
the floor's few hundred requests are not a fraction of a second of ramp-up.

The school card is read in tabs (one per request), so «school card» is all of its tabs in
turn: the i-th request of a role goes to the next tab, and the card's figures are those of a
user going through the whole card.

Before the server runs, the same pages are measured in-process with Django's test client:
CPU milliseconds and SQL queries per request (of the card: the mean over its tabs), the
figures the CPU work on each page moves.
"""

from __future__ import annotations

import asyncio
import html
import io
import itertools
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from opora.core.bench import BenchReport, benchmark

ROLES = ("coordinator", "analyst", "curator", "director", "teacher")
DEMO_PASSWORD = "demo12345"
# The everyday pages, in the order they are reported, with their names in the report.
PAGES: tuple[tuple[str, str], ...] = (
    ("home", "home"),
    ("schools", "school list"),
    ("school", "school card"),
    ("roadmap", "roadmap"),
    ("checkpoint", "checkpoint roll-up"),
    ("run", "identification results"),
)
TRIVIAL = "trivial"
TRIVIAL_PATH = "/bench/trivial/"
LOGIN_PATH = "/accounts/login/"
# Each page must serve at least this share of the trivial view's requests a second.
TARGET_SHARE = 0.15

_CSRF_INPUT = re.compile(
    r"""<input[^>]*name=["']csrfmiddlewaretoken["'][^>]*>""", re.IGNORECASE | re.DOTALL
)
_VALUE = re.compile(r"""value=["']([^"']*)["']""", re.IGNORECASE)


# --- Figures ----------------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of `samples` by linear interpolation between the closest
    ranks (numpy's default); 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """One page at one concurrency level: every request's latency (ms), the failures, the
    wall time from the first request sent to the last answer and, for a page, the trivial
    view's req/s driven around it (its floor)."""

    page: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    floor: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


def trivial_total(results: Iterable[LoadResult], clients: int) -> LoadResult:
    """All the trivial view's runs at one concurrency level as one result."""
    total = LoadResult(page=TRIVIAL, clients=clients)
    for r in results:
        if r.page == TRIVIAL and r.clients == clients:
            total.latencies_ms += r.latencies_ms
            total.errors += r.errors
            total.seconds += r.seconds
    return total


def load_table(results: Iterable[LoadResult], labels: dict[str, str]) -> list[str]:
    """A Markdown table of `results`: per concurrency level the trivial view's runs together,
    then each page's req/s, p50/p95/p99, errors, its floor (the trivial view's req/s around
    it) and its req/s as a share of that floor."""
    results = list(results)
    lines = [
        "| page | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| trivial around it, req/s | of trivial |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for level in dict.fromkeys(r.clients for r in results):
        rows = [trivial_total(results, level)]
        rows += [r for r in results if r.clients == level and r.page != TRIVIAL]
        for r in rows:
            floor = "—" if r.page == TRIVIAL else f"{r.floor:.1f}"
            share = "—" if r.page == TRIVIAL else f"{share_of_floor(r):.0%}"
            lines.append(
                f"| {labels.get(r.page, r.page)} | {r.clients} | {r.requests} "
                f"| {r.per_second:.1f} | {r.p(50):.0f} | {r.p(95):.0f} | {r.p(99):.0f} "
                f"| {r.errors} | {floor} | {share} |"
            )
    return lines


def share_of_floor(result: LoadResult) -> float:
    return result.per_second / result.floor if result.floor else 0.0


def shares(results: Iterable[LoadResult]) -> dict[tuple[str, int], float]:
    """Each page's req/s as a share of the trivial view's driven around it."""
    return {
        (r.page, r.clients): share_of_floor(r) for r in results if r.page != TRIVIAL and r.floor
    }


def parse_clients(text: str) -> list[int]:
    """«1,10,50» → [1, 10, 50]; anything else is refused with a Russian message."""
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        levels = []
    if not levels or min(levels) < 1:
        raise ValueError(
            f"--clients: ожидаются целые числа через запятую, например 1,10,50: «{text}»"
        )
    return levels


def csrf_token(page: str) -> str:
    """The CSRF token of the first form of an HTML page (the login form's hidden field)."""
    found = _CSRF_INPUT.search(page)
    value = _VALUE.search(found.group(0)) if found else None
    if value is None:
        raise ValueError("На странице входа нет поля csrfmiddlewaretoken.")
    return html.unescape(value.group(1))


# --- The pages each role opens ------------------------------------------------------------------


def page_urls(client: Any, user: Any) -> dict[str, list[str]]:
    """The URLs of each everyday page for `user` (signed in on the test `client`): of the
    richest object of its kind in the user's reach that the page shows (200) — one URL, or the
    school card's tabs; a page the role has no object for is left out."""
    from django.db.models import Count
    from django.urls import resolve, reverse

    from opora.core.access import restrict
    from opora.core.cards import SCHOOL_TABS
    from opora.identification.choices import RunStatus
    from opora.identification.models import IdentificationRun
    from opora.monitoring.models import Checkpoint
    from opora.registry.choices import OrganizationKind
    from opora.registry.models import Organization
    from opora.roadmaps.models import Roadmap

    roadmaps = (
        restrict(Roadmap.objects.all(), user)
        .annotate(size=Count("activities"))
        .order_by("-size", "pk")
    )
    schools = restrict(Organization.objects.filter(kind=OrganizationKind.SCHOOL), user)
    with_roadmap = schools.filter(roadmaps__isnull=False).distinct().order_by("pk")
    checkpoints = restrict(Checkpoint.objects.all(), user).order_by("-held_on", "-pk")
    runs = restrict(
        IdentificationRun.objects.exclude(status__in=[RunStatus.QUEUED, RunStatus.FAILED]), user
    ).order_by("-year", "-pk")
    candidates: dict[str, list[str]] = {
        "home": [reverse("core:home")],
        "schools": [reverse("registry:schools")],
        "school": [
            reverse("registry:school", args=[pk])
            for pk in [
                *with_roadmap.values_list("pk", flat=True)[:3],
                *schools.values_list("pk", flat=True)[:3],
            ]
        ],
        "roadmap": [
            reverse("roadmaps:roadmap", args=[pk])
            for pk in roadmaps.values_list("pk", flat=True)[:3]
        ],
        "checkpoint": [
            reverse("monitoring:checkpoint", args=[pk])
            for pk in checkpoints.values_list("pk", flat=True)[:3]
        ],
        "run": [
            reverse("identification:run", args=[pk]) for pk in runs.values_list("pk", flat=True)[:3]
        ],
    }
    found: dict[str, list[str]] = {}
    for page, urls in candidates.items():
        for url in urls:
            if client.get(url).status_code == 200:
                found[page] = [url]
                break
    if "school" in found:
        pk = resolve(found["school"][0]).kwargs["pk"]
        found["school"] += [
            reverse("registry:school-tab", args=[pk, tab.key]) for tab in SCHOOL_TABS[1:]
        ]
    return found


def trivial_url() -> str:
    return TRIVIAL_PATH


def page_cpu(client: Any, url: str, repeat: int) -> tuple[float, int]:
    """CPU milliseconds (this process: the view, templates, the database driver) and SQL
    queries of one request to `url`, the median of `repeat` after a warm-up."""
    import statistics

    from django.db import connection

    client.get(url)
    # Counted by an execute wrapper: the query log is cleared by each request and its
    # connection may be closed and opened again at the request's end.
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        client.get(url)
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples), queries


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_start(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, as production runs it."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        # 50 clients queue on the socket as they would behind nginx, none is refused.
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, process_group=0)


def server_wait(process: subprocess.Popen[bytes], port: int, timeout: float = 120) -> None:
    """Return once the server answers the login page; fail if it exits or never answers."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn завершился с кодом {process.returncode} при запуске.")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{LOGIN_PATH}", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn не ответил за {timeout:.0f} с.")


def server_stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (the whole process group): TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


# --- The client ---------------------------------------------------------------------------------


async def login(client: Any, username: str, password: str) -> None:
    """Sign in through the login form (GET for the CSRF token and cookie, then POST) on an
    httpx.AsyncClient, which keeps the session cookie."""
    page = await client.get(LOGIN_PATH)
    token = csrf_token(page.text)
    answer = await client.post(
        LOGIN_PATH,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{client.base_url}{LOGIN_PATH}"},
    )
    if answer.status_code != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"Не удалось войти как {username} (ответ {answer.status_code}).")


async def drive(
    targets: Sequence[tuple[Any, str]],
    page: str,
    clients: int,
    requests: int,
    seconds: float = 0.0,
) -> LoadResult:
    """At least `requests` GETs, and for at least `seconds`, spread over `clients` concurrent
    clients; the i-th request is `targets[i % len(targets)]`: a signed-in session
    (httpx.AsyncClient) and the URL its role opens, so the roles' pages are mixed evenly."""
    result = LoadResult(page=page, clients=clients)
    numbers = itertools.count()
    start = time.perf_counter()

    async def one_client() -> None:
        for n in numbers:
            if n >= requests and time.perf_counter() - start >= seconds:
                return
            session, url = targets[n % len(targets)]
            sent = time.perf_counter()
            try:
                answer = await session.get(url)
                ok = answer.status_code == 200
            except Exception:  # a refused or dropped connection is an error of the run
                ok = False
            if ok:
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
            else:
                result.errors += 1

    await asyncio.gather(*(one_client() for _ in range(clients)))
    result.seconds = time.perf_counter() - start
    return result


async def load_run(
    base_url: str,
    role_urls: dict[str, dict[str, list[str]]],
    levels: Sequence[int],
    requests: int,
    seconds: float,
    log: Callable[[str], None],
) -> list[LoadResult]:
    """Sign in as each role, then at each level drive the trivial view, a page, the trivial
    view, the next page… and the trivial view; each page's floor is the mean of the trivial
    view's req/s just before and just after it."""
    import httpx

    limits = httpx.Limits(max_connections=max(levels), max_keepalive_connections=max(levels))
    clients = {
        role: httpx.AsyncClient(base_url=base_url, limits=limits, timeout=300) for role in role_urls
    }

    async def measure(page: str, level: int) -> LoadResult:
        targets = [
            (clients[role], url)
            for role, urls in role_urls.items()
            for url in ([TRIVIAL_PATH] if page == TRIVIAL else urls.get(page, []))
        ]
        result = await drive(targets, page, level, requests, seconds)
        log(
            f"  {page} × {level}: {result.per_second:.1f} req/s, "
            f"p95 {result.p(95):.0f} ms, ошибок {result.errors}"
        )
        return result

    try:
        for role, client in clients.items():
            await login(client, role, DEMO_PASSWORD)
        results = []
        for level in levels:
            before = await measure(TRIVIAL, level)
            results.append(before)
            pages = [key for key, _ in PAGES if any(key in urls for urls in role_urls.values())]
            for page in pages:
                result = await measure(page, level)
                after = await measure(TRIVIAL, level)
                result.floor = (before.per_second + after.per_second) / 2
                results += [result, after]
                before = after
        return results
    finally:
        for client in clients.values():
            await client.aclose()


# --- The benchmark ------------------------------------------------------------------------------

# What production runs (README, «Production»): the database cache, shared by every process
# through the one PostgreSQL (or SQLite file) without another server.
SHARED_CACHE_URL = "dbcache://opora_cache"
SHARED_CACHES = ("dbcache://", "redis://", "rediss://", "memcache://", "pymemcache://")


def bench_cache_url() -> str:
    """The shared cache the server runs with: CACHE_URL when it names one, else the database
    cache (its table created here)."""
    from django.core.management import call_command

    given = os.environ.get("CACHE_URL", "")
    if given.startswith(SHARED_CACHES):
        return given
    call_command("createcachetable", "opora_cache", verbosity=0)
    return SHARED_CACHE_URL


def cpu_table(figures: dict[str, dict[str, tuple[float, int]]]) -> list[str]:
    """A Markdown table of CPU ms and queries per request, per page (rows) and role."""
    roles = list(figures)
    lines = [
        "| page | " + " | ".join(roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    labels = dict(PAGES) | {TRIVIAL: "trivial view"}
    for page in (*(key for key, _ in PAGES), TRIVIAL):
        cells = []
        for role in roles:
            figure = figures[role].get(page)
            cells.append(f"{figure[0]:.1f} ms, {figure[1]} q" if figure else "—")
        lines.append(f"| {labels[page]} | " + " | ".join(cells) + " |")
    return lines


def pages_cpu(client: Any, urls: Sequence[str], repeat: int) -> tuple[float, int]:
    """`page_cpu` of a page of one or more URLs (the card's tabs): the mean over them."""
    figures = [page_cpu(client, url, repeat) for url in urls]
    return (
        sum(ms for ms, _ in figures) / len(figures),
        round(sum(queries for _, queries in figures) / len(figures)),
    )


def role_pages(
    repeat: int,
) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, tuple[float, int]]]]:
    """Each demo role's page URLs, and the CPU ms and queries of each page in this process."""
    from django.contrib.auth.models import User
    from django.test import Client

    urls: dict[str, dict[str, list[str]]] = {}
    figures: dict[str, dict[str, tuple[float, int]]] = {}
    for role in ROLES:
        user = User.objects.get(username=role)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        urls[role] = page_urls(client, user)
        figures[role] = {
            page: pages_cpu(client, addresses, repeat)
            for page, addresses in [*urls[role].items(), (TRIVIAL, [TRIVIAL_PATH])]
        }
    return urls, figures


@benchmark("load")
def load(report: BenchReport) -> None:
    """The demo on the bench's database; CPU per request in-process; then gunicorn under load."""
    from django.conf import settings
    from django.core.management import call_command

    options = report.options
    workers = int(str(options.get("workers") or 2))
    levels = parse_clients(str(options.get("clients") or "1,10,50"))
    requests = int(str(options.get("requests") or 120))
    seconds = float(str(options.get("seconds") or 3))
    if not settings.OPORA_BENCH_TRIVIAL:
        raise RuntimeError("Замер load запускается командой `opora bench load`.")

    report.log("Загрузка демо…")
    call_command("demo", stdout=io.StringIO())
    cache_url = bench_cache_url()

    report.log("CPU на запрос в процессе (тестовый клиент, медиана)…")
    role_urls, figures = role_pages(repeat=10)
    for line in cpu_table(figures):
        report.log(line)

    env = {**os.environ, "CACHE_URL": cache_url, "OPORA_BENCH_TRIVIAL": "1"}
    port = free_port()
    report.log(f"gunicorn: {workers} процесса, порт {port}, кэш {cache_url}…")
    server = server_start(port, workers, env)
    try:
        server_wait(server, port)
        results = asyncio.run(
            load_run(f"http://127.0.0.1:{port}", role_urls, levels, requests, seconds, report.log)
        )
    finally:
        server_stop(server)

    labels = dict(PAGES) | {TRIVIAL: "trivial view"}
    report.log("")
    for line in load_table(results, labels):
        report.log(line)
    top = max(levels)
    for (page, clients), share in shares(results).items():
        if clients == top:
            report.add(
                f"{labels[page]}, {clients} clients: req/s of the trivial view's",
                f"{share:.0%}",
                f"≥ {TARGET_SHARE:.0%}",
                share >= TARGET_SHARE,
            )
    errors = sum(r.errors for r in results)
    report.add("failed requests", str(errors), "0", errors == 0)
    report.add("cache", cache_url)
