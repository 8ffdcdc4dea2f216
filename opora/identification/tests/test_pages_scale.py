"""The identification pages at a territory's scale: the school card, the scatter page and the
run's results page send what a screen shows and read in as many queries whatever the number
of schools; names stay with those who may see the school."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.identification import selectors, views
from opora.identification.choices import RunStatus
from opora.identification.distribution import GRID, grid_of_rows
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.tests.factories import SchoolFactory


def outcomes(run: IdentificationRun, schools: list[Any], seed: int) -> None:
    """Stored outcomes of `schools` (bulk-created, as the job does) and the run's summary with
    its density grid, recomputed over all the run's schools."""
    rng = random.Random(seed)
    rows = []
    for n, school in enumerate(schools):
        context = round(rng.gauss(0, 1), 4)
        results = round(0.6 * context + rng.gauss(0, 0.5), 4)
        rows.append(
            SchoolIdentification(
                run=run,
                school=school,
                context_index=context,
                results_index=results,
                expected=round(0.6 * context, 4),
                residual=round(results - 0.6 * context, 4),
                residual_z=round((results - 0.6 * context) / 0.5, 4),
                low_results=n % 5 == 0,
                unfavourable=n % 7 == 0,
                risk=n % 11 == 0,
                in_list=n % 5 == 0 or n % 7 == 0,
                reasons=[{"text": "Индекс результатов в нижних 10 %"}],
            )
        )
    SchoolIdentification.objects.bulk_create(rows)
    stored = list(run.schools.all())
    run.summary = {
        "schools": len(stored),
        "in_list": sum(r.in_list for r in stored),
        "low_results": sum(r.low_results for r in stored),
        "unfavourable": sum(r.unfavourable for r in stored),
        "results_cut": -0.9,
        "context_cut": -1.2,
        "regression": {"intercept": 0.0, "slope": 0.6, "residual_sd": 0.5, "schools": 1},
        "distribution": grid_of_rows(stored),
    }
    run.save(update_fields=["summary"])


@pytest.fixture
def run(world: Any) -> IdentificationRun:
    """A region's run (seen by the city's roles as the list above them): schools A, B and C
    and ten more in Северный."""
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(
        territory=world.region, year=2025, version=version, status=RunStatus.APPROVED
    )
    more = SchoolFactory.create_batch(10, territory=world.north)
    outcomes(run, [world.school_a, world.school_b, world.school_c, *more], seed=1)
    return run


def grow(world: Any, run: IdentificationRun, n: int = 26) -> None:
    """About three times the schools: more in both cities."""
    more = [SchoolFactory(territory=world.south if i % 2 else world.other_city) for i in range(n)]
    outcomes(run, more, seed=2)


def chart_of(html: str, chart_id: str) -> dict[str, Any]:
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html)
    assert found, f"no {chart_id} data"
    return json.loads(found.group(1))


def count_queries(client: Any, url: str) -> tuple[int, str]:
    client.get(url)  # warm caches (reach, menus) as a second visit would
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_school_card_sends_the_school_and_the_grid_whatever_the_territory(world, run):
    client = world.client("coordinator")
    url = reverse("registry:school-tab", args=[world.school_a.pk, "diagnostics"])
    few, html = count_queries(client, url)
    small = chart_of(html, "school-scatter")
    grow(world, run)
    many, html = count_queries(client, url)
    chart = chart_of(html, "school-scatter")
    assert many == few
    # One point, the school's own; the rest as at most GRID × GRID cells of counts.
    assert [p[3] for p in chart["points"]] == [world.school_a.pk] == [p[3] for p in small["points"]]
    assert len(chart["grid"]["cells"]) <= GRID * GRID
    assert sum(c[2] for c in chart["grid"]["cells"]) == run.schools.count() == 39
    assert chart["highlight"] == world.school_a.pk
    assert chart["results_cut"] == -0.9 and chart["context_cut"] == -1.2
    assert "Клетки — 39 школ расчёта" in html and "Школа — точка с чёрной обводкой" in html
    assert 'aria-describedby="school-scatter-caption"' in html
    # The whole run opens for the coordinator: a link to the school on the scatter page.
    assert f"/chart/?school={world.school_a.pk}" in html


def test_school_card_of_a_director_names_no_other_school(world, run):
    html = world.client("director_a").get(
        reverse("registry:school-tab", args=[world.school_a.pk, "diagnostics"])
    )
    html = html.content.decode()
    chart = chart_of(html, "school-scatter")
    assert [p[4] for p in chart["points"]] == [world.school_a.short_name]
    # A director does not open the region's list: no link to its chart.
    assert "/chart/" not in html


def test_scatter_page_queries_do_not_grow_and_names_stay_hidden(world, run):
    client = world.client("coordinator")
    url = reverse("identification:run-chart", args=[run.pk])
    few, html = count_queries(client, url)
    assert len(chart_of(html, "run-scatter")["points"]) == 13
    grow(world, run)
    many, html = count_queries(client, url)
    assert many == few
    chart = chart_of(html, "run-scatter")
    assert len(chart["points"]) == 39 and chart["grid"]["cells"] == []
    # School C is in the region's run but not in the city coordinator's reach: no name, no id.
    (c,) = [p for p in chart["points"] if p[0] == _outcome(run, world.school_c).context_index]
    assert c[3] is None and c[4] == ""
    names = {p[4] for p in chart["points"]}
    assert world.school_c.short_name not in names and world.school_a.short_name in names


def _outcome(run: IdentificationRun, school: Any) -> SchoolIdentification:
    return run.schools.get(school=school)


@pytest.mark.parametrize("persona", ["outsider", "director_a", "anonymous"])
def test_scatter_page_closed_to_those_outside(world, run, persona):
    # The outsider sees the region's list (above them) with their own city's schools named.
    response = world.client(persona).get(reverse("identification:run-chart", args=[run.pk]))
    if persona == "outsider":
        names = {p[4] for p in chart_of(response.content.decode(), "run-scatter")["points"]}
        assert names == {world.school_c.short_name, ""}
    else:
        assert response.status_code in (302, 404)


def test_scatter_page_beyond_the_limit_draws_flagged_and_chosen_over_the_grid(
    world, run, monkeypatch
):
    grow(world, run)
    monkeypatch.setattr(selectors, "CHART_POINTS_LIMIT", 20)
    client = world.client("coordinator")
    unflagged = run.schools.filter(
        school__territory=world.south,
        low_results=False,
        unfavourable=False,
        risk=False,
        resilient=False,
    ).first()
    url = reverse("identification:run-chart", args=[run.pk]) + f"?school={unflagged.school_id}"
    few, html = count_queries(client, url)
    chart = chart_of(html, "run-scatter")
    flagged = run.schools.filter(
        selectors.FLAGGED_Q, results_index__isnull=False, context_index__isnull=False
    )
    drawn = {p[3] for p in chart["points"] if p[3]}
    assert unflagged.school_id in drawn and chart["highlight"] == unflagged.school_id
    assert len(chart["points"]) == flagged.count() + 1
    # The grid counts only the schools not drawn as points.
    assert sum(c[2] for c in chart["grid"]["cells"]) == 39 - flagged.count()
    assert "клетки: чем темнее, тем больше школ" in html and "chart-sample" not in html
    # Too many flagged for the screen: a deterministic sample, said on the page.
    monkeypatch.setattr(selectors, "CHART_FLAGGED_LIMIT", 4)
    sampled, html = count_queries(client, url)
    assert sampled == few
    chart = chart_of(html, "run-scatter")
    shown = sum(1 for p in chart["points"] if p[2] != "other")
    assert 0 < shown <= 4 and chart["points"][0][3] == unflagged.school_id
    assert f"показаны {shown} из {flagged.count()}" in html
    assert chart == chart_of(client.get(url).content.decode(), "run-scatter")
    # A school outside the user's reach is not drawn for being chosen (its place would show).
    hidden = run.schools.get(school=world.school_c)
    url = reverse("identification:run-chart", args=[run.pk]) + f"?school={hidden.school_id}"
    chart = chart_of(client.get(url).content.decode(), "run-scatter")
    assert not any(p[0] == hidden.context_index and p[2] == "other" for p in chart["points"])


def test_distribution_of_a_run_stored_before_is_binned_by_the_database(world, run):
    grow(world, run)
    stored = run.summary["distribution"]
    del run.summary["distribution"]
    with CaptureQueriesContext(connection) as queries:
        binned = selectors.run_distribution(run)
    assert len(queries) == 2
    assert binned == stored and stored["schools"] == 39
    assert stored["flagged"] == run.schools.filter(selectors.FLAGGED_Q).count()


def test_run_results_page_queries_do_not_grow(world, run, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    client = world.client("coordinator")
    url = reverse("identification:run", args=[run.pk])
    few, _html = count_queries(client, url)
    filtered = url + "?status=in_list&q=СОШ"
    few_filtered, _html = count_queries(client, filtered)
    grow(world, run)
    many, html = count_queries(client, url)
    assert many == few
    assert count_queries(client, filtered)[0] == few_filtered
    # Paginated: one page of rows, the count of all the coordinator sees (A, B, ten more in
    # Северный, thirteen in Южный).
    assert len(re.findall(r'<td><a href="/registry/schools/\d+/">', html)) == 10
    assert "Найдено школ: 25" in html
