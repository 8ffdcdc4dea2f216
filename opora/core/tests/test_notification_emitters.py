"""Who is told what: each service that notifies writes the notice for the right users only, in
Russian, naming the object — and nothing when the service refuses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from opora.core import dates
from opora.core.models import Notification
from opora.identification.choices import RunStatus
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.services import run_approve, run_compute, run_send
from opora.identification.tests.test_runs import fill
from opora.monitoring import services as monitoring
from opora.monitoring.choices import SubmissionStatus
from opora.monitoring.models import Submission
from opora.monitoring.reminders import reminders_send as monitoring_reminders
from opora.monitoring.tests.test_cycle import open_entry
from opora.practices.choices import PracticeStatus, ReviewConclusion
from opora.practices.services import practice_publish
from opora.practices.tests.test_bank import _practice, _review
from opora.registry.choices import OrderKind
from opora.registry.models import AcademicYear, Person, Programme, ProgrammeSchool
from opora.registry.tests.factories import SchoolFactory, registered_order
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Deadline
from opora.roadmaps.reminders import reminders_send as roadmap_reminders
from opora.roadmaps.services import roadmap_transition
from opora.support import services as support
from opora.support.choices import ConsultationForm, RecommendationStatus
from opora.support.tests.visits_helpers import plan, png, running_roadmap

pytestmark = pytest.mark.django_db


def notices(world, persona):
    return list(
        Notification.objects.filter(recipient=world.user(persona)).values_list("text", flat=True)
    )


def told(world):
    """Who got any notice, by persona name."""
    ids = set(Notification.objects.values_list("recipient_id", flat=True))
    return {name for name, user in world.users.items() if user.pk in ids}


def test_a_returned_and_an_approved_roadmap_tell_the_schools_director(world):
    roadmap = running_roadmap(world, status=RoadmapStatus.RECOMMENDED)
    with pytest.raises(ValidationError):
        roadmap_transition(roadmap=roadmap, name="return", user=world.user("curator"), comment="")
    assert not Notification.objects.exists()
    roadmap_transition(
        roadmap=roadmap, name="return", user=world.user("curator"), comment="Нет сроков"
    )
    assert notices(world, "director_a") == [
        "Дорожная карта «Программа перехода школы А» возвращена на доработку: Нет сроков"
    ]
    assert told(world) == {"director_a"}
    Notification.objects.all().delete()
    roadmap.status = RoadmapStatus.RECOMMENDED
    roadmap.save()
    order = registered_order(world.department, OrderKind.ROADMAP, "7-од", date=dates.today())
    roadmap_transition(roadmap=roadmap, name="approve", user=world.user("coordinator"), order=order)
    assert notices(world, "director_a") == [
        "Дорожная карта «Программа перехода школы А» утверждена"
    ]
    notice = Notification.objects.get()
    assert notice.url == roadmap.get_absolute_url()
    assert told(world) == {"director_a"}


def test_a_planned_visit_and_its_recommendation_tell_the_director_and_the_answer_the_curator(
    world,
):
    visit = plan(world, day=dates.today())
    assert told(world) == {"director_a"}
    assert notices(world, "director_a")[0].startswith("Запланирован выезд в школу СОШ № 1")
    Notification.objects.all().delete()
    due = dates.today() + datetime.timedelta(days=10)
    outcome = support.visit_record_save(
        user=world.user("curator"),
        visit=visit,
        form_key=visit.form_key,
        answers={},
        findings="Выводы",
        photos=[png()],
        recommendations=[
            support.RecommendationDraft(
                text="Провести педсовет по итогам ВПР", addressee="school", due_on=due
            )
        ],
    )
    assert notices(world, "director_a") == [
        f"Рекомендация школе СОШ № 1, срок {dates.date_ru(due)}: Провести педсовет по итогам ВПР"
    ]
    assert told(world) == {"director_a"}
    Notification.objects.all().delete()
    recommendation = outcome.recommendations[0]
    with pytest.raises(ValidationError):  # a dispute needs its reason
        support.recommendation_answer(
            user=world.user("director_a"),
            recommendation=recommendation,
            status=RecommendationStatus.DISPUTED,
        )
    assert not Notification.objects.exists()
    support.recommendation_answer(
        user=world.user("director_a"),
        recommendation=recommendation,
        status=RecommendationStatus.DISPUTED,
        answer="Педсовет уже проведён в августе",
    )
    assert told(world) == {"curator"}
    assert "СОШ № 1: ответ на рекомендацию" in notices(world, "curator")[0]


def test_an_answered_consultation_tells_who_asked(world):
    consultation = support.consultation_request(
        user=world.user("staff_a"),
        school=world.school_a,
        topic="Подготовка к ВПР",
        question="Как организовать повторение?",
        preferred_form=ConsultationForm.values[0],
    )
    with pytest.raises(ValidationError):
        support.consultation_answer(
            user=world.user("analyst"), consultation=consultation, answer=" "
        )
    assert not Notification.objects.exists()
    when = timezone.now() + datetime.timedelta(days=2)
    support.consultation_schedule(
        user=world.user("analyst"),
        consultation=consultation,
        scheduled_for=when,
        form=ConsultationForm.ONLINE,
    )
    assert notices(world, "staff_a") == [
        f"Консультация «Подготовка к ВПР» назначена на {dates.datetime_ru(when)}"
    ]
    Notification.objects.all().delete()
    support.consultation_answer(
        user=world.user("analyst"), consultation=consultation, answer="Пришлём план."
    )
    assert notices(world, "staff_a") == ["Дан ответ на запрос консультации «Подготовка к ВПР»"]
    assert told(world) == {"staff_a"}


@pytest.fixture
def monitoring_programme(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    return programme


def test_a_returned_and_an_accepted_form_tell_who_filled_it(world, monitoring_programme):
    monitoring.programme_template_install(
        programme=monitoring_programme, template="novosibirsk-2020", user=None
    )
    checkpoint = open_entry(monitoring_programme)
    form = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    with pytest.raises(ValidationError):  # a draft cannot be returned
        monitoring.submission_return(submission=form, user=None, comment="Исправьте")
    assert not Notification.objects.exists()
    Submission.objects.filter(pk=form.pk).update(
        status=SubmissionStatus.SUBMITTED, submitted_by=world.user("staff_a")
    )
    monitoring.submission_return(
        submission=form, user=world.user("analyst"), comment="Нет документа"
    )
    assert told(world) == {"staff_a"}
    assert notices(world, "staff_a") == [
        f"Форма «{checkpoint.name}» школы СОШ № 1 возвращена на доработку: Нет документа"
    ]
    Notification.objects.all().delete()
    Submission.objects.filter(pk=form.pk).update(status=SubmissionStatus.SUBMITTED)
    monitoring.submission_approve(submission=form, user=world.user("analyst"))
    assert notices(world, "staff_a") == [f"Форма «{checkpoint.name}» школы СОШ № 1 принята"]
    # Nobody submitted school B's form (entered by the authority): its director hears.
    other = Submission.objects.get(checkpoint=checkpoint, school=world.school_b)
    Submission.objects.filter(pk=other.pk).update(status=SubmissionStatus.SUBMITTED)
    monitoring.submissions_approve(
        checkpoint=checkpoint, submissions=[other], user=world.user("analyst")
    )
    assert told(world) == {"staff_a", "director_b"}
    # The daily reminder writes its notice beside each letter.
    Notification.objects.all().delete()
    Person.objects.filter(user=world.user("director_a")).update(email="d@a.example")
    Submission.objects.filter(pk=form.pk).update(status=SubmissionStatus.RETURNED)
    monitoring_reminders(checkpoint.due_on)
    assert told(world) == {"director_a"}
    assert notices(world, "director_a")[0].startswith("Формы мониторинга ждут заполнения: 1")


def test_roadmap_reminders_write_a_notice_beside_each_letter(world):
    roadmap = running_roadmap(world)
    Person.objects.filter(user=world.user("director_a")).update(email="d@a.example")
    first = Deadline.objects.filter(roadmap=roadmap).order_by("due_on").first()
    Deadline.objects.filter(roadmap=roadmap).exclude(pk=first.pk).delete()
    Deadline.objects.filter(pk=first.pk).update(due_on=dates.today() - datetime.timedelta(1))
    roadmap_reminders(dates.today())
    assert told(world) == {"director_a"}
    assert notices(world, "director_a")[0].startswith("Сроки мероприятий дорожных карт: просрочено")
    roadmap_reminders(dates.today())  # once a day
    assert len(notices(world, "director_a")) == 1


def test_practice_reviewed_and_published_tell_its_authors(world):
    practice = _practice(world, status=PracticeStatus.REVIEW)
    practice.authors.add(Person.objects.get(user=world.user("staff_a")))
    with pytest.raises(ValidationError):
        practice_publish(practice=practice, user=world.user("coordinator"))
    assert not Notification.objects.exists()
    _review(world, practice, "analyst", ReviewConclusion.PUBLISH)
    assert told(world) == {"director_a", "staff_a"}  # the creator and the author
    assert "заключение эксперта" in notices(world, "staff_a")[0]
    Notification.objects.all().delete()
    practice_publish(practice=practice, user=world.user("coordinator"))
    assert told(world) == {"director_a", "staff_a"}
    assert notices(world, "staff_a") == [
        f"Практика «{practice.title}»: опубликована в банке практик"
    ]


def test_a_computed_run_tells_who_started_it_and_an_approved_list_the_coordinators(world):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    extra = [SchoolFactory(territory=world.north if i % 2 else world.south) for i in range(20)]
    fill([world.school_a, world.school_b, world.school_c, *extra], weak=(world.school_a,))
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(
        territory=world.city, year=2025, version=version, created_by=world.user("analyst")
    )
    run_compute(run)
    assert told(world) == {"analyst"}
    assert "рассчитан: в списке" in notices(world, "analyst")[0]
    Notification.objects.all().delete()
    run_send(run=run, user=world.user("analyst"))
    with pytest.raises(ValidationError):
        run_approve(run=run, user=world.user("coordinator"), order=None)
    assert not Notification.objects.exists()
    order = registered_order(
        world.department, OrderKind.IDENTIFICATION, "112-од", date=timezone.localdate()
    )
    run_approve(run=run, user=world.user("coordinator"), order=order)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    # The city's and the region's coordinators; not the other city's, nor the analyst.
    assert told(world) == {"coordinator", "regional"}
    assert "утверждён приказом" in notices(world, "regional")[0]
