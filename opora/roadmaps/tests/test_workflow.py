"""A school's programme from draft to execution and a yearly correction, through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from opora.core.choices import TimelineVerb
from opora.core.models import TimelineEvent
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.models import Programme, ProgrammeSchool
from opora.registry.tests.factories import registered_order
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus, ScheduleKind
from opora.roadmaps.models import Activity, ReviewComment, Roadmap, RoadmapVersion
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.services import roadmap_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    return roadmap_create(
        programme=programme,
        school=world.school_a,
        kind=RoadmapKind.TRANSITION,
        draft=seed_template_draft("yaroslavl-2020"),
        user=world.user("director_a"),
        source="шаблон",
    )


def do(world, persona, roadmap, name, **data):
    return world.client(persona).post(reverse("roadmaps:do", args=[roadmap.pk, name]), data)


def status(roadmap):
    roadmap.refresh_from_db()
    return roadmap.status


def test_review_return_recommend_approve_execute_correct(world, roadmap):
    first = Activity.objects.get(roadmap=roadmap, section__number="1", number="1")
    # The director edits an activity of the draft.
    url = reverse("roadmaps:activity", args=[roadmap.pk, first.pk])
    form = {
        "section": first.section_id,
        "number": "1",
        "text": first.text,
        "schedule_text": "сентябрь 2024",
        "responsible": "директор",
        "result": first.result,
        "document": "протокол",
    }
    assert world.client("director_a").post(url, form).status_code == 302
    first.refresh_from_db()
    assert (first.schedule_kind, first.schedule_periods) == (ScheduleKind.MONTHS, [[9, 9]])
    # Others cannot edit it.
    assert world.client("curator").get(url).status_code == 404
    assert world.client("director_b").get(url).status_code == 404

    assert do(world, "director_a", roadmap, "submit").status_code == 302
    assert status(roadmap) == RoadmapStatus.SUBMITTED
    # Submitted: no longer editable, even by its author.
    assert world.client("director_a").get(url).status_code == 404
    assert do(world, "curator", roadmap, "review").status_code == 302
    assert status(roadmap) == RoadmapStatus.REVIEW
    response = world.client("curator").post(
        reverse("roadmaps:comment", args=[roadmap.pk]),
        {"text": "Уточните ответственного", "activity": first.pk},
    )
    assert response.status_code == 302
    assert ReviewComment.objects.get(activity=first).text == "Уточните ответственного"
    page = world.client("director_a").get(roadmap.get_absolute_url()).content.decode()
    assert "Уточните ответственного" in page

    # Returning needs a reason, and the page keeps the form with the message.
    response = do(world, "curator", roadmap, "return", comment="")
    assert response.status_code == 400
    assert "Напишите, что нужно исправить" in response.content.decode()
    assert status(roadmap) == RoadmapStatus.REVIEW
    assert do(world, "curator", roadmap, "return", comment="Нет сроков").status_code == 302
    assert status(roadmap) == RoadmapStatus.RETURNED
    assert world.client("director_a").get(url).status_code == 200

    assert do(world, "director_a", roadmap, "submit").status_code == 302
    # A teacher, a council member and another school's director cannot recommend.
    for persona in ("teacher", "council", "director_b"):
        do(world, persona, roadmap, "recommend")
        assert status(roadmap) == RoadmapStatus.SUBMITTED, persona
    assert do(world, "analyst", roadmap, "recommend").status_code == 302
    assert status(roadmap) == RoadmapStatus.RECOMMENDED

    # Analysts recommend; coordinators approve by a registered order of the programme's owner.
    order = registered_order(
        roadmap.programme.owner, OrderKind.ROADMAP, "245-од", date=datetime.date(2024, 9, 10)
    )
    assert do(world, "analyst", roadmap, "approve", order=order.pk)
    assert status(roadmap) == RoadmapStatus.RECOMMENDED
    response = do(world, "coordinator", roadmap, "approve", order="")
    assert response.status_code == 400
    assert "Выберите зарегистрированный приказ" in response.content.decode()
    # «Подготовить проект приказа»: a draft linked to the roadmap, offered as .docx.
    drafted = do(world, "coordinator", roadmap, "order-draft")
    roadmap.refresh_from_db()
    assert drafted.status_code == 302 and drafted["Location"] == roadmap.order.get_absolute_url()
    assert roadmap.order.status == OrderStatus.DRAFT and roadmap.order_number == ""
    # A draft is not an approval.
    response = do(world, "coordinator", roadmap, "approve", order=roadmap.order.pk)
    assert response.status_code == 400 and status(roadmap) == RoadmapStatus.RECOMMENDED
    response = do(world, "coordinator", roadmap, "approve", order=order.pk)
    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert (roadmap.status, roadmap.order_number) == (RoadmapStatus.APPROVED, "245-од")
    version = RoadmapVersion.objects.get(roadmap=roadmap)
    assert (version.number, version.order) == (1, order)
    assert version.snapshot["sections"][0]["activities"][0]["schedule"] == "сентябрь 2024"

    assert do(world, "director_a", roadmap, "start").status_code == 302
    assert status(roadmap) == RoadmapStatus.EXECUTION

    # The yearly correction: a new version, editable again; the approved text stays.
    assert do(world, "director_a", roadmap, "correct", comment="Корректировка на 2025 год")
    roadmap.refresh_from_db()
    assert (roadmap.status, roadmap.version) == (RoadmapStatus.DRAFT, 2)
    form["schedule_text"] = "октябрь 2025"
    assert world.client("director_a").post(url, form).status_code == 302
    changes = world.client("teacher").get(reverse("roadmaps:changes", args=[roadmap.pk]))
    page = changes.content.decode()
    assert changes.status_code == 200
    assert "сентябрь 2024" in page and "октябрь 2025" in page
    assert "изменено: 1" in page
    for persona in ("director_b", "outsider"):
        url_changes = reverse("roadmaps:changes", args=[roadmap.pk])
        assert world.client(persona).get(url_changes).status_code == 404, persona

    verbs = list(
        TimelineEvent.objects.filter(object_id=str(roadmap.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        TimelineVerb.CREATED,
        TimelineVerb.SUBMITTED,
        TimelineVerb.REVIEWING,
        TimelineVerb.RETURNED,
        TimelineVerb.SUBMITTED,
        TimelineVerb.RECOMMENDED,
        TimelineVerb.APPROVED,
        TimelineVerb.STARTED,
        TimelineVerb.CORRECTION,
    ]


def test_a_step_out_of_order_is_refused_with_the_reason(world, roadmap):
    order = registered_order(roadmap.programme.owner, OrderKind.ROADMAP)
    response = do(world, "coordinator", roadmap, "approve", order=order.pk)
    assert response.status_code == 400
    assert "«Утвердить приказом» сейчас невозможно" in response.content.decode()
    assert status(roadmap) == RoadmapStatus.DRAFT
    assert do(world, "outsider", roadmap, "submit").status_code == 404


def test_adding_and_deleting_activities_in_a_draft(world, roadmap):
    client = world.client("director_a")
    section = roadmap.sections.get(number="3")
    response = client.post(
        reverse("roadmaps:activity-new", args=[roadmap.pk]),
        {"section": section.pk, "number": "11", "text": "", "schedule_text": "когда-нибудь"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Обязательное поле" in page
    assert "не распознан" in page
    assert 'value="когда-нибудь"' in page
    response = client.post(
        reverse("roadmaps:activity-new", args=[roadmap.pk]),
        {
            "section": section.pk,
            "number": "11",
            "text": "Родительский лекторий",
            "schedule_text": "ежегодно (ноябрь)",
        },
    )
    added = Activity.objects.get(roadmap=roadmap, section=section, number="11")
    assert added.schedule_kind == ScheduleKind.ANNUAL
    assert added.position == Activity.objects.filter(roadmap=roadmap).count()
    client.post(reverse("roadmaps:activity", args=[roadmap.pk, added.pk]), {"delete": "1"})
    assert not Activity.objects.filter(pk=added.pk).exists()
    assert Roadmap.objects.filter(pk=roadmap.pk).exists()
