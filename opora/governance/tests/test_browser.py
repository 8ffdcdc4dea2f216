"""In real Chromium: the coordinator plans a meeting with an agenda, marks attendance, writes
the minutes with a decision for a teacher and downloads them as .docx; the teacher — who holds
no right to change anything but their own decision — marks it done with evidence on a phone
(390 px), and the decision page fits it."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from opora.core import dates
from opora.core.tests.browser_checks import PHONE, phone_problems
from opora.governance import services
from opora.governance.choices import DecisionStatus, MemberRole
from opora.governance.models import Decision, Meeting
from opora.governance.tests.helpers import compose, council

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); browser tests skipped",
        allow_module_level=True,
    )


def _login(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} не вошёл"


def test_meeting_minutes_and_a_decision_done_in_chromium(
    world, live_server, browser, password, tmp_path
):
    body, people = council(world)
    teacher = world.user("teacher").person
    members = [
        services.MemberDraft(people[0], MemberRole.CHAIR),
        services.MemberDraft(people[1], MemberRole.SECRETARY),
        services.MemberDraft(teacher, MemberRole.MEMBER),
        *[services.MemberDraft(p, MemberRole.MEMBER) for p in people[2:6]],
    ]
    compose(
        world.user("coordinator"),
        body,
        members,
        "90-о",
        dates.today(),
    )
    url = live_server.url
    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)

    # The coordinator plans the meeting with its agenda.
    _login(page, url, "coordinator", password)
    page.goto(f"{url}{reverse('governance:meeting-new', args=[body.pk])}")
    page.fill("#id_date", dates.today().isoformat())
    page.fill("#id_place", "Зал заседаний")
    page.fill("#id_agenda", "О ходе программы | Петрова И. О.\nО кадровом обеспечении")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    meeting = Meeting.objects.get(body=body)
    assert meeting.items.count() == 2

    # Attendance: three of seven first — refused with the counts — then five.
    page.click("#attendance-link")
    present = [people[0], people[1], teacher, people[2], people[3]]
    for person in present[:3]:
        page.check(f"input[name=present][value='{person.pk}']")
    with page.expect_navigation():
        page.click("#attendance-form button[type=submit]")
    assert "присутствуют 3 из 7, нужно не менее 4" in page.inner_text("main")
    for person in present[3:]:
        page.check(f"input[name=present][value='{person.pk}']")
    with page.expect_navigation():
        page.click("#attendance-form button[type=submit]")

    # The minutes with a decision for the teacher.
    page.click("#minutes-link")
    first = meeting.items.get(number=1)
    p = f"#id_item_{first.pk}_"
    page.fill("#id_number", "3")
    page.select_option("#id_chair", str(people[0].pk))
    page.select_option("#id_secretary", str(people[1].pk))
    page.fill(p + "heard", "Доклад о ходе программы")
    page.fill(p + "decided", "Принять информацию к сведению")
    page.fill(p + "votes_for", "5")
    page.fill(p + "votes_against", "0")
    page.fill(p + "votes_abstained", "0")
    page.fill(p + "decision", "Подготовить справку о курсах учителей")
    page.select_option(p + "person", str(teacher.pk))
    page.fill(p + "due_on", (dates.today() + datetime.timedelta(days=10)).isoformat())
    with page.expect_navigation():
        page.click("#minutes-form button[type=submit]")
    decision = Decision.objects.get(meeting=meeting)
    assert decision.responsible_person == teacher

    # The .docx of the minutes opens and has «РЕШИЛИ».
    with page.expect_download() as info:
        page.click("#minutes-docx")
    path = info.value.path()
    document = docx.Document(io.BytesIO(Path(path).read_bytes()))
    text = "\n".join(par.text for par in document.paragraphs)
    for table in document.tables:
        text += "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "РЕШИЛИ" in text and "Подготовить справку о курсах учителей" in text
    context.close()

    # The teacher, on a phone, marks their decision done with evidence.
    phone = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(20000)
    _login(page, url, "teacher", password)
    page.goto(f"{url}{decision.get_absolute_url()}")
    problems = phone_problems(page, "решение")
    evidence = tmp_path / "справка.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    page.set_input_files("#id_evidence", str(evidence))
    page.fill("#id_report", "Справка направлена в департамент")
    with page.expect_navigation():
        page.click("#done-form button[type=submit]")
    assert "Исполнение отмечено" in page.inner_text("main")
    problems += phone_problems(page, "решение исполнено")
    phone.close()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.evidence_name == "справка.pdf"
    assert problems == [], "\n".join(problems)
