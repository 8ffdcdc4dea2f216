"""Governance pages, files and API by persona, and the meeting's path over HTTP."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core import dates
from opora.governance import services
from opora.governance.choices import DecisionStatus, MemberRole
from opora.governance.models import Decision
from opora.governance.tests.helpers import compose, council, held_meeting
from opora.registry.demo import demo_register
from opora.registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

READERS = ("coordinator", "analyst", "council", "regional", "superuser")
STRANGERS = ("outsider", "director_a", "teacher", "curator")


def test_body_and_meeting_pages_by_persona(world: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    urls = [body.get_absolute_url(), meeting.get_absolute_url()]
    for persona in READERS:
        for url in urls:
            assert world.client(persona).get(url).status_code == 200, (persona, url)
    for persona in STRANGERS:
        for url in urls:
            assert world.client(persona).get(url).status_code == 404, (persona, url)
    assert world.client("anonymous").get(urls[0]).status_code == 302
    for persona in ("analyst", "council", "outsider"):
        url = reverse("governance:meeting-attendance", args=[meeting.pk])
        assert world.client(persona).get(url).status_code == 404


def test_member_reads_their_body(world: Any) -> None:
    body, people = council(world)
    compose(
        world.user("coordinator"),
        body,
        [
            services.MemberDraft(people[0], MemberRole.CHAIR),
            services.MemberDraft(world.user("teacher").person, MemberRole.MEMBER),
        ],
        "40-о",
        dates.today(),
    )
    assert world.client("teacher").get(body.get_absolute_url()).status_code == 200
    assert (
        world.client("teacher").get(reverse("governance:body-edit", args=[body.pk])).status_code
        == 404
    )


def test_lists_and_api(world: Any) -> None:
    body, people = council(world)
    held_meeting(world, body, people)
    for name in (
        "governance:index",
        "governance:bodies",
        "governance:meetings",
        "governance:decisions",
    ):
        assert world.client("coordinator").get(reverse(name)).status_code == 200
    response = world.client("coordinator").get("/api/bodies/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert world.client("outsider").get("/api/bodies/").json()["count"] == 0
    assert world.client("coordinator").get("/api/decisions/").status_code == 200


def test_meeting_path_over_http(world: Any) -> None:
    body, people = council(world)
    client = world.client("coordinator")
    response = client.post(
        reverse("governance:meeting-new", args=[body.pk]),
        {
            "date": dates.today().isoformat(),
            "place": "Зал",
            "agenda": "О программе | Петрова И. О.",
        },
    )
    assert response.status_code == 302
    meeting = body.meetings.get()
    url = reverse("governance:meeting-attendance", args=[meeting.pk])
    response = client.post(url, {"present": [p.pk for p in people[:3]]})
    assert response.status_code == 400
    assert "присутствуют 3 из 7, нужно не менее 4" in response.content.decode()
    assert client.post(url, {"present": [p.pk for p in people[:5]]}).status_code == 302
    item = meeting.items.get()
    p = f"item_{item.pk}_"
    minutes = {
        "number": "1",
        "chair": people[0].pk,
        "secretary": people[1].pk,
        p + "heard": "Доклад",
        p + "decided": "Принять к сведению",
        p + "votes_for": 5,
        p + "votes_against": 0,
        p + "votes_abstained": 0,
        p + "decision": "Подготовить справку",
        p + "due_on": dates.today().isoformat(),
    }
    minutes_url = reverse("governance:meeting-minutes", args=[meeting.pk])
    response = client.post(minutes_url, minutes)
    assert response.status_code == 400 and "укажите ответственного" in response.content.decode()
    assert not Decision.objects.exists()
    minutes[p + "organization"] = "№"
    response = client.post(minutes_url, minutes)
    assert response.status_code == 400
    assert "найдено несколько организаций (" in response.content.decode()
    assert "Гимназия № 2" in response.content.decode()
    minutes[p + "organization"] = "СОШ № 3"
    response = client.post(minutes_url, minutes)
    assert "Организация «СОШ № 3» не найдена на территории органа" in response.content.decode()
    minutes[p + "organization"] = "1"
    assert client.post(minutes_url, minutes).status_code == 302
    response = client.get(reverse("governance:minutes-file", args=[meeting.pk, "docx"]))
    assert response.status_code == 200
    text = "\n".join(par.text for par in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "РЕШИЛИ" in text and "Подготовить справку" in text
    outsider = world.client("outsider")
    assert (
        outsider.get(reverse("governance:minutes-file", args=[meeting.pk, "docx"])).status_code
        == 404
    )
    decision = Decision.objects.get()
    director = world.client("director_a")
    assert director.get(decision.get_absolute_url()).status_code == 200
    response = director.post(
        reverse("governance:decision-done", args=[decision.pk]),
        {"evidence": SimpleUploadedFile("справка.pdf", b"%PDF-1.4 x")},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    assert world.client("director_b").get(decision.get_absolute_url()).status_code == 404


def test_decision_register_queries_flat(world: Any, django_assert_max_num_queries: Any) -> None:
    body, people = council(world)
    meeting = held_meeting(world, body, people)
    item = meeting.items.get()
    for n in range(3):
        Decision.objects.create(
            item=item,
            meeting=meeting,
            text=f"Р{n}",
            responsible_organization=world.school_a,
            due_on=dates.today(),
        )
    client = world.client("coordinator")
    client.get(reverse("governance:decisions"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("governance:decisions"))
    for n in range(20):
        Decision.objects.create(
            item=item,
            meeting=meeting,
            text=f"Д{n}",
            responsible_person=people[2],
            due_on=dates.today(),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("governance:decisions"))
    assert len(many) == len(few)


def test_composition_names_people_by_search(world: Any) -> None:
    """The composition page lists nobody from the registry: people are named by typing, found
    by ФИО or e-mail; namesakes and unknown names are refused with what to do."""
    body, people = council(world)
    for n in range(30):
        PersonFactory(last_name=f"Посторонний{n}")
    client = world.client("coordinator")
    url = reverse("governance:composition-new", args=[body.pk])
    page = client.get(url).content.decode()
    assert "Посторонний" not in page
    assert people[0].full_name in page  # the current composition is prefilled by name
    namesake = PersonFactory(last_name="Двойников", email="other@example.org")
    PersonFactory(last_name="Двойников")
    outside = PersonFactory(last_name="Извне", first_name="Олег", middle_name="", email="o@x.ru")
    data: dict[str, Any] = {"order": ""}  # «подготовить проект приказа»
    data |= {f"role_{i}": MemberRole.MEMBER for i in range(12)}  # as a browser posts them
    for i, person in enumerate(people):
        data |= {f"person_{i}": person.full_name, f"role_{i}": "member", f"position_{i}": ""}
    data["role_0"] = MemberRole.CHAIR
    data["person_7"] = "извне олег"
    data["role_7"] = MemberRole.MEMBER
    data["person_8"] = "Никого Такого Нет"
    data["role_8"] = MemberRole.MEMBER
    response = client.post(url, data)
    assert response.status_code == 400
    assert "«Никого Такого Нет» нет в реестре людей" in response.content.decode()
    data["person_8"] = "Двойников Иван Сергеевич"
    response = client.post(url, data)
    assert "несколько человек с таким ФИО — укажите эл. почту" in response.content.decode()
    data["person_8"] = "other@example.org"
    # A namesake of a current member is that member: the prefilled rows stay valid.
    PersonFactory(last_name="Членов0")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    current = body.compositions.order_by("-pk").first()
    assert current is not None and not current.approved
    assert current.order is not None and response["Location"] == current.order.get_absolute_url()
    names = set(current.members.values_list("person_id", flat=True))
    assert outside.pk in names and namesake.pk in names and people[0].pk in names
    assert len(names) == 9


def test_proposal_shown_and_approved_on_the_body_page(world: Any) -> None:
    """The proposal is «проект состава» for the managers only; a draft order is refused on
    the page with the reason; the registered one approves it."""
    body, people = council(world)
    coordinator = world.user("coordinator")
    proposal = services.composition_propose(
        user=coordinator,
        body=body,
        members=[
            services.MemberDraft(people[0], MemberRole.CHAIR),
            services.MemberDraft(world.user("teacher").person, MemberRole.MEMBER),
        ],
    )
    draft = services.composition_order_draft(user=coordinator, composition=proposal)
    client = world.client("coordinator")
    page = client.get(body.get_absolute_url()).content.decode()
    assert "Проект состава" in page and world.user("teacher").person.full_name in page
    council_page = world.client("council").get(body.get_absolute_url()).content.decode()
    assert "Проект состава" not in council_page
    # A proposed member has no seat yet: the body stays hidden from them.
    assert world.client("teacher").get(body.get_absolute_url()).status_code == 404
    url = reverse("governance:composition-approve", args=[body.pk])
    for name in ("council", "director_a", "outsider"):
        assert world.client(name).post(url, {"order": draft.pk}).status_code == 404
    assert world.client("anonymous").post(url, {"order": draft.pk}).status_code == 302
    # The draft is not offered; posted anyway, the form refuses it.
    response = client.post(url, {"order": draft.pk}, follow=True)
    assert "Выберите корректный вариант" in response.content.decode()
    proposal.refresh_from_db()
    assert not proposal.approved
    demo_register(draft, number="41-о", date=dates.today(), user=coordinator)
    response = client.post(url, {"order": draft.pk})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.approved and proposal.since == dates.today()
    assert world.client("teacher").get(body.get_absolute_url()).status_code == 200


def test_composition_page_queries_flat(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body, _people = council(world)
    client = world.client("coordinator")
    url = reverse("governance:composition-new", args=[body.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(40):
        PersonFactory(last_name=f"Ещё{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_body_created_with_owner_named_by_search(world: Any) -> None:
    """The owner is typed, not chosen from every school of the territory: the coordinator's
    own authority is prefilled, a school is found by its number, another territory's is not."""
    from opora.governance.models import Body

    client = world.client("coordinator")
    url = reverse("governance:body-new")
    page = client.get(url).content.decode()
    assert 'value="ДО Города N"' in page and "Гимназия № 2" not in page
    data = {
        "kind": "school_association",
        "name": "ШМО учителей математики",
        "quorum_percent": 50,
        "owner": "СОШ № 3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "такой организации нет среди тех, где вы координатор" in response.content.decode()
    data["owner"] = "2"
    assert client.post(url, data).status_code == 302
    assert Body.objects.get().owner == world.school_b
    for persona in ("analyst", "council", "director_a", "outsider"):
        if persona == "outsider":
            # A coordinator elsewhere may create bodies, but not for this territory.
            response = world.client(persona).post(url, data | {"owner": "Гимназия № 2"})
            assert response.status_code == 400
        else:
            assert world.client(persona).get(url).status_code == 404
    assert Body.objects.count() == 1
