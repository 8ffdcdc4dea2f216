"""Execution: due dates from schedules, reports with evidence, overdue lists, the calendar."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.choices import JobStatus
from opora.core.dates import academic_years_between as academic_years
from opora.core.periodic import periodic_run
from opora.registry.models import Person, Programme, ProgrammeSchool
from opora.roadmaps.choices import ActivityStatus, RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.execution import deadlines_generate
from opora.roadmaps.models import Activity, Deadline, Evidence, ExecutionReport, ReminderSent
from opora.roadmaps.reminders import REMINDER_HOUR, reminders_send
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.selectors import programme_progress
from opora.roadmaps.services import roadmap_create

pytestmark = pytest.mark.django_db

AY = timezone.localdate().year if timezone.localdate().month >= 9 else timezone.localdate().year - 1


@pytest.fixture
def roadmap(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(AY, 9, 1),
        ends_on=datetime.date(AY + 2, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    activities = [
        DraftActivity(number="1", text="Педсовет по итогам ВПР", schedule="ежегодно (сентябрь)"),
        DraftActivity(number="2", text="Семинар для учителей", schedule="1 раз в полугодие"),
        DraftActivity(number="3", text="Аудит", schedule="по отдельному графику"),
    ]
    draft = DraftRoadmap(
        title="Программа перехода школы А",
        sections=[DraftSection(number="1", title="Меры", activities=activities)],
    )
    roadmap = roadmap_create(
        programme=programme,
        school=world.school_a,
        kind=RoadmapKind.TRANSITION,
        draft=draft,
        user=world.user("director_a"),
        source="тест",
    )
    roadmap.status = RoadmapStatus.EXECUTION
    roadmap.save()
    deadlines_generate(roadmap=roadmap)
    return roadmap


def test_due_dates_come_from_schedules_per_academic_year(roadmap):
    assert academic_years(datetime.date(AY, 9, 1), datetime.date(AY + 2, 8, 31)) == [AY, AY + 1]
    dues = {
        number: sorted(
            Deadline.objects.filter(activity__roadmap=roadmap, activity__number=number).values_list(
                "due_on", flat=True
            )
        )
        for number in ("1", "2", "3")
    }
    assert dues["1"] == [datetime.date(AY, 9, 30), datetime.date(AY + 1, 9, 30)]
    assert dues["2"] == [
        datetime.date(AY, 12, 31),
        datetime.date(AY + 1, 6, 30),
        datetime.date(AY + 1, 12, 31),
        datetime.date(AY + 2, 6, 30),
    ]
    assert dues["3"] == []  # by a separate schedule: the date is set by hand
    third = Activity.objects.get(roadmap=roadmap, number="3")
    third.due_on = datetime.date(AY + 1, 3, 15)
    third.save()
    deadlines_generate(roadmap=roadmap)
    assert Deadline.objects.filter(activity=third).get().due_on == datetime.date(AY + 1, 3, 15)


def pdf(name="протокол.pdf", size=200):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def report_url(roadmap, number):
    activity = Activity.objects.get(roadmap=roadmap, number=number)
    return activity, reverse("roadmaps:report", args=[roadmap.pk, activity.pk])


def test_report_with_evidence_closes_the_due_date_and_serves_the_file_safely(world, roadmap):
    activity, url = report_url(roadmap, "1")
    first_due = datetime.date(AY, 9, 30)
    response = world.client("director_a").post(
        url,
        {
            "outcome": "done",
            "done_on": (first_due + datetime.timedelta(days=3)).isoformat(),
            "text": "Проведён педсовет, протокол № 2",
            "kind": "minutes",
            "evidence": [pdf(), pdf("фото.jpg")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ExecutionReport.objects.get(activity=activity)
    assert report.deadline.due_on == first_due
    assert report.deadline.closed_late
    activity.refresh_from_db()
    # One of two due dates closed (late); the next year's is still open.
    assert activity.status == ActivityStatus.IN_PROGRESS
    evidence = Evidence.objects.get(original_name="протокол.pdf")
    download = reverse("roadmaps:evidence", args=[evidence.pk])
    response = world.client("curator").get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for persona in ("director_b", "outsider"):
        assert world.client(persona).get(download).status_code == 404
    page = world.client("teacher").get(roadmap.get_absolute_url()).content.decode()
    assert "Проведён педсовет" in page and "протокол.pdf" in page


@override_settings(OPORA_EVIDENCE_MAX_MB=1)
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("отчёт.exe", b"MZ\x90\x00"), "не принят"),
        (SimpleUploadedFile("отчёт.pdf", b"MZ\x90\x00 disguised"), "не принят"),
        (SimpleUploadedFile("скан.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10)), "больше 1 МБ"),
    ],
)
def test_a_rejected_file_leaves_the_report_as_it_was(world, roadmap, upload, message):
    activity, url = report_url(roadmap, "2")
    response = world.client("director_a").post(
        url,
        {
            "outcome": "done",
            "text": "Семинар проведён",
            "kind": "other",
            "evidence": [pdf(), upload],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Семинар проведён" in page  # what the user typed is kept
    assert not ExecutionReport.objects.exists()
    assert not Evidence.objects.exists()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PLANNED
    assert not Deadline.objects.filter(activity=activity, closed_on__isnull=False).exists()


def test_only_those_responsible_may_report(world, roadmap):
    activity, url = report_url(roadmap, "1")
    for persona in ("teacher", "curator", "director_b"):
        assert world.client(persona).get(url).status_code == 404, persona
    # The activity's executor reports even without the right to change the roadmap.
    activity.executor = Person.objects.get(user=world.user("teacher"))
    activity.save()
    assert world.client("teacher").get(url).status_code == 200


def test_overdue_due_soon_and_who_has_not_reported(world, roadmap):
    soon = Activity.objects.get(roadmap=roadmap, number="3")
    soon.due_on = timezone.localdate() + datetime.timedelta(days=5)
    soon.executor = Person.objects.get(user=world.user("director_a"))
    soon.save()
    deadlines_generate(roadmap=roadmap)
    client = world.client("coordinator")
    overdue = client.get(reverse("roadmaps:execution")).content.decode()
    past = Deadline.objects.filter(roadmap=roadmap, due_on__lt=timezone.localdate()).count()
    assert past > 0
    assert overdue.count(f"{roadmap.get_absolute_url()}#a") == past
    due_soon = client.get(reverse("roadmaps:execution") + "?tab=soon").content.decode()
    assert "Аудит" in due_soon
    mine = world.client("director_a").get(reverse("roadmaps:execution") + "?tab=soon&mine=1")
    assert "Аудит" in mine.content.decode()
    unreported = client.get(reverse("roadmaps:execution") + "?tab=unreported").content.decode()
    assert world.school_a.short_name in unreported
    assert (
        world.client("outsider").get(reverse("roadmaps:execution")).content.decode().count("#a")
        == 0
    )
    month = soon.due_on.strftime("%Y-%m")
    calendar = client.get(reverse("roadmaps:calendar") + f"?month={month}").content.decode()
    assert f"#a{soon.pk}" in calendar
    for persona in ("director_b", "outsider"):
        other = world.client(persona).get(reverse("roadmaps:calendar") + f"?month={month}")
        assert f"#a{soon.pk}" not in other.content.decode(), persona


def test_reminders_go_once_a_day_to_executors_or_the_director(
    world, roadmap, mailoutbox, django_capture_on_commit_callbacks
):
    director = Person.objects.get(user=world.user("director_a"))
    director.email = "director@school-a.example"
    director.save()
    teacher = Person.objects.get(user=world.user("teacher"))
    teacher.email = "teacher@school-a.example"
    teacher.save()
    audit = Activity.objects.get(roadmap=roadmap, number="3")
    audit.due_on = timezone.localdate() + datetime.timedelta(days=3)
    audit.executor = teacher
    audit.save()
    deadlines_generate(roadmap=roadmap)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = periodic_run(timezone.localtime().replace(hour=REMINDER_HOUR + 1))
    # Every daily job starts (monitoring reminders too); these letters are the roadmaps' own.
    assert "roadmaps.reminders" in [j.kind for j in jobs]
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert set(by_address) == {"director@school-a.example", "teacher@school-a.example"}
    assert "Аудит" in by_address["teacher@school-a.example"]
    assert "Срок в ближайшие 7 дней" in by_address["teacher@school-a.example"]
    assert "Просрочено" in by_address["director@school-a.example"]
    assert "Педсовет по итогам ВПР" in by_address["director@school-a.example"]
    # The scheduler checks every minute; the day's job has started, nobody is written to twice.
    assert periodic_run(timezone.localtime().replace(hour=REMINDER_HOUR + 2)) == []
    assert reminders_send(timezone.localdate())["letters"] == 0
    assert len(mailoutbox) == 2


def test_reminders_of_a_job_that_fails_are_not_sent(
    world, roadmap, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    director = Person.objects.get(user=world.user("director_a"))
    director.email = "director@school-a.example"
    director.save()
    deadlines_generate(roadmap=roadmap)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(ReminderSent.objects, "bulk_create", disk_full)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = periodic_run(timezone.localtime().replace(hour=REMINDER_HOUR + 1))
    job = next(j for j in jobs if j.kind == "roadmaps.reminders")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Данные не изменены" in job.error
    assert mailoutbox == []


def test_no_reminders_before_their_hour(world, roadmap, mailoutbox):
    assert periodic_run(timezone.localtime().replace(hour=REMINDER_HOUR - 1)) == []
    assert mailoutbox == []


def test_programme_dashboard_and_school_card_show_progress(world, roadmap):
    _activity, url = report_url(roadmap, "1")
    world.client("director_a").post(
        url,
        {"outcome": "done", "done_on": datetime.date(AY, 9, 20).isoformat(), "text": "Проведён"},
    )
    past = Deadline.objects.filter(roadmap=roadmap, due_on__lt=timezone.localdate()).count()
    dashboard = reverse("roadmaps:dashboard", args=[roadmap.programme_id])
    response = world.client("coordinator").get(dashboard)
    progress = response.context["progress"]
    (total,) = progress["total"]
    assert (total.on_time, total.late) == (1, 0)
    assert total.overdue == past - 1
    assert [p.label for p in progress["roadmaps"]] == [world.school_a.short_name]
    assert [p.label for p in progress["sections"]] == ["Меры"]
    assert [p.label for p in progress["executors"]] == ["исполнитель не назначен"]
    assert world.client("outsider").get(dashboard).status_code == 404
    card = world.client("director_a").get(world.school_a.get_absolute_url()).content.decode()
    assert "Программы и дорожные карты школы" in card
    assert f"в срок 1, с опозданием 0, просрочено {past - 1}" in card


def test_dashboard_queries_do_not_grow_with_schools(world, roadmap):
    user = world.user("coordinator")
    programme_progress(
        user, roadmap.programme, timezone.localdate()
    )  # the user's reach is read once
    with CaptureQueriesContext(connection) as one:
        programme_progress(user, roadmap.programme, timezone.localdate())
    for school in (world.school_b, world.school_c):
        ProgrammeSchool.objects.create(programme=roadmap.programme, school=school)
        other = roadmap_create(
            programme=roadmap.programme,
            school=school,
            kind=RoadmapKind.TRANSITION,
            draft=seed_template_draft("novosibirsk-2020"),
            user=world.user("director_b"),
            source="тест",
        )
        other.status = RoadmapStatus.EXECUTION
        other.save()
        deadlines_generate(roadmap=other)
    with CaptureQueriesContext(connection) as two:
        result = programme_progress(user, roadmap.programme, timezone.localdate())
    assert len(result["roadmaps"]) == 2  # school C is outside the coordinator's city
    assert len(one) == len(two)
