"""In real Chromium: a director fills the school's monitoring form (a computed value already
there), is told what is wrong, submits it; the analyst accepts it and the checkpoint's
roll-up shows the programme's figure against its target."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest

from opora.identification.tests.test_browser import login
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind, SubmissionStatus
from opora.monitoring.models import Indicator, ProgrammeIndicator, Submission, Value
from opora.registry.models import CuratorAssignment, Programme, ProgrammeSchool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_a_school_submits_its_form_and_the_analyst_accepts_it(world, live_server, page, password):
    services.catalogue_install()
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    CuratorAssignment.objects.filter(school=world.school_a).update(since=datetime.date(2024, 1, 1))
    items = {
        code: services.programme_indicator_add(
            programme=programme, indicator=Indicator.objects.get(code=code)
        )
        for code in ("nsk-internet", "nsk-ovz-help", "nsk-method-support")
    }
    services.programme_indicator_save(
        item=items["nsk-ovz-help"],
        number="2",
        baseline=None,
        baseline_year=None,
        targets={2024: Decimal(80)},
    )
    checkpoint = services.checkpoint_open(
        programme=programme,
        name="Входной мониторинг, сентябрь 2024",
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=None,
    )
    form = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    url = live_server.url
    share = items["nsk-ovz-help"].pk
    internet = items["nsk-internet"].pk

    login(page, url, "director_a", password)
    page.goto(f"{url}/monitoring/")
    page.click("text=Программа поддержки")
    page.click("text=Входной мониторинг, сентябрь 2024")
    page.click(f"#forms a:has-text('{world.school_a.short_name}')")
    # The curator assignment makes «methodical support» a computed yes.
    computed_row = page.locator(f"#i{items['nsk-method-support'].pk}")
    assert "рассчитано «Опорой»" in computed_row.inner_text()
    assert "да" in computed_row.inner_text()

    page.fill(f"#id_n{share}", "14")
    page.fill(f"#id_d{share}", "12")
    page.select_option(f"#id_v{internet}", "1")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert "Числитель (14) больше знаменателя (12)" in page.inner_text("main")
    # What was typed is still there.
    assert page.input_value(f"#id_n{share}") == "14"
    assert page.input_value(f"#id_v{internet}") == "1"
    page.fill(f"#id_n{share}", "11")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert "Форма представлена на проверку" in page.inner_text("main")
    assert page.inner_text("#form-status") == "представлена"
    assert Value.objects.get(submission=form, programme_indicator_id=share).value == Decimal(
        "91.67"
    )

    page.context.clear_cookies()
    login(page, url, "analyst", password)
    page.goto(f"{url}{checkpoint.get_absolute_url()}?status=submitted")
    page.click(f"#forms a:has-text('{world.school_a.short_name}')")
    with page.expect_navigation():
        page.click("button:has-text('Принять')")
    form.refresh_from_db()
    assert form.status == SubmissionStatus.APPROVED
    rollup = page.locator(f"#r{share}")
    assert "91,67%" in rollup.inner_text()
    assert "достигнуто" in rollup.inner_text()
    assert "1 из 1" in rollup.inner_text()
    assert ProgrammeIndicator.objects.filter(programme=programme).count() == 3
