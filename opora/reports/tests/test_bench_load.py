"""`opora bench load`: its figures, its login through the form, its floor view (no server is
started here: that is the bench's own run)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from opora.core.cards import SCHOOL_TABS
from opora.core.views import bench_trivial
from opora.registry.tests.factories import PASSWORD
from opora.reports.bench_load import (
    TRIVIAL,
    LoadResult,
    csrf_token,
    drive,
    free_port,
    load_table,
    page_urls,
    parse_clients,
    percentile,
    shares,
)


def test_percentile_interpolates_between_ranks() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1 … 100
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile(samples, 99) == pytest.approx(99.01)
    assert percentile(samples, 100) == 100
    assert percentile([7.0], 99) == 7
    assert percentile([], 50) == 0


def test_result_counts_rates_and_shares_of_the_floor_around_each_page() -> None:
    before = LoadResult(TRIVIAL, 10, latencies_ms=[10.0] * 200, seconds=2.0)
    after = LoadResult(TRIVIAL, 10, latencies_ms=[10.0] * 120, seconds=1.0)
    page = LoadResult("schools", 10, latencies_ms=[100.0] * 33, errors=1, seconds=1.0, floor=110)
    other_level = LoadResult("schools", 1, latencies_ms=[50.0] * 5, seconds=1.0)
    assert before.per_second == 100
    assert page.requests == 34
    assert page.per_second == 33  # failed requests are not served ones
    # The page's floor is the trivial view's req/s around it; a page without one has no share.
    assert shares([before, page, after, other_level]) == {("schools", 10): pytest.approx(0.3)}
    table = load_table([before, page, after], {"schools": "school list", TRIVIAL: "trivial view"})
    # The trivial view's runs of a level are one row: 320 answers in 3 seconds.
    assert table[2] == "| trivial view | 10 | 320 | 106.7 | 10 | 10 | 10 | 0 | — | — |"
    assert table[3] == "| school list | 10 | 34 | 33.0 | 100 | 100 | 100 | 1 | 110.0 | 30% |"


def test_drive_runs_for_the_requests_and_the_seconds_both() -> None:
    class Answer:
        status_code = 200

    class Session:
        def __init__(self) -> None:
            self.urls: list[str] = []

        async def get(self, url: str) -> Answer:
            self.urls.append(url)
            await asyncio.sleep(0.001)
            return Answer()

    session = Session()
    counted = asyncio.run(drive([(session, "/a/"), (session, "/b/")], "home", 3, 10))
    # At least the requests asked for (each client may start one more as the count is hit).
    assert 10 <= counted.requests <= 12
    assert session.urls[:4] == ["/a/", "/b/", "/a/", "/b/"]
    timed = asyncio.run(drive([(Session(), "/a/")], "home", 2, 1, seconds=0.2))
    assert timed.seconds >= 0.2
    assert timed.requests > 2


def test_clients_option_is_parsed_or_refused_in_russian() -> None:
    assert parse_clients("1,10,50") == [1, 10, 50]
    assert parse_clients(" 5 ") == [5]
    for bad in ("", "a,b", "0,10", "1;10"):
        with pytest.raises(ValueError, match="через запятую"):
            parse_clients(bad)


def test_free_port_is_a_loopback_port() -> None:
    assert 0 < free_port() < 65536


def test_login_form_token_signs_in_with_csrf_checks(world: Any) -> None:
    """The bench's login: the token read from the form is the one the POST must carry."""
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client.get("/accounts/login/").content.decode())
    refused = client.post("/accounts/login/", {"username": "coordinator", "password": "x"})
    assert refused.status_code == 403  # without the token
    answer = client.post(
        "/accounts/login/",
        {"username": "coordinator", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert client.get("/").status_code == 200
    with pytest.raises(ValueError, match="csrfmiddlewaretoken"):
        csrf_token("<form><input name='username'></form>")


def test_school_card_is_driven_through_all_its_tabs(world: Any) -> None:
    """A user reads the card a tab at a time: the bench's «school card» is every tab in turn."""
    client = world.client("coordinator")
    urls = page_urls(client, world.user("coordinator"))
    card = urls["school"]
    assert len(card) == len(SCHOOL_TABS)
    first = resolve(card[0])
    assert first.url_name == "school"  # «Общие сведения», the card's own address
    pk = first.kwargs["pk"]
    assert card[1:] == [
        reverse("registry:school-tab", args=[pk, tab.key]) for tab in SCHOOL_TABS[1:]
    ]
    for url in card:
        assert client.get(url).status_code == 200
    assert all(len(found) == 1 for page, found in urls.items() if page != "school")


def test_trivial_view_is_not_routed_outside_the_bench(world: Any) -> None:
    assert world.client("coordinator").get("/bench/trivial/").status_code == 404


def test_trivial_view_answers_the_signed_in_only(world: Any) -> None:
    request = RequestFactory().get("/bench/trivial/")
    request.user = world.user("coordinator")
    assert bench_trivial(request).content == b"ok"
    request.user = AnonymousUser()
    assert bench_trivial(request).status_code == 302


# --- CPU per request ----------------------------------------------------------------------------


def test_tables_work_out_a_render_signature_once_per_function(monkeypatch: Any) -> None:
    """django-tables2 asks for a render method's signature on every cell; the core's memo
    answers from the first inspection (a bound method of any instance alike)."""
    import inspect

    from django_tables2 import utils

    inspected: list[Any] = []
    real = inspect.signature

    def counting(fn: Any, **kwargs: Any) -> inspect.Signature:
        inspected.append(fn)
        return real(fn, **kwargs)

    monkeypatch.setattr(inspect, "signature", counting)

    class Table:
        def render_value(self, value: Any, record: Any) -> str:
            return ""

    def linkify(record: Any, **extra: Any) -> str:
        return ""

    for _ in range(3):
        assert utils.signature(Table().render_value) == (("value", "record"), None)
        assert utils.signature(linkify) == (("record",), "extra")
    assert len(inspected) == 2


def test_school_list_shows_choice_labels(world: Any) -> None:
    from opora.registry.choices import Locality, SchoolType

    profile = world.school_a.school
    profile.school_type, profile.locality = SchoolType.GYMNASIUM, Locality.RURAL
    profile.save()
    page = world.client("coordinator").get("/registry/schools/").content.decode()
    assert str(SchoolType.GYMNASIUM.label) in page
    assert str(Locality.RURAL.label) in page


def test_page_cpu_counts_the_queries_of_a_request(world: Any) -> None:
    from opora.reports.bench_load import page_cpu

    cpu_ms, queries = page_cpu(world.client("coordinator"), "/registry/schools/", repeat=1)
    assert cpu_ms >= 0
    assert queries > 0  # the query log a request clears is not what is counted


def test_table_rows_write_the_cells_as_the_library_template_did() -> None:
    """`table_rows` writes a page's rows in Python: each cell's attributes worked out once per
    column (except an attribute that is a function of the record, per cell), the text escaped,
    numbers localised as `{{ cell }}` would, `localize=False` columns left plain."""
    import django_tables2 as tables
    from django.template import Context, Template
    from django.utils import translation

    class Plain(tables.Table):
        name = tables.Column(attrs={"td": {"class": "text-end"}})
        code = tables.Column(attrs={"td": {"data-code": lambda record: record["code"]}})
        share = tables.Column()
        year = tables.Column(localize=False)

    rows = [
        {"name": "<b>А</b>", "code": "1", "share": 0.5, "year": 2025},
        {"name": "Б", "code": "2", "share": 1.25, "year": 2026},
    ]
    template = Template("{% load opora %}{% table_rows table %}")
    with translation.override("ru"):
        html = template.render(Context({"table": Plain(rows)}))
    assert html.count("<tr") == 2 and html.count("text-end") == 2
    assert 'data-code="1"' in html and 'data-code="2"' in html
    assert "&lt;b&gt;А&lt;/b&gt;" in html and "<b>" not in html
    assert "0,5" in html and "1,25" in html
    assert ">2025<" in html and ">2026<" in html

    # A table that works out its own cells (`cell_values`) is written the same, attributes
    # that are functions of the record included.
    class Own(Plain):
        def cell_values(self, record: dict[str, Any]) -> dict[str, Any]:
            return {name: record[name] for name in ("name", "code", "share", "year")}

    with translation.override("ru"):
        assert template.render(Context({"table": Own(rows)})) == html
