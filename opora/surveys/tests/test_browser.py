"""In real Chromium: an anonymous respondent opens a school's link, answers single, multiple,
scale and text questions, is stopped by a missing required answer with everything typed
kept, sends the answer, and the next one at the same computer gets the form; the analyst then
sees the school's aggregated results once the minimum is reached. And a class with one-time
codes: the organiser issues and prints them, two pupils answer one after another at one
computer, and a used code is refused — all without a Content-Security-Policy violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from opora.core.tests.test_browser_csp import Violations
from opora.identification.tests.test_browser import login
from opora.surveys.models import Answer, Response
from opora.surveys.tests.helpers import answer, builtin, link_of, open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )

# The required questions the respondent answers besides the ones the test looks at.
OTHER_REQUIRED = {
    "s-load": "2",
    "s-fair": "4",
    "s-safe": "5",
    "s-class": "1",
    "s-food": "3",
    "s-clubs": "2",
    "s-future": "4",
    "s-overall": "9",
    "s-recommend": "1",
}


def test_anonymous_answer_then_aggregated_results(world, live_server, page, password):
    cache.clear()
    questionnaire = builtin("satisfaction-students")
    survey_round = open_round(world, [questionnaire], [world.school_a])
    link = link_of(survey_round, world.school_a, questionnaire)
    # Four classmates have answered already; the browser's answer is the fifth (the minimum).
    answer(link, times=4, **{"s-interest": 2})
    url = f"{live_server.url}{link.get_public_url()}"

    page.goto(url)
    assert world.school_a.name in page.inner_text("#survey-school")
    page.check("input[name='q-s-interest'][value='5']")  # scale
    page.check("input[name='q-s-help'][value='1']")  # single
    page.check("input[name='q-s-conditions'][value='1']")  # multiple
    page.check("input[name='q-s-conditions'][value='6']")
    page.fill("textarea[name='q-s-improve']", "Открыть кружок робототехники")
    for code, value in OTHER_REQUIRED.items():
        page.check(f"input[name='q-{code}'][value='{value}']")
    # «Учителя понятно объясняют…» is left unanswered.
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Ответ не отправлен" in page.inner_text("#form-errors")
    assert "Ответьте на этот вопрос." in page.inner_text("#field-s-explain")
    assert page.is_checked("input[name='q-s-interest'][value='5']")
    assert page.is_checked("input[name='q-s-conditions'][value='6']")
    assert not page.is_checked("input[name='q-s-conditions'][value='2']")
    assert page.input_value("textarea[name='q-s-improve']") == "Открыть кружок робототехники"
    assert Response.objects.count() == 4

    page.check("input[name='q-s-explain'][value='2']")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Спасибо! Ваш ответ принят" in page.inner_text("#survey-message")
    assert Response.objects.filter(link=link).count() == 5
    mine = Answer.objects.filter(question__code="s-improve").get()
    assert mine.text == "Открыть кружок робототехники"
    assert set(
        Answer.objects.filter(question__code="s-conditions").values_list("option", flat=True)
    ) == {"1", "6"}

    # The next one at this computer gets a fresh form.
    with page.expect_navigation():
        page.click("#survey-next")
    assert not page.is_checked("input[name='q-s-interest'][value='5']")
    assert page.locator("main form button[type=submit]").count() == 1
    assert Response.objects.filter(link=link).count() == 5

    # The analyst sees the school's results now that five have answered.
    login(page, live_server.url, "analyst", password)
    page.goto(f"{live_server.url}{reverse('surveys:round-results', args=[survey_round.pk])}")
    page.click("#results-table a:has-text('5')")
    page.wait_for_selector("#result-s-interest")
    assert "Ответили: 5" in page.inner_text("main")
    assert "2,60" in page.inner_text("#result-s-interest .mean")  # (4 × 2 + 5) / 5
    assert "Открыть кружок робототехники" in page.inner_text("#result-s-improve")


def test_a_class_answers_with_one_time_codes(world, live_server, page, password):
    cache.clear()
    questionnaire = builtin("satisfaction-students")
    survey_round = open_round(world, [questionnaire], [world.school_a])
    link = link_of(survey_round, world.school_a, questionnaire)
    violations = Violations(page)

    login(page, live_server.url, "analyst", password)
    page.goto(f"{live_server.url}{survey_round.get_absolute_url()}")
    page.click("text=коды и ограничения")
    page.fill("#id_count", "2")
    with page.expect_navigation():
        page.click("#codes-form button[type=submit]")
    assert "Выпущено кодов: 2" in page.inner_text("main")
    page.click("text=Листочки для печати")
    page.wait_for_selector(".slip")
    assert page.locator(".slip").count() == 2
    codes = page.locator(".slip-code").all_inner_texts()
    assert f"{page.url.split('/')[2]}/s/" in page.inner_text(".slip-address >> nth=0")
    violations.check("codes pages")

    # Two pupils at one computer, each with a slip; the second types the code in Cyrillic.
    page.context.clear_cookies()
    for n, code in enumerate(codes):
        page.goto(f"{live_server.url}/s/")
        page.fill("#id_code", code if n == 0 else code.lower().replace("-", " "))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert world.school_a.name in page.inner_text("#survey-school")
        for code_, value in {**OTHER_REQUIRED, "s-interest": "3", "s-explain": "4"}.items():
            page.check(f"input[name='q-{code_}'][value='{value}']")
        page.check("input[name='q-s-help'][value='1']")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "Спасибо! Ваш ответ принят" in page.inner_text("#survey-message")
    assert Response.objects.filter(link=link).count() == 2

    # A used code, after clearing cookies: refused at the code, nothing lost.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/s/")
    page.fill("#id_code", codes[0])
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Этот код уже использован" in page.inner_text("#code-error")
    violations.check("respondent pages")
