"""Visits and recommendations through their services: every refusal of the issue's «bad
input» in this area, with nothing saved half."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from opora.core import dates
from opora.core.choices import TimelineVerb
from opora.core.models import TimelineEvent
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity, Section
from opora.support import selectors, services
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit, VisitPhoto, VisitTemplate
from opora.support.tests.visits_helpers import JPEG, person, plan, png, running_roadmap

pytestmark = pytest.mark.django_db


def _draft(text="Провести педсовет по итогам ВПР", due=None, addressee=Addressee.SCHOOL):
    return services.RecommendationDraft(
        text=text, addressee=addressee, due_on=due or dates.today() + datetime.timedelta(days=30)
    )


def _save(world, visit, **kwargs):
    values = {
        "user": world.user("curator"),
        "visit": visit,
        "form_key": visit.form_key,
        "answers": {},
        "findings": "",
        "photos": [],
        "recommendations": [],
    }
    values.update(kwargs)
    return services.visit_record_save(**values)


def test_shipped_templates_are_installed_once_per_kind(world):
    assert set(VisitTemplate.objects.filter(owner=None).values_list("kind", flat=True)) == set(
        VisitKind.values
    )
    from opora.support.visit_templates import visit_templates_install

    visit_templates_install()
    assert VisitTemplate.objects.filter(owner=None).count() == len(VisitKind.values)


def test_a_curator_plans_a_visit_with_the_template_of_its_kind(world):
    visit = plan(world, kind=VisitKind.INTERVIEW)
    assert visit.status == VisitStatus.PLANNED
    assert visit.template.kind == VisitKind.INTERVIEW and visit.template.owner is None
    event = TimelineEvent.objects.get(verb=TimelineVerb.VISIT_PLANNED)
    assert event.object_id == str(world.school_a.pk)


def test_a_visit_to_a_school_outside_reach_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.visit_plan(
            user=world.user("curator"),
            school=world.school_b,
            kind=VisitKind.LANDING,
            planned_on=dates.today(),
            organiser=world.methodical_centre,
            lead=person(world, "curator"),
            team=[],
            purpose="Цель",
        )
    assert "вне вашей зоны" in str(refused.value.message_dict["school"])
    assert not Visit.objects.exists()


def test_the_plan_form_sent_twice_plans_one_visit(world):
    import uuid

    key = uuid.uuid4()
    values = {
        "user": world.user("curator"),
        "school": world.school_a,
        "kind": VisitKind.LANDING,
        "planned_on": dates.today(),
        "organiser": world.methodical_centre,
        "lead": person(world, "curator"),
        "team": [],
        "purpose": "Цель",
        "form_key": key,
    }
    first = services.visit_plan(**values)
    second = services.visit_plan(**values)
    assert first.pk == second.pk and Visit.objects.count() == 1


def test_the_record_sent_twice_makes_one_record(world):
    visit = plan(world)
    key = visit.form_key
    first = _save(world, visit, form_key=key, recommendations=[_draft()], photos=[png()])
    assert not first.repeated
    again = _save(world, visit, form_key=key, recommendations=[_draft()], photos=[png()])
    assert again.repeated
    assert Recommendation.objects.count() == 1 and VisitPhoto.objects.count() == 1


def test_a_recommendation_due_before_the_visit_is_refused_and_nothing_is_saved(world):
    visit = plan(world, day=dates.today() - datetime.timedelta(days=3))
    early = dates.today() - datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        _save(
            world,
            visit,
            findings="Выводы",
            photos=[png()],
            recommendations=[_draft(), _draft(due=early)],
            close=True,
        )
    assert "Рекомендация 2: срок" in " ".join(refused.value.message_dict["recommendations"])
    assert "раньше даты выезда" in " ".join(refused.value.message_dict["recommendations"])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and visit.findings == ""
    assert not Recommendation.objects.exists() and not VisitPhoto.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(world):
    visit = plan(world)
    fake = SimpleUploadedFile("снимок.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        _save(world, visit, photos=[png(), fake], recommendations=[_draft()])
    assert "«снимок.jpg» не принят: это не фотография" in " ".join(
        refused.value.message_dict["photos"]
    )
    assert not VisitPhoto.objects.exists() and not Recommendation.objects.exists()


@override_settings(OPORA_VISIT_PHOTO_MAX_MB=1)
def test_a_photo_over_the_limit_is_refused(world):
    """The 50 MB photo of the issue, with a 1 MB limit: 2 MB is enough to be refused."""
    visit = plan(world)
    big = SimpleUploadedFile("большое.jpg", JPEG + b"\x00" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        _save(world, visit, photos=[big])
    assert "«большое.jpg» больше 1 МБ" in " ".join(refused.value.message_dict["photos"])
    assert not VisitPhoto.objects.exists()


def test_closing_needs_findings_and_records_the_visit(world):
    visit = plan(world)
    with pytest.raises(ValidationError) as refused:
        _save(world, visit, close=True)
    assert "findings" in refused.value.message_dict
    template = visit.template
    outcome = _save(
        world,
        visit,
        answers={"0.0": {"rating": "2", "note": "Есть анализ"}, "9.9": {"rating": "1"}},
        findings="Школа готова к работе",
        recommendations=[_draft()],
        close=True,
    )
    visit = outcome.visit
    assert visit.status == VisitStatus.DONE and visit.closed_at is not None
    assert visit.answers == {"0.0": {"rating": 2, "note": "Есть анализ"}}
    assert template.scale[2] == "в полной мере"
    assert TimelineEvent.objects.filter(verb=TimelineVerb.VISIT_DONE).count() == 1


def test_a_visit_in_the_future_cannot_be_closed(world):
    visit = plan(world, day=dates.today() + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        _save(world, visit, findings="Выводы", close=True)
    assert "закрыть его можно" in " ".join(refused.value.messages)


def test_cancel_and_refusal_need_a_reason(world):
    visit = plan(world)
    with pytest.raises(ValidationError):
        services.visit_cancel(user=world.user("curator"), visit=visit, refused=True, reason=" ")
    services.visit_cancel(
        user=world.user("curator"), visit=visit, refused=True, reason="Карантин в школе"
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REFUSED and visit.status_reason == "Карантин в школе"
    assert TimelineEvent.objects.filter(verb=TimelineVerb.VISIT_REFUSED).exists()


def test_the_director_cannot_conduct_a_visit(world):
    visit = plan(world)
    with pytest.raises(ValidationError):
        _save(world, visit, user=world.user("director_a"), findings="Выводы")


def _recommendation(world, **kwargs):
    visit = plan(world, day=dates.today() - datetime.timedelta(days=40))
    outcome = _save(
        world,
        visit,
        findings="Выводы",
        recommendations=[_draft(due=dates.today() - datetime.timedelta(days=5), **kwargs)],
        close=True,
    )
    return outcome.recommendations[0]


def test_overdue_is_computed_in_the_selector(world):
    recommendation = _recommendation(world)
    listed = selectors.recommendation_list(world.user("director_a")).get()
    assert listed.is_overdue
    services.recommendation_answer(
        user=world.user("director_a"),
        recommendation=recommendation,
        status=RecommendationStatus.DONE,
        evidence=SimpleUploadedFile("приказ.pdf", b"%PDF-1.4 order"),
    )
    assert not selectors.recommendation_list(world.user("director_a")).get().is_overdue


def test_the_director_answers_done_with_evidence_or_disputed_with_a_reason(world):
    recommendation = _recommendation(world)
    director = world.user("director_a")
    with pytest.raises(ValidationError) as refused:
        services.recommendation_answer(
            user=director, recommendation=recommendation, status=RecommendationStatus.DISPUTED
        )
    assert "answer" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.recommendation_answer(
            user=director, recommendation=recommendation, status=RecommendationStatus.DONE
        )
    assert "evidence" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.recommendation_answer(
            user=director,
            recommendation=recommendation,
            status=RecommendationStatus.DONE,
            evidence=SimpleUploadedFile("отчёт.exe", b"MZ\x90\x00"),
        )
    assert "evidence" in refused.value.message_dict
    answered = services.recommendation_answer(
        user=director,
        recommendation=recommendation,
        status=RecommendationStatus.DONE,
        done_on=dates.today(),
        evidence=SimpleUploadedFile("протокол.pdf", b"%PDF-1.4 minutes"),
    )
    assert answered.status == RecommendationStatus.DONE and answered.evidence_name == "протокол.pdf"
    with pytest.raises(ValidationError):
        services.recommendation_answer(
            user=director, recommendation=answered, status=RecommendationStatus.ACCEPTED
        )


def test_only_the_addressee_answers(world):
    recommendation = _recommendation(world)
    for persona in ("director_b", "staff_a", "curator", "coordinator"):
        with pytest.raises(ValidationError):
            services.recommendation_answer(
                user=world.user(persona),
                recommendation=recommendation,
                status=RecommendationStatus.ACCEPTED,
            )
    to_curator = _recommendation(world, addressee=Addressee.CURATOR)
    with pytest.raises(ValidationError):
        services.recommendation_answer(
            user=world.user("director_a"),
            recommendation=to_curator,
            status=RecommendationStatus.ACCEPTED,
        )
    services.recommendation_answer(
        user=world.user("curator"), recommendation=to_curator, status=RecommendationStatus.ACCEPTED
    )


def test_the_curator_withdraws_with_a_reason(world):
    recommendation = _recommendation(world)
    with pytest.raises(ValidationError):
        services.recommendation_withdraw(
            user=world.user("director_a"), recommendation=recommendation, reason="Нет"
        )
    with pytest.raises(ValidationError):
        services.recommendation_withdraw(
            user=world.user("curator"), recommendation=recommendation, reason=""
        )
    services.recommendation_withdraw(
        user=world.user("curator"), recommendation=recommendation, reason="Утратила актуальность"
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.WITHDRAWN


def test_a_recommendation_becomes_an_activity_of_a_draft_roadmap(world):
    roadmap = running_roadmap(world, status=RoadmapStatus.DRAFT)
    recommendation = _recommendation(world)
    section = Section.objects.get(roadmap=roadmap)
    activity = services.recommendation_to_activity(
        user=world.user("director_a"),
        recommendation=recommendation,
        section=section,
        text=recommendation.text,
        schedule_text="до 30.05.2026",
        responsible="Директор",
        due_on=None,
    )
    recommendation.refresh_from_db()
    assert recommendation.activity == activity and activity.number == "1.2"
    assert recommendation.status == RecommendationStatus.ACCEPTED
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.DRAFT


def test_a_running_roadmap_takes_the_activity_through_a_correction(world):
    roadmap = running_roadmap(world)
    recommendation = _recommendation(world)
    section = Section.objects.get(roadmap=roadmap)
    values = {
        "user": world.user("director_a"),
        "recommendation": recommendation,
        "section": section,
        "text": "Провести педсовет",
        "schedule_text": "",
        "responsible": "",
        "due_on": dates.today() + datetime.timedelta(days=20),
    }
    with pytest.raises(ValidationError) as refused:
        services.recommendation_to_activity(**values)
    assert "correction" in refused.value.message_dict
    assert Activity.objects.filter(roadmap=roadmap).count() == 1
    services.recommendation_to_activity(**values, correction="Рекомендация выезда")
    roadmap.refresh_from_db()
    assert roadmap.status == RoadmapStatus.DRAFT and roadmap.version == 2
    assert Activity.objects.filter(roadmap=roadmap).count() == 2


def test_a_roadmap_under_review_takes_no_activity_and_the_curator_cannot_add_one(world):
    roadmap = running_roadmap(world, status=RoadmapStatus.REVIEW)
    recommendation = _recommendation(world)
    section = Section.objects.get(roadmap=roadmap)
    values = {
        "recommendation": recommendation,
        "section": section,
        "text": "Провести педсовет",
        "schedule_text": "",
        "responsible": "",
        "due_on": dates.today(),
        "correction": "Основание",
    }
    with pytest.raises(ValidationError) as refused:
        services.recommendation_to_activity(user=world.user("director_a"), **values)
    assert "на рассмотрении" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        services.recommendation_to_activity(user=world.user("curator"), **values)


def test_a_visit_counts_for_an_activity_of_its_schools_running_roadmap_only(world):
    roadmap = running_roadmap(world)
    activity = Activity.objects.get(roadmap=roadmap)
    visit = plan(world)
    with pytest.raises(ValidationError) as refused:
        services.visit_activity_link(user=world.user("director_a"), visit=visit, activity=activity)
    assert "только проведённый" in " ".join(refused.value.messages)
    visit = _save(world, visit, findings="Выводы", close=True).visit
    with pytest.raises(ValidationError):
        services.visit_activity_link(user=world.user("curator"), visit=visit, activity=activity)
    services.visit_activity_link(user=world.user("director_a"), visit=visit, activity=activity)
    evidence = selectors.roadmap_visit_evidence(world.user("director_a"), roadmap)
    assert [e.visit_id for e in evidence[activity.pk]] == [visit.pk]
    assert selectors.roadmap_visit_evidence(world.user("teacher"), roadmap) == {}


def test_an_authoritys_copy_of_a_template_is_its_own(world):
    shipped = VisitTemplate.objects.get(owner=None, kind=VisitKind.LESSON_OBSERVATION)
    with pytest.raises(ValidationError):
        services.visit_template_update(
            user=world.user("coordinator"),
            template=shipped,
            name="x",
            areas_text="# A\n- b",
            scale_text="1\n2",
            is_active=True,
        )
    copy = services.visit_template_copy(
        user=world.user("coordinator"), template=shipped, owner=world.department
    )
    with pytest.raises(ValidationError) as refused:
        services.visit_template_update(
            user=world.user("coordinator"),
            template=copy,
            name="Наш протокол",
            areas_text="- вопрос без раздела\n# Раздел\nстрока без знака",
            scale_text="одно",
            is_active=True,
        )
    problems = refused.value.message_dict
    assert "Строка 1" in problems["areas"][0] and "Строка 3" in problems["areas"][1]
    assert "scale" in problems
    services.visit_template_update(
        user=world.user("coordinator"),
        template=copy,
        name="Наш протокол",
        areas_text="# Урок\n- Цели поставлены\n~ Заметки",
        scale_text="нет\nда",
        is_active=True,
    )
    copy.refresh_from_db()
    assert copy.areas == [
        {
            "area": "Урок",
            "questions": [
                {"text": "Цели поставлены", "rated": True},
                {"text": "Заметки", "rated": False},
            ],
        }
    ]
    for persona in ("outsider", "analyst", "curator"):
        with pytest.raises(ValidationError):
            services.visit_template_update(
                user=world.user(persona),
                template=copy,
                name="Чужое",
                areas_text="# A\n- b",
                scale_text="1\n2",
                is_active=True,
            )
    # The curator of the department's city plans with the department's copy.
    chosen = selectors.visit_template_default(world.user("curator"), VisitKind.LESSON_OBSERVATION)
    assert chosen == copy
