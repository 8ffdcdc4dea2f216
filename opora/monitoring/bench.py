"""`opora bench monitoring`: a programme of 2,000 schools × 25 indicators × 3 checkpoints a
year × 5 years (750,000 accepted values) — the checkpoint roll-up page and the programme
page, with their query counts at 200 and at 2,000 schools; and refreshing one checkpoint's
roll-up after an approval."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal
from functools import partial

from django.db import connection
from django.test import Client
from django.urls import reverse

from opora.core import dates
from opora.core.bench import BenchReport, benchmark, median_ms, p90_ms, timed
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind, IndicatorUnit, SubmissionStatus, ValueOrigin
from opora.monitoring.models import Checkpoint, ProgrammeIndicator, Submission, Value
from opora.registry.models import Programme, ProgrammeSchool
from opora.roadmaps.bench import _queries, bench_region, bench_schools

YEARS = 5
KINDS = (
    (CheckpointKind.ENTRY, 9, 16),
    (CheckpointKind.INTERMEDIATE, 1, 20),
    (CheckpointKind.FINAL, 6, 10),
)


def _checkpoints(programme: Programme, schools: list[int], items: list[ProgrammeIndicator]) -> int:
    """Accepted forms and values written in bulk (the services would take an hour here)."""
    rng = random.Random(7)
    written = 0
    for year in range(2021, 2021 + YEARS):
        for kind, month, day in KINDS:
            held = datetime.date(dates.academic_month_year(year, month), month, day)
            checkpoint = Checkpoint.objects.create(
                programme=programme,
                name=f"{kind.label} {held:%m.%Y}",
                kind=kind,
                year=year,
                held_on=held,
                due_on=held + datetime.timedelta(days=14),
            )
            checkpoint.indicators.set(items)
            Submission.objects.bulk_create(
                [
                    Submission(checkpoint=checkpoint, school_id=s, status=SubmissionStatus.APPROVED)
                    for s in schools
                ],
                batch_size=2000,
            )
            forms = checkpoint.submissions.values_list("pk", flat=True)
            values = []
            for form in forms:
                for item in items:
                    if item.indicator.unit == IndicatorUnit.FLAG:
                        value = Decimal(rng.random() < 0.6)
                    else:
                        value = Decimal(rng.randint(0, 1000)) / 10
                    values.append(
                        Value(
                            submission_id=form,
                            programme_indicator=item,
                            value=value,
                            origin=ValueOrigin.ENTERED,
                        )
                    )
            Value.objects.bulk_create(values, batch_size=5000)
            written += len(values)
            services.rollup_refresh(checkpoint=checkpoint)
    return written


@benchmark("monitoring")
def bench_monitoring(report: BenchReport) -> None:
    region, department, user = bench_region()
    schools = bench_schools(region)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    counts = {}
    for size in (200, len(schools)):
        programme = Programme.objects.create(
            name=f"Бенч-программа на {size} школ",
            owner=department,
            starts_on=datetime.date(2021, 9, 1),
            ends_on=datetime.date(2026, 8, 31),
        )
        ProgrammeSchool.objects.bulk_create(
            [ProgrammeSchool(programme=programme, school=s) for s in schools[:size]]
        )
        services.programme_template_install(
            programme=programme, template="novosibirsk-2020", user=None
        )
        items = list(
            ProgrammeIndicator.objects.filter(programme=programme).select_related("indicator")
        )
        started = time.perf_counter()
        written = _checkpoints(programme, [s.pk for s in schools[:size]], items)
        report.log(
            f"  {size} школ: записано {written} значений за {time.perf_counter() - started:.0f} s"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        last = Checkpoint.objects.filter(programme=programme).order_by("held_on").last()
        assert last is not None
        checkpoint_url = last.get_absolute_url()
        programme_url = reverse("monitoring:programme", args=[programme.pk])
        counts[size] = (_queries(client, checkpoint_url), _queries(client, programme_url))

    big, small = counts[len(schools)], counts[200]
    report.add(
        "SQL queries, checkpoint roll-up page / programme page: 2,000 vs 200 schools",
        f"{big[0]} / {big[1]} vs {small[0]} / {small[1]}",
        "equal",
        big == small,
    )
    label = f"{len(schools)} schools × 25 indicators × 3 checkpoints × {YEARS} years"
    for what, url, target in (
        ("checkpoint roll-up page", checkpoint_url, 300),
        ("programme page (indicators, targets, dynamics, positive changes)", programme_url, None),
    ):
        samples = timed(partial(client.get, url), repeat=15)
        report.add(
            f"server time, {what}, {label}, median / p90",
            f"{median_ms(samples):.0f} / {p90_ms(samples):.0f} ms",
            f"< {target} ms" if target else "",
            median_ms(samples) < target if target else None,
        )
    assert last is not None
    samples = timed(partial(services.rollup_refresh, checkpoint=last), repeat=5)
    report.add(
        f"refreshing one checkpoint's roll-up ({len(schools)} forms × 25), median",
        f"{median_ms(samples):.0f} ms",
    )
