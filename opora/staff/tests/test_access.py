"""Who sees teacher-level data: the teacher, the school's director, the analysts. Everyone
else who may see the school gets aggregates, with cells of fewer than 3 teachers hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opora.core.access import Action, restrict
from opora.staff.models import DiagnosticScore, Teacher
from opora.staff.selectors import (
    school_deficit_map,
    school_get,
    territory_deficit_map,
)
from opora.staff.tests.conftest import Staff

pytestmark = pytest.mark.django_db

SEES_OWN_SCHOOL_TEACHERS = ("director_a", "analyst", "superuser")
AGGREGATES_ONLY = ("curator", "coordinator", "council", "staff_a", "regional")


@pytest.mark.parametrize(
    ("persona", "own", "colleague"),
    [
        ("teacher", 200, 404),
        ("director_a", 200, 200),
        ("analyst", 200, 200),
        ("superuser", 200, 200),
        ("director_b", 404, 404),
        ("curator", 404, 404),
        ("coordinator", 404, 404),
        ("regional", 404, 404),
        ("council", 404, 404),
        ("staff_a", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_teacher_record_access_matrix(staff: Staff, persona: str, own: int, colleague: int) -> None:
    client = staff.world.client(persona)
    response = client.get(reverse("staff:teacher", args=[staff.own.pk]))
    assert response.status_code == own
    if own == 200:
        # The record shows the teacher's results, deficits included.
        assert "дефицит" in response.content.decode()
    assert client.get(reverse("staff:teacher", args=[staff.colleague.pk])).status_code == colleague


def test_anonymous_is_sent_to_login(staff: Staff) -> None:
    response = staff.world.client("anonymous").get(reverse("staff:teacher", args=[staff.own.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", 1),  # their own rows only
        ("director_a", 6),
        ("analyst", 8),
        ("superuser", 8),
        ("director_b", 2),
        *[(p, 0) for p in AGGREGATES_ONLY],
        ("outsider", 0),
    ],
)
def test_scores_are_scoped_to_teacher_level_roles(
    staff: Staff, persona: str, expected: int
) -> None:
    user = staff.world.user(persona)
    scores = restrict(DiagnosticScore.objects.all(), user)
    teachers = {s.teacher_id for s in scores}
    assert len(teachers) == {"teacher": 1, "director_a": 4, "director_b": 2}.get(
        persona, 6 if expected == 8 else 0
    )
    if persona == "teacher":
        assert teachers == {staff.own.pk}
        assert scores.count() == 2
    else:
        assert scores.count() == expected


def test_teacher_may_not_change_even_own_record(staff: Staff) -> None:
    user = staff.world.user("teacher")
    assert not restrict(Teacher.objects.all(), user, Action.CHANGE).exists()
    client = staff.world.client("teacher")
    assert client.get(reverse("staff:teacher-edit", args=[staff.own.pk])).status_code == 404
    assert client.get(reverse("staff:plan-new", args=[staff.own.pk])).status_code == 404


def test_teacher_list_is_for_director_and_analyst_only(staff: Staff) -> None:
    school = staff.world.school_a
    url = reverse("staff:teachers") + f"?school={school.pk}"
    page = staff.world.client("director_a").get(url)
    assert page.status_code == 200
    assert staff.colleague.last_name in page.content.decode()
    assert staff.world.client("analyst").get(url).status_code == 200
    for persona in ("teacher", "staff_a", "curator", "coordinator", "council", "outsider"):
        assert staff.world.client(persona).get(url).status_code == 404, persona
    # Director B has a registry of their own, but school A is not in it.
    assert staff.world.client("director_b").get(url).status_code == 404


def test_director_sees_the_heat_table_of_own_school(staff: Staff) -> None:
    url = (
        reverse("staff:map") + f"?diagnostic={staff.diagnostic.pk}&school={staff.world.school_a.pk}"
    )
    page = staff.world.client("director_a").get(url)
    assert page.status_code == 200
    school_map = page.context["school_map"]
    assert school_map.detailed
    assert {row.teacher.pk for row in school_map.heat} == {t.pk for t in staff.a}
    assert staff.colleague.last_name in page.content.decode()
    # The director sees even the small subject cell: they see the teachers anyway.
    assert not any(cell.suppressed for cell in school_map.cells)


@pytest.mark.parametrize("persona", ["teacher", *AGGREGATES_ONLY])
def test_others_see_aggregates_without_names_and_small_cells_hidden(
    staff: Staff, persona: str
) -> None:
    url = (
        reverse("staff:map") + f"?diagnostic={staff.diagnostic.pk}&school={staff.world.school_a.pk}"
    )
    page = staff.world.client(persona).get(url)
    assert page.status_code == 200
    school_map = page.context["school_map"]
    assert not school_map.detailed and school_map.heat == []
    html = page.content.decode()
    for teacher in staff.a[1:]:
        assert teacher.last_name not in html
    cells = {
        (c.subject_name, c.area): cell
        for c, cell in zip(school_map.columns, school_map.cells, strict=True)
    }
    methodical = cells[("", "methodical")]
    assert (methodical.tested, methodical.deficits, methodical.deficit_share) == (4, 2, 50.0)
    assert methodical.mean == 55.0
    small = cells[("Математика", "subject")]
    assert small.suppressed and small.mean is None and small.deficit_share is None


@pytest.mark.parametrize("persona", ["director_b", "outsider"])
def test_schools_out_of_reach_are_404_on_the_map(staff: Staff, persona: str) -> None:
    url = (
        reverse("staff:map") + f"?diagnostic={staff.diagnostic.pk}&school={staff.world.school_a.pk}"
    )
    assert staff.world.client(persona).get(url).status_code == 404


def test_territory_map_suppresses_small_schools_for_aggregate_viewers(staff: Staff) -> None:
    coordinator = territory_deficit_map(staff.world.user("coordinator"), staff.diagnostic)
    by_school = {row.school.pk: row for row in coordinator.rows}
    assert set(by_school) == {staff.world.school_a.pk, staff.world.school_b.pk}
    methodical = coordinator.areas.index("methodical")
    cell_a = by_school[staff.world.school_a.pk].cells[methodical]
    cell_b = by_school[staff.world.school_b.pk].cells[methodical]
    assert not cell_a.suppressed and cell_a.deficit_share == 50.0
    assert cell_b.suppressed and cell_b.deficit_share is None  # 2 teachers only
    total = coordinator.totals[methodical]
    assert (total.tested, total.deficit_share) == (6, 50.0)  # 3 of 6 below 50 %

    analyst = territory_deficit_map(staff.world.user("analyst"), staff.diagnostic)
    b_row = next(r for r in analyst.rows if r.school.pk == staff.world.school_b.pk)
    assert b_row.cells[methodical].deficit_share == 50.0 and not b_row.cells[methodical].suppressed

    # The subject filter narrows the figures to the subject's results.
    subject = territory_deficit_map(staff.world.user("analyst"), staff.diagnostic, staff.math)
    assert subject.areas == ["subject"]
    assert [r.school.pk for r in subject.rows] == [staff.world.school_a.pk]


def test_outsider_sees_nothing_of_the_city(staff: Staff) -> None:
    result = territory_deficit_map(staff.world.user("outsider"), staff.diagnostic)
    assert result.rows == []
    page = staff.world.client("outsider").get(reverse("staff:map"))
    assert page.status_code == 200 and page.context["diagnostic"] is None


def test_school_map_selector_for_a_teacher_is_aggregate(staff: Staff) -> None:
    user = staff.world.user("teacher")
    school = school_get(user, staff.world.school_a.pk)
    result = school_deficit_map(user, staff.diagnostic, school)
    assert not result.detailed and result.tested == 4


def test_history_of_a_teacher_follows_the_same_rule(staff: Staff) -> None:
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Teacher)
    url = reverse("core:history", args=[content_type.pk, staff.colleague.pk])
    assert staff.world.client("director_a").get(url).status_code == 200
    for persona in ("staff_a", "curator", "coordinator", "teacher"):
        assert staff.world.client(persona).get(url).status_code == 404, persona
