"""In real Chromium: the main pages run under the Content-Security-Policy without a single
violation — login, home, the school list with its htmx filter, a school card, the chart of
results against context, the organisation list's auto-submitting select, Swagger UI and the
browsable API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology
from opora.identification.services import run_compute
from opora.identification.tests.test_runs import fill
from opora.registry.models import AcademicYear
from opora.registry.tests.factories import SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )

# Every violation is also reported as a DOM event; the init script is injected by the
# browser's debugging protocol, not as a page script, so the policy does not stop it.
COLLECT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(' ')));
"""


class Violations:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.on(
            "console",
            lambda msg: (
                self.console.append(msg.text)
                if "Content Security Policy" in msg.text or "Refused to" in msg.text
                else None
            ),
        )
        page.add_init_script(COLLECT)

    def check(self, where: str) -> None:
        events = self.page.evaluate("window.__csp || []")
        assert not events and not self.console, f"{where}: {events} {self.console}"


def test_main_pages_have_no_csp_violation(world, live_server, page, password):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    schools = [SchoolFactory(territory=world.north) for _ in range(12)]
    fill([world.school_b, *schools], weak=(schools[0],))
    version = Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current
    run = IdentificationRun.objects.create(territory=world.city, year=2024, version=version)
    run_compute(run)
    violations = Violations(page)
    url = live_server.url

    page.goto(f"{url}/accounts/login/")
    violations.check("login")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector('h1:has-text("Здравствуйте")')
    violations.check("home")

    page.goto(f"{url}/registry/schools/")
    page.wait_for_selector("#school-table")
    page.fill("#id_q", world.school_b.short_name)
    with page.expect_response(lambda r: "/registry/schools/?" in r.url):
        page.press("#id_q", "End")
    page.wait_for_function(
        "name => !document.querySelector('#school-table').innerText.includes(name)",
        arg=schools[5].short_name,
    )
    violations.check("school list")
    page.click(f"#school-table >> text={world.school_b.short_name}")
    page.wait_for_selector(f"h1:has-text('{world.school_b.short_name}')")
    violations.check("school card")

    page.goto(f"{url}/identification/runs/{run.pk}/chart/")
    page.wait_for_function("() => window.oporaCharts && window.oporaCharts['run-scatter']")
    violations.check("identification chart")

    page.goto(f"{url}/registry/organizations/")
    with page.expect_navigation():
        page.select_option("select[name=kind]", index=1)
    assert "kind=" in page.url
    violations.check("organisation list")

    page.goto(f"{url}/api/docs/")
    page.wait_for_selector("text=/api/schools/")
    violations.check("API docs")

    page.goto(f"{url}/api/schools/")
    page.wait_for_selector("text=SCH-A")
    violations.check("browsable API")
