"""Consultations: a school asks, a methodist takes, schedules and answers; the register shows
waiting times; who may and who may not."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opora.core.tests.russian import not_russian
from opora.registry.models import Person
from opora.registry.tests.factories import SchoolFactory
from opora.support.choices import ConsultationStatus
from opora.support.engagement import duration_ru, month_waits
from opora.support.models import Consultation

pytestmark = pytest.mark.django_db

NEW = reverse("support:consultation-new")
REGISTER = reverse("support:consultations")


def ask(world, persona="director_a", **values):
    data = {
        "school": world.school_a.pk,
        "topic": "Подготовка к ОГЭ по математике",
        "question": "Как выстроить повторение в 9 классе?",
        "preferred_form": "online",
        **values,
    }
    return world.client(persona).post(NEW, data)


def consultation(world, school=None, **values) -> Consultation:
    return Consultation.objects.create(
        school=school or world.school_a,
        topic=values.pop("topic", "Рабочие программы"),
        question="Вопрос",
        preferred_form="online",
        requested_by=world.user("director_a"),
        **values,
    )


def test_a_director_asks_and_sees_the_status(world):
    response = ask(world)
    assert response.status_code == 302
    asked = Consultation.objects.get()
    assert asked.school == world.school_a
    assert asked.requested_by == world.user("director_a")
    assert asked.status == ConsultationStatus.NEW
    page = world.client("director_a").get(asked.get_absolute_url()).content.decode()
    assert "Подготовка к ОГЭ по математике" in page and "Новая" in page
    # School staff asks too.
    assert ask(world, "staff_a").status_code == 302


@pytest.mark.parametrize("persona", ["director_b", "teacher", "curator", "analyst", "council"])
def test_others_cannot_ask_for_school_a(world, persona):
    response = ask(world, persona)
    # Those who ask for no school at all do not get the form; director B cannot pick school A.
    assert response.status_code in (400, 404), persona
    assert not Consultation.objects.exists()


def test_an_empty_question_is_refused_in_russian_and_the_form_keeps_what_was_typed(world):
    response = ask(world, question="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Опишите вопрос" in page
    assert "Подготовка к ОГЭ по математике" in page  # the topic typed is kept
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director_a", 200),
        ("staff_a", 200),
        ("curator", 200),
        ("analyst", 200),
        ("coordinator", 200),
        ("council", 200),
        ("regional", 200),
        ("director_b", 404),
        ("teacher", 404),
        ("outsider", 404),
    ],
)
def test_who_sees_a_consultation(world, persona, status):
    item = consultation(world)
    assert world.client(persona).get(item.get_absolute_url()).status_code == status


def test_anonymous_is_sent_to_log_in(world):
    item = consultation(world)
    response = world.client("anonymous").get(item.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_register_opens_for_the_school_and_the_centre_but_not_for_a_teacher(world):
    consultation(world, topic="Тема школы А")
    consultation(world, school=world.school_b, topic="Тема школы Б")
    for persona, seen, unseen in (
        ("analyst", ["Тема школы А", "Тема школы Б"], []),
        ("director_a", ["Тема школы А"], ["Тема школы Б"]),
        ("curator", ["Тема школы А"], ["Тема школы Б"]),
    ):
        page = world.client(persona).get(REGISTER).content.decode()
        for topic in seen:
            assert topic in page, (persona, topic)
        for topic in unseen:
            assert topic not in page, (persona, topic)
    for persona in ("teacher", "outsider"):
        page = world.client(persona).get(REGISTER)
        if persona == "outsider":
            # A coordinator elsewhere opens the register but sees none of Город N.
            assert "Тема школы" not in page.content.decode()
        else:
            assert page.status_code == 404


def test_a_methodist_takes_schedules_and_answers_and_the_school_gets_letters(
    world, django_capture_on_commit_callbacks
):
    world.user("director_a").email = "director@school-a.ru"
    world.user("director_a").save()
    world.school_a.email = "school-a@example.ru"
    world.school_a.save()
    item = consultation(world)
    analyst = world.client("analyst")
    assert analyst.post(reverse("support:consultation-take", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.status == ConsultationStatus.TAKEN
    assert item.methodist == Person.objects.get(user=world.user("analyst"))
    assert item.taken_at is not None
    # Another methodist cannot take it over.
    page = world.client("coordinator").post(
        reverse("support:consultation-take", args=[item.pk]), follow=True
    )
    assert "уже принял" in page.content.decode()

    when = timezone.localtime() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(
            reverse("support:consultation-schedule", args=[item.pk]),
            {"scheduled_for": when.strftime("%Y-%m-%dT%H:%M"), "form": "on_site"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ConsultationStatus.SCHEDULED and item.scheduled_form == "on_site"
    assert len(mail.outbox) == 1
    assert "назначена" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(
            reverse("support:consultation-answer", args=[item.pk]),
            {"answer": "Рекомендуем начать с диагностической работы."},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ConsultationStatus.ANSWERED and item.answered_at is not None
    letter = mail.outbox[-1]
    assert sorted(letter.to) == ["director@school-a.ru", "school-a@example.ru"]
    assert "ответ" in letter.subject.lower()
    assert "Рекомендуем начать с диагностической работы." in letter.body
    assert "Здравствуйте" in letter.body
    assert not_russian(f"{letter.subject} {letter.body}") == []
    # The school sees the answer.
    page = world.client("director_a").get(item.get_absolute_url()).content.decode()
    assert "Рекомендуем начать с диагностической работы." in page
    # A closed consultation is not answered again.
    page = analyst.post(
        reverse("support:consultation-answer", args=[item.pk]), {"answer": "Ещё"}, follow=True
    ).content.decode()
    assert "уже закрыта" in page


def test_a_schedule_in_the_past_and_an_empty_answer_are_refused(world):
    item = consultation(world)
    analyst = world.client("analyst")
    past = timezone.localtime() - datetime.timedelta(hours=2)
    response = analyst.post(
        reverse("support:consultation-schedule", args=[item.pk]),
        {"scheduled_for": past.strftime("%Y-%m-%dT%H:%M"), "form": "online"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "уже прошли" in page
    assert past.strftime("%Y-%m-%dT%H:%M") in page  # what was typed is kept
    response = analyst.post(reverse("support:consultation-answer", args=[item.pk]), {"answer": " "})
    assert response.status_code == 400
    assert "пустой ответ" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ConsultationStatus.NEW and item.methodist is None


@pytest.mark.parametrize(
    "persona", ["director_a", "staff_a", "teacher", "curator", "council", "director_b", "outsider"]
)
def test_only_the_centre_and_coordinators_handle_consultations(world, persona):
    item = consultation(world)
    for name in ("consultation-take", "consultation-answer"):
        response = world.client(persona).post(
            reverse(f"support:{name}", args=[item.pk]), {"answer": "x"}
        )
        assert response.status_code == 404, (persona, name)
    item.refresh_from_db()
    assert item.status == ConsultationStatus.NEW


def test_the_school_withdraws_its_request(world):
    item = consultation(world)
    url = reverse("support:consultation-withdraw", args=[item.pk])
    assert world.client("director_b").post(url).status_code == 404
    world.client("analyst").post(url)
    item.refresh_from_db()
    assert item.status == ConsultationStatus.NEW  # the centre does not withdraw a school's request
    world.client("staff_a").post(url)
    item.refresh_from_db()
    assert item.status == ConsultationStatus.CANCELLED


def test_waiting_times_and_their_monthly_median():
    tz = timezone.get_current_timezone()
    start = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=tz)
    hour = datetime.timedelta(hours=1)
    rows = [
        (start, start + 2 * hour, start + 30 * hour),
        (start, start + 4 * hour, None),
        (start, start + 9 * hour, start + 78 * hour),
        (start, None, None),
        (start.replace(month=11), None, start.replace(month=11) + 5 * hour),
    ]
    waits = month_waits(rows)
    assert [w.month for w in waits] == [datetime.date(2026, 11, 1), datetime.date(2026, 10, 1)]
    october = waits[1]
    assert (october.requested, october.taken, october.answered) == (4, 3, 2)
    assert october.median_to_take == 4 * hour
    assert october.median_to_answer == 54 * hour
    assert october.median_to_answer_text == "2 дн. 6 ч"
    # Answered without being taken: the answer is when it was taken.
    assert waits[0].median_to_take == 5 * hour
    assert duration_ru(datetime.timedelta(minutes=40)) == "40 мин"
    assert duration_ru(datetime.timedelta(days=12, hours=3)) == "12 дн."


def test_the_register_shows_waits_and_filters(world):
    now = timezone.now()
    taken = consultation(world, topic="Быстро принятая")
    Consultation.objects.filter(pk=taken.pk).update(
        requested_at=now - datetime.timedelta(hours=5),
        taken_at=now - datetime.timedelta(hours=2),
        status=ConsultationStatus.TAKEN,
    )
    consultation(world, school=world.school_b, topic="Ещё не принятая")
    page = world.client("analyst").get(REGISTER).content.decode()
    assert "Время ожидания по месяцам запроса" in page
    assert "3 ч" in page
    assert not_russian(page) == []
    filtered = world.client("analyst").get(REGISTER, {"status": "new"}).content.decode()
    assert "Ещё не принятая" in filtered and "Быстро принятая" not in filtered
    filtered = world.client("analyst").get(REGISTER, {"school": world.school_a.pk}).content.decode()
    assert "Быстро принятая" in filtered and "Ещё не принятая" not in filtered
    filtered = world.client("analyst").get(REGISTER, {"school_text": "гимназия"}).content.decode()
    assert "Ещё не принятая" in filtered and "Быстро принятая" not in filtered


def _register_queries(client) -> int:
    client.get(REGISTER)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER)
    assert response.status_code == 200
    return len(queries)


def test_the_register_query_count_does_not_grow_with_schools(world):
    client = world.client("analyst")
    for _n in range(3):
        school = SchoolFactory(territory=world.north)
        consultation(world, school=school, methodist=Person.objects.get(user=world.user("analyst")))
    few = _register_queries(client)
    for _n in range(30):
        school = SchoolFactory(territory=world.south)
        consultation(world, school=school, methodist=Person.objects.get(user=world.user("analyst")))
    assert _register_queries(client) == few
