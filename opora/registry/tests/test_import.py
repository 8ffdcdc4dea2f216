"""The school registry import: formats, mapping, all errors at once, all-or-nothing, re-import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from opora.core.choices import ImportStatus, JobStatus
from opora.core.models import ImportMapping, ImportUpload, Job
from opora.registry.models import Organization, SchoolProfile

pytestmark = pytest.mark.django_db

HEADER = [
    "Код ОО",
    "Полное наименование",
    "Краткое наименование",
    "Вид ОО",
    "Номер",
    "Территория",
    "Местность",
    "Директор",
    "Численность обучающихся",
]
ROWS = [
    [
        "NEW-1",
        "Средняя общеобразовательная школа № 10",
        "СОШ № 10",
        "СОШ",
        "10",
        "Северный",
        "городская",
        "Смирнова Анна Ивановна",
        "820",
    ],
    [
        "NEW-2",
        "Лицей № 11",
        "Лицей № 11",
        "лицей",
        "11",
        "Южный",
        "городская",
        "Орлов Пётр",
        "1 200",
    ],
    [
        "NEW-3",
        "Основная школа с. Луговое",
        "ООШ с. Луговое",
        "ООШ",
        "",
        "D02",
        "сельская",
        "",
        "45",
    ],
]


def csv_bytes(
    rows: list[list[str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> bytes:
    lines = [delimiter.join(header or HEADER)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Any, content: bytes, name: str = "реестр.csv", **extra: Any) -> Any:
    return client.post(
        reverse("core:import", args=["registry.schools"]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def run_import(
    client: Any,
    content: bytes,
    name: str = "реестр.csv",
    django_capture_on_commit_callbacks: Any = None,
) -> Any:
    """Upload → keep the guessed mapping → preview → confirm; returns the preview response."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload_obj = ImportUpload.objects.latest("pk")
    columns = {f"col_{k}": v for k, v in upload_obj.columns.items()}
    response = client.post(reverse("core:import-columns", args=[upload_obj.pk]), columns)
    assert response.status_code == 302
    preview = client.get(reverse("core:import-preview", args=[upload_obj.pk]))
    return upload_obj, preview


@pytest.mark.parametrize(
    ("label", "content", "name"),
    [
        ("utf-8 ;", csv_bytes(ROWS), "r.csv"),
        ("utf-8 BOM ,", b"\xef\xbb\xbf" + csv_bytes(ROWS, delimiter=","), "r.csv"),
        ("cp1251 ;", csv_bytes(ROWS, encoding="cp1251"), "r.csv"),
        ("cp1251 tab", csv_bytes(ROWS, delimiter="\t", encoding="cp1251"), "r.txt"),
        ("xlsx", xlsx_bytes([[*r[:8], int(r[8].replace(" ", ""))] for r in ROWS]), "r.xlsx"),
    ],
)
def test_import_creates_schools_from_every_format(
    world, label, content, name, django_capture_on_commit_callbacks
):
    client = world.client("coordinator")
    upload_obj, preview = run_import(client, content, name)
    html = preview.content.decode()
    assert "Школы — будет создано: 3" in html, label
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.progress == 100
    assert job.result["created"] == 3
    school = Organization.objects.get(code="NEW-2")
    assert LogEntry.objects.get_for_object(school).get().actor == world.user("coordinator")
    assert school.school.school_type == "lyceum"
    assert school.school.enrolment == 1200
    assert Organization.objects.get(code="NEW-3").territory == world.south
    assert Organization.objects.get(code="NEW-3").school.locality == "rural"
    upload_obj.refresh_from_db()
    assert upload_obj.status == ImportStatus.DONE
    job_page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Школы — создано: 3" in job_page


def test_reimport_updates_by_code_without_duplicates(world, django_capture_on_commit_callbacks):
    client = world.client("coordinator")
    upload_obj, _ = run_import(client, csv_bytes(ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    count = Organization.objects.count()
    upload_obj, preview = run_import(client, csv_bytes(ROWS))
    assert "будет создано: 0, обновлено: 0, без изменений: 3" in preview.content.decode()
    changed = [list(r) for r in ROWS]
    changed[0][8] = "900"
    upload_obj, preview = run_import(client, csv_bytes(changed))
    assert "обновлено: 1" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    assert Organization.objects.count() == count
    assert SchoolProfile.objects.get(organization__code="NEW-1").enrolment == 900


def test_all_errors_are_listed_by_row_and_column_and_nothing_is_saved(world):
    client = world.client("coordinator")
    rows = [
        ROWS[0],
        ["NEW-1", "Дубль", "Дубль", "СОШ", "1", "Северный", "", "", "10"],
        ["NEW-4", "Школа", "Школа", "колледж", "", "Атлантида", "на луне", "", "-5"],
        ["SCH-C", "Чужая школа", "СОШ № 3", "СОШ", "3", "Северный", "", "", "10"],
    ]
    before = Organization.objects.count()
    upload_obj, preview = run_import(client, csv_bytes(rows))
    html = preview.content.decode()
    assert "Найдено ошибок: 6" in html
    for message in (
        "Строка 3, столбец «Код ОО»: код «NEW-1» уже встречался в строке 2",
        "Строка 4, столбец «Вид ОО»: неизвестный вид ОО «колледж»",
        "Строка 4, столбец «Территория»: территория «Атлантида» не найдена",
        "Строка 4, столбец «Местность»: «на луне» — неизвестное значение",
        "Строка 4, столбец «Численность обучающихся»: «-5» — не целое неотрицательное число",
        "Строка 5, столбец «Код ОО»: школа с кодом «SCH-C» есть в реестре, но вне вашей зоны",
    ):
        assert message in html.replace("&laquo;", "«").replace("&raquo;", "»"), message
    response = client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    assert response.status_code == 200
    assert Organization.objects.count() == before
    assert not Job.objects.exists()


def test_missing_required_columns_are_named(world):
    client = world.client("coordinator")
    response = upload(client, csv_bytes([["X", "Школа"]], header=["Код ОО", "Название школы"]))
    upload_obj = ImportUpload.objects.get()
    response = client.post(
        reverse("core:import-columns", args=[upload_obj.pk]),
        {"col_code": "Код ОО", "col_name": "Название школы"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Не указан столбец для обязательного поля «Территория»" in html
    assert "selected>Название школы" in html or 'value="Название школы" selected' in html


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "пуст"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "двоичный файл"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "старого формата Excel"),
        (b"PK\x03\x04broken zip", "broken.xlsx", "не удалось открыть как книгу Excel"),
        (
            "Код ОО;Полное наименование\r\n".encode(),
            "header-only.csv",
            "нет ни одной строки данных",
        ),
    ],
)
def test_bad_files_get_a_clear_message(world, content, name, message):
    response = upload(world.client("coordinator"), content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_too_large_upload_is_refused(world, settings):
    settings.OPORA_MAX_UPLOAD_MB = 1
    content = csv_bytes(ROWS) + b"x" * (1024 * 1024 + 10)
    response = upload(world.client("coordinator"), content, "big.csv")
    assert "можно загрузить не больше 1 МБ" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_saved_mapping_is_reused_for_the_same_source(world):
    client = world.client("coordinator")
    header = ["ID", "Наим.", "Район города", "Кол-во уч."]
    rows = [["NEW-9", "СОШ № 99", "Северный", "300"]]
    upload(client, csv_bytes(rows, header=header))
    first = ImportUpload.objects.latest("pk")
    client.post(
        reverse("core:import-columns", args=[first.pk]),
        {
            "col_code": "ID",
            "col_name": "Наим.",
            "col_territory": "Район города",
            "col_enrolment": "Кол-во уч.",
            "save_as": "Выгрузка АИС",
        },
    )
    mapping = ImportMapping.objects.get(source_name="Выгрузка АИС")
    upload(client, csv_bytes(rows, header=header), mapping=mapping.pk)
    second = ImportUpload.objects.latest("pk")
    assert second.columns == {
        "code": "ID",
        "name": "Наим.",
        "territory": "Район города",
        "enrolment": "Кол-во уч.",
    }


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("analyst", 200),
        ("regional", 200),
        ("director_a", 404),
        ("teacher", 404),
        ("curator", 404),
        ("council", 404),
    ],
)
def test_import_page_access(world, persona, status):
    url = reverse("core:import", args=["registry.schools"])
    assert world.client(persona).get(url).status_code == status


def test_upload_of_another_user_is_404(world):
    upload(world.client("coordinator"), csv_bytes(ROWS))
    upload_obj = ImportUpload.objects.get()
    url = reverse("core:import-preview", args=[upload_obj.pk])
    assert world.client("analyst").get(url).status_code == 404


def test_import_into_territory_outside_reach_is_refused(world):
    client = world.client("outsider")
    _, preview = run_import(client, csv_bytes(ROWS[:1]))
    assert "территория «Северный» не найдена" in preview.content.decode()


def test_job_pages_are_scoped(world, django_capture_on_commit_callbacks):
    client = world.client("coordinator")
    upload_obj, _ = run_import(client, csv_bytes(ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    job = Job.objects.get()
    assert client.get(reverse("core:jobs")).status_code == 200
    assert client.get(reverse("core:job-status", args=[job.pk])).status_code == 200
    assert world.client("outsider").get(reverse("core:job", args=[job.pk])).status_code == 404
    assert world.client("teacher").get(reverse("core:job-status", args=[job.pk])).status_code == 404


def test_large_file_is_checked_in_the_background_job(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from opora.core.imports import services

    monkeypatch.setattr(services, "CHECK_IN_REQUEST_MAX_ROWS", 2)
    client = world.client("coordinator")
    rows = [*ROWS, ["NEW-4", "Школа", "Школа", "СОШ", "4", "Атлантида", "", "", "1"]]
    upload_obj, preview = run_import(client, csv_bytes(rows))
    assert "проверяется в фоне" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-preview", args=[upload_obj.pk]))
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == JobStatus.FAILED
    assert "Строка 5, столбец «Территория»" in job.log
    assert not Organization.objects.filter(code__startswith="NEW-").exists()


def test_utf16_file_gets_a_clear_message(world):
    content = "Код ОО;Полное наименование\r\nX;Школа\r\n".encode("utf-16")
    response = upload(world.client("coordinator"), content, "unicode.csv")
    assert "в кодировке UTF-16" in response.content.decode()
    assert not ImportUpload.objects.exists()
