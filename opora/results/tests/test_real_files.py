"""The real published files: slices kept in fixtures always, every full file when
../shared/data is present (CI has it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from opora.core.imports.base import ImportOptions, UnknownSchools
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.core.models import ImportMapping
from opora.registry.choices import Locality, Ownership
from opora.registry.models import Organization, Territory
from opora.results.models import ContextValue, SchoolResult

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"нет общих данных {SHARED} (есть только на CI и у разработчиков)"
)


def import_file(path: Path, preset: str, user, *, dry_run=False):
    mapping = ImportMapping.objects.get(preset=preset)
    with path.open("rb") as stream:
        table = read_table(stream, path.name)
    return run_import_now(
        importer_key=mapping.importer,
        table=table,
        columns=mapping.columns,
        user=user,
        options=ImportOptions(
            file_name=path.name,
            defaults=mapping.options.get("defaults", {}),
            unknown_schools=UnknownSchools.CREATE,
        ),
        dry_run=dry_run,
    )


def test_simce_2014_slice_text_groups_and_new_territories(world):
    validation = import_file(
        FIXTURES / "simce4b2014_rbd_slice.xlsx", "simce-4b", world.user("superuser")
    )
    assert validation.errors == []
    chile = Territory.objects.get(code="CL")
    assert Territory.objects.filter(code="CL-15", path__startswith=chile.path).exists()
    school = Organization.objects.get(code="5")
    assert school.name == "JOVINA NARANJO FERNANDEZ" and school.ownership == Ownership.MUNICIPAL
    assert school.school.locality == Locality.URBAN
    assert school.territory.name == "Arica"
    # «Medio» in 2014 is group 3, as the numeric code from 2017 would say.
    assert ContextValue.objects.get(school=school, year=2014).value == 3
    reading = SchoolResult.objects.get(school=school, year=2014, subject__code="reading")
    assert (reading.participants, reading.mean_score, reading.grade) == (32, 274, 4)
    assert (reading.share_fail, reading.share_good) == (21.9, 40.6)
    # 2014 has social sciences for the 4th grade too.
    assert SchoolResult.objects.filter(school=school, subject__code="social-science").exists()


def test_simce_suppressed_zero_becomes_no_data(world):
    validation = import_file(
        FIXTURES / "simce4b2022_rbd_slice.xlsx", "simce-4b", world.user("superuser")
    )
    assert validation.errors == []
    simce = SchoolResult.objects.filter(assessment__code="simce")
    assert simce.exists() and not simce.filter(mean_score=0).exists()
    suppressed = simce.filter(mean_score__isnull=True)
    assert suppressed.exists()
    assert not simce.filter(share_fail=0, share_good=0).exists()


def test_moscow_ege_slice(world):
    path = FIXTURES / "moscow-ege-slice.csv"
    validation = import_file(path, "moscow-ege", world.user("superuser"))
    assert validation.errors == [] and validation.created == 30
    school = Organization.objects.get(code="1027700566761")
    result = SchoolResult.objects.get(school=school)
    assert (result.year, result.assessment.code, result.subject.code, result.grade) == (
        2016,
        "ege",
        "sum3",
        11,
    )
    assert result.participants == 109
    assert result.share_good == round(100 * 80 / 109, 2)
    assert result.share_below_min == round(100 - 100 * 101 / 109, 2)
    assert school.ownership == Ownership.STATE
    assert school.territory.name == "район Аэропорт"
    assert Territory.objects.get_parent(school.territory).name == "Северный административный округ"


def expected_simce_rows(path: Path) -> tuple[int, int, int]:
    """Schools, subject results (participants > 0) and the file's year, read independently."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = list(next(rows))
    counted = [i for i, h in enumerate(header) if h and str(h).startswith("nalu_")]
    schools = results = 0
    for row in rows:
        if row[header.index("rbd")] in (None, ""):
            continue
        schools += 1
        results += sum(1 for i in counted if row[i] not in (None, "", 0, "0"))
    year = int(path.name[7:11])
    return schools, results, year


# The counts of every SIMCE file as `expected_simce_rows` reads them, kept with each file's
# SHA-256: reading all eighteen books with openpyxl takes two minutes, the import itself as
# long again. A changed file fails on its checksum; `test_the_kept_counts_are_the_files`
# re-reads one book to keep the record honest. To renew the record, call
# `expected_simce_rows` for each file (as that test does) and write the JSON again.
SIMCE_COUNTS = FIXTURES / "simce_expected_counts.json"


def simce_files() -> list[Path]:
    return sorted((SHARED / "chile-simce").glob("*/simce*.xlsx"))


def kept_counts(path: Path) -> tuple[int, int, int]:
    kept = json.loads(SIMCE_COUNTS.read_text())[f"{path.parent.name}/{path.name}"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == kept["sha256"], f"{path.name} изменился: пересчитайте {SIMCE_COUNTS.name}"
    return kept["schools"], kept["results"], kept["year"]


@pytest.mark.shared_data
@needs_shared
def test_the_kept_counts_are_the_files():
    smallest = min(simce_files(), key=lambda path: path.stat().st_size)
    assert kept_counts(smallest) == expected_simce_rows(smallest)


# Books read on PostgreSQL: reading and checking the books is the same code on every database
# and is run over all eighteen on SQLite; what differs there is the saving SQL, which three
# books cover (text groups of 2014, suppressed zeros of 2022, the 10th grade), in a sixth of
# the time the eighteen take (minutes).
POSTGRESQL_BOOKS = {
    "simce4b2014_rbd_final.xlsx",
    "simce4b2022_rbd_final.xlsx",
    "simce2m2024_rbd_final.xlsx",
}


def imports_with_counts_matching_the_files(grade: int, capsys) -> None:
    """Every SIMCE book of one grade (4 or 10) imports with the counts the book itself gives,
    and importing the last one again changes nothing. The two grades are two test modules,
    so that parallel workers share the minutes they take."""
    files = [path for path in simce_files() if ("4b" in path.name) == (grade == 4)]
    assert len(files) == 9
    if connection.vendor == "postgresql":
        files = [path for path in files if path.name in POSTGRESQL_BOOKS]
        assert files
    preset = "simce-4b" if grade == 4 else "simce-2m"
    for path in files:
        call_command("import", "results", "--preset", preset, "--create-missing", str(path))
        schools, results, year = kept_counts(path)
        stored = SchoolResult.objects.filter(assessment__code="simce", year=year, grade=grade)
        assert stored.count() == results, path.name
        assert stored.values("school").distinct().count() <= schools
        assert not stored.filter(mean_score=0).exists(), path.name
    out = capsys.readouterr().out
    assert out.count("сохранено") == len(files)
    groups = ContextValue.objects.filter(indicator__code="ses-group")
    assert set(groups.values_list("value", flat=True)) <= {1, 2, 3, 4, 5}
    call_command("import", "results", "--preset", preset, str(files[-1]))
    assert "создано: 0, обновлено: 0" in capsys.readouterr().out


@pytest.mark.shared_data
@needs_shared
def test_every_4th_grade_simce_file_imports_with_counts_matching_the_file(world, capsys):
    assert len(simce_files()) == 18
    imports_with_counts_matching_the_files(4, capsys)


@pytest.mark.shared_data
@needs_shared
def test_moscow_file_imports_every_school(world):
    path = SHARED / "moscow-ege" / "data-9722-2016-10-31.csv"
    validation = import_file(path, "moscow-ege", world.user("superuser"))
    assert validation.errors == []
    assert validation.created == 626
    assert SchoolResult.objects.filter(assessment__code="ege", year=2016).count() == 626
    assert (
        Territory.objects.get_children(
            Territory.objects.get(name="Южный административный округ")
        ).count()
        > 5
    )
