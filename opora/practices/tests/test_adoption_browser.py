"""In real Chromium: a director opens a published practice of another school, reads the
evidence of its effect and «used by», adopts it into the school's draft roadmap (the activity
appears there); then the programme constructor, for the practice's risk factor, shows the
practice beside the library measures, and ticking it puts «Внедрение практики …» into the
drafted programme."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def test_adopt_a_practice_and_meet_it_in_the_constructor(world, live_server, page, password):
    from opora.practices.tests.factories_effect import (
        context,
        published_practice,
        results,
        school_roadmap,
        similar_schools,
    )
    from opora.roadmaps.models import Activity

    practice = published_practice(world.school_b, title="Парное наставничество")
    others = similar_schools(world.south, 6)
    context([(world.school_b, 0.5), (world.school_a, 0.52)] + [(s, 0.5) for s in others])
    results(world.school_b, {2021: 30.0, 2022: 28.0, 2023: 18.0, 2024: 15.0})
    for s in others:
        results(s, {2021: 30.0, 2022: 29.0, 2023: 28.0, 2024: 27.0})
    roadmap = school_roadmap(world, world.school_a)

    url = live_server.url
    page.goto(f"{url}/")
    page.fill("#id_username", "director_a")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector("nav")

    # The practice: evidence and «used by».
    page.goto(f"{url}/practices/{practice.pk}/")
    block = page.inner_text("#effect")
    assert "Эффект по данным Опоры" in block
    assert "Применяет 1 школа" in block
    assert "доля «2»" in block
    assert "не доказывает" in block

    # Adopt it into the school's draft roadmap.
    page.click("#adoptions >> text=Внедрить в школе")
    page.wait_for_selector("#id_adopted_on")
    page.fill("#id_adopted_on", "2025-09-01")
    page.fill("#id_note", "В 5-х классах")
    page.select_option("#id_section", index=2)
    page.fill("#id_responsible", "Заместитель директора")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "добавлено мероприятие «Внедрение практики «Парное наставничество»»" in page.inner_text(
        "body"
    )
    assert "СОШ № 1" in page.inner_text("#adoptions")
    page.goto(f"{url}{roadmap.get_absolute_url()}")
    assert "Внедрение практики «Парное наставничество»" in page.inner_text("main")

    # The constructor proposes it beside the library's measures for its risk factor.
    constructor = reverse("roadmaps:constructor", args=[roadmap.programme_id])
    page.goto(f"{url}{constructor}?school={world.school_a.pk}")
    page.check("input[name=risk_factors][value=teacher-competence]")
    with page.expect_navigation():
        page.click("button[value=propose]")
    row = page.locator("tr.suggestion", has_text="Парное наставничество")
    assert row.count() == 1
    row.locator("input[name=suggestions]").check()
    with page.expect_navigation():
        page.click("button[value=create]")
    assert "Внедрение практики «Парное наставничество»" in page.inner_text("main")
    assert Activity.objects.filter(text="Внедрение практики «Парное наставничество»").count() == 2
