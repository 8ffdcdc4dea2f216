"""Official lists: the import (web wizard and CLI) with its refusals, the pages with their
access, the comparison with a computed list and its flat query count."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.choices import JobStatus, TimelineVerb
from opora.core.imports.base import ImportOptions
from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.core.models import ImportUpload, Job, TimelineEvent
from opora.identification.choices import RunStatus
from opora.identification.imports import EXTERNAL_LIST_IMPORTER
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import (
    ExternalList,
    ExternalListSchool,
    IdentificationRun,
    Methodology,
    SchoolIdentification,
)
from opora.registry.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

LIST_VALUES = {
    "territory": "M01",
    "year": "2024",
    "title": "Перечень школ с низкими результатами обучения",
    "issuer": "Министерство образования Демо-области",
    "order_number": "45",
    "order_date": "02.09.2024",
}


def table(*codes: str) -> Any:
    content = "\r\n".join(["Код ОО;Наименование", *(f"{c};Школа {c}" for c in codes)])
    return read_table(io.BytesIO(content.encode("utf-8")), "список.csv")


def load(user: Any, *codes: str, **values: str) -> Any:
    return run_import_now(
        importer_key=EXTERNAL_LIST_IMPORTER,
        table=table(*codes),
        columns=None,
        user=user,
        options=ImportOptions(defaults={**LIST_VALUES, **values}),
    )


def text(response: Any) -> str:
    return response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


@pytest.fixture
def run(world):
    """An approved computed list of the city for 2024: school A and four others listed."""
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(
        territory=world.city, year=2024, version=version, status=RunStatus.APPROVED
    )
    others = [SchoolFactory(territory=world.north, code=f"X{i}") for i in range(6)]
    rows = [
        SchoolIdentification(
            run=run,
            school=school,
            results_index=-1.5 + i / 10,
            results_percentile=3 + i,
            context_index=0.4,
            context_percentile=60,
            low_results=i < 5,
            in_list=i < 5,
            reasons=[{"text": f"Причина {i}"}],
        )
        for i, school in enumerate([world.school_a, *others])
    ]
    SchoolIdentification.objects.bulk_create(rows)
    return run


def test_a_list_is_saved_with_its_schools_and_a_timeline_record(world, run):
    validation = load(world.user("analyst"), "SCH-A", "SCH-B", "X0")
    assert validation.is_valid, validation.errors
    external = ExternalList.objects.get()
    assert (external.territory, external.year, external.order_number) == (world.city, 2024, "45")
    assert str(external.order_date) == "2024-09-02"
    assert list(external.schools.values_list("school__code", "row")) == [
        ("SCH-A", 2),
        ("SCH-B", 3),
        ("X0", 4),
    ]
    event = TimelineEvent.objects.get(object_id=str(external.pk))
    assert event.verb == TimelineVerb.IMPORTED


@pytest.mark.parametrize(
    ("codes", "values", "message"),
    [
        (
            ("SCH-A", "123"),
            {},
            "Строка 3, столбец «Код ОО»: школы с кодом «123» нет в реестре территории «Город N»",
        ),
        # A school of another city is unknown to this territory's registry.
        (("SCH-C",), {}, "школы с кодом «SCH-C» нет в реестре территории «Город N»"),
        (
            ("SCH-A", "SCH-B", "SCH-A"),
            {},
            "Строка 4, столбец «Код ОО»: школа «СОШ № 1» уже указана в строке 2",
        ),
        (("",), {}, "Строка 2, столбец «Код ОО»: не указан код школы"),
        (("SCH-A",), {"order_number": ""}, "Не указано поле «Номер приказа»"),
        (("SCH-A",), {"order_date": ""}, "Не указано поле «Дата приказа»"),
        (("SCH-A",), {"order_date": "вчера"}, "«вчера» — не дата (ДД.ММ.ГГГГ)"),
        (("SCH-A",), {"territory": "M02"}, "Территории «M02» нет среди тех"),
    ],
)
def test_bad_input_is_refused_with_a_russian_message_and_nothing_saved(
    world, run, codes, values, message
):
    before = list(SchoolIdentification.objects.filter(run=run).values_list("pk", "in_list"))
    validation = load(world.user("analyst"), *codes, **values)
    assert not validation.is_valid
    assert any(message in str(error) for error in validation.errors), validation.errors
    assert not ExternalList.objects.exists() and not ExternalListSchool.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert list(SchoolIdentification.objects.filter(run=run).values_list("pk", "in_list")) == before


def test_an_empty_file_is_refused_by_the_reader(world):
    from opora.core.imports.limits import TableFileError

    with pytest.raises(TableFileError, match="нет ни одной строки данных"):
        table()


def test_a_second_list_by_the_same_order_is_refused(world, run):
    assert load(world.user("analyst"), "SCH-A").is_valid
    validation = load(world.user("coordinator"), "SCH-B")
    assert "по приказу № 45 уже загружен" in str(validation.errors[0])
    assert ExternalListSchool.objects.count() == 1
    # Another order of the same year is another list.
    assert load(world.user("coordinator"), "SCH-B", order_number="46").is_valid


def test_the_wizard_takes_the_list_data_and_saves_through_a_job(
    world, run, django_capture_on_commit_callbacks
):
    client = world.client("analyst")
    content = "Код ОО;Наименование\r\nSCH-A;СОШ № 1\r\nX0;Школа\r\n".encode("cp1251")
    response = client.post(
        reverse("core:import", args=[EXTERNAL_LIST_IMPORTER]),
        {"file": SimpleUploadedFile("перечень.csv", content)},
    )
    assert response.status_code == 302, text(response)[:2000]
    upload = ImportUpload.objects.latest("pk")
    assert upload.columns == {"school_code": "Код ОО", "school_name": "Наименование"}
    url = reverse("core:import-columns", args=[upload.pk])
    page = text(client.get(url))
    assert "Номер приказа" in page and "Значения для всего файла" in page
    post = {"col_school_code": "Код ОО", "col_school_name": "Наименование"}
    post.update({f"default_{k}": v for k, v in LIST_VALUES.items()})
    assert client.post(url, post).status_code == 302
    preview = text(client.get(reverse("core:import-preview", args=[upload.pk])))
    assert "Официальный список будет сохранён: школ — 2." in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload.pk]))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.log
    external = ExternalList.objects.get()
    assert external.upload == upload and external.schools.count() == 2


def test_the_wizard_is_not_offered_to_schools_or_outsiders_of_identification(world):
    for persona in ("director_a", "teacher", "curator"):
        response = world.client(persona).get(reverse("core:import", args=[EXTERNAL_LIST_IMPORTER]))
        assert response.status_code == 404, persona


def test_the_cli_imports_a_list_with_its_values(world, run, tmp_path):
    path = tmp_path / "перечень.csv"
    path.write_text("Код ОО\r\nSCH-A\r\nX1\r\n", encoding="utf-8")
    args = [f"--value={k}={v}" for k, v in LIST_VALUES.items()]
    out = io.StringIO()
    call_command("import", "official-list", str(path), *args, "--user=analyst", stdout=out)
    assert "Официальный список сохранён: школ — 2." in out.getvalue()
    assert ExternalList.objects.get().schools.count() == 2
    with pytest.raises(CommandError, match="В файлах есть ошибки"):
        call_command(
            "import", "official-list", str(path), *args, "--user=analyst", stderr=io.StringIO()
        )
    with pytest.raises(CommandError, match="ПОЛЕ — одно из"):
        call_command("import", "official-list", str(path), "--value=nonsense=1")
    assert ExternalList.objects.count() == 1


@pytest.fixture
def official(world, run):
    # A, X0, X1 are in both; B only in the official one; X2, X3 only in the computed one.
    assert load(world.user("analyst"), "SCH-A", "SCH-B", "X0", "X1").is_valid
    return ExternalList.objects.get()


def test_the_comparison_shows_three_groups_with_the_figures(world, official, run):
    client = world.client("analyst")
    page = text(client.get(reverse("identification:list", args=[official.pk])))
    assert "приказ от 2 сентября 2024 г. № 45" in page
    assert "Министерство образования Демо-области" in page
    counts = page.split('id="comparison-counts"')[1].split("</div>\n<div")[0]
    assert [int(n) for n in re.findall(r'fs-5">(\d+)<', counts)] == [4, 3, 1, 2]
    assert "Причина 0" in page and "только в рассчитанном" in page
    assert "Нет результата в расчёте" in page  # school B has no outcome in the run
    only = text(client.get(reverse("identification:list", args=[official.pk]) + "?group=official"))
    assert "Гимназия № 2" in only and "Причина 0" not in only
    # The run page says there is an official list and links to the comparison.
    run_page = text(client.get(reverse("identification:run", args=[run.pk])))
    assert "Официальный список за этот год" in run_page
    assert "школ — 4, в обоих списках — 3" in run_page


def test_the_comparison_exports_as_xlsx(world, official):
    response = world.client("coordinator").get(
        reverse("identification:list-export", args=[official.pk])
    )
    assert response.status_code == 200
    from urllib.parse import unquote

    assert "Сравнение списков — " in unquote(response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    groups = [row[3] for row in values[3:]]
    assert groups.count("в обоих списках") == 3 and groups.count("только в рассчитанном") == 2
    assert "нет результата в расчёте" in [row[-1] for row in values[3:]]


def test_who_may_see_and_delete_a_list(world, official, run):
    detail = reverse("identification:list", args=[official.pk])
    delete = reverse("identification:list-delete", args=[official.pk])
    for persona in ("analyst", "coordinator", "regional"):
        client = world.client(persona)
        assert client.get(detail).status_code == 200, persona
        assert official.title in text(client.get(reverse("identification:lists")))
    for persona in ("outsider", "director_a", "teacher"):
        client = world.client(persona)
        assert client.get(detail).status_code == 404, persona
        assert client.post(delete).status_code == 404, persona
        assert official.title not in text(client.get(reverse("identification:lists")))
        response = client.get(reverse("identification:list-export", args=[official.pk]))
        assert response.status_code == 404
    anonymous = world.client("anonymous")
    assert anonymous.get(detail).status_code == 302
    assert anonymous.post(delete).status_code == 302
    assert ExternalList.objects.exists()
    assert world.client("coordinator").post(delete).status_code == 302
    assert not ExternalList.objects.exists()
    # The computed list is untouched.
    assert SchoolIdentification.objects.filter(run=run, in_list=True).count() == 5


def test_the_comparison_page_makes_as_many_queries_for_many_schools(world, official, run):
    client = world.client("analyst")
    url = reverse("identification:list", args=[official.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    extra = [SchoolFactory(territory=world.south) for _ in range(30)]
    SchoolIdentification.objects.bulk_create(
        [SchoolIdentification(run=run, school=s, in_list=True) for s in extra]
    )
    ExternalListSchool.objects.bulk_create(
        [ExternalListSchool(external_list=official, school=s) for s in extra[:15]]
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as listing:
        client.get(reverse("identification:lists"))
    ExternalList.objects.create(
        territory=world.city,
        year=2023,
        title="Ещё",
        order_number="1",
        order_date=official.order_date,
    )
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("identification:lists"))
    assert len(more) == len(listing)


def test_a_list_cannot_be_made_twice_by_the_service(world, official):
    from opora.identification.services import external_list_create

    with pytest.raises(ValidationError):
        external_list_create(
            territory=official.territory,
            year=official.year,
            title="x",
            issuer="",
            order_number=official.order_number,
            order_date=official.order_date,
            school_rows=[(world.school_a.pk, 2)],
            user=world.user("analyst"),
        )
