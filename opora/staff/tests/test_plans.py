"""Development plans (ИОМ): proposed courses from deficits, creation by the director,
items, completion with a checked certificate, progress and overdue lists."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opora.core.models import TimelineEvent
from opora.staff.choices import CompetencyArea, ItemKind, ItemStatus
from opora.staff.models import Course, DevelopmentPlan, PlanItem
from opora.staff.selectors import (
    overdue_items,
    plan_list,
    proposed_courses,
    teacher_deficits,
)
from opora.staff.tests.conftest import Staff
from opora.staff.tests.factories import CourseFactory, ItemFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_starter_catalogue_is_installed() -> None:
    titles = set(Course.objects.values_list("title", flat=True))
    assert "Управление качеством образования" in titles
    assert "Современные педагогические технологии: практические аспекты реализации ФГОС" in titles
    assert Course.objects.filter(code="special-needs", title__contains="ОВЗ").exists()
    assert "digital" in Course.objects.get(code="distance-learning").areas
    math_course = Course.objects.get(code="math-gia")
    assert set(math_course.subjects.values_list("code", flat=True)) == {"math", "math-prof"}


def test_proposals_follow_deficit_areas_and_subjects(staff: Staff) -> None:
    director = staff.world.user("director_a")
    deficits = teacher_deficits(director, staff.own)  # methodical 30, math subject 45
    assert {(d.area, d.subject_name) for d in deficits} == {
        ("methodical", ""),
        ("subject", "Математика"),
    }
    proposals = proposed_courses(deficits, teacher=staff.own)
    codes = [p.course.code for p in proposals]
    # The math course covers both deficits (subject and methodical): it comes first.
    assert codes[0] == "math-gia"
    assert "russian-gia" not in codes and "physics-fgos" not in codes
    assert "quality-management" not in codes  # management: not a deficit here
    assert all({d.area for d in p.matches} <= set(p.course.areas) for p in proposals)


def test_colleague_without_deficits_gets_no_proposals(staff: Staff) -> None:
    director = staff.world.user("director_a")
    assert teacher_deficits(director, staff.a[3]) == []  # scored 80


def test_director_creates_a_plan_and_marks_completion(staff: Staff, settings: object) -> None:
    client = staff.world.client("director_a")
    url = reverse("staff:plan-new", args=[staff.own.pk])
    page = client.get(url)
    assert page.status_code == 200
    proposed = Course.objects.get(code="math-gia")
    assert proposed.pk in page.context["form"].initial["courses"]
    start_year = page.context["form"].fields["start_year"].initial
    response = client.post(
        url,
        {"start_year": start_year, "courses": [proposed.pk], "due_on": "", "note": "Цель: ОГЭ"},
    )
    plan = DevelopmentPlan.objects.get(teacher=staff.own)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    item = plan.items.get()
    assert item.course == proposed and item.due_on == datetime.date(start_year + 1, 5, 31)
    # A second plan for the same year is refused with a message, not an error page.
    again = client.post(url, {"start_year": start_year, "courses": [proposed.pk]})
    assert again.status_code == 200 and "уже есть ИОМ" in again.content.decode()

    # An own activity, then completion of the course with a certificate.
    response = client.post(
        reverse("staff:item-add", args=[plan.pk]),
        {
            "kind": ItemKind.OWN,
            "title": "Открытый урок",
            "area": "methodical",
            "due_on": "2020-01-10",
        },
    )
    own_item = plan.items.get(kind=ItemKind.OWN)
    assert own_item.title == "Открытый урок"
    today = timezone.localdate()
    response = client.post(
        reverse("staff:item-complete", args=[item.pk]),
        {
            "completed_on": today.isoformat(),
            "certificate": SimpleUploadedFile("удостоверение.pdf", b"%PDF-1.4 certificate"),
        },
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.completed_on == today
    assert item.certificate_name == "удостоверение.pdf"
    assert TimelineEvent.objects.filter(object_id=str(plan.pk), verb="completed").exists()
    # The teacher sees their plan and may download the certificate; the curator may not.
    teacher = staff.world.client("teacher")
    assert teacher.get(plan.get_absolute_url()).status_code == 200
    download = teacher.get(reverse("staff:certificate", args=[item.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    for persona in ("curator", "staff_a", "coordinator", "director_b"):
        assert staff.world.client(persona).get(plan.get_absolute_url()).status_code == 404
        assert (
            staff.world.client(persona)
            .get(reverse("staff:certificate", args=[item.pk]))
            .status_code
            == 404
        )
    # …but the teacher cannot mark their own items.
    response = teacher.post(
        reverse("staff:item-complete", args=[own_item.pk]), {"completed_on": today.isoformat()}
    )
    assert response.status_code == 404
    own_item.refresh_from_db()
    assert own_item.status == ItemStatus.PLANNED

    # Progress and the overdue list: the own activity (due 2020) is overdue.
    listed = plan_list(staff.world.user("director_a"), today).get(pk=plan.pk)
    assert (listed.total, listed.done, listed.overdue) == (2, 1, 1)
    assert list(overdue_items(staff.world.user("analyst"), today)) == [own_item]
    assert list(overdue_items(staff.world.user("coordinator"), today)) == []
    page = client.get(reverse("staff:overdue"))
    assert "Открытый урок" in page.content.decode()


def test_certificate_is_checked_like_evidence(staff: Staff) -> None:
    plan = PlanFactory(teacher=staff.own)
    item = ItemFactory(plan=plan)
    client = staff.world.client("director_a")
    client.post(
        reverse("staff:item-complete", args=[item.pk]),
        {
            "completed_on": timezone.localdate().isoformat(),
            "certificate": SimpleUploadedFile("cert.exe", b"MZ\x90\x00program"),
        },
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED and not item.certificate
    response = client.post(
        reverse("staff:item-complete", args=[item.pk]),
        {"completed_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        follow=True,
    )
    assert "ещё не наступила" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED


def test_status_changes_and_cancelled_items_leave_progress(staff: Staff) -> None:
    plan = PlanFactory(teacher=staff.own)
    keep = ItemFactory(plan=plan, due_on=datetime.date(2020, 1, 1))
    drop = ItemFactory(plan=plan, due_on=datetime.date(2020, 1, 1))
    client = staff.world.client("analyst")
    client.post(reverse("staff:item-status", args=[drop.pk]), {"status": ItemStatus.CANCELLED})
    drop.refresh_from_db()
    assert drop.status == ItemStatus.CANCELLED
    listed = plan_list(staff.world.user("analyst"), timezone.localdate()).get(pk=plan.pk)
    assert (listed.total, listed.overdue) == (1, 1)
    assert keep.status == ItemStatus.PLANNED


def test_plans_page_lists_schools_in_reach_only(staff: Staff) -> None:
    PlanFactory(teacher=staff.own)
    PlanFactory(teacher=staff.b[0])
    page = staff.world.client("director_a").get(reverse("staff:plans"))
    assert page.status_code == 200
    assert [p.teacher for p in page.context["page"]] == [staff.own]
    analyst_page = staff.world.client("analyst").get(reverse("staff:plans"))
    assert len(analyst_page.context["page"]) == 2
    url = reverse("staff:plans") + f"?school={staff.world.school_b.pk}"
    assert staff.world.client("director_a").get(url).status_code == 404
    for persona in ("coordinator", "curator", "teacher", "staff_a"):
        assert staff.world.client(persona).get(reverse("staff:plans")).status_code == 404


def test_plan_list_query_count_does_not_grow(
    staff: Staff, django_assert_max_num_queries: object
) -> None:
    course = CourseFactory(areas=[CompetencyArea.DIGITAL])
    for teacher in staff.a + staff.b:
        plan = PlanFactory(teacher=teacher)
        ItemFactory(plan=plan, course=course)
    client = staff.world.client("analyst")
    client.get(reverse("staff:plans"))  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(reverse("staff:plans"))
    assert len(page.context["page"]) == 6
    assert PlanItem.objects.count() == 6
