"""Shared test fixtures: the personas every feature is tested with.

The world: «Тестовая область» → «Город N» (districts «Северный», «Южный») and «Другой город».
School A is in Северный, school B in Южный, school C in Другой город.

| persona | who | reach |
|---|---|---|
| regional | regional coordinator, regional ministry | the whole region |
| coordinator | programme coordinator, department of Город N | Город N |
| analyst | analyst, methodical centre of Город N | Город N |
| council | council member at the department of Город N | Город N, read only |
| curator | curator from the methodical centre, assigned to school A | school A |
| director_a / director_b | directors of schools A and B | own school |
| staff_a | school staff of school A | school A |
| teacher | teacher of school A | school A, no personal data |
| outsider | programme coordinator of Другой город | Другой город only |
| superuser | Django superuser | everything |
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from opora.core.choices import Role
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import Organization, Territory
from opora.registry.tests.factories import (
    PASSWORD,
    CuratorAssignmentFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SchoolFactory,
    TerritoryFactory,
    UserFactory,
)


@dataclass
class World:
    region: Territory
    city: Territory
    north: Territory
    south: Territory
    other_city: Territory
    ministry: Organization
    department: Organization
    methodical_centre: Organization
    other_department: Organization
    school_a: Organization
    school_b: Organization
    school_c: Organization
    users: dict[str, User]

    def user(self, persona: str) -> User:
        return self.users[persona]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def _person_with_role(username: str, organization: Organization, role: str) -> Any:
    user = UserFactory(username=username)
    person = PersonFactory(user=user, last_name=username.capitalize())
    MembershipFactory(person=person, organization=organization, role=role)
    return user, person


@pytest.fixture
def world(db: Any) -> World:
    region = TerritoryFactory(name="Тестовая область", kind=TerritoryKind.REGION, code="R01")
    city = TerritoryFactory(name="Город N", parent=region, code="M01")
    north = TerritoryFactory(
        name="Северный", parent=city, kind=TerritoryKind.CITY_DISTRICT, code="D01"
    )
    south = TerritoryFactory(
        name="Южный", parent=city, kind=TerritoryKind.CITY_DISTRICT, code="D02"
    )
    other_city = TerritoryFactory(name="Другой город", parent=region, code="M02")
    ministry = OrganizationFactory(
        name="Министерство образования", short_name="Минобр", territory=region
    )
    department = OrganizationFactory(
        name="Департамент образования Города N", short_name="ДО Города N", territory=city
    )
    centre = OrganizationFactory(
        name="Городской центр развития образования",
        short_name="ГЦРО",
        territory=city,
        kind=OrganizationKind.METHODICAL_CENTRE,
    )
    other_department = OrganizationFactory(
        name="Управление образования Другого города",
        short_name="УО Другого города",
        territory=other_city,
    )
    school_a = SchoolFactory(
        name="Средняя школа № 1",
        short_name="СОШ № 1",
        territory=north,
        code="SCH-A",
        profile__number="1",
    )
    school_b = SchoolFactory(
        name="Гимназия № 2",
        short_name="Гимназия № 2",
        territory=south,
        code="SCH-B",
        profile__number="2",
    )
    school_c = SchoolFactory(
        name="Средняя школа № 3 Другого города",
        short_name="СОШ № 3",
        territory=other_city,
        code="SCH-C",
        profile__number="3",
    )
    users: dict[str, User] = {}
    users["regional"], _ = _person_with_role("regional", ministry, Role.REGIONAL_COORDINATOR)
    users["coordinator"], _ = _person_with_role(
        "coordinator", department, Role.PROGRAMME_COORDINATOR
    )
    users["analyst"], _ = _person_with_role("analyst", centre, Role.ANALYST)
    users["council"], _ = _person_with_role("council", department, Role.COUNCIL_MEMBER)
    users["curator"], curator = _person_with_role("curator", centre, Role.CURATOR)
    CuratorAssignmentFactory(curator=curator, school=school_a)
    users["director_a"], _ = _person_with_role("director_a", school_a, Role.SCHOOL_DIRECTOR)
    users["director_b"], _ = _person_with_role("director_b", school_b, Role.SCHOOL_DIRECTOR)
    users["staff_a"], _ = _person_with_role("staff_a", school_a, Role.SCHOOL_STAFF)
    users["teacher"], _ = _person_with_role("teacher", school_a, Role.TEACHER)
    users["outsider"], _ = _person_with_role(
        "outsider", other_department, Role.PROGRAMME_COORDINATOR
    )
    users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return World(
        region,
        city,
        north,
        south,
        other_city,
        ministry,
        department,
        centre,
        other_department,
        school_a,
        school_b,
        school_c,
        users,
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


class _SqliteCopies:
    """Copies of the in-memory SQLite database of a test worker, by SQLite's backup API
    (milliseconds)."""

    def __init__(self) -> None:
        self.copies: dict[str, Any] = {}

    def save(self, name: str) -> None:
        import sqlite3

        from django.db import connection

        connection.ensure_connection()
        copy = self.copies.get(name) or sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        self.copies[name] = copy

    def restore(self, name: str) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.copies[name].backup(connection.connection)

    # The demo shared by the test workers of a run: a file beside the lock (see `_SharedDemo`).
    def publish(self, place: Path) -> None:
        import sqlite3

        from django.db import connection

        connection.ensure_connection()
        with closing(sqlite3.connect(place.with_suffix(".sqlite3"))) as target:
            connection.connection.backup(target)

    def take(self, place: Path) -> bool:
        import sqlite3

        from django.db import connection

        source = place.with_suffix(".sqlite3")
        if not source.exists():
            return False
        connection.ensure_connection()
        with closing(sqlite3.connect(source)) as shared:
            shared.backup(connection.connection)
        return True


class _PostgresCopies:
    """Copies of a worker's PostgreSQL test database as template databases: `CREATE DATABASE
    … TEMPLATE` copies one in a second or two, where loading the demo takes most of a
    minute. The copies are dropped when the worker ends."""

    def __init__(self) -> None:
        import atexit

        from django.db import connection

        self.database = connection.settings_dict["NAME"]
        self.made: set[str] = set()
        atexit.register(self.drop_all)

    def _run(self, *statements: str) -> None:
        import psycopg
        from django.db import connection

        connection.close()  # a database being copied or replaced must have no session
        settings = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        ) as admin:
            for statement in statements:
                admin.execute(statement)

    def _name(self, name: str) -> str:
        return f"{self.database}_{name}"

    def save(self, name: str) -> None:
        copy = self._name(name)
        self._run(
            f'DROP DATABASE IF EXISTS "{copy}"',
            f'CREATE DATABASE "{copy}" TEMPLATE "{self.database}"',
        )
        self.made.add(copy)

    def restore(self, name: str) -> None:
        self._run(
            f'DROP DATABASE "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}" TEMPLATE "{self._name(name)}"',
        )

    # The demo shared by the test workers of a run: a template database named after the run
    # (the file `place` only says it exists); the worker that made it drops it at its exit.
    def publish(self, place: Path) -> None:
        shared = f"opora_demo_{place.stem[-12:]}"
        self._run(
            f'DROP DATABASE IF EXISTS "{shared}"',
            f'CREATE DATABASE "{shared}" TEMPLATE "{self.database}"',
        )
        self.made.add(shared)
        place.with_suffix(".database").write_text(shared)

    def take(self, place: Path) -> bool:
        marker = place.with_suffix(".database")
        if not marker.exists():
            return False
        shared = marker.read_text()
        if not self._exists(shared):  # the worker that made it has ended and dropped it
            return False
        self._run(
            f'DROP DATABASE "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}" TEMPLATE "{shared}"',
        )
        return True

    def _exists(self, name: str) -> bool:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def drop_all(self) -> None:
        if self.made:
            self._run(*(f'DROP DATABASE IF EXISTS "{copy}"' for copy in self.made))
            self.made.clear()


class _SharedDemo:
    """The demo is built once per test run, not once per worker: loading it takes a minute
    of one core, and under pytest-xdist every worker used to load its own. The first worker
    that needs it builds it while holding a lock and publishes a copy (a file for SQLite, a
    template database for PostgreSQL); the others wait on the lock and copy it in. Without
    xdist there is one process and nothing to share."""

    @staticmethod
    @contextmanager
    def claimed() -> Iterator[Path | None]:
        import fcntl
        import tempfile

        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        if not run:
            yield None
            return
        place = Path(tempfile.gettempdir()) / f"opora-demo-{run}"
        with place.with_suffix(".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield place
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # The demo's uploaded files (materials, photos, signed orders) are in the media folder of
    # the worker that built it (each worker has its own, config/settings_test.py, removed when
    # it ends): they are copied beside the shared database and from there to the others.
    @staticmethod
    def media_publish(place: Path) -> None:
        import shutil

        from django.conf import settings

        shutil.copytree(settings.MEDIA_ROOT, place.with_suffix(".media"), dirs_exist_ok=True)

    @staticmethod
    def media_take(place: Path) -> None:
        import shutil

        from django.conf import settings

        if place.with_suffix(".media").is_dir():
            shutil.copytree(place.with_suffix(".media"), settings.MEDIA_ROOT, dirs_exist_ok=True)

    @staticmethod
    def remove_files(run: str) -> None:
        import shutil
        import tempfile

        for path in Path(tempfile.gettempdir()).glob(f"opora-demo-{run}.*"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def pytest_configure(config: Any) -> None:
    # The controller names the run itself (xdist would pick a name it keeps to itself), so
    # that it can remove the shared demo when the workers are done.
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if getattr(config.option, "testrunuid", None) is None:
        import uuid

        config.option.testrunuid = uuid.uuid4().hex


def pytest_sessionfinish(session: Any) -> None:
    run = getattr(session.config.option, "testrunuid", None)
    if run and not hasattr(session.config, "workerinput"):
        _SharedDemo.remove_files(run)


class _DemoSnapshots:
    """The demo is loaded once per test worker and copied: the first module that needs it
    loads it and keeps a copy; every later module copies it in instead of loading the demo
    again (half a minute or more each). The database as it was before is copied aside and
    back afterwards. SQLite in memory and PostgreSQL each have their way of copying."""

    copies: _SqliteCopies | _PostgresCopies | None = None
    demo_saved = False

    @classmethod
    def _copies(cls) -> _SqliteCopies | _PostgresCopies:
        from django.db import connection

        if cls.copies is None:
            if connection.vendor == "postgresql":
                cls.copies = _PostgresCopies()
            elif connection.vendor == "sqlite" and connection.is_in_memory_db():
                cls.copies = _SqliteCopies()
            else:
                raise RuntimeError(f"нет способа копировать базу {connection.vendor}")
        return cls.copies

    @staticmethod
    def _forget_cached_rows() -> None:
        from django.contrib.contenttypes.models import ContentType

        # Content types are cached by id, and a copy may number them differently (a flush
        # by a transactional test re-creates them).
        ContentType.objects.clear_cache()

    @classmethod
    def load(cls) -> None:
        from django.core.management import call_command
        from django.db import connection

        copies = cls._copies()
        copies.save("before")
        if cls.demo_saved:
            copies.restore("demo")
        else:
            with _SharedDemo.claimed() as place:
                if place is not None and copies.take(place):
                    _SharedDemo.media_take(place)
                else:
                    # `--if-empty` on the empty database: the command's loading path, which
                    # registry/tests/test_demo_if_empty.py relies on having run here.
                    call_command("demo", "--if-empty", verbosity=0)
                    if connection.vendor == "postgresql":
                        # The planner must know the tables are no longer empty; the
                        # statistics travel with the copies.
                        with connection.cursor() as cursor:
                            cursor.execute("ANALYZE")
                    if place is not None:
                        copies.publish(place)
                        _SharedDemo.media_publish(place)
            copies.save("demo")
            cls.demo_saved = True
        cls._forget_cached_rows()

    @classmethod
    def unload(cls) -> None:
        cls._copies().restore("before")
        cls._forget_cached_rows()


@contextmanager
def demo_loaded(django_db_blocker: Any) -> Iterator[None]:
    """The demo territory in the test database for the block, committed (a live server's
    threads see it); the database is as before after it."""
    with django_db_blocker.unblock():
        try:
            _DemoSnapshots.load()
            yield
        finally:
            _DemoSnapshots.unload()


@contextmanager
def demo_served(django_db_blocker: Any) -> Iterator[str]:
    """The demo territory, committed, behind a live server of its own; yields the server's
    address. For a browser module that walks the demo: pytest-django's `live_server` flushes
    the database after every test, and the demo would have to be loaded for each.

    Start the browser first: Playwright's sync API changes the context Django's connections
    are kept in, and on in-memory SQLite the server must share the very connection the tests
    use (another one would find the tables locked by the test's transaction)."""
    from pytest_django.live_server_helper import LiveServer

    with demo_loaded(django_db_blocker), django_db_blocker.unblock():
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture(scope="module")
def demo_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo territory, loaded once for a module's tests and taken away after them.

    Each test still runs in its own transaction (pytest-django's `db`), rolled back, so what
    one test changes the next does not see."""
    with demo_loaded(django_db_blocker):
        yield


@pytest.fixture
def demo(demo_module: None, db: None) -> None:
    """The demo territory for one test (shared by the module, see `demo_module`)."""


# --- Real Chromium for the browser tests (marked `browser`) ---------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo_url(browser: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo behind a live server for a browser module that walks it (see `demo_served`);
    the walk is made on SQLite — the pages are the same on PostgreSQL, whose own runs check
    the queries."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("путь по страницам проверяется на SQLite")
    with demo_served(django_db_blocker) as url:
        yield url


def demo_login(page: Any, url: str, username: str) -> None:
    """Log in on the served demo as one of its accounts (cookies of the last one cleared)."""
    from django.urls import reverse

    from opora.registry.demo import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto(f"{url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} не вошёл"


@pytest.fixture
def steady_flood_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-ratelimit's counters (`opora.core.flood`) run in fixed windows; a test counting
    up to a limit must not see its window end half-way (it would start again from zero)."""
    import django_ratelimit.core

    monkeypatch.setattr(django_ratelimit.core, "_get_window", lambda value, period: 0)
