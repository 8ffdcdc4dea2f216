"""Roadmap pages: who sees and creates what, template and file creation with the preview."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.registry.models import Programme, ProgrammeSchool
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.models import Activity, Roadmap, RoadmapUpload
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.services import roadmap_create
from opora.roadmaps.tests.documents import foreign_roadmap_docx, roadmap_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    programme = Programme.objects.create(
        name="Программа поддержки школ Города N",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    ProgrammeSchool.objects.create(programme=programme, school=world.school_b)
    return programme


def make(programme, world, *, school=None, slug="novosibirsk-2020", kind=RoadmapKind.MUNICIPAL):
    return roadmap_create(
        programme=programme,
        school=school,
        kind=kind,
        draft=seed_template_draft(slug),
        user=world.user("coordinator"),
        source="шаблон",
    )


@pytest.fixture
def roadmaps(programme, world):
    own = make(programme, world)
    school_a = make(programme, world, school=world.school_a, kind=RoadmapKind.TRANSITION)
    school_b = make(programme, world, school=world.school_b, kind=RoadmapKind.TRANSITION)
    return own, school_a, school_b


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("coordinator", {"own", "a", "b"}),
        ("analyst", {"own", "a", "b"}),
        ("curator", {"own", "a"}),
        ("director_a", {"own", "a"}),
        ("director_b", {"own", "b"}),
        ("teacher", {"own", "a"}),
        ("outsider", set()),
    ],
)
def test_who_sees_which_roadmap(world, roadmaps, persona, seen):
    names = dict(zip(("own", "a", "b"), roadmaps, strict=True))
    client = world.client(persona)
    for name, roadmap in names.items():
        response = client.get(roadmap.get_absolute_url())
        assert response.status_code == (200 if name in seen else 404), (persona, name)


def test_programme_page_lists_roadmaps_and_offers_creation(world, programme, roadmaps):
    response = world.client("coordinator").get(programme.get_absolute_url())
    html = response.content.decode()
    assert "Дорожные карты и программы школ" in html
    assert reverse("roadmaps:from-template", args=[programme.pk]) in html
    assert html.count("/roadmaps/") >= 3
    director = world.client("director_b").get(programme.get_absolute_url()).content.decode()
    # A director sees the programme's roadmap and their own school's, and may add their own.
    assert roadmaps[2].get_absolute_url() in director
    assert roadmaps[1].get_absolute_url() not in director
    assert reverse("roadmaps:upload-file", args=[programme.pk]) in director
    council = world.client("council").get(programme.get_absolute_url()).content.decode()
    assert reverse("roadmaps:upload-file", args=[programme.pk]) not in council


def test_create_from_template(world, programme):
    client = world.client("coordinator")
    url = reverse("roadmaps:from-template", args=[programme.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"template": "krasnoturansk-2022", "kind": "municipal"})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == roadmap.get_absolute_url()
    assert roadmap.activities.count() == 62
    page = client.get(roadmap.get_absolute_url()).content.decode()
    assert "Развитие кадрового потенциала в общеобразовательных организациях" in page
    assert "Проведение мониторинга потребности в повышении квалификации" in page


def test_a_director_creates_only_their_schools_programme(world, programme):
    client = world.client("director_a")
    url = reverse("roadmaps:from-template", args=[programme.pk])
    response = client.post(url, {"template": "mppko-2020", "kind": "municipal"})
    assert response.status_code == 200
    assert not Roadmap.objects.exists()
    response = client.post(
        url, {"template": "mppko-2020", "kind": "transition", "school": world.school_b.pk}
    )
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    response = client.post(
        url, {"template": "mppko-2020", "kind": "transition", "school": world.school_a.pk}
    )
    assert response.status_code == 302
    assert Roadmap.objects.get().school == world.school_a


def test_outsiders_cannot_create(world, programme):
    for persona in ("outsider", "council", "teacher"):
        client = world.client(persona)
        url = reverse("roadmaps:from-template", args=[programme.pk])
        assert client.get(url).status_code == 404, persona


def test_upload_preview_fix_and_save(world, programme):
    client = world.client("coordinator")
    url = reverse("roadmaps:upload-file", args=[programme.pk])
    upload = SimpleUploadedFile("энск.docx", foreign_roadmap_docx())
    response = client.post(url, {"file": upload, "kind": "municipal"})
    saved = RoadmapUpload.objects.get()
    assert response["Location"] == reverse("roadmaps:upload", args=[saved.pk])
    assert not Roadmap.objects.exists()
    preview = client.get(response["Location"]).content.decode()
    assert "разделов 3, мероприятий 7" in preview
    # Every schedule of this file is understood, and the preview says how.
    assert "срок не распознан" not in preview
    assert "до 15.09.2024" in preview and "раз в полугодие" in preview
    assert "Формирование муниципальной рабочей группы" in preview
    # Another user cannot see someone else's upload.
    assert world.client("analyst").get(response["Location"]).status_code == 404
    # The user fixes a misread schedule, deletes an activity and empties one text by mistake.
    form = {"title": "Дорожная карта Энска", "r-1-schedule": "до 20.09.2024", "r-9-kind": "skip"}
    form["r-2-text"] = ""
    response = client.post(response["Location"], form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "у мероприятия № 1.2 нет текста" in page
    form["r-3-schedule"] = "когда получится"
    page = client.post(reverse("roadmaps:upload", args=[saved.pk]), form).content.decode()
    assert "Срок не распознан у 1 мероприятия" in page
    assert 'value="когда получится"' in page
    form["r-3-schedule"] = "октябрь–ноябрь ежегодно"
    assert 'value="до 20.09.2024"' in page  # what the user typed is kept
    assert not Roadmap.objects.exists()
    form["r-2-text"] = "Утверждение перечня школ"
    response = client.post(reverse("roadmaps:upload", args=[saved.pk]), form)
    roadmap = Roadmap.objects.get()
    assert response["Location"] == roadmap.get_absolute_url()
    assert roadmap.title == "Дорожная карта Энска"
    assert roadmap.activities.count() == 6
    first = Activity.objects.get(roadmap=roadmap, number="1.1")
    assert first.schedule_text == "до 20.09.2024"
    assert first.schedule_date == datetime.date(2024, 9, 20)
    assert "файл «энск.docx»" in roadmap.source


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("скан.pdf", b"%PDF-1.5", "PDF"),
        ("карта.docx", roadmap_docx([("Что", "Когда")]), None),
        ("программа.exe", b"MZ", "нужен документ Word"),
    ],
)
def test_bad_files_get_a_clear_message(world, programme, name, data, message):
    client = world.client("coordinator")
    url = reverse("roadmaps:upload-file", args=[programme.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, data), "kind": "municipal"})
    if message is None:
        # Readable, but no roadmap in it: the preview says so and offers nothing to save.
        page = client.get(response["Location"]).content.decode()
        assert "не найдена таблица дорожной карты" in page
        assert "Сохранить дорожную карту" not in page
    else:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not RoadmapUpload.objects.exists()


def test_exports_download_for_those_who_see_the_roadmap(world, roadmaps):
    own = roadmaps[0]
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%P")):
        url = reverse("roadmaps:export", args=[own.pk, fmt])
        response = world.client("director_a").get(url)
        assert response.status_code == 200
        assert response.content[:2] == magic
        assert "attachment" in response["Content-Disposition"]
        assert world.client("outsider").get(url).status_code == 404
    assert world.client("coordinator").get(f"/roadmaps/{own.pk}/export.exe").status_code == 404


def test_roadmap_page_queries_do_not_grow_with_its_size(world, programme):
    small = make(programme, world, slug="mppko-2020")
    large = make(programme, world, slug="krasnoturansk-2022")
    client = world.client("coordinator")
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        client.get(large.get_absolute_url())
    assert len(few) == len(many)
