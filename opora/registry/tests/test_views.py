"""Registry pages through HTTP, for roles that may and roles that may not."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core import dates
from opora.core.cards import SCHOOL_TABS
from opora.core.choices import TimelineVerb
from opora.core.models import TimelineEvent
from opora.registry.choices import OrderKind
from opora.registry.models import Organization, Programme
from opora.registry.tests.factories import (
    CuratorAssignmentFactory,
    ProgrammeFactory,
    SchoolFactory,
    registered_order,
)
from opora.support.models import MentorPair

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(world):
    response = world.client("anonymous").get(reverse("registry:schools"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("coordinator", ["СОШ № 1", "Гимназия № 2"], ["СОШ № 3"]),
        ("director_a", ["СОШ № 1"], ["Гимназия № 2", "СОШ № 3"]),
        ("curator", ["СОШ № 1"], ["Гимназия № 2"]),
        ("outsider", ["СОШ № 3"], ["СОШ № 1", "Гимназия № 2"]),
    ],
)
def test_school_list_shows_only_schools_in_reach(world, persona, visible, hidden):
    html = world.client(persona).get(reverse("registry:schools")).content.decode()
    for name in visible:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("analyst", 200),
        ("council", 200),
        ("curator", 200),
        ("director_a", 200),
        ("teacher", 200),
        ("regional", 200),
        ("superuser", 200),
        ("director_b", 404),
        ("outsider", 404),
    ],
)
def test_school_card_access(world, persona, status):
    client = world.client(persona)
    assert client.get(reverse("registry:school", args=[world.school_a.pk])).status_code == status
    # Every tab is the same school's card: the same answer.
    for tab in SCHOOL_TABS[1:]:
        url = reverse("registry:school-tab", args=[world.school_a.pk, tab.key])
        assert client.get(url).status_code == status


def test_school_card_is_read_in_tabs(world):
    client = world.client("coordinator")
    school = world.school_a
    overview = client.get(school.get_absolute_url()).content.decode()
    assert "Сведения о школе" in overview
    for tab in SCHOOL_TABS:
        assert f'href="{school.get_tab_url(tab.key)}"' in overview
    assert 'aria-current="page">Общие сведения</a>' in overview
    support = client.get(school.get_tab_url("support")).content.decode()
    assert "Сведения о школе" not in support  # only the tab shown is worked out
    assert 'aria-current="page">Поддержка</a>' in support
    assert "<title>Поддержка — СОШ № 1" in support
    # One address per tab: no second address of the first, no made-up tab.
    for key in ("overview", "supports", "nothing"):
        assert client.get(f"/registry/schools/{school.pk}/{key}/").status_code == 404


def test_school_card_tab_says_when_nothing_there_is_for_the_user(world):
    html = world.client("teacher").get(world.school_a.get_tab_url("support")).content.decode()
    assert "В этом разделе карточки пока нет сведений, доступных вам." in html


def test_school_card_shows_attributes_and_programmes(world):
    programme = ProgrammeFactory(owner=world.department, name="Программа ШНОР 2024–2026")
    programme.schools.add(world.school_a)
    html = (
        world.client("coordinator")
        .get(reverse("registry:school", args=[world.school_a.pk]))
        .content.decode()
    )
    for text in (
        "СОШ № 1",
        "Северный",
        "Иванова Мария Петровна",
        "Городская",
        "Программа ШНОР 2024–2026",
        "500",
    ):
        assert text in html


def test_teacher_sees_staff_only_as_counts(world):
    url = reverse("registry:school", args=[world.school_a.pk])
    teacher_html = world.client("teacher").get(url).content.decode()
    director_html = world.client("director_a").get(url).content.decode()
    assert "Staff_a" in director_html
    assert "Staff_a" not in teacher_html
    assert "Сотрудник школы: 1" in teacher_html


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("1", "СОШ № 1", "Гимназия № 2"),
        ("гимназия", "Гимназия № 2", "СОШ № 1"),
        ("№ 2", "Гимназия № 2", "СОШ № 1"),
    ],
)
def test_search_by_name_or_number(world, query, expected, absent):
    html = (
        world.client("coordinator").get(reverse("registry:schools"), {"q": query}).content.decode()
    )
    assert expected in html
    assert absent not in html


def test_filter_by_territory_and_sort(world):
    client = world.client("coordinator")
    html = client.get(reverse("registry:schools"), {"territory": world.south.pk}).content.decode()
    assert "Гимназия № 2" in html and "СОШ № 1" not in html
    html = client.get(reverse("registry:schools"), {"sort": "-enrolment"}).content.decode()
    assert "Найдено: 2" in html


def test_htmx_request_gets_only_the_table(world):
    response = world.client("coordinator").get(reverse("registry:schools"), HTTP_HX_REQUEST="true")
    assert b"<nav" not in response.content
    assert "СОШ № 1" in response.content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "council"])
def test_school_list_query_count_does_not_grow(world, persona):
    """Nor with the curators and mentor schools the list shows (names or «назначен»)."""
    client = world.client(persona)
    url = reverse("registry:schools")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    schools = SchoolFactory.create_batch(40, territory=world.north)
    curator = world.school_a.curator_assignments.get().curator
    for school in schools[:20]:
        CuratorAssignmentFactory(curator=curator, school=school)
        MentorPair.objects.create(
            school=school, mentor=world.school_b, since=dates.today(), areas=["subjects"]
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert "Гимназия № 2" in html


@pytest.mark.parametrize("persona", ["coordinator", "curator", "director_a"])
def test_school_list_cells_are_the_librarys(world, persona):
    """`SchoolTable.cell_values` gives each cell as django-tables2's own machinery does:
    links, choice labels, enrolment, empty values, a school without its profile or number,
    curators' names or «назначен», mentors with and without a link."""
    from opora.core.access import Action, reach
    from opora.registry.selectors import school_list
    from opora.registry.tables import SchoolTable
    from opora.support.selectors import school_mentor_links

    bare = SchoolFactory(territory=world.north, short_name="Школа <без профиля>")
    bare.school.delete()
    odd = SchoolFactory(territory=world.north, short_name="")
    odd.school.number = ""
    odd.school.enrolment = 0
    odd.school.director_name = ""
    odd.school.save()
    curator = world.school_a.curator_assignments.get().curator
    CuratorAssignmentFactory(curator=curator, school=odd)
    MentorPair.objects.create(
        school=odd, mentor=world.school_b, since=dates.today(), areas=["subjects"]
    )
    MentorPair.objects.create(
        school=world.school_a, mentor=world.school_c, since=dates.today(), areas=["subjects"]
    )
    user = world.user(persona)
    table = SchoolTable(school_list(user).order_by("pk"))
    table.people_reach = reach(user, Action.VIEW_PEOPLE)
    table.mentor_links = school_mentor_links(user, [school.pk for school in table.data])
    rows = list(table.rows)
    shown = {row.record.pk for row in rows}
    assert shown and ({bare.pk, odd.pk} <= shown) == (persona == "coordinator")
    for row in rows:
        values = table.cell_values(row.record)
        assert list(values) == [column.name for column in table.columns]
        assert values == {column.name: cell for column, cell in row.items()}, row.record


def test_school_card_query_count_does_not_grow(world):
    client = world.client("coordinator")
    urls = [world.school_a.get_tab_url(tab.key) for tab in SCHOOL_TABS]
    few = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        few[url] = len(captured)
    SchoolFactory.create_batch(40, territory=world.north)
    for _ in range(5):
        ProgrammeFactory(owner=world.department).schools.add(world.school_a)
    for url in urls:
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == few[url], url


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("director_a", 200),
        ("teacher", 404),
        ("council", 404),
        ("curator", 404),
        ("director_b", 404),
        ("outsider", 404),
    ],
)
def test_school_edit_access(world, persona, status):
    url = reverse("registry:school-edit", args=[world.school_a.pk])
    assert world.client(persona).get(url).status_code == status


def test_school_edit_records_history_with_before_and_after(world):
    client = world.client("director_a")
    url = reverse("registry:school-edit", args=[world.school_a.pk])
    data = {
        "org-name": world.school_a.name,
        "org-short_name": "СОШ № 1 им. Пушкина",
        "org-ownership": "municipal",
        "org-address": "ул. Мира, 1",
        "org-phone": "",
        "org-email": "",
        "org-website": "",
        "school-school_type": "sosh",
        "school-number": "1",
        "school-locality": "urban",
        "school-enrolment": "640",
        "school-director_name": "Иванова Мария Петровна",
    }
    response = client.post(url, data, HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(world.school_a.school).latest("timestamp")
    assert entry.changes_dict["enrolment"] == [500, 640]
    assert entry.cid == "req-42"
    assert entry.actor == world.user("director_a")
    content_type = ContentType.objects.get_for_model(Organization)
    history = client.get(reverse("core:history", args=[content_type.pk, world.school_a.pk]))
    html = history.content.decode()
    assert "Численность обучающихся" in html and "640" in html and "СОШ № 1 им. Пушкина" in html


def test_school_edit_keeps_input_on_error(world):
    client = world.client("director_a")
    url = reverse("registry:school-edit", args=[world.school_a.pk])
    response = client.post(
        url,
        {
            "org-name": "",
            "org-short_name": "Новое имя",
            "org-ownership": "municipal",
            "school-school_type": "sosh",
            "school-locality": "urban",
            "school-enrolment": "много",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Новое имя" in html and "много" in html
    world.school_a.refresh_from_db()
    assert world.school_a.short_name == "СОШ № 1"


def test_history_of_object_outside_reach_is_404(world):
    content_type = ContentType.objects.get_for_model(Organization)
    url = reverse("core:history", args=[content_type.pk, world.school_a.pk])
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("coordinator").get(url).status_code == 200


@pytest.mark.parametrize(
    "persona",
    [
        "coordinator",
        "director_a",
        "teacher",
        "outsider",
        "superuser",
        "curator",
        "council",
        "analyst",
        "regional",
    ],
)
def test_home_page_for_every_role(world, persona):
    response = world.client(persona).get(reverse("core:home"))
    assert response.status_code == 200
    # What each role sees there is tested in core/tests/test_home.py.
    assert "Здравствуйте" in response.content.decode()


def test_territory_browsing(world):
    client = world.client("coordinator")
    response = client.get(reverse("registry:territories"))
    assert response.status_code == 302
    html = client.get(reverse("registry:territory", args=[world.city.pk])).content.decode()
    assert "Северный" in html and "Южный" in html and "ДО Города N" in html
    assert client.get(reverse("registry:territory", args=[world.other_city.pk])).status_code == 404
    html = client.get(reverse("registry:territory", args=[world.north.pk])).content.decode()
    assert "СОШ № 1" in html and "Город N" in html


def test_organization_pages(world):
    client = world.client("analyst")
    assert client.get(reverse("registry:organizations")).status_code == 200
    assert (
        client.get(reverse("registry:organization", args=[world.methodical_centre.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("registry:organization", args=[world.other_department.pk])).status_code
        == 404
    )
    assert (
        world.client("council")
        .get(reverse("registry:organization-edit", args=[world.department.pk]))
        .status_code
        == 404
    )


def test_programme_approval_is_a_timeline_event(world):
    programme = ProgrammeFactory(owner=world.department)
    programme.schools.add(world.school_a)
    url = reverse("registry:programme-approve", args=[programme.pk])
    assert world.client("director_a").get(url).status_code == 404
    assert (
        world.client("director_a")
        .get(reverse("registry:programme", args=[programme.pk]))
        .status_code
        == 200
    )
    assert (
        world.client("outsider").get(reverse("registry:programme", args=[programme.pk])).status_code
        == 404
    )
    order = registered_order(world.department, OrderKind.PROGRAMME, "01-05/504")
    # Another authority's order, or an order approving something else, is refused.
    for wrong in (
        registered_order(world.other_department, OrderKind.PROGRAMME, "01-05/504"),
        registered_order(world.department, OrderKind.ROADMAP, "01-05/505"),
    ):
        response = world.client("coordinator").post(url, {"order": wrong.pk})
        assert (
            response.status_code == 200
            and "Выберите корректный вариант" in response.content.decode()
        )
    response = world.client("coordinator").post(url, {"order": order.pk})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.order, programme.order_number) == (order, "01-05/504")
    event = TimelineEvent.objects.get(object_id=str(programme.pk))
    assert event.verb == TimelineVerb.APPROVED
    assert "01-05/504" in event.message


def test_admin_is_for_superusers_only(world):
    assert world.client("coordinator").get("/admin/").status_code == 404
    assert world.client("superuser").get("/admin/").status_code == 200


def _new_school_data(territory, code="NEW-10"):
    return {
        "org-code": code,
        "org-territory": territory.pk,
        "org-name": "Средняя школа № 10",
        "org-short_name": "СОШ № 10",
        "org-ownership": "municipal",
        "org-address": "",
        "org-phone": "",
        "org-email": "",
        "org-website": "",
        "school-school_type": "sosh",
        "school-number": "10",
        "school-locality": "urban",
        "school-enrolment": "300",
        "school-director_name": "",
    }


def test_coordinator_adds_a_school(world):
    client = world.client("coordinator")
    url = reverse("registry:school-create")
    assert client.get(url).status_code == 200
    response = client.post(url, _new_school_data(world.south))
    assert response.status_code == 302
    school = Organization.objects.get(code="NEW-10")
    assert school.school.enrolment == 300 and school.territory == world.south


@pytest.mark.parametrize("persona", ["director_a", "teacher", "council", "curator"])
def test_school_roles_cannot_add_schools(world, persona):
    assert world.client(persona).get(reverse("registry:school-create")).status_code == 404


def test_new_school_outside_reach_or_with_taken_code_is_refused(world):
    client = world.client("outsider")
    response = client.post(reverse("registry:school-create"), _new_school_data(world.north))
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    response = world.client("coordinator").post(
        reverse("registry:school-create"), _new_school_data(world.north, code="SCH-B")
    )
    html = response.content.decode()
    assert "уже существует" in html and "Средняя школа № 10" in html
    assert not Organization.objects.filter(name="Средняя школа № 10").exists()


def test_programme_create_and_edit_keep_schools_outside_the_editors_reach(world):
    client = world.client("coordinator")
    response = client.post(
        reverse("registry:programme-create"),
        {
            "name": "Программа 500+",
            "owner": world.department.pk,
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "goal": "Цель",
            "tasks": "Задача 1\nЗадача 2",
            "schools": [world.school_a.pk, world.school_b.pk],
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Программа 500+")
    assert set(programme.schools.all()) == {world.school_a, world.school_b}
    programme.schools.add(world.school_c)  # added by the regional coordinator, say
    response = client.post(
        reverse("registry:programme-edit", args=[programme.pk]),
        {
            "name": "Программа 500+",
            "owner": world.department.pk,
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "schools": [world.school_a.pk],
        },
    )
    assert response.status_code == 302
    assert set(programme.schools.all()) == {world.school_a, world.school_c}
    content_type = ContentType.objects.get_for_model(Programme)
    history = client.get(reverse("core:history", args=[content_type.pk, programme.pk]))
    html = history.content.decode()
    assert "Школы-участники" in html and "исключены: Гимназия № 2" in html
    assert "добавлены: " in html


def test_programme_form_errors_keep_input(world):
    response = world.client("coordinator").post(
        reverse("registry:programme-create"),
        {
            "name": "Моя программа",
            "owner": world.department.pk,
            "starts_on": "2025-01-01",
            "ends_on": "2024-01-01",
        },
    )
    html = response.content.decode()
    assert "Окончание программы раньше её начала" in html and "Моя программа" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("analyst", 200),
        ("outsider", 200),
        ("director_a", 404),
        ("council", 404),
        ("curator", 404),
        ("teacher", 404),
    ],
)
def test_programme_create_access(world, persona, status):
    assert world.client(persona).get(reverse("registry:programme-create")).status_code == status


def test_outsider_cannot_give_a_programme_to_another_authority_or_edit_it(world):
    client = world.client("outsider")
    response = client.post(
        reverse("registry:programme-create"),
        {
            "name": "Чужая",
            "owner": world.department.pk,
            "starts_on": "2025-01-01",
            "ends_on": "2026-01-01",
            "schools": [world.school_a.pk],
        },
    )
    assert response.status_code == 200
    assert not Programme.objects.filter(name="Чужая").exists()
    programme = ProgrammeFactory(owner=world.department)
    assert client.get(reverse("registry:programme-edit", args=[programme.pk])).status_code == 404
    assert (
        world.client("director_a")
        .get(reverse("registry:programme-edit", args=[programme.pk]))
        .status_code
        == 404
    )


def test_programme_list_and_programme_schools_are_paginated(world):
    """The programmes and a programme's schools show a page, with the same queries for 20
    rows as for 60 (issue 17); a director still sees only their own school."""
    from opora.core.tests.rows import queries_and_rows

    client = world.client("coordinator")
    programme = ProgrammeFactory(owner=world.department)
    programme.schools.add(world.school_a)
    programmes = reverse("registry:programmes")
    schools = reverse("registry:programme", args=[programme.pk])
    ProgrammeFactory.create_batch(19, owner=world.department)
    programme.schools.add(*SchoolFactory.create_batch(19, territory=world.north))
    few = queries_and_rows(client, programmes), queries_and_rows(client, schools)
    ProgrammeFactory.create_batch(40, owner=world.department)
    programme.schools.add(*SchoolFactory.create_batch(40, territory=world.north))
    many = queries_and_rows(client, programmes), queries_and_rows(client, schools)
    assert [q for q, _rows in many] == [q for q, _rows in few]
    assert [rows for _q, rows in many] == [50, 50]
    assert "Школы-участники (60)" in client.get(schools).content.decode()
    html = world.client("director_a").get(schools).content.decode()
    assert "Школы-участники (1)" in html and world.school_a.short_name in html


def test_organization_page_lists_are_paginated(world):
    """An organisation's people and programmes show a page each: the queries stay the same."""
    from opora.core.choices import Role
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import MembershipFactory

    client = world.client("coordinator")
    url = reverse("registry:organization", args=[world.department.pk])

    def grow(n):
        MembershipFactory.create_batch(n, organization=world.department, role=Role.ANALYST)
        ProgrammeFactory.create_batch(n, owner=world.department)

    grow(20)
    small = queries_and_rows(client, url)
    grow(40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] >= 20 and big[1] == 50
    second = client.get(url, {"people": 2, "programmes": 2}).content.decode()
    assert "Стр. 2 из 2" in second and "Стр. 2 из 3" in second


def test_school_card_people_are_paginated(world):
    """The school card pages its people in place (50, as an organisation's card does), with
    the pager to the rest: the second page shows those past the first 50."""
    from opora.core.choices import Role
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import MembershipFactory, PersonFactory

    client = world.client("coordinator")
    url = reverse("registry:school", args=[world.school_a.pk])

    def grow(n, prefix):
        # Names sort after the world's own people: the last ones land on the second page.
        for i in range(n):
            MembershipFactory(
                organization=world.school_a,
                role=Role.TEACHER,
                person=PersonFactory(last_name=f"Яковлев{prefix}{i:02d}"),
            )

    grow(20, "а")
    small = queries_and_rows(client, url)
    grow(40, "б")
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] >= 20 and big[1] == 50
    first = client.get(url).content.decode()
    assert "Стр. 1 из 2" in first and "Яковлевб39" not in first
    second = client.get(url, {"people": 2}).content.decode()
    assert "Стр. 2 из 2" in second and "Яковлевб39" in second


def test_territory_page_reads_only_what_it_shows(world):
    """30 schools and a «все N» link; a page of the other organisations; flat queries."""
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import OrganizationFactory

    client = world.client("coordinator")
    url = reverse("registry:territory", args=[world.north.pk])

    def grow(n):
        SchoolFactory.create_batch(n, territory=world.north)
        OrganizationFactory.create_batch(n, territory=world.north)

    grow(20)
    small = queries_and_rows(client, url)
    grow(40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and big[1] == 30
    assert "Все 61 школ" in client.get(url).content.decode()
    assert "Стр. 2 из 2" in client.get(url, {"organizations": 2}).content.decode()
