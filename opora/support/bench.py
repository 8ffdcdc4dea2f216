"""Benchmarks of the support network."""

from __future__ import annotations

import datetime
import time
from functools import partial
from typing import Any

import numpy as np
import polars as pl
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.bench import BenchReport, benchmark, median_ms, timed
from opora.core.choices import Role
from opora.identification.choices import RunStatus
from opora.identification.engine import context_for_year
from opora.identification.methodology import default_params
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.registry.choices import OrganizationKind, SchoolType, TerritoryKind
from opora.registry.models import Membership, Organization, Person, SchoolProfile, Territory
from opora.results.models import ContextIndicator, ContextValue
from opora.support.recommender import (
    MentorParams,
    context_matrix,
    mentor_proposal,
    rank,
    standardise,
)

# --- network ---

SEED = 20261
YEARS = (2023, 2024)
# (label, schools, municipalities, target seconds for one school's candidates)
SIZES: tuple[tuple[str, int, int, float], ...] = (
    ("регион", 2_000, 40, 1.0),
    ("страна", 40_000, 800, 10.0),
)


def generate(schools: int, municipalities: int, seed: int = SEED) -> dict[str, Any]:
    """A territory's context (long, as read from the database: two years, 3 % of values
    missing), each school's results index, flags, municipality and mentor load — all
    vectorised."""
    rng = np.random.default_rng(seed)
    params = default_params()
    codes = [c.indicator for c in params.context_components if c.weight]
    latent = rng.normal(0.0, 1.0, schools)
    values = latent[:, None, None] * rng.uniform(-12, 12, len(codes))[None, None, :] + rng.normal(
        30.0, 6.0, (schools, len(YEARS), len(codes))
    )
    present = rng.random(values.shape) > 0.03
    shape = values.shape
    per_school = shape[1] * shape[2]
    frame = (
        pl.DataFrame(
            {
                "school_id": np.repeat(np.arange(1, schools + 1, dtype=np.int64), per_school),
                "year": np.broadcast_to(np.array(YEARS, dtype=np.int32)[None, :, None], shape)
                .ravel()
                .copy(),
                "indicator": np.broadcast_to(np.arange(len(codes), dtype=np.int32), shape)
                .ravel()
                .copy(),
                "value": np.round(values, 1).ravel(),
                "present": present.ravel(),
            }
        )
        .filter(pl.col("present"))
        .drop("present")
        .with_columns(
            pl.col("indicator").replace_strict(dict(enumerate(codes)), return_dtype=pl.Utf8)
        )
    )
    results = 0.55 * latent + rng.normal(0.0, 0.8, schools)
    listed = results <= np.quantile(results, 0.10)
    listed |= latent <= np.quantile(latent, 0.15)
    resilient = (latent <= np.quantile(latent, 0.25)) & (
        results - 0.55 * latent >= np.quantile(results - 0.55 * latent, 0.9)
    )
    return {
        "ids": np.arange(1, schools + 1, dtype=np.int64),
        "frame": frame,
        "codes": codes,
        "weights": np.array([float(c.weight) for c in params.context_components if c.weight]),
        "results": results,
        "listed": listed,
        "resilient": resilient,
        "municipality": rng.integers(0, municipalities, schools),
        "load": rng.integers(0, 4, schools),
        "params": params,
    }


def recommend(data: dict[str, Any], target: int) -> Any:
    """What the page computes for one school: the latest values, the matrix, the ranking."""
    latest = context_for_year(data["frame"], YEARS[-1], data["params"])
    raw = context_matrix(latest, data["ids"], data["codes"])
    return rank(
        z=standardise(raw),
        weights=data["weights"],
        results=data["results"],
        resilient=data["resilient"],
        listed=data["listed"],
        municipality=data["municipality"],
        load=data["load"],
        target=target,
        params=MentorParams(),
    )


def _pure(report: BenchReport) -> None:
    for label, schools, municipalities, target_s in SIZES:
        start = time.perf_counter()
        data = generate(schools, municipalities)
        values = f"{data['frame'].height:,}".replace(",", " ")
        report.add(
            f"{label}, {schools} школ: генерация {values} значений контекста (не входит в замер)",
            f"{time.perf_counter() - start:.2f} s",
        )
        target = int(np.flatnonzero(data["listed"])[0])
        start = time.perf_counter()
        ranked = recommend(data, target)
        first_s = time.perf_counter() - start
        samples = timed(partial(recommend, data, target), repeat=5)
        latest = context_for_year(data["frame"], YEARS[-1], data["params"])
        raw = context_matrix(latest, data["ids"], data["codes"])
        floor = timed(partial(standardise, raw), repeat=5)
        slowest_s = max(first_s, median_ms(samples) / 1000)
        report.add(
            f"{label}, {schools} школ: кандидаты для одной школы (последние значения, матрица, "
            "z-оценки, расстояния, отбор), первый вызов / медиана",
            f"{first_s * 1000:.0f} / {median_ms(samples):.0f} ms",
            f"< {target_s:g} s",
            slowest_s < target_s,
        )
        report.add(
            f"{label}, {schools} школ: «пол» — z-оценки той же матрицы, медиана",
            f"{median_ms(floor):.2f} ms",
        )
        report.add(
            f"{label}, {schools} школ: кандидаты / «пол»",
            f"{median_ms(samples) / max(median_ms(floor), 1e-6):.0f}×",
        )
        report.add(
            f"{label}, {schools} школ: найдено кандидатов (проверка)",
            f"{len(ranked.rows)}",
        )


def _database(report: BenchReport) -> None:
    """One school's page through the database: 2,000 schools of a region in 40
    municipalities, their context for two years and an approved list."""
    label, schools, municipalities, target_s = SIZES[0]
    data = generate(schools, municipalities)
    region = Territory.objects.add_root({"name": "Бенч-область", "kind": TerritoryKind.REGION})
    towns = [
        Territory.objects.add_child(
            region, {"name": f"Муниципалитет {n}", "kind": TerritoryKind.MUNICIPALITY}
        )
        for n in range(municipalities)
    ]
    authority = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code="BENCH-MIN",
        name="Министерство образования Бенч-области",
        short_name="Минобр",
        territory=region,
    )
    Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"BENCH-{n:05d}",
                name=f"Школа № {n}",
                short_name=f"СОШ № {n}",
                territory=towns[int(data["municipality"][n - 1])],
            )
            for n in range(1, schools + 1)
        ],
        batch_size=1000,
    )
    by_code = dict(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL).values_list("code", "pk")
    )
    pk_of = np.array([by_code[f"BENCH-{n:05d}"] for n in range(1, schools + 1)])
    SchoolProfile.objects.bulk_create(
        [SchoolProfile(organization_id=int(pk), school_type=SchoolType.SOSH) for pk in pk_of],
        batch_size=1000,
    )
    indicators = dict(ContextIndicator.objects.values_list("code", "pk"))
    frame = data["frame"]
    ContextValue.objects.bulk_create(
        [
            ContextValue(
                school_id=int(pk_of[school_id - 1]),
                year=year,
                indicator_id=indicators[code],
                value=value,
            )
            for school_id, year, code, value in frame.iter_rows()
        ],
        batch_size=2000,
    )
    run = IdentificationRun.objects.create(
        territory=region,
        year=YEARS[-1],
        version=Methodology.objects.get(is_builtin=True).current,
        status=RunStatus.APPROVED,
        order_number="1",
        order_date=datetime.date(2024, 9, 1),
    )
    SchoolIdentification.objects.bulk_create(
        [
            SchoolIdentification(
                run=run,
                school_id=int(pk),
                results_index=float(data["results"][n]),
                in_list=bool(data["listed"][n]),
                resilient=bool(data["resilient"][n]),
            )
            for n, pk in enumerate(pk_of)
        ],
        batch_size=1000,
    )
    user = User.objects.create_user("bench-coordinator", password="bench-password")
    person = Person.objects.create(last_name="Координатор", first_name="Бенч", user=user)
    Membership.objects.create(person=person, organization=authority, role=Role.REGIONAL_COORDINATOR)
    school = Organization.objects.get(pk=int(pk_of[int(np.flatnonzero(data["listed"])[0])]))
    samples = timed(partial(mentor_proposal, user, school), repeat=5)
    with CaptureQueriesContext(connection) as queries:
        proposal = mentor_proposal(user, school)
    report.add(
        f"{label} через базу, {schools} школ: mentor_proposal (чтение контекста и списка, "
        "расчёт), медиана",
        f"{median_ms(samples):.0f} ms",
        f"< {target_s:g} s",
        median_ms(samples) / 1000 < target_s,
    )
    report.add(
        f"{label} через базу: SQL-запросов на подбор / кандидатов",
        f"{len(queries)} / {len(proposal.candidates)}",
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = reverse("support:mentor-recommend", args=[school.pk])
    assert client.get(url).status_code == 200
    page = timed(partial(client.get, url), repeat=5)
    report.add(
        f"{label} через базу: страница «Похожие школы с лучшими результатами», медиана",
        f"{median_ms(page):.0f} ms",
        f"< {target_s:g} s",
        median_ms(page) / 1000 < target_s,
    )


@benchmark("support-mentors")
def bench_support_mentors(report: BenchReport) -> None:
    """The recommender on generated data (no database) at 2,000 and 40,000 schools, then one
    school's page through the database at 2,000 schools."""
    _pure(report)
    _database(report)
