"""The list as a file: formula-looking school names stay text, the file is named in Russian,
and only those who see the run download it (page and CLI)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from opora.core.tests.helpers import (
    ATTACKS,
    assert_csv_keeps_as_text,
    assert_xlsx_keeps_as_text,
    download_name,
)
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.services import run_compute
from opora.identification.tests.test_runs import fill
from opora.registry.models import AcademicYear, Organization
from opora.registry.tests.factories import SchoolFactory


@pytest.fixture
def attacked(world):
    """Schools whose names an import filled with formula-looking text."""
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    extra = [SchoolFactory(territory=world.north) for _ in range(12)]
    schools = [world.school_a, world.school_b, *extra]
    fill(schools, weak=(world.school_a,))
    for school, name in zip(schools, ATTACKS, strict=False):
        Organization.objects.filter(pk=school.pk).update(name=name, short_name=name)
    return schools


@pytest.fixture
def run(world, attacked):
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(run)
    return run


def test_school_names_like_formulas_download_as_text(world, run):
    client = world.client("analyst")
    xlsx = client.get(reverse("identification:run-export", args=[run.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert download_name(xlsx) == (f"Список ШНОР и ШНСУ 2025 — Город N — расчёт № {run.pk}.xlsx")
    assert_xlsx_keeps_as_text(xlsx.content)
    csv = client.get(reverse("identification:run-export", args=[run.pk, "csv"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert download_name(csv).endswith(f"расчёт № {run.pk}.csv")
    assert_csv_keeps_as_text(csv.content)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst", 200), ("coordinator", 200), ("outsider", 404), ("anonymous", 302)],
)
def test_who_may_download_the_list(world, run, persona, status):
    for fmt in ("xlsx", "csv"):
        url = reverse("identification:run-export", args=[run.pk, fmt])
        assert world.client(persona).get(url).status_code == status, fmt


def test_cli_export_keeps_formula_looking_names_as_text(world, attacked, tmp_path):
    for suffix, check in ((".xlsx", assert_xlsx_keeps_as_text), (".csv", assert_csv_keeps_as_text)):
        target = tmp_path / f"список{suffix}"
        call_command("identify", "--year", "2025", "--territory", "M01", "--export", str(target))
        check(target.read_bytes())
