"""Services of the support network refuse every bad input of issue 12 with a Russian message
naming what is wrong, and save nothing half."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from opora.core.access import Action, reach
from opora.registry.choices import OrderKind
from opora.registry.models import CuratorAssignment, Membership, Order, Person
from opora.registry.tests.factories import UserFactory, registered_order
from opora.support import services
from opora.support.models import MentorPair, NetworkAgreement
from opora.support.services import AgreementDraft
from opora.support.tests.network_fixtures import curator, days, pair, school

pytestmark = pytest.mark.django_db


def assign(world, who, schools, *, user="coordinator", since=None, until=None, number="12-од"):
    order = None
    if number.strip():
        order = Order.objects.filter(number=number).first() or registered_order(
            world.department, OrderKind.CURATORS, number, date=days(-1)
        )
    return services.curator_assign(
        user=world.user(user),
        curator=who,
        schools=schools,
        since=since or days(0),
        until=until,
        order=order,
    )


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_assign_makes_one_assignment_per_school_with_the_order(world):
    person = curator(world)
    made = assign(world, person, [world.school_a, world.school_b])
    assert {a.school for a in made} == {world.school_a, world.school_b}
    assert {(a.order_number, a.order_date) for a in made} == {("12-од", days(-1))}


def test_curator_working_at_the_school_is_refused_naming_it(world):
    person = curator(world)
    Membership.objects.create(person=person, organization=world.school_b, role="teacher")
    with pytest.raises(ValidationError) as exc:
        assign(world, person, [world.school_a, world.school_b])
    assert "работает в школе «Гимназия № 2»" in messages(exc)
    # All or nothing: school A, which was fine, is not assigned either.
    assert not CuratorAssignment.objects.filter(curator=person).exists()


def test_overlapping_periods_of_the_same_curator_are_refused(world):
    person = curator(world)
    assign(world, person, [world.school_a], since=days(-100), until=days(10))
    with pytest.raises(ValidationError) as exc:
        assign(world, person, [world.school_a], since=days(5))
    assert "уже закреплён(а) за школой «СОШ № 1»" in messages(exc)
    assert "периоды пересекаются" in messages(exc)
    # After a break the same curator may come back.
    assign(world, person, [world.school_a], since=days(11))
    assert CuratorAssignment.objects.filter(curator=person).count() == 2


def test_end_before_start_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        assign(world, curator(world), [world.school_a], since=days(5), until=days(1))
    assert exc.value.message_dict["until"][0].startswith("Дата окончания")


@pytest.mark.parametrize("user", ["analyst", "outsider", "director_a", "curator"])
def test_only_coordinators_of_the_territory_assign(world, user):
    with pytest.raises(ValidationError) as exc:
        assign(world, curator(world), [world.school_a], user=user)
    assert "вне вашей зоны ответственности" in messages(exc)
    assert "СОШ № 1" in messages(exc)


def test_school_outside_the_coordinators_territory_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        assign(world, curator(world), [world.school_a, world.school_c])
    assert "Школа «СОШ № 3» вне вашей зоны ответственности" in messages(exc)
    assert not CuratorAssignment.objects.filter(school=world.school_a, order__number="12-од")


def test_a_person_without_the_curator_role_is_refused(world):
    stranger = Person.objects.create(last_name="Иванов", first_name="Иван")
    with pytest.raises(ValidationError) as exc:
        assign(world, stranger, [world.school_a])
    assert "Иванов Иван не куратор" in messages(exc)


def test_order_is_required(world):
    with pytest.raises(ValidationError) as exc:
        assign(world, curator(world), [world.school_a], number=" ")
    assert "Выберите зарегистрированный приказ" in exc.value.message_dict["order"][0]


def test_the_order_must_be_a_registered_curators_order_of_the_schools_authority(world):
    person = curator(world)
    cases = [
        (registered_order(world.department, OrderKind.CURATORS, status="draft"), "ещё не"),
        (registered_order(world.department, OrderKind.PROGRAMME), "утверждает другое"),
        (registered_order(world.other_department, OrderKind.CURATORS), "вне территории органа"),
    ]
    for order, text in cases:
        with pytest.raises(ValidationError) as exc:
            services.curator_assign(
                user=world.user("coordinator"),
                curator=person,
                schools=[world.school_a],
                since=days(0),
                until=None,
                order=order,
            )
        assert text in messages(exc), text
    assert not CuratorAssignment.objects.filter(curator=person).exists()


def test_curator_reaches_a_school_only_while_assigned(world):
    """The order fields keep the access rule: reach from `since` to `until`, inclusive."""
    person = curator(world)
    person.user = UserFactory(username="new_curator")
    person.save()

    def reaches() -> bool:
        user = User.objects.get(pk=person.user_id)  # a fresh object: reach is cached on it
        return reach(user, Action.VIEW).covers(world.school_a)

    later = assign(world, person, [world.school_a], since=days(3))[0]
    assert not reaches()
    CuratorAssignment.objects.filter(pk=later.pk).update(since=days(-10))
    later.refresh_from_db()
    assert reaches()
    services.curator_assignment_end(user=world.user("coordinator"), assignment=later, until=days(0))
    assert reaches()
    CuratorAssignment.objects.filter(pk=later.pk).update(until=days(-1))
    assert not reaches()


def test_ending_is_refused_twice_and_before_the_start(world):
    made = assign(world, curator(world), [world.school_a], since=days(-10))[0]
    with pytest.raises(ValidationError) as exc:
        services.curator_assignment_end(
            user=world.user("coordinator"), assignment=made, until=days(-11)
        )
    assert "раньше начала закрепления" in messages(exc)
    services.curator_assignment_end(user=world.user("coordinator"), assignment=made, until=days(-1))
    with pytest.raises(ValidationError) as exc:
        services.curator_assignment_end(user=world.user("coordinator"), assignment=made)
    assert "уже завершено" in messages(exc)


# Mentor pairs


def make_pair(world, mentor, *, school_=None, since=None, until=None, areas=("subjects",), **kw):
    return services.mentor_pair_create(
        user=world.user(kw.pop("user", "coordinator")),
        school=school_ or world.school_a,
        mentor=mentor,
        since=since or days(0),
        until=until,
        areas=list(areas),
        **kw,
    )


def test_a_school_cannot_mentor_itself(world):
    with pytest.raises(ValidationError) as exc:
        make_pair(world, world.school_a)
    assert exc.value.message_dict["mentor"] == ["Школа не может быть наставником самой себе."]


@override_settings(OPORA_MENTOR_MAX_PAIRS=2)
def test_a_mentor_at_the_limit_is_refused(world):
    for n in range(2):
        pair(school(world, f"Школа {n}"), world.school_b)
    with pytest.raises(ValidationError) as exc:
        make_pair(world, world.school_b)
    assert "уже наставник 2 школ" in messages(exc)
    assert "не больше чем с 2 школами" in messages(exc)
    # A pair that ended leaves a place.
    MentorPair.objects.filter(school__short_name="Школа 0").update(until=days(-1))
    assert make_pair(world, world.school_b).mentor == world.school_b


def test_an_overlapping_pair_is_refused(world):
    make_pair(world, world.school_b, since=days(-30), until=days(30))
    with pytest.raises(ValidationError) as exc:
        make_pair(world, world.school_b, since=days(10))
    assert "уже наставник школы «СОШ № 1»" in messages(exc)
    assert "периоды пересекаются" in messages(exc)


def test_pair_needs_an_area_and_a_sane_period(world):
    with pytest.raises(ValidationError) as exc:
        make_pair(world, world.school_b, areas=(), since=days(5), until=days(1))
    assert set(exc.value.message_dict) >= {"areas", "until"}


@pytest.mark.parametrize("user", ["analyst", "director_a", "outsider"])
def test_only_coordinators_make_pairs(world, user):
    with pytest.raises(ValidationError):
        make_pair(world, world.school_b, user=user)
    assert not MentorPair.objects.exists()


def pdf(name="договор.pdf", content=b"%PDF-1.4 test"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def draft(world, **kw):
    values = {"owner": world.department, "subject": "Сетевое взаимодействие", "since": days(0)}
    values.update(kw)
    return AgreementDraft(**values)


def test_pair_with_a_new_agreement_and_its_file(world):
    made = make_pair(world, world.school_b, new_agreement=draft(world, file=pdf(), number="7"))
    agreement = made.agreement
    assert agreement is not None and agreement.number == "7"
    assert set(agreement.parties.all()) == {world.school_a, world.school_b}
    assert agreement.file_name == "договор.pdf"
    assert agreement.file.read().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("программа.exe", b"MZ\x90\x00", "не принят"),
        ("таблица.xlsx", b"PK\x03\x04xx", "PDF, документ Word или изображение"),
        ("пусто.pdf", b"", "пустой"),
    ],
)
def test_an_agreement_file_that_is_not_a_document_is_refused(world, name, content, expected):
    with pytest.raises(ValidationError) as exc:
        make_pair(world, world.school_b, new_agreement=draft(world, file=pdf(name, content)))
    assert expected in " ".join(exc.value.message_dict["file"])
    assert not MentorPair.objects.exists() and not NetworkAgreement.objects.exists()


@override_settings(OPORA_EVIDENCE_MAX_MB=1)
def test_an_agreement_file_too_large_is_refused(world):
    big = pdf(content=b"%PDF" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            user=world.user("coordinator"),
            draft=draft(world, file=big),
            parties=[world.school_a, world.school_b],
        )
    assert "больше 1 МБ" in " ".join(exc.value.message_dict["file"])


def test_agreement_needs_two_parties_in_reach_and_an_own_keeper(world):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            user=world.user("coordinator"),
            draft=draft(world, owner=world.other_department, until=days(-5)),
            parties=[world.school_c],
        )
    problems = exc.value.message_dict
    assert "не меньше двух" in " ".join(problems["parties"])
    assert "«СОШ № 3» вне вашей зоны" in " ".join(problems["parties"])
    assert "«УО Другого города» не из их числа" in problems["owner"][0]
    assert "раньше даты начала" in problems["until"][0]


def test_agreement_update_keeps_parties_the_editor_cannot_see(world):
    agreement = services.agreement_create(
        user=world.user("regional"),
        draft=draft(world, owner=world.ministry),
        parties=[world.school_a, world.school_c],
    )
    services.agreement_update(
        user=world.user("regional"),
        agreement=agreement,
        draft=draft(world, owner=world.ministry, subject="Новый предмет"),
        parties=[world.school_a, world.school_c, world.school_b],
    )
    agreement.refresh_from_db()
    assert agreement.subject == "Новый предмет"
    assert set(agreement.parties.all()) == {world.school_a, world.school_b, world.school_c}
