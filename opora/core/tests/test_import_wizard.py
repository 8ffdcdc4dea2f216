"""The import wizard's choices and results: radio buttons that are radio buttons, new
schools placed where the user says, and counts that say what they count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core.choices import JobStatus
from opora.core.models import ImportUpload, Job
from opora.registry.models import AcademicYear, Organization, Territory

pytestmark = pytest.mark.django_db

HEADER = (
    "Код ОО;Наименование ОО;Муниципалитет;Район;Год;Оценочная процедура;Предмет;Класс;"
    "Число участников;Средний балл"
)
ROWS = (
    "SCH-A;;;;2024;ВПР;Математика;5;25;11,5",
    "NEW-77;СОШ № 77;Город N;Новый район;2024;ВПР;Математика;5;20;12",
)


def text(response: Any) -> str:
    return response.content.decode().replace("&laquo;", "«").replace("&raquo;", "»")


def start(client: Any) -> ImportUpload:
    content = "\r\n".join((HEADER, *ROWS)).encode("cp1251")
    response = client.post(
        reverse("core:import", args=["results.table"]),
        {"file": SimpleUploadedFile("результаты.csv", content)},
    )
    assert response.status_code == 302, text(response)[:3000]
    return ImportUpload.objects.latest("pk")


def columns_post(upload: ImportUpload, **options: Any) -> dict[str, Any]:
    return {**{f"col_{k}": v for k, v in upload.columns.items()}, **options}


@pytest.fixture
def years(db: Any) -> None:
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2023, 2024)])


def test_unknown_schools_are_radio_buttons_and_territories_show_their_path(world):
    client = world.client("analyst")
    upload = start(client)
    html = text(client.get(reverse("core:import-columns", args=[upload.pk])))
    radios = re.findall(r'<input type="radio" name="unknown_schools"[^>]*>', html)
    assert len(radios) == 3
    assert all('class="form-check-input"' in radio for radio in radios)
    assert "form-select" not in "".join(radios)
    assert ">создать школу в реестре</label>" in html
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', html)
    labels = [label for value, label in options if value]
    assert labels == ["Город N", "Город N › Северный", "Город N › Южный"]
    assert "— выберите —" in html and "---------" not in html
    regional = world.client("regional")
    html = text(regional.get(reverse("core:import-columns", args=[start(regional).pk])))
    assert "Тестовая область › Другой город" in html


def test_where_new_schools_go_is_asked_not_guessed(world, years):
    client = world.client("analyst")
    upload = start(client)
    url = reverse("core:import-columns", args=[upload.pk])
    response = client.post(url, columns_post(upload, unknown_schools="create"))
    assert response.status_code == 200
    assert "Выберите территорию, в которую добавлять новые школы из файла." in text(response)
    # Another city's territory is not offered, and not accepted when posted.
    outsider = world.client("outsider")
    theirs = start(outsider)
    response = outsider.post(
        reverse("core:import-columns", args=[theirs.pk]),
        columns_post(theirs, unknown_schools="create", territory=world.city.pk),
    )
    assert "Выберите корректный вариант" in text(response)


def test_new_schools_go_where_chosen_and_counts_say_what(
    world, years, django_capture_on_commit_callbacks
):
    client = world.client("analyst")
    upload = start(client)
    response = client.post(
        reverse("core:import-columns", args=[upload.pk]),
        columns_post(upload, unknown_schools="create", territory=world.city.pk),
    )
    assert response.status_code == 302, text(response)[:3000]
    preview = text(client.get(reverse("core:import-preview", args=[upload.pk])))
    assert "Результаты школ — будет создано: 2, обновлено: 0, без изменений: 0." in preview
    assert "Школы в реестре — будет создано: 1." in preview
    assert (
        "Новые школы будут добавлены в территорию «Город N»; названные в файле территории "
        "найдены или созданы внутри неё (1): «Новый район»." in preview
    )
    assert "Будут созданы школы (1): NEW-77 «СОШ № 77»" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:import-preview", args=[upload.pk]))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.log
    school = Organization.objects.get(code="NEW-77")
    # The file's «Город N» is the chosen territory itself, not a copy inside it.
    assert school.territory.name == "Новый район"
    assert Territory.objects.get_parent(school.territory) == world.city
    assert not Territory.objects.filter(name="Город N").exclude(pk=world.city.pk).exists()
    page = text(client.get(reverse("core:job", args=[job.pk])))
    result = page[page.index('id="job-result"') :]
    assert "Результаты школ — создано: 2, обновлено: 0, без изменений: 0." in result
    assert "Школы в реестре — создано: 1." in result
    assert "Будут" not in page and "будут" not in page
    assert "Созданы школы (1): NEW-77 «СОШ № 77»" in job.log
    # Back to the saved file's preview: its job's page, not «будет создано» again.
    again = client.get(reverse("core:import-preview", args=[upload.pk]))
    assert again.status_code == 302 and again["Location"] == reverse("core:job", args=[job.pk])


def test_the_uploads_list_is_paginated(world: Any) -> None:
    """The import page lists the user's uploads ten at a time, with the same queries for 3N
    as for N, the rest on the next pages."""
    from opora.core.tests.rows import queries_and_rows

    user = world.user("analyst")
    client = world.client("analyst")
    url = reverse("core:import", args=["results.table"])

    def grow(n: int) -> None:
        ImportUpload.objects.bulk_create(
            ImportUpload(
                importer="results.table",
                file="imports/x.csv",
                original_name=f"файл-{i}.csv",
                uploaded_by=user,
            )
            for i in range(n)
        )

    grow(5)
    small = queries_and_rows(client, url)
    grow(25)
    big = queries_and_rows(client, url)
    assert big[0] == small[0]
    html = text(client.get(url, {"uploads": 3}))
    assert "Стр. 3 из 3" in html and html.count("файл-") == 10
