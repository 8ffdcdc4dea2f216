"""The app's pages for each persona: home, diagnostics, courses, the school card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.staff.choices import CompetencyArea
from opora.staff.models import Course, Teacher
from opora.staff.tests.conftest import Staff

pytestmark = pytest.mark.django_db

ALL = (
    "coordinator",
    "regional",
    "analyst",
    "council",
    "curator",
    "director_a",
    "director_b",
    "staff_a",
    "teacher",
    "outsider",
    "superuser",
)


@pytest.mark.parametrize("persona", ALL)
def test_index_opens_for_every_role_with_its_entries(staff: Staff, persona: str) -> None:
    page = staff.world.client(persona).get(reverse("staff:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert ("Мои результаты и ИОМ" in html) == (persona == "teacher")
    assert (">Реестр педагогов</h2>" in html) == (
        persona in ("analyst", "director_a", "director_b", "superuser")
    )
    assert reverse("staff:courses") in html


def test_index_needs_login(staff: Staff) -> None:
    assert staff.world.client("anonymous").get(reverse("staff:index")).status_code == 302


def test_me_leads_a_teacher_to_their_record(staff: Staff) -> None:
    response = staff.world.client("teacher").get(reverse("staff:me"))
    assert response["Location"] == staff.own.get_absolute_url()
    assert staff.world.client("director_a").get(reverse("staff:me")).status_code == 404


def test_director_adds_and_edits_a_teacher(staff: Staff) -> None:
    client = staff.world.client("director_a")
    url = reverse("staff:teacher-new", args=[staff.world.school_a.pk])
    data = {
        "last_name": "Новикова",
        "first_name": "Дарья",
        "middle_name": "Олеговна",
        "subjects": [staff.math.pk],
        "age_band": "under-25",
        "category": "none",
        "experience_years": "1",
        "is_active": "on",
    }
    response = client.post(url, data)
    teacher = Teacher.objects.get(last_name="Новикова")
    assert response.status_code == 302 and teacher.school == staff.world.school_a
    assert teacher.is_under_35 and list(teacher.subjects.all()) == [staff.math]
    # A namesake without a code is refused with the reason.
    again = client.post(url, data)
    assert again.status_code == 200 and "укажите табельный номер" in again.content.decode()
    edit = reverse("staff:teacher-edit", args=[teacher.pk])
    client.post(edit, {**data, "category": "first", "is_active": ""})
    teacher.refresh_from_db()
    assert teacher.category == "first" and not teacher.is_active
    # Others may not add to school A.
    for persona in ("director_b", "staff_a", "coordinator", "curator", "teacher"):
        assert staff.world.client(persona).post(url, data).status_code == 404, persona
        assert staff.world.client(persona).get(edit).status_code == 404, persona


def test_courses_are_read_by_all_and_edited_by_analysts(staff: Staff) -> None:
    for persona in ("teacher", "council", "coordinator"):
        page = staff.world.client(persona).get(reverse("staff:courses"))
        assert page.status_code == 200
        assert "Управление качеством образования" in page.content.decode()
        assert staff.world.client(persona).get(reverse("staff:course-new")).status_code == 404
    page = staff.world.client("teacher").get(reverse("staff:courses") + "?area=digital")
    assert all("digital" in c.areas for c in page.context["courses"])
    client = staff.world.client("analyst")
    response = client.post(
        reverse("staff:course-new"),
        {
            "title": "Медиация в школе",
            "provider": "ГЦРО",
            "hours": "24",
            "format": "blended",
            "areas": [CompetencyArea.PSYCHOLOGICAL],
            "is_active": "on",
        },
    )
    course = Course.objects.get(title="Медиация в школе")
    assert response.status_code == 302 and course.areas == ["psychological"]
    client.post(
        reverse("staff:course-edit", args=[course.pk]),
        {
            "title": "Медиация в школе",
            "provider": "ГЦРО",
            "hours": "36",
            "format": "blended",
            "areas": ["psychological", "methodical"],
        },
    )
    course.refresh_from_db()
    assert course.hours == 36 and not course.is_active
    assert (
        staff.world.client("director_a")
        .get(reverse("staff:course-edit", args=[course.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst", 1), ("coordinator", 1), ("teacher", 1), ("outsider", 0)],
)
def test_diagnostics_page(staff: Staff, persona: str, status: int) -> None:
    """Diagnostics are listed where a school in reach took part (or where organised)."""
    page = staff.world.client(persona).get(reverse("staff:diagnostics"))
    assert page.status_code == 200
    assert [d.pk for d in page.context["diagnostics"]] == [staff.diagnostic.pk][:status]
    assert page.context["may_import"] == (persona == "analyst")


@pytest.mark.parametrize("persona", ["coordinator", "curator", "staff_a", "teacher", "director_a"])
def test_school_card_shows_the_staff_summary(staff: Staff, persona: str) -> None:
    page = staff.world.client(persona).get(
        reverse("registry:school-tab", args=[staff.world.school_a.pk, "diagnostics"])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Педагогические кадры" in html
    assert reverse("staff:map") in html
    # Names never; the link to the registry only for those who see the teachers.
    assert staff.colleague.last_name not in html
    assert (reverse("staff:teachers") in html) == (persona == "director_a")


def test_school_card_without_staff_data_has_no_section(staff: Staff) -> None:
    page = staff.world.client("outsider").get(
        reverse("registry:school-tab", args=[staff.world.school_c.pk, "diagnostics"])
    )
    assert page.status_code == 200 and "Педагогические кадры" not in page.content.decode()


def test_territory_map_query_count_does_not_grow_with_schools(
    staff: Staff, django_assert_max_num_queries: object
) -> None:
    from opora.registry.tests.factories import SchoolFactory
    from opora.staff.tests.factories import ScoreFactory, TeacherFactory

    for _ in range(15):
        school = SchoolFactory(territory=staff.world.north)
        for score in (20, 50, 80):
            ScoreFactory(
                diagnostic=staff.diagnostic, teacher=TeacherFactory(school=school), score=score
            )
    client = staff.world.client("coordinator")
    client.get(reverse("staff:map"))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        page = client.get(reverse("staff:map"))
    assert len(page.context["territory_map"].rows) == 17


def test_every_page_renders_for_the_roles_that_use_it(staff: Staff) -> None:
    from opora.staff.tests.factories import ItemFactory, PlanFactory

    plan = PlanFactory(teacher=staff.own)
    ItemFactory(plan=plan)
    course = Course.objects.get(code="mentoring")
    director = staff.world.client("director_a")
    analyst = staff.world.client("analyst")
    pages = [
        (director, reverse("staff:teachers")),
        (director, reverse("staff:teacher-new", args=[staff.world.school_a.pk])),
        (director, reverse("staff:teacher-edit", args=[staff.own.pk])),
        (director, reverse("staff:plan-new", args=[staff.own.pk])),
        (director, plan.get_absolute_url()),
        (director, reverse("staff:map")),
        (director, reverse("staff:overdue")),
        (analyst, reverse("staff:teachers")),
        (analyst, reverse("staff:map") + f"?subject={staff.math.pk}"),
        (analyst, reverse("staff:course", args=[course.pk])),
        (analyst, reverse("staff:course-edit", args=[course.pk])),
        (analyst, reverse("staff:course-new")),
        (analyst, reverse("staff:plans") + "?year=2025"),
        (staff.world.client("teacher"), reverse("staff:course", args=[course.pk])),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    # Ids in attributes are never split by the thousands separator.
    html = analyst.get(reverse("staff:teachers")).content.decode()
    assert f'?school={staff.world.school_a.pk}"' in html


def test_director_links_and_unlinks_the_teacher_account(staff: Staff) -> None:
    teacher_person = staff.world.user("teacher").person
    staff.own.person = None
    staff.own.save()
    client = staff.world.client("director_a")
    url = reverse("staff:teacher-edit", args=[staff.own.pk])
    form = client.get(url).context["form"]
    # Only people with a role in school A are offered.
    offered = set(form.fields["person"].queryset)
    assert teacher_person in offered and staff.world.user("director_b").person not in offered
    data = {
        "last_name": staff.own.last_name,
        "first_name": staff.own.first_name,
        "middle_name": staff.own.middle_name,
        "age_band": staff.own.age_band,
        "category": staff.own.category,
        "is_active": "on",
        "person": teacher_person.pk,
    }
    assert client.post(url, data).status_code == 302
    staff.own.refresh_from_db()
    assert staff.own.person == teacher_person
    assert staff.world.client("teacher").get(staff.own.get_absolute_url()).status_code == 200
    # The same account cannot be linked to a second record of the school.
    other = reverse("staff:teacher-edit", args=[staff.colleague.pk])
    response = client.post(
        other,
        {**data, "last_name": staff.colleague.last_name, "first_name": staff.colleague.first_name},
    )
    assert response.status_code == 200 and "уже связана" in response.content.decode()
    # Unlinking takes the teacher's access away.
    client.post(url, {**data, "person": ""})
    staff.own.refresh_from_db()
    assert staff.own.person is None
    assert staff.world.client("teacher").get(staff.own.get_absolute_url()).status_code == 404


def test_teacher_registry_is_paginated(staff: Staff) -> None:
    """A school's registry and the analyst's choice of school show a page, with the same
    queries for 20 rows as for 60 (issue 17)."""
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import SchoolFactory
    from opora.staff.tests.factories import TeacherFactory

    director = staff.world.client("director_a")
    analyst = staff.world.client("analyst")
    teachers = reverse("staff:teachers")
    schools = reverse("staff:teachers")
    TeacherFactory.create_batch(16, school=staff.world.school_a)
    SchoolFactory.create_batch(18, territory=staff.world.north)
    few = queries_and_rows(director, teachers), queries_and_rows(analyst, schools)
    TeacherFactory.create_batch(40, school=staff.world.school_a)
    SchoolFactory.create_batch(40, territory=staff.world.north)
    many = queries_and_rows(director, teachers), queries_and_rows(analyst, schools)
    assert [q for q, _rows in many] == [q for q, _rows in few]
    assert [rows for _q, rows in many] == [50, 50]
    html = director.get(teachers, {"page": 2}).content.decode()
    assert "Стр. 2 из 2" in html


def test_diagnostics_are_paginated(staff: Staff) -> None:
    """Diagnostics pile up year after year: 30 a page, the same queries for 3N as for N."""
    from opora.core.tests.rows import queries_and_rows
    from opora.staff.tests.factories import DiagnosticFactory, ScoreFactory

    def grow(n: int) -> None:
        for _ in range(n):
            ScoreFactory(diagnostic=DiagnosticFactory(), teacher=staff.own)

    client = staff.world.client("coordinator")
    url = reverse("staff:diagnostics")
    grow(10)
    small = queries_and_rows(client, url)
    grow(25)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] == 11 and big[1] == 30
    assert "Стр. 2 из 2" in client.get(url, {"page": 2}).content.decode()
