"""Events: the services' refusals, who sees and does what, and the pages' query counts."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from opora.core.choices import Role
from opora.events import selectors, services
from opora.events.choices import EventStatus, RegistrationStatus
from opora.events.models import Certificate, Event, Registration
from opora.events.tests.factories import EventFactory, soon
from opora.registry.models import Person
from opora.staff.tests.factories import TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(world: Any) -> Event:
    """A seminar of the city's methodical centre for all schools of Город N."""
    event: Event = EventFactory(organizer=world.methodical_centre, audience_territory=world.city)
    return event


def _teacher_person(world: Any) -> Person:
    return Person.objects.get(user=world.user("teacher"))


def _past(event: Event) -> Event:
    """The event moved to have started an hour ago (registrations made before stay)."""
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    event.refresh_from_db()
    return event


def _xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("участники.xlsx", buffer.getvalue())


# --- Refusals ------------------------------------------------------------------------------


def test_teacher_registers_once(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    assert registration.school == world.school_a
    with pytest.raises(ValidationError, match="уже записан"):
        services.registration_self(event=event, user=world.user("teacher"))
    assert Registration.objects.filter(event=event).count() == 1


def test_registration_refused_after_start(world: Any, event: Event) -> None:
    _past(event)
    with pytest.raises(ValidationError, match="уже началось"):
        services.registration_self(event=event, user=world.user("teacher"))
    assert not Registration.objects.exists()


def test_registration_refused_above_capacity(world: Any, event: Event) -> None:
    event.capacity = 1
    event.save()
    teachers = TeacherFactory.create_batch(2, school=world.school_a)
    services.registration_nominate(event=event, teacher=teachers[0], user=world.user("director_a"))
    with pytest.raises(ValidationError, match="Мест нет"):
        services.registration_nominate(
            event=event, teacher=teachers[1], user=world.user("director_a")
        )
    assert Registration.objects.count() == 1


def test_nomination_is_all_or_nothing(world: Any, event: Event) -> None:
    event.capacity = 1
    event.save()
    teachers = TeacherFactory.create_batch(2, school=world.school_a)
    with pytest.raises(ValidationError, match="Мест нет"):
        services.registrations_nominate(
            event=event, teachers=teachers, user=world.user("director_a")
        )
    assert not Registration.objects.exists()


def test_registration_refused_outside_audience(world: Any) -> None:
    event = EventFactory(organizer=world.methodical_centre, schools=[world.school_b])
    with pytest.raises(ValidationError, match="не входит в число участников"):
        services.registration_self(event=event, user=world.user("teacher"))
    only_directors = EventFactory(
        organizer=world.methodical_centre,
        audience_territory=world.city,
        audience_roles=[Role.SCHOOL_DIRECTOR],
    )
    with pytest.raises(ValidationError, match="проводится для"):
        services.registration_self(event=only_directors, user=world.user("teacher"))


def test_registration_refused_for_cancelled_event(world: Any, event: Event) -> None:
    services.event_cancel(event=event, user=world.user("analyst"))
    with pytest.raises(ValidationError, match="отменено"):
        services.registration_self(event=event, user=world.user("teacher"))


def test_attendance_for_someone_not_registered_is_refused(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    other = EventFactory(organizer=world.methodical_centre, audience_territory=world.city)
    stranger = services.registration_self(event=other, user=world.user("teacher"))
    _past(event)
    with pytest.raises(ValidationError, match="только записанных"):
        services.attendance_mark(
            event=event, attended_ids=[registration.pk, stranger.pk], user=world.user("analyst")
        )
    registration.refresh_from_db()
    assert not registration.attended
    assert Event.objects.get(pk=event.pk).status == EventStatus.ANNOUNCED


def test_attendance_import_matches_and_refuses_whole_file(world: Any, event: Event) -> None:
    teacher = TeacherFactory(
        school=world.school_a, last_name="Иванова", first_name="Анна", middle_name=""
    )
    services.registration_nominate(event=event, teacher=teacher, user=world.user("director_a"))
    own = services.registration_self(event=event, user=world.user("teacher"))
    _past(event)
    bad = _xlsx([["ФИО", "E-mail"], ["иванова анна", ""], ["Петров Пётр", "p@example.org"]])
    with pytest.raises(ValidationError) as refusal:
        services.attendance_import(event=event, file=bad, user=world.user("analyst"))
    assert "Строка 3: «Петров Пётр» не записан(а)" in refusal.value.messages[0]
    assert not Registration.objects.filter(attended=True).exists()
    good = _xlsx([["Вебинар"], ["ФИО", "E-mail"], ["Иванова  Анна", ""]])
    assert services.attendance_import(event=event, file=good, user=world.user("analyst")) == 1
    assert Registration.objects.get(teacher=teacher).attended
    own.refresh_from_db()
    assert not own.attended
    assert Event.objects.get(pk=event.pk).status == EventStatus.HELD


def test_attendance_import_refuses_a_file_without_columns(world: Any, event: Event) -> None:
    _past(event)
    with pytest.raises(ValidationError, match="нет столбца"):
        services.attendance_import(
            event=event, file=_xlsx([["a", "b"], ["1", "2"]]), user=world.user("analyst")
        )


def test_certificate_refused_to_someone_who_did_not_attend(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    with pytest.raises(ValidationError, match="только тем, кто присутствовал"):
        services.certificate_issue(registration=registration)
    assert not Certificate.objects.exists()


def test_certificates_numbered_per_organizer_and_year(world: Any, event: Event) -> None:
    teachers = TeacherFactory.create_batch(2, school=world.school_a)
    regs = [
        services.registration_nominate(event=event, teacher=t, user=world.user("director_a"))
        for t in teachers
    ]
    _past(event)
    services.attendance_mark(
        event=event, attended_ids=[r.pk for r in regs], user=world.user("analyst")
    )
    first = services.certificate_issue(registration=regs[0])
    second = services.certificate_issue(registration=regs[1])
    assert (first.number, second.number) == (1, 2)
    assert services.certificate_issue(registration=regs[0]).number == 1
    other = EventFactory(organizer=world.department, audience_territory=world.city)
    reg = services.registration_nominate(
        event=other, teacher=teachers[0], user=world.user("director_a")
    )
    _past(other)
    services.attendance_mark(event=other, attended_ids=[reg.pk], user=world.user("coordinator"))
    assert services.certificate_issue(registration=reg).number == 1


def test_event_needs_an_audience_and_a_place(world: Any) -> None:
    event = Event(
        kind="seminar",
        title="Без аудитории",
        organizer=world.methodical_centre,
        starts_at=soon(),
        ends_at=soon(),
    )
    with pytest.raises(ValidationError) as refusal:
        services.event_save(event=event, user=world.user("analyst"))
    assert "audience_schools" in refusal.value.message_dict
    event.audience_territory = world.city
    with pytest.raises(ValidationError) as refusal:
        services.event_save(event=event, user=world.user("analyst"))
    assert {"place", "ends_at"} <= set(refusal.value.message_dict)
    assert not Event.objects.exists()


def test_event_of_an_organizer_out_of_reach_is_refused(world: Any) -> None:
    event = Event(
        kind="seminar",
        title="Чужой семинар",
        organizer=world.methodical_centre,
        starts_at=soon(),
        ends_at=soon() + datetime.timedelta(hours=1),
        place="Где-то",
        audience_territory=world.city,
    )
    for persona in ("outsider", "director_a"):
        with pytest.raises(ValidationError) as refusal:
            services.event_save(event=event, user=world.user(persona))
        assert "organizer" in refusal.value.message_dict
    assert not Event.objects.exists()


# --- Who sees and does what ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("coordinator", 200),
        ("regional", 200),
        ("council", 200),
        ("curator", 200),
        ("director_a", 200),
        ("director_b", 200),
        ("teacher", 200),
        ("outsider", 404),
    ],
)
def test_event_page_by_persona(world: Any, event: Event, persona: str, status: int) -> None:
    response = world.client(persona).get(event.get_absolute_url())
    assert response.status_code == status


def test_anonymous_is_sent_to_login(world: Any, event: Event) -> None:
    response = world.client("anonymous").get(event.get_absolute_url())
    assert response.status_code == 302


def test_names_only_for_organizer_director_analyst_and_self(world: Any, event: Event) -> None:
    teacher = TeacherFactory(school=world.school_a, last_name="Секретова", first_name="Ирина")
    services.registration_nominate(event=event, teacher=teacher, user=world.user("director_a"))
    for persona in ("analyst", "director_a"):
        assert "Секретова" in world.client(persona).get(event.get_absolute_url()).text
    for persona in ("director_b", "curator", "council", "teacher"):
        page = world.client(persona).get(event.get_absolute_url()).text
        assert "Секретова" not in page, persona
        assert "записано 1" in page


def test_only_handlers_change(world: Any, event: Event) -> None:
    url = reverse("events:edit", args=[event.pk])
    assert world.client("analyst").get(url).status_code == 200
    for persona in ("director_a", "teacher", "council", "curator", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    assert world.client("teacher").get(reverse("events:create")).status_code == 404
    assert world.client("analyst").get(reverse("events:create")).status_code == 200


def test_create_through_the_page(world: Any) -> None:
    response = world.client("analyst").post(
        reverse("events:create"),
        {
            "kind": "webinar",
            "title": "Вебинар «Функциональная грамотность»",
            "organizer": world.methodical_centre.pk,
            "starts_at": soon().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (soon() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "online_url": "https://webinar.example.org/fg",
            "audience_territory": world.city.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.created_by == world.user("analyst")


def test_create_with_another_organizer_is_refused(world: Any) -> None:
    response = world.client("outsider").post(
        reverse("events:create"),
        {
            "kind": "seminar",
            "title": "Чужой",
            "organizer": world.methodical_centre.pk,
            "starts_at": soon().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (soon() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Где-то",
            "audience_territory": world.city.pk,
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_director_nominates_only_own_staff(world: Any, event: Event) -> None:
    own = TeacherFactory(school=world.school_a)
    other = TeacherFactory(school=world.school_b)
    url = reverse("events:nominate", args=[event.pk])
    response = world.client("director_a").post(url, {"teachers": [other.pk]})
    assert response.status_code == 200
    assert not Registration.objects.exists()
    response = world.client("director_a").post(url, {"teachers": [own.pk]})
    assert response.status_code == 302
    assert Registration.objects.get().teacher == own
    assert world.client("teacher").get(url).status_code == 404


def test_certificate_download_by_participant_only(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    url = reverse("events:certificate", args=[registration.pk])
    response = world.client("teacher").get(url)
    assert response.status_code == 302  # not attended: refused with a message
    assert not Certificate.objects.exists()
    _past(event)
    analyst = world.user("analyst")
    services.attendance_mark(event=event, attended_ids=[registration.pk], user=analyst)
    response = world.client("teacher").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.client("director_b").get(url).status_code == 404
    assert world.client("curator").get(url).status_code == 404


def test_attendance_page_post_and_refusals(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    url = reverse("events:attendance", args=[event.pk])
    assert world.client("director_a").post(url, {"attended": [registration.pk]}).status_code == 404
    _past(event)
    world.client("analyst").post(url, {"attended": [registration.pk]})
    registration.refresh_from_db()
    assert registration.attended


def test_materials_file_and_link(world: Any, event: Event) -> None:
    url = reverse("events:material-add", args=[event.pk])
    world.client("analyst").post(
        url, {"title": "Презентация", "file": SimpleUploadedFile("слайды.pdf", b"%PDF-1.4 x")}
    )
    world.client("analyst").post(url, {"title": "Запись", "url": "https://video.example.org/1"})
    assert world.client("teacher").post(url, {"url": "https://x.example.org"}).status_code == 404
    refused = world.client("analyst").post(
        url, {"file": SimpleUploadedFile("вирус.exe", b"MZ\x90\x00")}
    )
    assert refused.status_code == 302
    materials = list(event.materials.order_by("pk"))
    assert [m.title for m in materials] == ["Презентация", "Запись"]
    file_url = reverse("events:material", args=[materials[0].pk])
    assert world.client("teacher").get(file_url).status_code == 200
    assert world.client("outsider").get(file_url).status_code == 404


def test_feedback_link_and_results_threshold(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    with pytest.raises(ValidationError, match="после проведения"):
        services.feedback_open(event=event, user=world.user("analyst"))
    _past(event)
    analyst = world.user("analyst")
    services.attendance_mark(event=event, attended_ids=[registration.pk], user=analyst)
    services.feedback_open(event=Event.objects.get(pk=event.pk), user=world.user("analyst"))
    feedback = selectors.event_feedback(world.user("teacher"), Event.objects.get(pk=event.pk))
    assert feedback is not None and feedback.results is None
    assert world.client("anonymous").get(feedback.url).status_code == 200


def test_calendar_month_and_feed(world: Any, event: Event) -> None:
    month = f"{timezone.localtime(event.starts_at):%Y-%m}"
    page = world.client("teacher").get(reverse("events:calendar"), {"month": month})
    assert event.title in page.text
    assert (
        event.title
        not in world.client("outsider").get(reverse("events:calendar"), {"month": month}).text
    )
    world.client("teacher").post(reverse("events:feed-create"))
    feed = selectors.feed_for(world.user("teacher"))
    assert feed is not None
    ics = world.client("anonymous").get(reverse("events:feed", args=[feed.token]))
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert event.title in ics.content.decode()
    assert world.client("anonymous").get(reverse("events:feed", args=["nope"])).status_code == 404


def test_calendar_queries_do_not_grow(world: Any) -> None:
    def count() -> int:
        client = world.client("teacher")
        month = f"{soon():%Y-%m}"
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("events:calendar"), {"month": month}).status_code == 200
        return len(queries)

    EventFactory(organizer=world.methodical_centre, audience_territory=world.city)
    few = count()
    for day in range(1, 15):
        EventFactory(
            organizer=world.methodical_centre,
            audience_territory=world.city,
            starts_at=soon(days=day % 5 + 1),
        )
    assert count() == few


def test_list_queries_do_not_grow(world: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert world.client("analyst").get(reverse("events:index")).status_code == 200
        return len(queries)

    EventFactory(organizer=world.methodical_centre, audience_territory=world.city)
    few = count()
    EventFactory.create_batch(10, organizer=world.methodical_centre, audience_territory=world.city)
    assert count() == few


def test_registration_status_and_cancel(world: Any, event: Event) -> None:
    registration = services.registration_self(event=event, user=world.user("teacher"))
    url = reverse("events:registration-cancel", args=[registration.pk])
    assert world.client("teacher").post(url).status_code == 404
    world.client("analyst").post(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    # Cancelled, the teacher may register again.
    services.registration_self(event=event, user=world.user("teacher"))


def test_certificates_job_makes_a_zip_with_numbers(
    world: Any, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    import zipfile

    from opora.core.choices import JobStatus
    from opora.core.models import Job

    teachers = TeacherFactory.create_batch(3, school=world.school_a)
    regs = [
        services.registration_nominate(event=event, teacher=t, user=world.user("director_a"))
        for t in teachers
    ]
    _past(event)
    analyst = world.user("analyst")
    services.attendance_mark(event=event, attended_ids=[r.pk for r in regs[:2]], user=analyst)
    services.certificate_issue(registration=regs[1])  # one already has number 1
    assert (
        world.client("director_a").post(reverse("events:certificates", args=[event.pk])).status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("analyst").post(reverse("events:certificates", args=[event.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2]
    download = world.client("analyst").get(reverse("events:certificates-zip", args=[event.pk]))
    assert download.status_code == 200
    from pypdf import PdfReader

    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    # Each PDF is whole (drawn from a copy of one blank) and names its participant.
    for name in names:
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
        assert name[5:-4] in " ".join(text.split()), (name, text)
    zip_url = reverse("events:certificates-zip", args=[event.pk])
    assert world.client("teacher").get(zip_url).status_code == 404


# --- Elsewhere: the API, indicators, the development plan, the roadmap --------------------


def test_api_reach_and_filters(world: Any, event: Event) -> None:
    EventFactory(organizer=world.other_department, schools=[world.school_c], kind="webinar")
    data = world.client("teacher").get("/api/events/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [event.pk]
    assert "full_name" not in str(rows)
    month = f"{timezone.localtime(event.starts_at):%Y-%m}"
    assert len(_rows(world.client("analyst").get("/api/events/", {"month": month}))) == 1
    assert _rows(world.client("analyst").get("/api/events/", {"kind": "webinar"})) == []
    assert world.client("analyst").get("/api/events/", {"month": "май"}).status_code == 400
    assert world.client("anonymous").get("/api/events/").status_code in (401, 403)
    assert world.client("outsider").get(f"/api/events/{event.pk}/").status_code == 404


def _rows(response: Any) -> list[Any]:
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def _held_with(world: Any, event: Event, teachers: list[Any]) -> None:
    regs = [
        services.registration_nominate(event=event, teacher=t, user=world.user("director_a"))
        for t in teachers
    ]
    _past(event)
    services.attendance_mark(
        event=event, attended_ids=[r.pk for r in regs], user=world.user("analyst")
    )


def test_indicators_count_held_events_and_teachers(world: Any, event: Event) -> None:
    from opora.core.dates import today
    from opora.monitoring.computations import compute

    teachers = TeacherFactory.create_batch(4, school=world.school_a)
    _held_with(world, event, teachers[:1])
    named = EventFactory(organizer=world.methodical_centre, schools=[world.school_b])
    _held_with(world, named, [])
    EventFactory(organizer=world.methodical_centre, audience_territory=world.city)  # announced
    schools = [world.school_a.pk, world.school_b.pk, world.school_c.pk]
    with CaptureQueriesContext(connection) as queries:
        held = compute("events_for_school_teams", schools, today(), 0)
    assert len(queries) == 1
    assert {s: int(c.value) for s, c in held.items()} == {
        world.school_a.pk: 1,
        world.school_b.pk: 2,  # the city's event and the one naming it
        world.school_c.pk: 0,
    }
    with CaptureQueriesContext(connection) as queries:
        share = compute("events_teachers_attended", schools, today(), 0)
    assert len(queries) == 1
    assert share[world.school_a.pk].value == 25
    assert world.school_c.pk not in share


def test_plan_shows_attended_events(world: Any, event: Event) -> None:
    from opora.core.dates import academic_year_of
    from opora.staff.tests.factories import PlanFactory

    teacher = TeacherFactory(school=world.school_a)
    _held_with(world, event, [teacher])
    plan = PlanFactory(
        teacher=teacher, start_year=academic_year_of(timezone.localdate(event.starts_at))
    )
    url = reverse("staff:plan", args=[plan.pk])
    assert event.title in world.client("director_a").get(url).text
    assert event.title in world.client("analyst").get(url).text


def test_roadmap_activity_shows_the_event(world: Any, event: Event) -> None:
    from opora.roadmaps.extensions import evidence_for
    from opora.support.tests.visits_helpers import running_roadmap

    roadmap = running_roadmap(world)
    activity = roadmap.activities.get()
    event.activity = activity
    event.save()
    _held_with(world, event, [])
    page = world.client("director_a").get(roadmap.get_absolute_url()).text
    assert event.title in page
    request = type("R", (), {"user": world.user("outsider")})()
    assert evidence_for(request, roadmap) == {}


def _registered(event: Event, school: Any, count: int, start: int) -> list[Registration]:
    return Registration.objects.bulk_create(
        Registration(event=event, school=school, full_name=f"Участникова {start + n:03}")
        for n in range(count)
    )


def test_event_list_and_registrations_are_paginated(world: Any, event: Event) -> None:
    """The events and an event's registrations show a page, with the same queries for N rows
    as for 3N (issue 17); marking attendance on one page keeps the marks of the others."""
    from opora.core.tests.rows import queries_and_rows

    analyst = world.client("analyst")
    events = reverse("events:index")
    detail = reverse("events:event", args=[event.pk])
    EventFactory.create_batch(40, organizer=world.methodical_centre, audience_territory=world.city)
    first = _registered(event, world.school_a, 40, 0)
    few = queries_and_rows(analyst, events), queries_and_rows(analyst, detail)
    EventFactory.create_batch(80, organizer=world.methodical_centre, audience_territory=world.city)
    _registered(event, world.school_a, 80, 40)
    many = queries_and_rows(analyst, events), queries_and_rows(analyst, detail)
    assert [q for q, _rows in many] == [q for q, _rows in few]
    assert [rows for _q, rows in many] == [50, 100]

    _past(event)
    Registration.objects.filter(event=event).update(attended=True)
    html = analyst.get(detail).content.decode()
    assert "Стр. 1 из 2" in html
    shown = [r.pk for r in first[:3]]
    response = analyst.post(
        reverse("events:attendance", args=[event.pk]),
        {"shown": shown, "attended": shown[:1]},
    )
    assert response.status_code == 302
    absent = set(
        Registration.objects.filter(event=event, attended=False).values_list("pk", flat=True)
    )
    assert absent == set(shown[1:])
