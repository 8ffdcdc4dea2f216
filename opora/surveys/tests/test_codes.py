"""One-time codes: the organiser issues a batch for a link and prints slips; each code lets
one respondent answer — two pupils at one computer both answer, a used code is refused in
Russian (cookies cleared or not), a code alone opens the form at /s/; wrong codes are limited
per client; and the code pages are for the round's organisers only."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.core.access import Action, restrict, restrict_within
from opora.core.models import TimelineEvent
from opora.surveys import services
from opora.surveys.codes import ALPHABET, LENGTH, code_normalise
from opora.surveys.models import Response, SurveyCode, SurveyLink, SurveyRound
from opora.surveys.tests.helpers import builtin, link_of, open_round
from opora.surveys.tests.test_public import full_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def links(world):
    questionnaire = builtin("satisfaction-students")
    survey_round = open_round(world, [questionnaire])
    return (
        link_of(survey_round, world.school_a, questionnaire),
        link_of(survey_round, world.school_b, questionnaire),
    )


def issue(link: SurveyLink, count: int) -> list[str]:
    batch = services.link_codes_generate(link=link, count=count, user=None)
    return [c.display for c in SurveyCode.objects.filter(link=link, batch=batch)]


def with_code(link: SurveyLink, code: str) -> dict[str, object]:
    return full_answer(link) | {"code": code}


def test_the_organiser_issues_codes_and_the_link_then_takes_answers_by_code_only(world, links):
    link, _other = links
    client = world.client("analyst")
    url = reverse("surveys:link-access", args=[link.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Кодов ещё нет" in page.content.decode()
    response = client.post(reverse("surveys:link-codes", args=[link.pk]), {"count": 30})
    assert response.status_code == 302 and response["Location"] == url
    link.refresh_from_db()
    assert link.requires_code
    codes = list(SurveyCode.objects.filter(link=link))
    assert len(codes) == 30 and len({c.code for c in codes}) == 30
    assert all(len(c.code) == LENGTH and set(c.code) <= set(ALPHABET) for c in codes)
    assert {c.batch for c in codes} == {1}
    page = client.get(url).content.decode()
    assert "Выпущено кодов: 30 (выпуск 1)" in page
    assert 'id="code-batches"' in page and "Все свободные коды (30) для печати" in page
    event = TimelineEvent.objects.get(object_id=str(link.round_id), message__contains="коды")
    assert "СОШ № 1" in event.message and "30 (выпуск 1)" in event.message
    # A second batch is numbered on.
    client.post(reverse("surveys:link-codes", args=[link.pk]), {"count": 5})
    assert SurveyCode.objects.filter(link=link, batch=2).count() == 5


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("0", "Убедитесь, что это значение больше либо равно 1."),
        ("501", "Убедитесь, что это значение меньше либо равно 500."),
        ("", "Обязательное поле."),
    ],
)
def test_a_batch_out_of_bounds_is_refused_in_russian(world, links, count, message):
    link, _other = links
    response = world.client("analyst").post(
        reverse("surveys:link-codes", args=[link.pk]), {"count": count}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Сколько кодов выпустить" in page and message in page
    assert not SurveyCode.objects.exists()


def test_a_link_holds_at_most_five_thousand_codes(world, links, monkeypatch):
    link, _other = links
    monkeypatch.setattr(services, "CODES_PER_LINK", 6)
    issue(link, 4)
    with pytest.raises(Exception, match="не больше 6"):
        services.link_codes_generate(link=link, count=3, user=None)


def test_two_pupils_at_one_computer_both_answer_with_their_codes(world, links):
    link, _other = links
    first, second = issue(link, 2)
    computer = Client(REMOTE_ADDR="203.0.113.60")
    assert computer.post(link.get_public_url(), with_code(link, first)).status_code == 302
    assert "Спасибо! Ваш ответ принят" in computer.get(link.get_public_url()).content.decode()
    page = computer.get(link.get_public_url()).content.decode()
    assert "Код с листочка" in page
    assert computer.post(link.get_public_url(), with_code(link, second)).status_code == 302
    assert Response.objects.filter(link=link).count() == 2
    assert SurveyCode.objects.filter(link=link, used=True).count() == 2


def test_a_used_code_is_refused_in_russian_and_the_answers_stay(world, links):
    link, _other = links
    (code,) = issue(link, 1)
    assert Client().post(link.get_public_url(), with_code(link, code)).status_code == 302
    # The same browser, and a browser with its cookies cleared: both refused.
    for client in (Client(), Client(REMOTE_ADDR="198.51.100.61")):
        refused = client.post(link.get_public_url(), with_code(link, code))
        assert refused.status_code == 400
        page = refused.content.decode()
        assert "Этот код уже использован: по каждому коду принимается один ответ" in page
        assert "Больше кружков по робототехнике" in page  # what was typed is still there
    assert Response.objects.filter(link=link).count() == 1


def test_a_coded_link_refuses_answers_without_a_code_or_with_a_wrong_one(world, links):
    link, other = links
    issue(link, 1)
    (foreign,) = issue(other, 1)
    client = Client()
    missing = client.post(link.get_public_url(), full_answer(link))
    assert missing.status_code == 400
    assert "Введите код с листочка." in missing.content.decode()
    malformed = client.post(link.get_public_url(), with_code(link, "12"))
    assert "Код — 8 знаков" in malformed.content.decode()
    unknown = client.post(link.get_public_url(), with_code(link, "2345-6799"))
    assert "Такого кода нет" in unknown.content.decode()
    elsewhere = client.post(link.get_public_url(), with_code(link, foreign))
    assert "Этот код выдан для другой анкеты" in elsewhere.content.decode()
    assert not Response.objects.exists()
    assert not SurveyCode.objects.filter(used=True).exists()


def test_a_code_is_forgiven_case_spaces_and_a_russian_layout(world, links):
    link, _other = links
    assert code_normalise(" 4kх7 - м9рт ") == "4KX7M9PT"  # х, м, р typed in Cyrillic
    (code,) = issue(link, 1)
    # Lower case, a space for the dash, and every look-alike letter typed in Cyrillic.
    typed = code.lower().replace("-", " ").translate(str.maketrans("acehkmptxy", "асенкмртху"))
    assert Client().post(link.get_public_url(), with_code(link, typed)).status_code == 302


def test_the_code_alone_opens_the_form_at_the_short_address(world, links):
    link, _other = links
    first, second = issue(link, 2)
    computer = Client()
    entry = computer.get("/s/")
    assert entry.status_code == 200 and "Код с листочка" in entry.content.decode()
    opened = computer.post("/s/", {"code": first})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert world.school_a.name in page and "Насколько вам интересно учиться" in page
    assert f'action="{link.get_public_url()}"' in page and f'value="{first}"' in page
    assert not SurveyCode.objects.filter(used=True).exists()  # opening uses nothing up
    assert computer.post(link.get_public_url(), with_code(link, first)).status_code == 302
    again = computer.post("/s/", {"code": first})
    assert again.status_code == 400
    assert "Этот код уже использован" in again.content.decode()
    unknown = computer.post("/s/", {"code": "2345-6799"})
    assert "Такого кода нет" in unknown.content.decode()
    assert "Код — 8 знаков" in computer.post("/s/", {"code": "abc"}).content.decode()
    assert computer.post("/s/", {"code": second}).status_code == 200


def test_a_code_of_a_closed_round_says_so(world, links):
    link, _other = links
    (code,) = issue(link, 1)
    SurveyRound.objects.filter(pk=link.round_id).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    closed = Client().post("/s/", {"code": code})
    assert closed.status_code == 410
    assert "Анкетирование закрыто" in closed.content.decode()


def test_wrong_codes_are_limited_per_client(world, links, settings, steady_flood_window):
    link, _other = links
    issue(link, 1)
    settings.OPORA_SURVEY_CODE_ATTEMPTS_PER_HOUR = 3
    guesser = Client(REMOTE_ADDR="203.0.113.70")
    for n in range(3):
        assert guesser.post("/s/", {"code": f"2345-679{ALPHABET[n + 7]}"}).status_code == 400
    refused = guesser.post("/s/", {"code": "2345-6799"})
    assert refused.status_code == 429
    assert "слишком много неверных кодов" in refused.content.decode()
    # On the link's own page too, with the whole questionnaire filled in.
    assert guesser.post(link.get_public_url(), with_code(link, "2345-6799")).status_code == 429
    # Another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.71").post("/s/", {"code": "2345-6799"}).status_code == 400


def test_the_respondent_limit_applies_to_coded_links_too(world, links):
    link, _other = links
    first, second = issue(link, 2)
    link.refresh_from_db()
    services.link_access_set(link=link, requires_code=True, respondent_limit=1)
    assert Client().post(link.get_public_url(), with_code(link, first)).status_code == 302
    refused = Client().post(link.get_public_url(), with_code(link, second))
    assert refused.status_code == 410
    assert not SurveyCode.objects.get(code=code_normalise(second)).used


def test_a_code_keeps_nothing_that_ties_it_to_a_response(world, links):
    assert {f.name for f in SurveyCode._meta.get_fields()} == {
        "id",
        "link",
        "code",
        "batch",
        "used",
    }
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "link",
        "submitted_on",
        "answers",
    }


def test_the_organiser_sets_how_a_link_takes_answers(world, links):
    link, _other = links
    client = world.client("coordinator")
    url = reverse("surveys:link-access", args=[link.pk])
    response = client.post(url, {"respondent_limit": "25"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.respondent_limit == 25 and not link.requires_code
    assert LogEntry.objects.get_for_object(link).filter(actor=world.user("coordinator")).exists()
    refused = client.post(url, {"respondent_limit": "0"})
    assert refused.status_code == 400
    assert "Убедитесь, что это значение больше либо равно 1" in refused.content.decode()
    assert client.post(url, {"requires_code": "on", "respondent_limit": ""}).status_code == 302
    link.refresh_from_db()
    assert link.requires_code and link.respondent_limit is None
    round_page = client.get(link.round.get_absolute_url()).content.decode()
    assert "по кодам" in round_page and url in round_page


def test_the_slips_show_the_short_address_and_the_unused_codes_of_a_batch(world, links):
    link, _other = links
    first_batch = issue(link, 3)
    second_batch = issue(link, 2)
    Client().post(link.get_public_url(), with_code(link, first_batch[0]))
    client = world.client("analyst")
    url = reverse("surveys:link-codes-print", args=[link.pk])
    page = client.get(url, {"batch": 1}).content.decode()
    assert "testserver/s/" in page
    assert first_batch[1] in page and first_batch[2] in page
    assert first_batch[0] not in page and second_batch[0] not in page
    assert 'id="slip-count">2<' in page
    everything = client.get(url).content.decode()
    assert all(code in everything for code in [*first_batch[1:], *second_batch])
    assert client.get(url, {"batch": "9" * 30}).status_code == 200


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("analyst", True),
        ("coordinator", True),
        ("regional", True),
        ("superuser", True),
        ("council", False),
        ("curator", False),
        ("director_a", False),
        ("staff_a", False),
        ("teacher", False),
        ("outsider", False),
    ],
)
def test_code_pages_are_for_the_rounds_organisers_only(world, links, persona, allowed):
    link, _other = links
    issue(link, 2)
    client = world.client(persona)
    pages = [
        client.get(reverse("surveys:link-access", args=[link.pk])),
        client.get(reverse("surveys:link-codes-print", args=[link.pk])),
        client.post(reverse("surveys:link-codes", args=[link.pk]), {"count": 1}),
        client.post(reverse("surveys:link-access", args=[link.pk]), {"respondent_limit": "3"}),
    ]
    assert [p.status_code for p in pages] == ([200, 200, 302, 302] if allowed else [404] * 4)
    link.refresh_from_db()
    assert SurveyCode.objects.filter(link=link).count() == (3 if allowed else 2)
    assert link.respondent_limit == (3 if allowed else None)
    # Who may see the round but not change it sees no way to the codes.
    if not allowed and persona in ("council", "curator", "director_a"):
        round_page = client.get(link.round.get_absolute_url()).content.decode()
        assert "коды и ограничения" not in round_page
        assert reverse("surveys:link-access", args=[link.pk]) not in round_page


def test_code_pages_need_a_login(world, links):
    link, _other = links
    anonymous = world.client("anonymous")
    for url in (
        reverse("surveys:link-access", args=[link.pk]),
        reverse("surveys:link-codes-print", args=[link.pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    posted = anonymous.post(reverse("surveys:link-codes", args=[link.pk]), {"count": 5})
    assert posted.status_code == 302 and not SurveyCode.objects.exists()


def test_a_round_opened_with_a_respondent_limit(world):
    client = world.client("analyst")
    questionnaire = builtin("satisfaction-parents")
    form = {
        "title": "Родители, весна",
        "questionnaires": [questionnaire.pk],
        "owner": world.methodical_centre.pk,
        "year": 2024,
        "opens_on": "2025-03-01",
        "closes_on": "2025-03-31",
        "schools": [world.school_a.pk, world.school_b.pk],
        "respondent_limit": "40",
    }
    assert client.post(reverse("surveys:round-new"), form).status_code == 302
    assert set(SurveyLink.objects.values_list("respondent_limit", flat=True)) == {40}
    refused = client.post(reverse("surveys:round-new"), form | {"respondent_limit": "0"})
    assert refused.status_code == 200
    assert "больше либо равно 1" in refused.content.decode()
    assert SurveyRound.objects.count() == 1


def test_a_schools_links_within_it_are_what_restrict_gives(world, links):
    """Survey links are `decided_by_organization` through their school for viewing (other
    actions go to the round's owner, asked of the scoper): `restrict_within` gives each
    persona, for every action and school, exactly what `restrict` does."""
    seen = 0
    for persona, user in world.users.items():
        for action in Action:
            for school in (world.school_a, world.school_b, world.school_c):
                expected = restrict(SurveyLink.objects.filter(school=school), user, action)
                found = restrict_within(SurveyLink.objects.all(), user, school, action)
                assert set(found) == set(expected), (persona, action, school)
                seen += len(expected)
    assert seen > 10
