"""Reports: access by persona, refusals, the build job, rendering, templates, publishing, and
(on the demo, last) the shipped municipal and year-results builders with reproducibility."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.core.choices import JobStatus
from opora.core.dates import today
from opora.core.models import Notification
from opora.reports import kinds, render, selectors, services
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.content import (
    Chart,
    DraftRecommendation,
    Paragraph,
    ReportContent,
    Section,
    Series,
    Table,
)
from opora.reports.kinds import ReportParams
from opora.reports.models import Report, ReportRecommendation, ReportTemplate
from opora.support.choices import Addressee
from opora.support.models import Recommendation


def _content(world: Any) -> ReportContent:
    due = today() + datetime.timedelta(days=30)
    return ReportContent(
        title="Итоги года",
        subtitle="Город N, 2024 г.",
        sections=[
            Section(
                "1. Школы в списке",
                [
                    Paragraph("В списке 12 школ.", editable=False),
                    Table("Таблица 1. Список по годам", ["Год", "В списке"], [["2024", 12345]]),
                    Chart(
                        "Рисунок 1. Список", "bar", ["2023", "2024"], [Series("В списке", [10, 12])]
                    ),
                    Paragraph("Вывод аналитика."),
                ],
            )
        ],
        recommendations=[
            DraftRecommendation("Выполнить мероприятия.", Addressee.SCHOOL, world.school_a.pk, due),
            DraftRecommendation(
                "Провести выезды.", Addressee.METHODICAL_CENTRE, world.methodical_centre.pk, due
            ),
        ],
        figures={"in_list": 12},
    )


@pytest.fixture
def draft(world: Any) -> Report:
    content = _content(world)
    return Report.objects.create(
        kind=ReportKind.YEAR_RESULTS,
        title="Итоги года: Город N, 2024 г.",
        owner=world.methodical_centre,
        territory=world.city,
        year=2024,
        status=ReportStatus.DRAFT,
        content=content.to_json(),
        figures=content.figures,
        data_version=services.data_version(content),
        created_by=world.user("analyst"),
    )


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("analyst", 200),
        ("coordinator", 200),
        ("regional", 200),
        ("council", 200),
        ("curator", 404),
        ("director_a", 404),
        ("teacher", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_a_report(world: Any, draft: Report, persona: str, code: int) -> None:
    response = world.client(persona).get(reverse("reports:report", args=[draft.pk]))
    assert response.status_code == code
    if code == 200:
        assert "Таблица 1. Список по годам" in response.content.decode()
        assert "12\u202f345" in response.content.decode()
    listed = world.client(persona).get(reverse("reports:index"))
    if persona != "anonymous":
        assert (draft.title in listed.content.decode()) == (code == 200)


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("analyst", 200),
        ("coordinator", 404),
        ("curator", 404),
        ("director_a", 404),
        ("outsider", 404),
    ],
)
def test_only_the_owners_people_edit(world: Any, draft: Report, persona: str, code: int) -> None:
    assert world.client(persona).get(reverse("reports:edit", args=[draft.pk])).status_code == code
    response = world.client(persona).post(reverse("reports:publish", args=[draft.pk]))
    assert response.status_code == (302 if code == 200 else 404)


def test_new_report_page_for_builders_only(world: Any) -> None:
    assert world.client("analyst").get(reverse("reports:new")).status_code == 200
    assert world.client("coordinator").get(reverse("reports:new")).status_code == 200
    for persona in ("council", "curator", "director_a", "teacher"):
        assert world.client(persona).get(reverse("reports:new")).status_code == 404


def test_request_refusals_keep_what_was_typed(world: Any, monkeypatch: Any) -> None:
    client = world.client("analyst")
    url = reverse("reports:new")
    response = client.post(url, {"kind": ReportKind.MUNICIPAL, "year": "2024"})
    assert "этот вид отчёта без него не строится" in response.content.decode()
    response = client.post(
        url, {"kind": ReportKind.YEAR_RESULTS, "year": "2024", "territory": world.city.pk}
    )
    body = response.content.decode()
    assert "нет данных для этого отчёта" in body
    assert f'value="{world.city.pk}" selected' in body
    # Another authority's territory is not offered and refused.
    response = client.post(
        url, {"kind": ReportKind.YEAR_RESULTS, "year": "2024", "territory": world.other_city.pk}
    )
    assert response.status_code == 200 and not Report.objects.exists()


def _fake_builder(user: Any, params: ReportParams, progress: Any) -> ReportContent:
    progress(50, "Половина")
    content = ReportContent(title="Тест", subtitle="")
    content.sections = [Section("Раздел", [Table("Т", ["А"], [[params.year]])])]
    content.figures = {"year": params.year}
    return content


def test_a_report_builds_as_a_job_and_twice_is_refused(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(kinds.BUILDERS, ReportKind.YEAR_RESULTS, _fake_builder)
    monkeypatch.setattr(selectors, "report_year_has_data", lambda params: True)
    analyst = world.user("analyst")
    params = ReportParams(kind=ReportKind.YEAR_RESULTS, year=2024, territory_id=world.city.pk)
    report = services.report_request(user=analyst, params=params)
    assert report.status == ReportStatus.QUEUED and report.owner == world.methodical_centre
    with pytest.raises(ValidationError, match="уже формируется"):
        services.report_request(user=analyst, params=params)
    # A template of another kind is refused.
    template = ReportTemplate.objects.create(
        owner=world.methodical_centre, kind=ReportKind.MUNICIPAL, name="Ш", file_name="ш.docx"
    )
    with pytest.raises(ValidationError, match="другого вида"):
        services.report_request(
            user=analyst,
            params=ReportParams(**{**params.__dict__, "year": 2023}),
            template=template,
        )
    services.report_build_now(report)
    assert report.status == ReportStatus.DRAFT
    assert report.figures == {"year": 2024} and len(report.data_version) == 64
    assert Notification.objects.filter(recipient=analyst, url=report.get_absolute_url()).exists()
    # The same data give the same version.
    again = services.report_rebuild(user=analyst, report=report)
    services.report_build_now(again)
    assert again.data_version == report.data_version and again.figures == report.figures
    page = world.client("analyst").get(reverse("reports:report", args=[report.pk]))
    assert "данные не менялись" in page.content.decode()


def test_a_failing_builder_fails_the_report_and_publishes_nothing(
    world: Any, monkeypatch: Any
) -> None:
    def broken(user: Any, params: ReportParams, progress: Any) -> ReportContent:
        raise RuntimeError("boom")

    monkeypatch.setitem(kinds.BUILDERS, ReportKind.YEAR_RESULTS, broken)
    monkeypatch.setattr(selectors, "report_year_has_data", lambda params: True)
    params = ReportParams(kind=ReportKind.YEAR_RESULTS, year=2024, territory_id=world.city.pk)
    report = services.report_request(user=world.user("analyst"), params=params)
    services.report_build_now(report)
    assert report.status == ReportStatus.FAILED and report.content == {}
    assert report.job is not None and report.job.status == JobStatus.FAILED
    page = world.client("analyst").get(reverse("reports:report", args=[report.pk]))
    assert "Внутренняя ошибка" in page.content.decode()
    # A failed report does not block asking again.
    services.report_request(user=world.user("analyst"), params=params)


def test_a_dead_workers_report_shows_failed(world: Any, monkeypatch: Any) -> None:
    from django.utils import timezone

    from opora.core.jobs import jobs_reap

    monkeypatch.setattr(selectors, "report_year_has_data", lambda params: True)
    params = ReportParams(kind=ReportKind.YEAR_RESULTS, year=2024, territory_id=world.city.pk)
    report = services.report_request(user=world.user("analyst"), params=params)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    type(report.job).objects.filter(pk=report.job_id).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    jobs_reap()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED


def test_rendering_word_and_pdf(world: Any, draft: Report) -> None:
    import docx
    from pypdf import PdfReader

    word, pdf = services.report_files(draft)
    document = docx.Document(io.BytesIO(word))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    text = "\n".join(p.text for p in document.paragraphs)
    assert draft.title in text and "Дата формирования" in text
    assert document.tables[0].cell(1, 1).text == "12\u202f345"
    assert document.tables[-1].cell(1, 1).text.startswith("Школа")
    assert document.inline_shapes  # the chart
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Рекомендации" in pages and "Школы в списке" in pages
    assert render.chart_png(Chart("Ц", "line", ["а"], [Series("б", [1.0])])).startswith(b"\x89PNG")


def _template(body: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(body)
    document.add_paragraph("{{p body }}")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def test_templates_are_checked_and_render(world: Any, draft: Report) -> None:
    import docx

    client = world.client("analyst")
    url = reverse("reports:templates")
    data = {"owner": world.methodical_centre.pk, "kind": ReportKind.YEAR_RESULTS, "name": "Наш"}
    bad = client.post(url, {**data, "file": SimpleUploadedFile("a.docx", b"not a word file")})
    assert "не является документом Word" in bad.content.decode()
    unknown = client.post(
        url, {**data, "file": SimpleUploadedFile("a.docx", _template("{{ secret }}"))}
    )
    assert "неизвестные поля: secret" in unknown.content.decode()
    assert not ReportTemplate.objects.exists()
    good = client.post(
        url,
        {**data, "file": SimpleUploadedFile("a.docx", _template("{{ owner }}: {{ title }}"))},
    )
    assert good.status_code == 302
    template = ReportTemplate.objects.get()
    # Changeable only by its owner's people; another authority does not even see it.
    switch = reverse("reports:template-switch", args=[template.pk])
    assert world.client("outsider").post(switch).status_code == 404
    assert world.client("coordinator").post(switch).status_code == 404
    assert (
        world.client("outsider")
        .get(reverse("reports:template-file", args=[template.pk]))
        .status_code
        == 404
    )
    draft.template = template
    draft.save()
    word, _pdf = services.report_files(draft)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word)).paragraphs)
    assert f"{world.methodical_centre.name}: {draft.title}" in text
    assert "Школы в списке" in text


def test_editing_then_publishing(world: Any, draft: Report) -> None:
    client = world.client("analyst")
    due = (today() + datetime.timedelta(days=40)).isoformat()
    form = {
        "p-0-3": "Вывод, исправленный аналитиком.",
        "r-TOTAL_FORMS": "3",
        "r-INITIAL_FORMS": "2",
        "r-0-text": "Выполнить просроченные мероприятия в срок.",
        "r-0-addressee": Addressee.SCHOOL,
        "r-0-organization": world.school_a.pk,
        "r-0-due_on": due,
        "r-1-text": "Провести выезды.",
        "r-1-addressee": Addressee.METHODICAL_CENTRE,
        "r-1-organization": world.methodical_centre.pk,
        "r-1-due_on": due,
        "r-1-DELETE": "",
        # The untouched extra row, as the browser sends it.
        "r-2-text": "",
        "r-2-addressee": "",
        "r-2-organization": "",
        "r-2-due_on": "",
    }
    # A school addressee must be a school: refused, nothing lost.
    wrong = client.post(
        reverse("reports:edit", args=[draft.pk]),
        {**form, "r-0-organization": world.department.pk},
    )
    assert "адресуется школе" in wrong.content.decode()
    assert "Вывод, исправленный аналитиком." in wrong.content.decode()
    response = client.post(reverse("reports:edit", args=[draft.pk]), form)
    assert response.status_code == 302
    draft.refresh_from_db()
    content = ReportContent.from_json(draft.content)
    assert content.sections[0].blocks[3].text == "Вывод, исправленный аналитиком."
    assert content.recommendations[0].text == "Выполнить просроченные мероприятия в срок."

    response = client.post(reverse("reports:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.PUBLISHED and draft.docx and draft.pdf
    tracked = list(Recommendation.objects.order_by("pk"))
    assert [r.school for r in tracked] == [world.school_a, None]
    assert tracked[1].organization == world.methodical_centre
    assert ReportRecommendation.objects.filter(report=draft).count() == 2
    assert Notification.objects.filter(recipient=world.user("director_a")).exists()
    # The addressees see their recommendations; the director does not see the centre's.
    director = world.client("director_a")
    assert director.get(tracked[0].get_absolute_url()).status_code == 200
    assert director.get(tracked[1].get_absolute_url()).status_code == 404
    assert world.client("analyst").get(tracked[1].get_absolute_url()).status_code == 200
    # Published is read-only: publishing again and editing are refused, nothing is added.
    with pytest.raises(ValidationError, match="только черновик"):
        services.report_publish(user=world.user("analyst"), report=draft)
    assert Recommendation.objects.count() == 2
    assert client.get(reverse("reports:edit", args=[draft.pk])).status_code == 302
    download = client.get(reverse("reports:file", args=[draft.pk, "docx"]))
    assert download.status_code == 200
    assert (
        "Итоги" in download["Content-Disposition"] or "filename" in download["Content-Disposition"]
    )
    page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert "Ожидает ответа" in page


def test_home_card_lists_reports_in_work(world: Any, draft: Report) -> None:
    home = world.client("analyst").get("/").content.decode()
    assert "Отчёты в работе" in home and draft.title in home
    assert "Отчёты в работе" not in world.client("director_a").get("/").content.decode()


def test_the_templates_list_is_paginated(world: Any) -> None:
    """Each authority uploads its own templates: 30 a page, the same queries for 3N."""
    from django.urls import reverse

    from opora.core.tests.rows import queries_and_rows

    def grow(n: int) -> None:
        ReportTemplate.objects.bulk_create(
            ReportTemplate(
                owner=world.methodical_centre,
                kind=ReportKind.MUNICIPAL,
                name=f"Шаблон {i}",
                file_name="ш.docx",
            )
            for i in range(n)
        )

    client = world.client("analyst")
    url = reverse("reports:templates")
    grow(5)
    small = queries_and_rows(client, url)
    grow(40)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and big[1] == 30
    assert "Стр. 2 из 2" in client.get(url, {"page": 2}).content.decode()


# --- on the demo (last: the demo is loaded once for these) ------------------------------


def _demo_programme() -> Any:
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import Programme

    return (
        Programme.objects.filter(owner__territory__code=DEMO_TERRITORY_CODE).order_by("pk").first()
    )


def test_demo_municipal_and_year_results_reproducible(demo: None) -> None:
    from opora.registry.demo import DEMO_TERRITORY_CODE
    from opora.registry.models import Territory

    analyst = User.objects.get(username="analyst")
    programme = _demo_programme()
    municipal = Report.objects.filter(
        kind=ReportKind.MUNICIPAL, status=ReportStatus.PUBLISHED
    ).first()
    assert municipal is not None and municipal.tracked_recommendations.exists()
    assert Report.objects.filter(kind=ReportKind.YEAR_RESULTS, status=ReportStatus.DRAFT).exists()
    city = Territory.objects.get(code=DEMO_TERRITORY_CODE)
    params = ReportParams(kind=ReportKind.YEAR_RESULTS, year=2025, territory_id=city.pk)
    first = services.report_request(user=analyst, params=params)
    services.report_build_now(first)
    second = services.report_rebuild(user=analyst, report=first)
    services.report_build_now(second)
    assert first.status == second.status == ReportStatus.DRAFT
    assert first.figures == second.figures and first.data_version == second.data_version
    assert first.figures["in_list"] > 0
    fresh = services.report_rebuild(user=analyst, report=municipal)
    services.report_build_now(fresh)
    assert fresh.figures == municipal.figures and fresh.data_version == municipal.data_version
    assert programme is not None and fresh.programme == programme
