"""Runs over the database: the job, the list and its way to approval, pages, export, CLI."""

from __future__ import annotations

import csv
import datetime
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opora.core.choices import JobStatus
from opora.core.jobs import job_lease
from opora.core.models import Job
from opora.identification.choices import RunStatus
from opora.identification.methodology import BASE_METHODOLOGY_NAME
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.identification.services import run_approve, run_compute, run_send, run_start
from opora.registry.choices import OrderKind
from opora.registry.models import AcademicYear, Order
from opora.registry.tests.factories import SchoolFactory, registered_order
from opora.results.models import Assessment, ContextIndicator, ContextValue, SchoolResult, Subject


def fill(schools, seed=1, weak=()):
    """Three years of ВПР results and one context indicator, results following context."""
    rng = random.Random(seed)
    vpr = Assessment.objects.get(code="vpr")
    subjects = [Subject.objects.get(code="rus"), Subject.objects.get(code="math")]
    income = ContextIndicator.objects.get(code="low-income")
    results, values = [], []
    for school in schools:
        context = rng.gauss(0, 1)
        quality = 0.6 * context + rng.gauss(0, 0.3) - (3 if school in weak else 0)
        for year in (2023, 2024, 2025):
            for subject in subjects:
                for grade in (5, 6):
                    results.append(
                        SchoolResult(
                            school=school,
                            year=year,
                            assessment=vpr,
                            subject=subject,
                            grade=grade,
                            participants=25,
                            mean_score=12 + 3 * quality + rng.gauss(0, 0.2),
                            share_fail=max(0, min(100, 15 - 10 * quality)),
                        )
                    )
            values.append(
                ContextValue(
                    school=school, year=year, indicator=income, value=max(0, 20 - 8 * context)
                )
            )
    SchoolResult.objects.bulk_create(results)
    ContextValue.objects.bulk_create(values)


@pytest.fixture
def data(world):
    AcademicYear.objects.bulk_create([AcademicYear(start_year=y) for y in (2022, 2023, 2024)])
    extra = [SchoolFactory(territory=world.north if i % 2 else world.south) for i in range(20)]
    fill([world.school_a, world.school_b, world.school_c, *extra], weak=(world.school_a,))
    return extra


@pytest.fixture
def version(db):
    return Methodology.objects.get(name=BASE_METHODOLOGY_NAME).current


def test_run_as_a_job_and_the_weak_school_is_listed_with_reasons(
    world, data, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_start(
            territory=world.city, year=2025, version=version, user=world.user("analyst")
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    assert run.summary["schools"] == 22  # Город N: A, B and the 20 others; C is elsewhere.
    # The density grid of the school card: every school with both indices, A among them.
    assert run.summary["distribution"]["schools"] == 22
    item = SchoolIdentification.objects.get(run=run, school=world.school_a)
    assert item.low_results and item.in_list and item.years_in_status == 3
    texts = " ".join(r["text"] for r in item.reasons)
    assert "Индекс результатов" in texts and "в нижних 10 %" in texts
    assert [h["year"] for h in item.history] == [2023, 2024, 2025]


def test_a_run_whose_worker_died_fails_and_restarts_to_a_draft(
    world, data, version, django_capture_on_commit_callbacks
):
    # Queued without running (the capture is off), then taken by a worker that died.
    run = run_start(territory=world.city, year=2025, version=version, user=world.user("analyst"))
    assert run.job is not None
    long_ago = timezone.now() - job_lease() - datetime.timedelta(minutes=1)
    Job.objects.filter(pk=run.job.pk).update(status=JobStatus.RUNNING, heartbeat_at=long_ago)
    client = world.client("analyst")
    page = client.get(reverse("core:job", args=[run.job.pk])).content.decode()
    assert "Задача прервана" in page and "Запустить снова" in page
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert not SchoolIdentification.objects.filter(run=run).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:job-restart", args=[run.job.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.job.status == JobStatus.SUCCEEDED
    assert run.summary["schools"] == 22


def test_same_version_same_data_same_result(world, data, version):
    first = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    second = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(first)
    run_compute(second)
    fields = (
        "school_id",
        "results_index",
        "context_index",
        "residual_z",
        "low_results",
        "unfavourable",
        "risk",
        "resilient",
        "reasons",
    )
    assert list(first.schools.order_by("school_id").values(*fields)) == list(
        second.schools.order_by("school_id").values(*fields)
    )


def test_no_results_for_the_year_fails_clearly(
    world, data, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_start(
            territory=world.city, year=2021, version=version, user=world.user("analyst")
        )
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "За 2021 год нет результатов" in run.job.error


def test_approval_flow_and_freeze(world, data, version):
    run = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(run)
    analyst, coordinator = world.client("analyst"), world.client("coordinator")
    # The analyst sends; only a coordinator approves.
    assert analyst.post(f"/identification/runs/{run.pk}/send/").status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.SENT
    order = registered_order(
        world.department, OrderKind.IDENTIFICATION, "112-од", date=datetime.date(2025, 9, 1)
    )
    assert (
        analyst.post(f"/identification/runs/{run.pk}/approve/", {"order": order.pk}).status_code
        == 404
    )
    response = coordinator.post(
        f"/identification/runs/{run.pk}/approve/", {"order": ""}, follow=True
    )
    assert "Обязательное поле" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.SENT
    coordinator.post(f"/identification/runs/{run.pk}/approve/", {"order": order.pk})
    run.refresh_from_db()
    assert (run.status, run.order_number, run.order_date) == (
        RunStatus.APPROVED,
        "112-од",
        datetime.date(2025, 9, 1),
    )
    response = analyst.post(f"/identification/runs/{run.pk}/recompute/", follow=True)
    assert "не пересчитывается" in response.content.decode()
    assert (
        "Приказ № 112-од"
        in world.client("analyst").get(f"/history/{_ct(run)}/{run.pk}/").content.decode()
    )


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_return_needs_a_comment(world, data, version):
    run = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(run)
    run_send(run=run, user=world.user("analyst"))
    coordinator = world.client("coordinator")
    coordinator.post(f"/identification/runs/{run.pk}/return/", {"comment": ""})
    run.refresh_from_db()
    assert run.status == RunStatus.SENT
    coordinator.post(f"/identification/runs/{run.pk}/return/", {"comment": "Проверьте школу № 5"})
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


@pytest.fixture
def computed(world, data, version):
    run = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(run)
    return run


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("coordinator", 200),
        ("council", 200),
        ("regional", 200),
        ("outsider", 404),
        ("director_a", 404),
        ("anonymous", 302),
    ],
)
def test_run_page_access(world, computed, persona, status):
    assert world.client(persona).get(f"/identification/runs/{computed.pk}/").status_code == status


def test_run_page_filters_and_htmx(world, computed):
    client = world.client("analyst")
    page = client.get(f"/identification/runs/{computed.pk}/?status=low_results").content.decode()
    assert world.school_a.short_name in page and "Почему" in page
    partial = client.get(
        f"/identification/runs/{computed.pk}/?status=resilient&q=zzz", HTTP_HX_REQUEST="true"
    )
    assert "Нет школ с такими признаками" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_run_page_query_count_does_not_grow(world, computed, version):
    client = world.client("analyst")
    url = f"/identification/runs/{computed.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    fill([SchoolFactory(territory=world.north) for _ in range(25)], seed=5)
    bigger = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(bigger)
    client.get(f"/identification/runs/{bigger.pk}/")
    with CaptureQueriesContext(connection) as large:
        client.get(f"/identification/runs/{bigger.pk}/")
    assert len(large) == len(small)


def test_export_xlsx_and_csv_one_row_per_school(world, computed):
    client = world.client("analyst")
    response = client.get(f"/identification/runs/{computed.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["Код ОО", "Наименование", "Территория", "Индекс результатов"]
    assert {"ШНОР", "ШНСУ", "Устойчивая", "Лет в списке подряд", "Типы проблем", "Причины"} <= set(
        header
    )
    assert sheet.max_row - 3 == 22
    csv_text = client.get(
        f"/identification/runs/{computed.pk}/export.csv?status=low_results"
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert "SCH-A" in csv_text and len(rows) == 1 + computed.summary["low_results"]
    # A district coordinator sees only their schools even in the export.
    assert (
        world.client("outsider").get(f"/identification/runs/{computed.pk}/export.csv").status_code
        == 404
    )


def test_chart_and_compare_and_school_card(world, computed, version):
    client = world.client("analyst")
    chart = client.get(f"/identification/runs/{computed.pk}/chart/").content.decode()
    assert 'id="run-scatter-data"' in chart and "chart.umd.min.js" in chart
    other = IdentificationRun.objects.create(territory=world.city, year=2024, version=version)
    run_compute(other)
    compare = client.get(f"/identification/runs/{computed.pk}/compare/?other={other.pk}")
    assert compare.status_code == 200 and "Только в списке А" in compare.content.decode()
    card = client.get(f"/registry/schools/{world.school_a.pk}/diagnostics/").content.decode()
    assert "Почему школа в списке" in card and "в нижних 10 %" in card
    assert 'id="why"' in card
    # The run's table shows a school's first reasons and links the rest to that tab's «why».
    reasons = SchoolIdentification.objects.get(run=computed, school=world.school_a).reasons
    assert len(reasons) > 2
    table = client.get(computed.get_absolute_url()).content.decode()
    assert f'href="/registry/schools/{world.school_a.pk}/diagnostics/#why">все причины' in table
    # The director sees their own school's reasons; names of other schools are not in the chart.
    director_card = (
        world.client("director_a")
        .get(f"/registry/schools/{world.school_a.pk}/diagnostics/")
        .content.decode()
    )
    assert "Почему школа в списке" in director_card
    assert world.school_b.short_name not in director_card


def test_new_run_form_only_for_territory_roles(world, data):
    assert "Новый расчёт" in world.client("analyst").get("/identification/").content.decode()
    assert "Новый расчёт" not in world.client("director_a").get("/identification/").content.decode()
    assert world.client("director_a").post("/identification/", {}).status_code == 404


def test_methodology_copy_edit_and_refusal(world, version):
    client = world.client("analyst")
    base = version.methodology
    response = client.post(
        f"/identification/methodologies/{base.pk}/", {"name": "Методика 2025", "description": ""}
    )
    copy = Methodology.objects.get(name="Методика 2025")
    assert response.status_code == 302 and copy.current.number == 1
    assert client.get(f"/identification/methodologies/{base.pk}/edit/").status_code == 404
    form = client.get(f"/identification/methodologies/{copy.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({"low_results_percent": "15", "comment": "Нижние 15 %"})
    client.post(f"/identification/methodologies/{copy.pk}/edit/", data)
    copy.refresh_from_db()
    assert copy.current.number == 2 and copy.current.params["low_results_percent"] == 15
    data.update(
        {"context_components": '[{"indicator": "low-income", "weight": 0}]', "comment": "x"}
    )
    page = client.post(f"/identification/methodologies/{copy.pk}/edit/", data).content.decode()
    assert "Все веса индекса контекста равны нулю" in page
    data.update({"context_components": "[{oops", "comment": "x"})
    page = client.post(f"/identification/methodologies/{copy.pk}/edit/", data).content.decode()
    assert "Не читается как JSON" in page and "[{oops" in page
    assert copy.versions.count() == 2


def test_cli_identify_prints_summary_and_exports(world, data, tmp_path, capsys):
    target = tmp_path / "list.xlsx"
    call_command("identify", "--year", "2025", "--territory", "M01", "--export", str(target))
    out = capsys.readouterr().out
    assert "Список 2025 г., Город N, «Базовая методика»" in out and "ШНОР" in out
    assert load_workbook(target).active.max_row == 3 + 22
    csv_target = tmp_path / "list.csv"
    call_command("identify", "--year", "2025", "--territory", "M01", "--export", str(csv_target))
    rows = list(csv.reader(io.StringIO(csv_target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 23 and rows[0][0] == "Код ОО"


def test_approved_run_in_the_card_is_preferred(world, computed, version):
    run_send(run=computed, user=world.user("analyst"))
    run_approve(
        run=computed,
        user=world.user("coordinator"),
        order=registered_order(world.department, OrderKind.IDENTIFICATION, "5"),
    )
    newer = IdentificationRun.objects.create(territory=world.city, year=2025, version=version)
    run_compute(newer)
    card = (
        world.client("analyst")
        .get(f"/registry/schools/{world.school_a.pk}/diagnostics/")
        .content.decode()
    )
    assert "Приказ № 5" in card


def test_api_runs_and_school_outcomes(world, computed):
    client = world.client("analyst")
    runs = client.get("/api/identification-runs/").json()
    items = runs["results"] if isinstance(runs, dict) else runs
    assert items[0]["methodology"] == "Базовая методика" and items[0]["summary"]["schools"] == 22
    listed = client.get(
        f"/api/identification-runs/{computed.pk}/schools/?status=low_results"
    ).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert "SCH-A" in {r["school_code"] for r in rows} and rows[0]["reasons"]
    assert (
        world.client("outsider").get(f"/api/identification-runs/{computed.pk}/").status_code == 404
    )
    # A school director sees the list's run only through their school's card, not the API.
    assert (
        world.client("director_a").get(f"/api/identification-runs/{computed.pk}/").status_code
        == 404
    )


def test_methodology_page_names_what_enters_the_indices(world, version):
    page = world.client("council").get(f"/identification/methodologies/{version.methodology.pk}/")
    text = page.content.decode()
    assert "ВПР" in text and "Доля обучающихся из малоимущих семей" in text
    assert "Школа с высоким уровнем девиации детей" in text and "Копировать" not in text


def test_list_approved_by_the_order_opora_drafted(world, computed, tmp_path, settings):
    """«Утвердить список» → the draft order (.docx) with the list → signed file uploaded →
    registered → the list approved by that order; the draft itself approves nothing."""
    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    run = computed
    run_send(run=run, user=world.user("analyst"))
    coordinator = world.client("coordinator")
    # Who may not approve cannot draft either.
    for persona in ("analyst", "director_a", "outsider"):
        url = f"/identification/runs/{run.pk}/order-draft/"
        assert world.client(persona).post(url).status_code == 404, persona
    response = coordinator.post(f"/identification/runs/{run.pk}/order-draft/")
    run.refresh_from_db()
    order = run.order
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert (order.issuer, order.kind, order.status) == (
        world.department,
        OrderKind.IDENTIFICATION,
        "draft",
    )
    # Asked again, the same draft.
    coordinator.post(f"/identification/runs/{run.pk}/order-draft/")
    assert Order.objects.filter(kind=OrderKind.IDENTIFICATION).count() == 1
    page = coordinator.get(order.get_absolute_url()).content.decode()
    assert "Скачать проект приказа (.docx)" in page and str(run) in page
    draft = coordinator.get(reverse("registry:order-draft", args=[order.pk]))
    document = docx.Document(io.BytesIO(draft.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ПРИКАЗ" in text and "ПРИКАЗЫВАЮ:" in text and "Об утверждении перечня" in text
    appendix = document.tables[-1]
    listed = SchoolIdentification.objects.filter(run=run).filter(Q(in_list=True) | Q(risk=True))
    assert [c.text for c in appendix.rows[0].cells] == ["№", "Школа", "Муниципалитет", "Статус"]
    assert len(appendix.rows) == 1 + listed.count() >= 2
    weak = next(r for r in appendix.rows[1:] if r.cells[1].text == world.school_a.name)
    assert "ШНОР" in weak.cells[3].text and weak.cells[2].text == "Северный"
    # The draft is not yet an approval.
    response = coordinator.post(
        f"/identification/runs/{run.pk}/approve/", {"order": order.pk}, follow=True
    )
    run.refresh_from_db()
    assert run.status == RunStatus.SENT
    # Signed outside, uploaded and registered; then the list is approved by it.
    signed = SimpleUploadedFile("приказ.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = coordinator.post(
        reverse("registry:order-register", args=[order.pk]),
        {
            "number": "112-од",
            "date": "2025-09-01",
            "signatory": "Начальник департамента",
            "file": signed,
        },
    )
    assert response.status_code == 302
    response = coordinator.post(f"/identification/runs/{run.pk}/approve/", {"order": order.pk})
    run.refresh_from_db()
    assert (run.status, run.order, run.order_number) == (RunStatus.APPROVED, order, "112-од")
    assert (
        "Приказ № 112-од от 01.09.2025" in coordinator.get(run.get_absolute_url()).content.decode()
    )


def test_multi_year_settings_through_the_form_and_the_refusals_on_data(world, data, version):
    """The new settings are edited on the form; a run whose data cannot carry them is
    refused in Russian before anything is saved, and an approved list stays as it was."""
    client = world.client("analyst")
    client.post(
        f"/identification/methodologies/{version.methodology.pk}/",
        {"name": "Методика за годы", "description": ""},
    )
    copy = Methodology.objects.get(name="Методика за годы")
    form = client.get(f"/identification/methodologies/{copy.pk}/edit/").context["form"]
    fields = {name: form[name].value() for name in form.fields}
    fields.update({"index_years": "3", "year_weights": "3 : 2 : x", "comment": "Три года"})
    fields.pop("shrinkage")
    page = client.post(f"/identification/methodologies/{copy.pk}/edit/", fields)
    assert "«x» — не число" in page.content.decode() and copy.versions.count() == 1
    fields.update({"year_weights": "3 : 2", "tie_rule": "secondary"})
    page = client.post(f"/identification/methodologies/{copy.pk}/edit/", fields).content.decode()
    assert "Весов лет 2, а лет в индексе 3" in page and copy.versions.count() == 1
    fields.update({"year_weights": "3 : 2 : 1", "shrinkage": "on"})
    client.post(f"/identification/methodologies/{copy.pk}/edit/", fields)
    params = copy.current.params
    assert copy.current.number == 2
    assert (params["index_years"], params["year_weights"], params["shrinkage"]) == (
        3,
        [3.0, 2.0, 1.0],
        True,
    )
    detail = client.get(copy.get_absolute_url()).content.decode()
    assert "3 : 2 : 1" in detail and "равные разделяются вторым индексом" in detail

    # Three years in the index, the territory has 2023–2025: 2024 has only two.
    with pytest.raises(ValidationError) as refused:
        run_start(territory=world.city, year=2024, version=copy.current, user=world.user("analyst"))
    assert "результаты есть только за 2023 г., 2024 г." in refused.value.messages[0]
    # Shrinkage needs participants.
    SchoolResult.objects.filter(year=2025).update(participants=None)
    with pytest.raises(ValidationError) as refused:
        run_start(territory=world.city, year=2025, version=copy.current, user=world.user("analyst"))
    assert "«ВПР» за 2025 г. нет числа участников" in refused.value.messages[0]
    assert not IdentificationRun.objects.filter(version=copy.current).exists()
    SchoolResult.objects.filter(year=2025).update(participants=25)
    run = IdentificationRun.objects.create(
        territory=world.city, year=2025, version=copy.current, created_by=world.user("analyst")
    )
    run_compute(run)
    run.refresh_from_db()
    cuts = {c["measure"]: c for c in run.summary["cuts"]}
    assert cuts["results"]["target"] == cuts["results"]["selected"]
    school = run.schools.get(school=world.school_a)
    assert school.low_results and len(school.history) == 3
    assert "за 2023–2025 гг., веса 3:2:1" in school.reasons[0]["text"]
    page = world.client("analyst").get(run.get_absolute_url()).content.decode()
    assert "Размер списков против цели методики" in page
