"""In real Chromium: an anonymous respondent opens a school's link, answers single, multiple,
scale and text questions, is stopped by a missing required answer with everything typed
kept, sends the answer, and is refused a second time in the same browser; the analyst then
sees the school's aggregated results once the minimum is reached."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

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

    # A second attempt in the same browser is refused.
    page.goto(url)
    assert "Вы уже ответили на эту анкету" in page.inner_text("#survey-message")
    assert page.locator("main form").count() == 0
    assert Response.objects.filter(link=link).count() == 5

    # The analyst sees the school's results now that five have answered.
    login(page, live_server.url, "analyst", password)
    page.goto(f"{live_server.url}{reverse('surveys:round-results', args=[survey_round.pk])}")
    page.click("#results-table a:has-text('5')")
    page.wait_for_selector("#result-s-interest")
    assert "Ответили: 5" in page.inner_text("main")
    assert "2,60" in page.inner_text("#result-s-interest .mean")  # (4 × 2 + 5) / 5
    assert "Открыть кружок робототехники" in page.inner_text("#result-s-improve")
