"""The import preview through HTTP: who may import a roadmap, sections in Russian layouts
saved as sections, and what is still misread corrected row by row instead of refused."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.registry.models import Programme, ProgrammeSchool
from opora.roadmaps.drafts import DraftRoadmap, DraftRow, row_may_move, rows_draft, rows_move
from opora.roadmaps.models import Roadmap, RoadmapUpload, Section
from opora.roadmaps.tests.word_layouts import ACTIVITY_TEXTS, Merged, activity, word_roadmap

pytestmark = pytest.mark.django_db

ORG = "Организационно-управленческие меры"
METHOD = "Методическое сопровождение"


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


class FormFields(HTMLParser):
    """What a browser would post from the page's form: inputs, checked boxes, selected
    options and text areas, with the pressed button added by the caller."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "checkbox"):
            self.fields[name] = attributes.get("value") or ""
        elif tag == "input" and name and "checked" in attributes:
            self.fields[name] = "on"
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields[self.select] = attributes["value"]
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data.removeprefix("\n")


def form_of(page: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def position(fields: dict[str, str], number: str) -> int:
    """The preview row that shows `number`."""
    (found,) = [
        int(name.split("-")[1])
        for name, value in fields.items()
        if name.endswith("-number") and value == number
    ]
    return found


def row_html(page: str, row: int) -> str:
    return page.split(f'id="row-{row}"')[1].split("</tr>")[0]


def upload(client, programme, data: bytes, **extra) -> str:
    url = reverse("roadmaps:upload-file", args=[programme.pk])
    form = {"file": SimpleUploadedFile("карта.docx", data), "kind": "municipal", **extra}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


ISSUE_ROWS = [
    Merged(f"I. {ORG}"),
    activity("1.1", 0),
    activity("1.2", 1),
    Merged(f"II. {METHOD}"),
    activity("2.1", 2),
    Merged("III. Кадровые условия"),
    activity("3.1", 3),
    Merged("IV. Мониторинг"),
    activity("4.1", 4),
]


def test_sections_numbered_in_roman_numerals_are_saved_as_sections(world, programme):
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(ISSUE_ROWS))
    page = client.get(preview_url).content.decode()
    assert "разделов 4, мероприятий 5" in page
    assert "нельзя сохранить" not in page and "нет текста" not in page
    response = client.post(preview_url, form_of(page) | {"action": "save"})
    roadmap = Roadmap.objects.get()
    assert response["Location"] == roadmap.get_absolute_url()
    sections = Section.objects.filter(roadmap=roadmap)
    assert [(s.number, s.title) for s in sections] == [
        ("I", ORG),
        ("II", METHOD),
        ("III", "Кадровые условия"),
        ("IV", "Мониторинг"),
    ]
    activities = roadmap.activities.order_by("position")
    assert [(a.section.number, a.number) for a in activities] == [
        ("I", "1.1"),
        ("I", "1.2"),
        ("II", "2.1"),
        ("III", "3.1"),
        ("IV", "4.1"),
    ]
    assert activities[0].text == ACTIVITY_TEXTS[0]


MISREAD_ROWS = [
    Merged(f"I. {ORG}"),
    activity("1.1", 0),
    activity("1.2", 1),
    # The section's number alone, its title on the next line of the table: read as activity
    # «II.» with the title for its text.
    ("II.", "", "", "", ""),
    ("", METHOD, "", "", ""),
    # The author put an activity of section I under section II.
    activity("1.3", 2),
    activity("2.1", 3),
    # An activity whose text was lost.
    ("2.2", "", "май 2025", "ИМЦ", "Справка"),
]


def test_misread_rows_are_corrected_in_the_preview_instead_of_refusing_the_file(world, programme):
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(MISREAD_ROWS))
    page = client.get(preview_url).content.decode()
    # Not refused: the file is shown, the wrong row is marked where it is.
    assert "Файл не распознан" not in page
    assert "1 строку нельзя сохранить как есть" in page
    fields = form_of(page)
    wrong = position(fields, "2.2")
    assert f'id="row-{wrong}" class="table-danger"' in page
    assert "у мероприятия № 2.2 нет текста" in row_html(page, wrong)
    # What the recogniser doubts is remarked on its row.
    assert "похож на номер раздела" in row_html(page, position(fields, "II."))

    # Saving as it stands is refused with the row named; nothing is saved.
    response = client.post(preview_url, fields | {"action": "save"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Не сохранено" in page
    assert (
        f'<a class="alert-link" href="#row-{wrong}">таблица 1, строка 9: у мероприятия № 2.2 нет '
        "текста</a>" in page
    )
    assert not Roadmap.objects.exists()

    # The user makes «II.» a section, moves 1.3 into section I and applies: nothing is
    # saved, the page shows the corrected rows with what the user typed.
    fields = form_of(page)
    heading = position(fields, "II.")
    fields[f"r-{heading}-kind"] = "section"
    fields[f"r-{heading}-number"] = "II"
    fields[f"r-{heading}-text"] = METHOD
    fields[f"r-{position(fields, '1.3')}-move"] = "on"
    fields[f"r-{position(fields, '2.1')}-responsible"] = "ИМЦ, кураторы"
    response = client.post(preview_url, fields | {"action": "apply"})
    page = response.content.decode()
    assert response.status_code == 200 and not Roadmap.objects.exists()
    fields = form_of(page)
    order = [(fields[f"r-{n}-kind"], fields[f"r-{n}-number"]) for n in range(int(fields["rows"]))]
    assert order == [
        ("section", "I"),
        ("activity", "1.1"),
        ("activity", "1.2"),
        ("activity", "1.3"),
        ("section", "II"),
        ("activity", "2.1"),
        ("activity", "2.2"),
    ]
    assert fields[f"r-{position(fields, '2.1')}-responsible"] == "ИМЦ, кураторы"
    assert "похож на номер раздела" not in page  # answered: the row is a section now
    assert "у мероприятия № 2.2 нет текста" in page  # still wrong, still marked

    # The activity with no text is left out; now it saves.
    fields[f"r-{position(fields, '2.2')}-kind"] = "skip"
    response = client.post(preview_url, fields | {"action": "save"})
    roadmap = Roadmap.objects.get()
    assert response["Location"] == roadmap.get_absolute_url()
    assert [(s.number, s.title) for s in Section.objects.filter(roadmap=roadmap)] == [
        ("I", ORG),
        ("II", METHOD),
    ]
    saved = roadmap.activities.order_by("position")
    assert [(a.section.number, a.number) for a in saved] == [
        ("I", "1.1"),
        ("I", "1.2"),
        ("I", "1.3"),
        ("II", "2.1"),
    ]
    assert saved[3].responsible == "ИМЦ, кураторы"
    assert RoadmapUpload.objects.get().roadmap == roadmap


def test_a_row_turned_into_a_section_and_back_keeps_its_cells(world, programme):
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(ISSUE_ROWS))
    fields = form_of(client.get(preview_url).content.decode())
    row = position(fields, "2.1")
    fields[f"r-{row}-kind"] = "section"
    fields = form_of(client.post(preview_url, fields | {"action": "apply"}).content.decode())
    assert fields[f"r-{row}-kind"] == "section"
    assert fields[f"r-{row}-schedule"] == "сентябрь 2024"
    fields[f"r-{row}-kind"] = "activity"
    page = client.post(preview_url, fields | {"action": "apply"}).content.decode()
    assert form_of(page)[f"r-{row}-responsible"] == "Управление образования"


def test_errors_that_are_not_rows_still_block_the_save(world, programme):
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(ISSUE_ROWS))
    fields = form_of(client.get(preview_url).content.decode())
    fields["title"] = ""
    for name in list(fields):
        if name.endswith("-kind") and fields[name] == "activity":
            fields[name] = "skip"
    fields[f"r-{position(fields, 'I')}-text"] = ""
    page = client.post(preview_url, fields | {"action": "save"}).content.decode()
    assert "Не указано название дорожной карты." in page
    assert "В дорожной карте нет ни одного мероприятия." in page
    assert "таблица 1, строка 2: у раздела № I нет названия" in page
    assert not Roadmap.objects.exists()


def test_a_tampered_form_cannot_invent_or_lose_rows(world, programme):
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(ISSUE_ROWS))
    fields = form_of(client.get(preview_url).content.decode())
    fields["r-0-origin"] = "999"  # from nowhere: ignored, the row comes back at the end
    fields["r-1-origin"] = "2"  # named twice
    fields["r-1-kind"] = "nonsense"
    client.post(preview_url, fields | {"action": "save"})
    roadmap = Roadmap.objects.get()
    assert roadmap.activities.count() == 5
    # Section I came back at the end; the activities above every heading got the default.
    titles = [s.title for s in Section.objects.filter(roadmap=roadmap)]
    assert titles[0] == "Мероприятия" and titles[-1] == ORG


@pytest.mark.parametrize(
    ("persona", "may"),
    [
        ("coordinator", True),
        ("analyst", True),
        ("director_a", True),
        ("curator", False),
        ("council", False),
        ("teacher", False),
        ("outsider", False),
    ],
)
def test_who_may_import_a_roadmap(world, programme, persona, may):
    client = world.client(persona)
    url = reverse("roadmaps:upload-file", args=[programme.pk])
    assert client.get(url).status_code == (200 if may else 404)
    data = word_roadmap(ISSUE_ROWS)
    form = {"file": SimpleUploadedFile("карта.docx", data), "kind": "transition"}
    response = client.post(url, form | {"school": world.school_a.pk})
    assert response.status_code == (302 if may else 404)
    assert RoadmapUpload.objects.exists() == may


def test_anonymous_users_are_sent_to_log_in(world, programme):
    client = world.client("anonymous")
    url = reverse("roadmaps:upload-file", args=[programme.pk])
    assert reverse("login") in client.get(url)["Location"]
    preview_url = upload(world.client("coordinator"), programme, word_roadmap(ISSUE_ROWS))
    assert reverse("login") in client.get(preview_url)["Location"]
    assert reverse("login") in client.post(preview_url, {"action": "save"})["Location"]


def test_the_preview_is_its_uploaders_only(world, programme):
    director = world.client("director_a")
    preview_url = upload(
        director,
        programme,
        word_roadmap(ISSUE_ROWS),
        kind="transition",
        school=world.school_a.pk,
    )
    fields = form_of(director.get(preview_url).content.decode())
    for persona in ("coordinator", "analyst", "curator", "director_b", "outsider"):
        client = world.client(persona)
        assert client.get(preview_url).status_code == 404, persona
        assert client.post(preview_url, fields | {"action": "save"}).status_code == 404, persona
    assert not Roadmap.objects.exists()
    response = director.post(preview_url, fields | {"action": "save"})
    assert Roadmap.objects.get().school == world.school_a
    assert response.status_code == 302


def rows_of(*spec: str):
    """Preview rows from «S:I», «A:1.1», «-:x» (section, activity, skipped)."""
    kinds = {"S": "section", "A": "activity", "-": "skip"}
    return [
        DraftRow(kind=kinds[item[0]], number=item[2:], text="текст", origin=index)
        for index, item in enumerate(spec)
    ]


def test_moving_activities_into_the_previous_section():
    rows = rows_of("S:I", "A:1.1", "S:II", "A:1.2", "A:1.3", "A:2.1")
    moved = rows_move(rows, [3, 4])
    assert [r.number for r in moved] == ["I", "1.1", "1.2", "1.3", "II", "2.1"]
    # The first section has no section before it; a skipped row is not one.
    rows = rows_of("-:x", "S:I", "A:1.1")
    assert not row_may_move(rows, 2)
    assert rows_move(rows, [2]) == rows
    # Activities above every heading are a section of their own.
    rows = rows_of("A:0.1", "S:I", "A:1.1")
    assert row_may_move(rows, 2)
    assert [r.number for r in rows_move(rows, [2])] == ["0.1", "1.1", "I"]
    assert not row_may_move(rows, 1)  # a heading does not move


def test_rows_make_sections_sub_sections_and_the_default_section():
    rows = rows_of("A:0.1", "S:I", "S:1.1", "A:1.1.1", "-:1.1.2", "S:II", "A:2.1")
    draft = rows_draft(rows, title="Карта", template=DraftRoadmap(result_years=[2024]))
    assert [
        (s.number, s.title, s.parent, [a.number for a in s.activities]) for s in draft.sections
    ] == [
        ("", "Мероприятия", "", ["0.1"]),
        ("I", "текст", "", []),
        ("1.1", "текст", "I", ["1.1.1"]),
        ("II", "текст", "", ["2.1"]),
    ]
    assert draft.title == "Карта" and draft.result_years == [2024]
    made = rows_draft(
        [DraftRow(kind="section", text="Кадровые\nусловия")], title="", template=draft
    )
    assert made.sections[0].title == "Кадровые условия"
    assert DraftRow(kind="section", number="x" * 21, text="").errors == [
        "у раздела № " + "x" * 21 + " нет названия",
        "номер «" + "x" * 21 + "» длиннее 20 знаков — если это заголовок раздела, отметьте "
        "строку как раздел и перенесите текст в название",
    ]
    assert DraftRow(kind="skip").errors == []


def test_a_long_roadmap_is_saved_from_its_preview(world, programme):
    # 10 sections of 15: about 1,300 posted fields, above Django's default limit of 1,000.
    rows = []
    for section in range(1, 11):
        rows.append(Merged(f"{section}. Направление работы {section}"))
        rows.extend(activity(f"{section}.{n}", n) for n in range(1, 16))
    client = world.client("coordinator")
    preview_url = upload(client, programme, word_roadmap(rows))
    fields = form_of(client.get(preview_url).content.decode())
    assert len(fields) > 1000
    response = client.post(preview_url, fields | {"action": "save"})
    assert response.status_code == 302
    assert Roadmap.objects.get().activities.count() == 150
