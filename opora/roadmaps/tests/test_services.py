"""Saving roadmaps from templates and files, reading them back, and comparing versions."""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.core.models import TimelineEvent
from opora.registry.models import Programme
from opora.roadmaps.choices import RoadmapKind, ScheduleKind
from opora.roadmaps.diff import roadmap_diff
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.models import Activity, Roadmap, Section
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.seeds import SEED_TEMPLATES, seed_template_draft
from opora.roadmaps.selectors import roadmap_draft
from opora.roadmaps.services import roadmap_create
from opora.roadmaps.tests.documents import foreign_roadmap_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    return Programme.objects.create(
        name="Муниципальная программа поддержки ШНОР",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )


def create(programme, draft, world, source="шаблон"):
    return roadmap_create(
        programme=programme,
        school=None,
        kind=RoadmapKind.MUNICIPAL,
        draft=draft,
        user=world.user("coordinator"),
        source=source,
    )


@pytest.mark.parametrize("template", SEED_TEMPLATES, ids=lambda t: t.slug)
def test_every_template_becomes_a_roadmap_that_reads_back_the_same(template, programme, world):
    draft = seed_template_draft(template.slug)
    roadmap = create(programme, draft, world)
    assert Activity.objects.filter(roadmap=roadmap).count() == template.activities
    assert Section.objects.filter(roadmap=roadmap, parent=None).count() == template.sections
    back = roadmap_draft(roadmap)
    assert back.title == draft.title
    assert [(s.number, s.title, s.parent) for s in back.sections] == [
        (s.number, s.title, s.parent) for s in draft.sections
    ]
    assert [a.__dict__ | {"source": ""} for a in back.activities] == [
        a.__dict__ | {"source": ""} for a in draft.activities
    ]
    assert roadmap_diff(draft, back).is_empty
    event = TimelineEvent.objects.get(object_id=str(roadmap.pk))
    assert f"мероприятий {template.activities}" in event.message


def test_schedules_are_parsed_and_the_wording_kept(programme, world):
    roadmap = create(programme, seed_template_draft("novosibirsk-2020"), world)
    activity = Activity.objects.get(roadmap=roadmap, section__number="1", number="2")
    assert activity.schedule_text == "1 раз в полугодие"
    assert activity.schedule_kind == ScheduleKind.HALF_YEAR


def test_reading_a_roadmap_takes_the_same_queries_whatever_its_size(programme, world):
    small = create(programme, seed_template_draft("mppko-2020"), world)
    large = create(programme, seed_template_draft("krasnoturansk-2022"), world)
    with CaptureQueriesContext(connection) as few:
        roadmap_draft(small)
    with CaptureQueriesContext(connection) as many:
        roadmap_draft(large)
    assert len(few) == len(many) == 2


def test_a_draft_with_errors_saves_nothing(programme, world):
    draft = DraftRoadmap(
        title="Карта",
        sections=[
            DraftSection(
                number="1",
                title="Раздел",
                activities=[
                    DraftActivity(number="1.1", text="Совещание"),
                    DraftActivity(number="1.2", text=" ", source="строка 7"),
                ],
            )
        ],
    )
    with pytest.raises(ValidationError) as error:
        create(programme, draft, world)
    assert error.value.messages == ["строка 7: у мероприятия № 1.2 нет текста"]
    assert not Roadmap.objects.exists()
    assert not Activity.objects.exists()


def test_diff_names_added_removed_renumbered_and_changed_activities():
    old = seed_template_draft("yaroslavl-2020")
    new = copy.deepcopy(old)
    section = new.sections[0]
    section.activities[0].schedule = "июль 2020"
    removed = section.activities.pop(1)
    section.activities.append(DraftActivity(number="13", text="Новое мероприятие"))
    new.sections[2].activities[0].number = "0"
    diff = roadmap_diff(old, new)
    assert (diff.count("changed"), diff.count("removed"), diff.count("added")) == (2, 1, 1)
    changed = next(c for c in diff.changes if c.number == "1")
    assert [(f.name, f.old, f.new) for f in changed.fields] == [
        ("schedule", "июнь 2020", "июль 2020")
    ]
    assert next(c for c in diff.changes if c.kind == "removed").text == removed.text
    renumbered = next(c for c in diff.changes if c.number == "0")
    assert [(f.name, f.old, f.new) for f in renumbered.fields] == [("number", "1", "0")]


def test_cli_prints_and_writes_the_recognised_roadmap(tmp_path, capsys):
    path = tmp_path / "энск.docx"
    path.write_bytes(foreign_roadmap_docx())
    call_command("roadmap", "import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Разделов 3, мероприятий 7" in out
    assert "1.1 Формирование муниципальной рабочей группы" in out
    assert "до 15.09.2024 → до 15.09.2024" in out
    target = tmp_path / "карта.json"
    call_command("roadmap", "import", str(path), "--json", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    first = data["sections"][0]["activities"][0]
    assert first["schedule_parsed"]["kind"] == "date"
    assert first["schedule_parsed"]["date"] == "2024-09-15"
    assert (
        DraftRoadmap.from_dict(data).activities[0].text
        == recognize(read_document(path.read_bytes(), path.name)).activities[0].text
    )


def test_cli_refuses_a_file_without_a_roadmap(tmp_path):
    path = tmp_path / "скан.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="PDF"):
        call_command("roadmap", "import", str(path))


def test_cli_saves_into_a_programme_and_exports(tmp_path, capsys, world, programme):
    path = tmp_path / "энск.docx"
    path.write_bytes(foreign_roadmap_docx())
    call_command("roadmap", "import", str(path), "--programme", str(programme.pk))
    roadmap = Roadmap.objects.get()
    assert roadmap.kind == RoadmapKind.MUNICIPAL
    assert roadmap.activities.count() == 7
    assert f"Сохранено: дорожная карта № {roadmap.pk}" in capsys.readouterr().out
    call_command("roadmap", "import", str(path), "--dry-run", "--programme", str(programme.pk))
    assert Roadmap.objects.count() == 1
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        target = tmp_path / f"out.{fmt}"
        call_command("roadmap", "export", str(roadmap.pk), "--format", fmt, "-o", str(target))
        assert target.read_bytes().startswith(magic)
    again = recognize(read_document((tmp_path / "out.docx").read_bytes(), "out.docx"))
    assert [a.text for a in again.activities] == [a.text for a in roadmap_draft(roadmap).activities]
    with pytest.raises(CommandError, match="Дорожной карты № 999"):
        call_command("roadmap", "export", "999", "--format", "pdf", "-o", str(target))
