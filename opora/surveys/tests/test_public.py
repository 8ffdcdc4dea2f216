"""The respondent's page of an open link: no account, answers one after another from one
browser, the respondent limit, the flood limit keyed on the real client address, closed and
unknown links, forms carrying another school's link, and nothing of an answer lost.
(One-time codes: test_codes.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from opora.surveys import public
from opora.surveys.models import Answer, Response
from opora.surveys.tests.helpers import builtin, link_of, open_round

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


def full_answer(link) -> dict[str, object]:
    return {
        "link": link.token,
        "school": str(link.school_id),
        "q-s-interest": "4",
        "q-s-explain": "2",
        "q-s-help": "1",
        "q-s-load": "3",
        "q-s-fair": "5",
        "q-s-safe": "4",
        "q-s-class": "2",
        "q-s-conditions": ["1", "3", "6"],
        "q-s-food": "2",
        "q-s-clubs": "3",
        "q-s-future": "3",
        "q-s-overall": "8",
        "q-s-recommend": "2",
        "q-s-improve": "Больше кружков по робототехнике;\nи ремонт спортзала — «срочно»!",
    }


def test_an_anonymous_respondent_answers_and_everything_is_kept(world, links):
    link, _other = links
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Тестовый браузер")
    url = link.get_public_url()
    assert url == f"/s/{link.token}/" and len(link.token) >= 20
    page = client.get(url).content.decode()
    assert world.school_a.name in page and "Насколько вам интересно учиться" in page
    response = client.post(url, full_answer(link))
    assert response.status_code == 302
    assert "Спасибо! Ваш ответ принят" in client.get(url).content.decode()
    stored = Response.objects.get()
    assert stored.link == link and stored.submitted_on == timezone.localdate()
    # Nothing that could tell who answered: no user, address, browser, session, time.
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "link",
        "submitted_on",
        "answers",
    }
    answers = {
        (a.question.code, a.option, a.number, a.text)
        for a in Answer.objects.select_related("question")
    }
    assert ("s-interest", "4", 4.0, "") in answers
    assert ("s-overall", "8", 8.0, "") in answers
    assert {a[1] for a in answers if a[0] == "s-conditions"} == {"1", "3", "6"}
    text = full_answer(link)["q-s-improve"]
    assert ("s-improve", "", None, text) in answers
    assert len(answers) == 16  # 13 single answers + 3 options of the multiple choice


def test_a_missing_required_answer_keeps_what_was_typed(world, links):
    link, _other = links
    client = Client()
    data = full_answer(link)
    del data["q-s-explain"]
    response = client.post(link.get_public_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ответьте на этот вопрос." in page
    assert 'value="4" class="form-check-input" id="id_q-s-interest_3" required checked' in page
    assert 'value="3" class="form-check-input" id="id_q-s-conditions_2" checked' in page
    assert 'value="2" class="form-check-input" id="id_q-s-conditions_1">' in page
    assert "Больше кружков по робототехнике" in page
    assert not Response.objects.exists()
    # A required scale left empty is refused too; an optional multiple choice may be empty.
    data = full_answer(link)
    data.pop("q-s-conditions")
    assert client.post(link.get_public_url(), data).status_code == 302


def test_an_open_link_takes_answers_one_after_another_at_one_computer(world, links):
    """No «one response per browser session» any more: it stopped the second pupil at a shared
    classroom computer and never stopped anyone who cleared cookies."""
    link, _other = links
    client = Client()
    assert client.post(link.get_public_url(), full_answer(link)).status_code == 302
    thanks = client.get(link.get_public_url()).content.decode()
    assert "Спасибо! Ваш ответ принят" in thanks
    assert "Анкету заполняет следующий участник" in thanks
    # The next one at this computer gets the form, not a refusal, and may answer.
    page = client.get(link.get_public_url()).content.decode()
    assert "Отправить ответ" in page and "Вы уже ответили" not in page
    assert client.post(link.get_public_url(), full_answer(link)).status_code == 302
    assert Response.objects.filter(link=link).count() == 2


def test_the_respondent_limit_closes_a_link(world, links):
    link, other = links
    link.respondent_limit = 2
    link.save()
    for _ in range(2):
        assert Client().post(link.get_public_url(), full_answer(link)).status_code == 302
    client = Client()
    refused = client.post(link.get_public_url(), full_answer(link))
    assert refused.status_code == 410
    assert "уже принято ответов: 2" in refused.content.decode()
    page = client.get(link.get_public_url())
    assert page.status_code == 410
    assert "Анкета больше не принимает ответы" in page.content.decode()
    assert "Отправить ответ" not in page.content.decode()
    assert Response.objects.filter(link=link).count() == 2
    # The limit is the link's own: another school's link still takes answers.
    assert client.post(other.get_public_url(), full_answer(other)).status_code == 302


def test_floods_from_one_client_are_throttled(world, links, settings, steady_flood_window):
    link, other = links
    settings.OPORA_SURVEY_RESPONSES_PER_HOUR = 3
    for _ in range(3):
        # A fresh session each time, as a script clearing its cookies would do.
        assert (
            Client(REMOTE_ADDR="10.9.9.9")
            .post(link.get_public_url(), full_answer(link))
            .status_code
            == 302
        )
    refused = Client(REMOTE_ADDR="10.9.9.9").post(link.get_public_url(), full_answer(link))
    assert refused.status_code == 429
    assert "слишком много ответов" in refused.content.decode()
    assert Response.objects.filter(link=link).count() == 3
    # Another client, or the same client on another link, is not affected.
    assert (
        Client(REMOTE_ADDR="10.9.9.8").post(link.get_public_url(), full_answer(link)).status_code
        == 302
    )
    assert (
        Client(REMOTE_ADDR="10.9.9.9").post(other.get_public_url(), full_answer(other)).status_code
        == 302
    )
    # The key is a hash: the address itself is nowhere in it.
    request = type("R", (), {"META": {"REMOTE_ADDR": "10.9.9.9"}})()
    assert "10.9.9.9" not in public.throttle_key(request, link.token)


def test_the_flood_limit_behind_a_trusted_proxy_counts_the_forwarded_address(
    world, links, settings, steady_flood_window
):
    link, _other = links
    settings.OPORA_SURVEY_RESPONSES_PER_HOUR = 2
    settings.OPORA_TRUSTED_PROXIES = 1

    def via_proxy(forwarded: str) -> Client:
        # Every request reaches Opora from nginx at 127.0.0.1.
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for _ in range(2):
        assert (
            via_proxy("203.0.113.7").post(link.get_public_url(), full_answer(link)).status_code
            == 302
        )
    assert (
        via_proxy("203.0.113.7").post(link.get_public_url(), full_answer(link)).status_code == 429
    )
    # Other clients behind the same proxy are counted apart …
    assert (
        via_proxy("198.51.100.8").post(link.get_public_url(), full_answer(link)).status_code == 302
    )
    # … and a client writing another address in front of the proxy's entry is still itself.
    forged = via_proxy("192.0.2.1, 203.0.113.7")
    assert forged.post(link.get_public_url(), full_answer(link)).status_code == 429


def test_a_forged_forwarded_header_is_ignored_when_no_proxy_is_trusted(
    world, links, settings, steady_flood_window
):
    link, _other = links
    settings.OPORA_SURVEY_RESPONSES_PER_HOUR = 2
    settings.OPORA_TRUSTED_PROXIES = 0
    for n in range(2):
        client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert client.post(link.get_public_url(), full_answer(link)).status_code == 302
    # A new X-Forwarded-For each time does not make a new client.
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert client.post(link.get_public_url(), full_answer(link)).status_code == 429


def test_closed_and_unknown_links(world, links):
    link, _other = links
    survey_round = link.round
    survey_round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    survey_round.save()
    client = Client()
    closed = client.get(link.get_public_url())
    assert closed.status_code == 410
    assert "Анкетирование закрыто" in closed.content.decode()
    assert client.post(link.get_public_url(), full_answer(link)).status_code == 410
    assert not Response.objects.exists()
    unknown = client.get("/s/no-such-token/")
    assert unknown.status_code == 404
    assert "Ссылка не найдена" in unknown.content.decode()
    survey_round.opens_on = timezone.localdate() + datetime.timedelta(days=2)
    survey_round.closes_on = timezone.localdate() + datetime.timedelta(days=9)
    survey_round.save()
    assert client.get(link.get_public_url()).status_code == 410


def test_a_form_with_another_schools_link_is_refused_naming_the_school(world, links):
    link, other = links
    client = Client()
    refused = client.post(link.get_public_url(), full_answer(other))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Ответ не принят" in page and f"выдана школе «{world.school_a.name}»" in page
    forged = full_answer(link) | {"school": str(world.school_b.pk)}
    assert client.post(link.get_public_url(), forged).status_code == 400
    assert not Response.objects.exists()
