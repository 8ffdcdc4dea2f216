"""Execution: due dates from schedules, reports with evidence, overdue lists, the calendar."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.access import Action, restrict, restrict_within
from opora.core.choices import JobStatus
from opora.core.dates import academic_years_between as academic_years
from opora.core.periodic import periodic_run
from opora.registry.models import Person, Programme, ProgrammeSchool
from opora.roadmaps.choices import ActivityStatus, RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.execution import activity_cancel, deadlines_generate
from opora.roadmaps.models import (
    Activity,
    Deadline,
    Evidence,
    ExecutionReport,
    ReminderSent,
    Roadmap,
    RoadmapProgress,
)
from opora.roadmaps.progress import COUNTERS
from opora.roadmaps.reminders import REMINDER_HOUR, reminders_send
from opora.roadmaps.selectors import (
    ROADMAP_ACTIONS,
    not_reported,
    programme_roadmaps_progress,
    roadmap_actions,
    roadmap_get,
    school_progress,
    school_roadmaps_progress,
)
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
    client = world.client("coordinator")
    response = client.get(dashboard)
    (total,) = response.context["totals"]
    assert (total.on_time, total.late) == (1, 0)
    assert total.overdue == past - 1
    assert [p.label for p in response.context["page"]] == [world.school_a.short_name]
    sections = client.get(dashboard + "?by=sections").context["page"]
    assert [p.label for p in sections] == ["Меры"]
    executors = client.get(dashboard + "?by=executors").context["page"]
    assert [p.label for p in executors] == ["исполнитель не назначен"]
    assert [p.overdue for p in executors] == [past - 1]
    for persona in ("outsider", "director_b"):
        for tab in ("", "?by=sections", "?by=executors&page=2", "?sort=name"):
            assert world.client(persona).get(dashboard + tab).status_code == 404, (persona, tab)
    assert world.client("anonymous").get(dashboard).status_code == 302
    card = world.client("director_a").get(world.school_a.get_tab_url("roadmap")).content.decode()
    assert "Программы и дорожные карты школы" in card
    assert f"в срок 1, с опозданием 0, просрочено {past - 1}" in card


def _running_roadmap(world, programme, school, title):
    """A roadmap under execution with overdue and soon due dates."""
    activities = [
        DraftActivity(number="1", text="Педсовет", schedule="ежегодно (сентябрь)"),
        DraftActivity(number="2", text="Семинар", schedule="1 раз в полугодие"),
        DraftActivity(number="3", text="Аудит", schedule="по отдельному графику"),
    ]
    other = roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.TRANSITION,
        draft=DraftRoadmap(
            title=title, sections=[DraftSection(number="1", title=title, activities=activities)]
        ),
        user=world.user("coordinator"),
        source="тест",
    )
    other.status = RoadmapStatus.EXECUTION
    other.save()
    Activity.objects.filter(roadmap=other, number="3").update(
        due_on=timezone.localdate() + datetime.timedelta(days=5)
    )
    deadlines_generate(roadmap=other)
    return other


EXECUTION_PAGES = (
    "?tab=overdue",
    "?tab=soon",
    "?tab=late",
    "?tab=unreported",
    "?tab=unreported&page=2",
)
DASHBOARD_PAGES = ("", "?sort=name", "?by=sections", "?by=executors", "?page=2")


def test_execution_pages_queries_do_not_grow_with_roadmaps(world, roadmap, monkeypatch):
    """The dashboard (each breakdown and sort), «кто не отчитался» and the due-date lists
    cost the same number of queries for 2 roadmaps as for 6 (a page of either)."""
    from opora.roadmaps import selectors

    monkeypatch.setattr(selectors, "ROADMAPS_PER_PAGE", 1)
    monkeypatch.setattr(selectors, "DEADLINES_PER_PAGE", 1)
    programme = roadmap.programme
    ProgrammeSchool.objects.create(programme=programme, school=world.school_b)
    _running_roadmap(world, programme, world.school_b, "Вторая")
    _activity, url = report_url(roadmap, "1")
    world.client("director_a").post(
        url,
        {"outcome": "done", "done_on": timezone.localdate().isoformat(), "text": "Проведён"},
    )
    assert Deadline.objects.filter(closed_late=True).exists()
    client = world.client("coordinator")
    dashboard = reverse("roadmaps:dashboard", args=[programme.pk])
    urls = [dashboard + q for q in DASHBOARD_PAGES] + [
        reverse("roadmaps:execution") + q for q in EXECUTION_PAGES
    ]

    def counts() -> list[int]:
        result = []
        for page_url in urls:
            client.get(page_url)  # counters refreshed for the day, the user's reach read
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page_url).status_code == 200
            result.append(len(queries))
        return result

    few = counts()
    for n in range(4):
        _running_roadmap(world, programme, world.school_b, f"Ещё {n}")
    many = counts()
    assert dict(zip(urls, few, strict=True)) == dict(zip(urls, many, strict=True))


def test_dashboard_pages_roadmaps_most_overdue_first(world, roadmap, monkeypatch):
    from opora.roadmaps import selectors

    monkeypatch.setattr(selectors, "ROADMAPS_PER_PAGE", 2)
    programme = roadmap.programme
    ProgrammeSchool.objects.create(programme=programme, school=world.school_b)
    others = [_running_roadmap(world, programme, world.school_b, f"Карта {n}") for n in range(3)]
    # The last one has an extra overdue due date; the fixture's none once it is reported.
    Activity.objects.filter(roadmap=others[-1], number="3").update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    deadlines_generate(roadmap=others[-1])
    _activity, url = report_url(roadmap, "1")
    world.client("director_a").post(
        url, {"outcome": "done", "done_on": timezone.localdate().isoformat(), "text": "Да"}
    )
    client = world.client("coordinator")
    dashboard = reverse("roadmaps:dashboard", args=[programme.pk])
    first = client.get(dashboard).context["page"]
    assert first.paginator.count == 4 and len(first.object_list) == 2
    overdue = [p.overdue for p in first] + [
        p.overdue for p in client.get(dashboard + "?page=2").context["page"]
    ]
    assert overdue == [
        Deadline.objects.filter(
            roadmap=r, closed_on__isnull=True, due_on__lt=timezone.localdate()
        ).count()
        for r in (others[-1], others[0], others[1], roadmap)
    ]
    assert overdue[0] > overdue[1] and overdue[-1] == 0
    by_name = [
        p.key
        for n in (1, 2)
        for p in client.get(dashboard + f"?sort=name&page={n}").context["page"]
    ]
    assert world.school_b.short_name < world.school_a.short_name
    assert by_name == [*(r.pk for r in others), roadmap.pk]
    unreported = client.get(reverse("roadmaps:execution") + "?tab=unreported").context["page"]
    assert unreported.paginator.count == 3 and len(unreported.object_list) == 2
    assert [r.pk for r, _rows in unreported] == [others[-1].pk, others[0].pk]


def _fresh(roadmap, today):
    """The counters as a fresh count of the roadmap's due dates would give them, and its
    newest report."""
    rows = Deadline.objects.filter(roadmap=roadmap)
    newest = ExecutionReport.objects.filter(activity__roadmap=roadmap).order_by("-created_at")
    return {
        "last_report_at": newest.values_list("created_at", flat=True).first(),
        "on_time": rows.filter(closed_on__isnull=False, closed_late=False).count(),
        "late": rows.filter(closed_late=True).count(),
        "overdue": rows.filter(closed_on__isnull=True, due_on__lt=today).count(),
        "upcoming": rows.filter(closed_on__isnull=True, due_on__gte=today).count(),
    }


def _stored(roadmap):
    progress = RoadmapProgress.objects.get(roadmap=roadmap)
    return {name: getattr(progress, name) for name in (*COUNTERS, "last_report_at")}


def test_counters_equal_a_fresh_count_after_every_kind_of_change(world, roadmap):
    today = timezone.localdate()
    assert _stored(roadmap) == _fresh(roadmap, today)
    # Terms edited: the regenerated due dates are counted.
    audit = Activity.objects.get(roadmap=roadmap, number="3")
    audit.due_on = today + datetime.timedelta(days=2)
    audit.save()
    deadlines_generate(roadmap=roadmap)
    assert _stored(roadmap) == _fresh(roadmap, today)
    # Reports: closing a due date that has passed, one still ahead, one leaving it open.
    for number in ("1", "3"):
        _activity, url = report_url(roadmap, number)
        response = world.client("director_a").post(
            url, {"outcome": "done", "done_on": today.isoformat(), "text": "Сделано"}
        )
        assert response.status_code == 302, number
        assert _stored(roadmap) == _fresh(roadmap, today), number
    assert RoadmapProgress.objects.get(roadmap=roadmap).on_time >= 1
    assert _stored(roadmap)["last_report_at"] is not None
    _activity, url = report_url(roadmap, "2")
    world.client("director_a").post(url, {"outcome": "in_progress", "text": "Идёт"})
    assert _stored(roadmap) == _fresh(roadmap, today)
    # An activity cancelled: its open due dates go, from the counters too.
    seminar = Activity.objects.get(roadmap=roadmap, number="2")
    seminar.roadmap = roadmap
    before = _stored(roadmap)
    activity_cancel(activity=seminar, user=world.user("director_a"), reason="Не нужно")
    assert _stored(roadmap) == _fresh(roadmap, today) != before
    # Days pass: an open due date that was ahead has come; reading the page recounts it.
    ahead = Deadline.objects.filter(roadmap=roadmap, closed_on__isnull=True, due_on__gte=today)
    later = ahead.order_by("due_on").first().due_on + datetime.timedelta(days=1)
    assert _stored(roadmap) != _fresh(roadmap, later)
    user = world.user("coordinator")
    page = list(programme_roadmaps_progress(user, roadmap.programme, later))
    assert [r.progress.overdue for r in page] == [_fresh(roadmap, later)["overdue"]]
    assert _stored(roadmap) == _fresh(roadmap, later)
    # Counters lost (rows written around the services) are made again on reading.
    RoadmapProgress.objects.all().delete()
    unreported = list(not_reported(user, today=today))
    assert len(unreported) == (1 if _fresh(roadmap, today)["overdue"] else 0)
    assert _stored(roadmap) == _fresh(roadmap, today)


def _draft_roadmap(world, programme, school, title):
    """A draft roadmap of one activity (of the programme itself when `school` is None)."""
    return roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.TRANSITION,
        draft=DraftRoadmap(
            title=title,
            sections=[
                DraftSection(
                    number="1", title="Меры", activities=[DraftActivity(number="1", text="Аудит")]
                )
            ],
        ),
        user=world.user("coordinator"),
        source="тест",
    )


def test_school_card_reads_the_stored_counters_as_a_fresh_count_gives_them(world, roadmap):
    """The card's one query (roadmaps with their counters) says what counting the due dates
    says, on the day, after days have passed and after the counters were lost; a roadmap not
    under execution has no progress."""
    user = world.user("director_a")
    today = timezone.localdate()
    draft = _draft_roadmap(world, roadmap.programme, world.school_a, "Черновик")

    def counted(day):
        return {
            p.key: (p.on_time, p.late, p.overdue, p.upcoming)
            for p in school_progress(user, world.school_a, day)
        }

    def read(day):
        return {
            r.pk: (p.on_time, p.late, p.overdue, p.upcoming)
            for r, p in school_roadmaps_progress(user, world.school_a, day)
            if p is not None
        }

    rows = school_roadmaps_progress(user, world.school_a, today)
    assert {r.pk for r, _p in rows} == {roadmap.pk, draft.pk}
    assert {r.pk: p for r, p in rows}[draft.pk] is None
    assert read(today) == counted(today) != {}
    ahead = Deadline.objects.filter(roadmap=roadmap, closed_on__isnull=True, due_on__gte=today)
    later = ahead.order_by("due_on").first().due_on + datetime.timedelta(days=1)
    assert read(later) == counted(later) != counted(today)
    RoadmapProgress.objects.all().delete()
    assert read(today) == counted(today)
    with CaptureQueriesContext(connection) as fresh:
        school_roadmaps_progress(user, world.school_a, today)
    assert len(fresh.captured_queries) == 1
    assert school_roadmaps_progress(world.user("director_b"), world.school_a, today) == []


def test_roadmap_actions_from_the_reach_are_what_the_scoping_query_says(world, roadmap):
    """`roadmap_actions` decides a school's roadmap and the programme's own from the user's
    reach, without a query: for every persona and action it says what restricting the roadmap
    for that action does."""
    own = _draft_roadmap(world, roadmap.programme, None, "Программа")
    seen = set()
    for persona, user in world.users.items():
        for this in (roadmap, own):
            by_query = frozenset(
                a
                for a in ROADMAP_ACTIONS
                if restrict(Roadmap.objects.filter(pk=this.pk), user, a).exists()
            )
            fetched = roadmap_get(world.user("coordinator"), this.pk)
            with CaptureQueriesContext(connection) as queries:
                actions = roadmap_actions(user, fetched)
            assert actions == by_query, (persona, this.title)
            assert not queries.captured_queries
            seen.add(actions)
    assert len(seen) > 2  # the personas differ: nothing, some, every action


def test_roadmap_fetched_by_its_twin_is_what_the_scoping_query_admits(world, roadmap):
    """`roadmap_get` reads the roadmap by its key and lets the scoper's Python twin decide
    (`admitted_by`): for every persona and action, on a school's roadmap, another school's and
    the programme's own, it finds exactly the roadmaps restricting for the action admits."""
    other = _running_roadmap(world, roadmap.programme, world.school_b, "Другая школа")
    own = _draft_roadmap(world, roadmap.programme, None, "Программа")
    admitted = 0
    for persona, user in world.users.items():
        for action in Action:
            for this in (roadmap, other, own):
                expected = restrict(Roadmap.objects.filter(pk=this.pk), user, action).exists()
                try:
                    roadmap_get(user, this.pk, action)
                except Http404:
                    found = False
                else:
                    found = True
                assert found == expected, (persona, action, this.title)
                admitted += found
    assert admitted > 20
    with pytest.raises(Http404):
        roadmap_get(world.user("coordinator"), 10**9)


def test_a_schools_roadmaps_within_it_are_what_restrict_gives(world, roadmap):
    """Roadmaps are `decided_by_organization` through their school: `restrict_within` gives
    each persona, for every action and school, exactly what `restrict` does — with a school's
    roadmap on both schools and the programme's own roadmap beside them."""
    other = _running_roadmap(world, roadmap.programme, world.school_b, "Другая школа")
    own = _draft_roadmap(world, roadmap.programme, None, "Программа")
    seen = 0
    for persona, user in world.users.items():
        for action in Action:
            for school in (world.school_a, world.school_b):
                expected = restrict(Roadmap.objects.filter(school=school), user, action)
                found = restrict_within(Roadmap.objects.all(), user, school, action)
                assert set(found) == set(expected), (persona, action, school)
                assert own not in set(found)
                seen += len(expected)
    assert seen > 10 and other.pk
