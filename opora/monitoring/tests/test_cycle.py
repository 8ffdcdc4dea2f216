"""Indicators and targets, a checkpoint, a school's form from draft to approval, the roll-up,
traffic lights and dynamics — through the pages, for the personas that may and may not."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opora.core.choices import TimelineVerb
from opora.core.models import TimelineEvent
from opora.monitoring import services
from opora.monitoring.catalogue import NOVOSIBIRSK
from opora.monitoring.choices import CheckpointKind, Light, SubmissionStatus, ValueOrigin
from opora.monitoring.models import (
    Checkpoint,
    Confirmation,
    Indicator,
    ProgrammeIndicator,
    Rollup,
    Submission,
    Target,
    Value,
    with_targets,
)
from opora.monitoring.selectors import checkpoint_rollup, light, school_monitoring
from opora.registry.models import CuratorAssignment, Programme, ProgrammeSchool

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world):
    programme = Programme.objects.create(
        name="Программа поддержки",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    return programme


def item(programme, code):
    return ProgrammeIndicator.objects.get(programme=programme, indicator__code=code)


def open_entry(programme, user=None, **kwargs):
    return services.checkpoint_open(
        programme=programme,
        name="Входной мониторинг, сентябрь 2024",
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=user,
        **kwargs,
    )


def test_the_template_holds_the_25_indicators_of_seed_004_with_their_targets(world, programme):
    client = world.client("coordinator")
    response = client.post(
        reverse("monitoring:template", args=[programme.pk]), {"template": "novosibirsk-2020"}
    )
    assert response.status_code == 302
    items = list(ProgrammeIndicator.objects.filter(programme=programme).order_by("position"))
    assert [i.number for i in items] == [str(n) for n in range(1, 26)]
    assert len(NOVOSIBIRSK) == 25
    # Targets of the seed («к 2024 году») are set for the programme's last academic year.
    targets = dict(
        Target.objects.filter(programme_indicator__programme=programme).values_list(
            "programme_indicator__number", "value"
        )
    )
    assert targets["9"] == Decimal(70) and targets["12"] == Decimal(25)
    assert set(Target.objects.values_list("year", flat=True)) == {2025}
    # The ones Opora computes are wired to its data.
    computed = set(
        Indicator.objects.filter(code__startswith="nsk-", method="computed").values_list(
            "computation", flat=True
        )
    )
    assert computed == {
        "roadmap_in_force",
        "results_positive_dynamics",
        "teachers_under_35",
        "teachers_trained_3y",
        "curator_assigned",
        "results_present",
    }
    page = client.get(reverse("monitoring:programme", args=[programme.pk])).content.decode()
    assert "Доля педагогических работников в возрасте до 35 лет" in page
    assert "ОО-1" in page
    # Installing it again adds nothing; others may not install it at all.
    client.post(
        reverse("monitoring:template", args=[programme.pk]), {"template": "novosibirsk-2020"}
    )
    assert ProgrammeIndicator.objects.filter(programme=programme).count() == 25
    for persona in ("director_a", "curator", "council", "outsider"):
        response = world.client(persona).post(
            reverse("monitoring:template", args=[programme.pk]), {"template": "novosibirsk-2020"}
        )
        assert response.status_code == 404, persona


def test_targets_read_with_the_indicators_are_those_of_the_database(world, programme):
    """`with_targets`: one query for all the indicators' targets, in year order, the same as
    each indicator's own; an indicator without targets has none and no target for a year."""
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    first, second, bare = ProgrammeIndicator.objects.filter(programme=programme).order_by("pk")[:3]
    bare.targets.all().delete()
    first.targets.all().delete()
    Target.objects.create(programme_indicator=first, year=2026, value=Decimal(70))
    Target.objects.create(programme_indicator=first, year=2024, value=Decimal(50))
    queryset = ProgrammeIndicator.objects.filter(pk__in=[first.pk, second.pk, bare.pk])
    with CaptureQueriesContext(connection) as queries:
        items = {item.pk: item for item in with_targets(queryset.select_related("indicator"))}
        by_year = {pk: item.targets_by_year for pk, item in items.items()}
        assert items[first.pk].target_for(2025) == Decimal(70)  # the next year set
    assert len(queries) == 2  # the indicators, their targets
    assert list(by_year[first.pk].items()) == [(2024, Decimal(50)), (2026, Decimal(70))]
    assert by_year[second.pk] == ProgrammeIndicator.objects.get(pk=second.pk).targets_by_year
    assert by_year[bare.pk] == {} and items[bare.pk].target_for(2024) is None


def test_targets_are_checked_and_saved_per_year(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    share = item(programme, "nsk-distance")
    url = reverse("monitoring:indicator", args=[share.pk])
    client = world.client("coordinator")
    response = client.post(
        url, {"number": "9", "baseline": "42,5", "target_2024": "140", "target_2025": "70"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "вне допустимых пределов: от 0 до 100" in page
    assert 'value="42,5"' in page  # what the user typed is kept
    response = client.post(
        url,
        {"number": "9", "baseline": "42,5", "baseline_year": "2024", "target_2024": "55"},
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.baseline == Decimal("42.5")
    # An empty target field removes that year's target.
    assert dict(share.targets.values_list("year", "value")) == {2024: Decimal(55)}
    # The light's margin is the programme's to set; empty means the indicator's own.
    assert share.light_margin == Decimal(10)
    response = client.post(url, {"number": "9", "target_2024": "55", "close_within": "-1"})
    assert "Допуск не может быть отрицательным" in response.content.decode()
    client.post(url, {"number": "9", "target_2024": "55", "close_within": "2,5"})
    share.refresh_from_db()
    assert share.light_margin == Decimal("2.5")
    assert world.client("analyst").get(url).status_code == 200
    for persona in ("director_a", "curator", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona


def test_a_checkpoint_gives_each_school_a_form_with_computed_values(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    CuratorAssignment.objects.filter(school=world.school_b).delete()
    CuratorAssignment.objects.filter(school=world.school_a).update(since=datetime.date(2024, 1, 1))
    response = world.client("coordinator").post(
        reverse("monitoring:checkpoint-new", args=[programme.pk]),
        {
            "name": "Входной мониторинг, сентябрь 2024",
            "kind": "entry",
            "held_on": "2024-09-15",
            "due_on": "2024-09-30",
            "indicators": list(
                ProgrammeIndicator.objects.filter(programme=programme).values_list("pk", flat=True)
            ),
        },
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(programme=programme)
    assert checkpoint.year == 2024
    forms = {s.school_id: s for s in checkpoint.submissions.all()}
    assert set(forms) == {world.school_a.pk, world.school_b.pk}
    support = item(programme, "nsk-method-support")
    # School A has a curator (the world's), school B has none: computed yes and no.
    computed = dict(
        Value.objects.filter(programme_indicator=support).values_list(
            "submission__school_id", "value"
        )
    )
    assert computed == {world.school_a.pk: Decimal(1), world.school_b.pk: Decimal(0)}
    assert set(
        Value.objects.filter(programme_indicator=support).values_list("origin", flat=True)
    ) == {ValueOrigin.COMPUTED}
    page = world.client("director_a").get(forms[world.school_a.pk].get_absolute_url())
    assert "рассчитано «Опорой»" in page.content.decode()
    assert TimelineEvent.objects.filter(object_id=str(checkpoint.pk)).exists()


def errors(response):
    """The error messages a page shows, for assertion messages."""
    return re.findall(
        r'(?:alert-danger|invalid-feedback d-block)"[^>]*>([^<]+)', response.content.decode()
    )


def as_posted(client, url, **extra):
    """What the browser sends back for the form as it stands, plus `extra`."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is not None and not name.startswith("f"):
            data[name] = str(value).replace(".", ",")
    data.update(extra)
    return data


def _fill(programme, form, *, yes=True, parts=(8, 10)):
    entries = {}
    for pi in programme.monitoring_indicators.select_related("indicator"):
        if pi.indicator.method != "entered":
            continue
        if pi.indicator.has_parts:
            entries[pi.pk] = services.Entry(
                numerator=Decimal(parts[0]), denominator=Decimal(parts[1])
            )
        elif pi.indicator.unit == "flag":
            entries[pi.pk] = services.Entry(value=Decimal(1 if yes else 0))
        else:
            entries[pi.pk] = services.Entry(value=Decimal(5))
    return entries


def test_a_school_fills_submits_and_the_analyst_returns_then_approves(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    checkpoint = open_entry(programme)
    form = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    url = form.get_absolute_url()
    share = item(programme, "nsk-ovz-help")
    client = world.client("director_a")

    # A numerator above its denominator is refused with the indicator named; nothing saved.
    response = client.post(url, {f"n{share.pk}": "12", f"d{share.pk}": "10", "save": "1"})
    assert response.status_code == 400
    assert "Числитель (12) больше знаменателя (10)" in response.content.decode()
    assert 'value="12"' in response.content.decode()
    assert not Value.objects.filter(submission=form, programme_indicator=share).exists()

    # A draft may be partial; submitting says what is missing.
    response = client.post(url, {f"n{share.pk}": "9", f"d{share.pk}": "12", "submit": "1"})
    assert response.status_code == 400
    assert "Форму нельзя представить" in response.content.decode()
    assert "не заполнен показатель 6." in response.content.decode()
    saved = Value.objects.get(submission=form, programme_indicator=share)
    assert saved.value == Decimal("75.00") and saved.numerator == 9

    # The rest, with the confirmation indicator 22 asks for when the answer is yes.
    services.submission_save(submission=form, entries=_fill(programme, form), user=None)
    _fill_missing(programme, form)
    innovation = item(programme, "nsk-innovation")
    response = client.post(url, as_posted(client, url, submit="1"))
    assert "нужен подтверждающий документ к показателю 22." in response.content.decode()
    exe = SimpleUploadedFile("prikaz.exe", b"MZ\x90\x00rest", content_type="application/pdf")
    response = client.post(url, as_posted(client, url, submit="1", **{f"f{innovation.pk}": exe}))
    assert "не программа" in response.content.decode()
    pdf = SimpleUploadedFile("приказ.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    other = [
        pi
        for pi in ProgrammeIndicator.objects.filter(programme=programme)
        if pi.indicator.asks_evidence
    ]
    files = {f"f{pi.pk}": SimpleUploadedFile(f"{pi.number}.pdf", b"%PDF-1.4 x") for pi in other}
    files[f"f{innovation.pk}"] = pdf
    response = client.post(url, as_posted(client, url, submit="1", **files))
    assert response.status_code == 302, errors(response)
    # The confirmation is served to those who may see the form, as a download; not to others.
    confirmation = Confirmation.objects.get(submission=form, programme_indicator=innovation)
    download = reverse("monitoring:confirmation", args=[confirmation.pk])
    response = world.client("curator").get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    for persona in ("director_b", "outsider"):
        assert world.client(persona).get(download).status_code == 404, persona
    form.refresh_from_db()
    assert form.status == SubmissionStatus.SUBMITTED

    # Submitted: the school cannot change it; a curator may read it but not accept it.
    response = client.post(url, {f"n{share.pk}": "1", f"d{share.pk}": "12", "save": "1"})
    assert response.status_code == 409
    assert Value.objects.get(submission=form, programme_indicator=share).numerator == 8
    assert world.client("curator").get(url).status_code == 200
    do = reverse("monitoring:form-do", args=[checkpoint.pk, world.school_a.pk, "approve"])
    for persona in ("curator", "director_a", "council", "director_b", "outsider"):
        assert world.client(persona).post(do).status_code == 404, persona
    form.refresh_from_db()
    assert form.status == SubmissionStatus.SUBMITTED

    back = reverse("monitoring:form-do", args=[checkpoint.pk, world.school_a.pk, "return"])
    response = world.client("analyst").post(back, {"comment": ""})
    assert response.status_code == 400
    assert "Напишите, что нужно исправить" in response.content.decode()
    assert (
        world.client("analyst").post(back, {"comment": "Проверьте показатель 6"}).status_code == 302
    )
    form.refresh_from_db()
    assert (form.status, form.comment) == (SubmissionStatus.RETURNED, "Проверьте показатель 6")
    assert "Проверьте показатель 6" in client.get(url).content.decode()
    data = as_posted(client, url, submit="1", **{f"n{share.pk}": "10", f"d{share.pk}": "12"})
    assert client.post(url, data).status_code == 302
    assert world.client("analyst").post(do).status_code == 302
    form.refresh_from_db()
    assert form.status == SubmissionStatus.APPROVED

    # Approved values are locked, whoever tries and however.
    response = client.post(url, {f"n{share.pk}": "1", f"d{share.pk}": "12", "save": "1"})
    assert response.status_code == 409
    assert "утверждённые значения изменить нельзя" in response.content.decode()
    with pytest.raises(Exception, match="утверждённые значения изменить нельзя"):
        services.submission_save(submission=form, entries={}, user=None)
    assert world.client("analyst").post(back, {"comment": "ещё раз"}).status_code == 400
    assert Value.objects.get(submission=form, programme_indicator=share).value == Decimal("83.33")

    verbs = list(
        TimelineEvent.objects.filter(
            object_id=str(form.pk), content_type=ContentType.objects.get_for_model(Submission)
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        TimelineVerb.SUBMITTED,
        TimelineVerb.RETURNED,
        TimelineVerb.SUBMITTED,
        TimelineVerb.APPROVED,
    ]


def _fill_missing(programme, form):
    """Computed values the test world has no data for are entered by the school."""
    have = {
        v.programme_indicator_id for v in Value.objects.filter(submission=form, value__isnull=False)
    }
    entries = {}
    for pi in ProgrammeIndicator.objects.filter(programme=programme).select_related("indicator"):
        if pi.pk not in have:
            unit = pi.indicator.unit
            entries[pi.pk] = services.Entry(value=Decimal(30) if unit == "percent" else Decimal(1))
    services.submission_save(submission=form, entries=entries, user=None)


def _approve(form, programme, **kwargs):
    services.submission_save(submission=form, entries=_fill(programme, form, **kwargs), user=None)
    for pi in ProgrammeIndicator.objects.filter(programme=programme):
        if pi.indicator.asks_evidence:
            services.submission_save(
                submission=form,
                entries={},
                files={pi.pk: SimpleUploadedFile("d.pdf", b"%PDF-1.4 d")},
                user=None,
            )
    _fill_missing(programme, form)
    services.submission_submit(submission=form, user=None)
    services.submission_approve(submission=form, user=None)


def test_roll_up_lights_and_dynamics(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    entry = open_entry(programme)
    _approve(Submission.objects.get(checkpoint=entry, school=world.school_a), programme, yes=True)
    _approve(
        Submission.objects.get(checkpoint=entry, school=world.school_b),
        programme,
        yes=False,
        parts=(3, 10),
    )
    rows = {r.item.indicator.code: r for r in checkpoint_rollup(entry)}
    # A yes/no indicator: the share of schools with «yes» against the target share.
    network = rows["nsk-network"]  # target 80%
    assert (network.rollup.schools, network.rollup.yes, network.rollup.value) == (2, 1, Decimal(50))
    assert network.light == Light.FAR
    # With a wider margin the same figure is «close».
    services.programme_indicator_save(
        item=item(programme, "nsk-network"),
        number="20",
        baseline=None,
        baseline_year=None,
        targets={2025: Decimal(80)},
        close_within=Decimal(35),
    )
    widened = {r.item.indicator.code: r for r in checkpoint_rollup(entry)}
    assert widened["nsk-network"].light == Light.CLOSE
    # A share with parts: pooled (8 + 3) / (10 + 10); schools at target (100%): none.
    help_row = rows["nsk-ovz-help"]
    assert help_row.rollup.value == Decimal("55.00")
    assert help_row.rollup.reached == 0

    final = services.checkpoint_open(
        programme=programme,
        name="Итоговый мониторинг, июнь 2025",
        kind=CheckpointKind.FINAL,
        held_on=datetime.date(2025, 6, 10),
        due_on=datetime.date(2025, 6, 25),
        user=None,
    )
    _approve(Submission.objects.get(checkpoint=final, school=world.school_a), programme, yes=True)
    _approve(Submission.objects.get(checkpoint=final, school=world.school_b), programme, yes=True)
    rows = {r.item.indicator.code: r for r in checkpoint_rollup(final)}
    assert rows["nsk-network"].rollup.value == Decimal(100)
    assert rows["nsk-network"].light == Light.REACHED
    assert [v for _c, v in rows["nsk-network"].history] == [Decimal(50), Decimal(100)]

    # A changed target re-reads the roll-ups.
    services.programme_indicator_save(
        item=item(programme, "nsk-ovz-help"),
        number="7",
        baseline=None,
        baseline_year=None,
        targets={2024: Decimal(50), 2025: Decimal(100)},
    )
    assert (
        Rollup.objects.get(
            checkpoint=entry, programme_indicator__indicator__code="nsk-ovz-help"
        ).reached
        == 1
    )

    # The school's dynamics and its positive changes since the entry checkpoint.
    _checkpoints, school_rows = school_monitoring(
        world.user("director_b"), programme, world.school_b
    )
    network_b = next(r for r in school_rows if r.item.indicator.code == "nsk-network")
    assert network_b.values == [Decimal(0), Decimal(1)]
    assert network_b.change == "better" and network_b.light == Light.REACHED
    page = world.client("director_b").get(
        reverse("monitoring:school", args=[programme.pk, world.school_b.pk])
    )
    assert page.status_code == 200
    assert "улучшились" in page.content.decode()
    assert (
        world.client("director_b")
        .get(reverse("monitoring:school", args=[programme.pk, world.school_a.pk]))
        .status_code
        == 404
    )

    page = world.client("council").get(entry.get_absolute_url()).content.decode()
    assert "далеко от цели" in page and "50%" in page
    programme_page = world.client("council").get(
        reverse("monitoring:programme", args=[programme.pk])
    )
    assert "dynamics-data" in programme_page.content.decode()
    assert "Позитивные изменения" in programme_page.content.decode()


def test_light_rules():
    up, down = "up", "down"
    assert light(Decimal(70), Decimal(70), direction=up, close_within=Decimal(10)) == Light.REACHED
    assert light(Decimal(61), Decimal(70), direction=up, close_within=Decimal(10)) == Light.CLOSE
    assert light(Decimal(59), Decimal(70), direction=up, close_within=Decimal(10)) == Light.FAR
    assert light(Decimal(12), Decimal(10), direction=down, close_within=Decimal(5)) == Light.CLOSE
    assert light(Decimal(8), Decimal(10), direction=down, close_within=Decimal(5)) == Light.REACHED
    assert light(None, Decimal(10), direction=down, close_within=Decimal(5)) == Light.NONE
    assert (
        light(Decimal(1), None, direction=up, close_within=Decimal(5), flag=True) == Light.REACHED
    )
    assert light(Decimal(0), None, direction=up, close_within=Decimal(5), flag=True) == Light.FAR


def test_who_sees_which_forms(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    checkpoint = open_entry(programme)
    url_a = Submission.objects.get(checkpoint=checkpoint, school=world.school_a).get_absolute_url()
    for persona, code in [
        ("director_a", 200),
        ("staff_a", 200),
        ("curator", 200),
        ("coordinator", 200),
        ("analyst", 200),
        ("council", 200),
        ("director_b", 404),
        ("outsider", 404),
    ]:
        assert world.client(persona).get(url_a).status_code == code, persona
    assert world.client("anonymous").get(url_a).status_code == 302
    # The checkpoint's list shows a director only their own school's form.
    page = world.client("director_b").get(checkpoint.get_absolute_url()).content.decode()
    assert world.school_b.short_name in page and "СОШ № 1" not in page
    assert world.client("outsider").get(checkpoint.get_absolute_url()).status_code == 404
    export = reverse("monitoring:checkpoint-export", args=[checkpoint.pk])
    assert world.client("outsider").get(export).status_code == 404
    new = reverse("monitoring:checkpoint-new", args=[programme.pk])
    for persona in ("director_a", "curator", "council", "outsider"):
        assert world.client(persona).get(new).status_code == 404, persona
    # Staff may read the form but not fill it.
    share = item(programme, "nsk-ovz-help")
    response = world.client("staff_a").post(url_a, {f"n{share.pk}": "1", f"d{share.pk}": "2"})
    assert response.status_code == 404
    # Who has not submitted.
    page = world.client("coordinator").get(checkpoint.get_absolute_url() + "?status=missing")
    assert "Не представили: 2" in page.content.decode()


def test_export_and_query_count_do_not_grow_with_schools(
    world, programme, django_assert_max_num_queries
):
    from opora.registry.tests.factories import SchoolFactory

    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    checkpoint = open_entry(programme)
    client = world.client("coordinator")
    response = client.get(reverse("monitoring:checkpoint-export", args=[checkpoint.pk]))
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Сводка", "Школы"]
    assert book["Сводка"].max_row == 4 + 25

    def queries(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    programme_url = reverse("monitoring:programme", args=[programme.pk])
    before = (queries(checkpoint.get_absolute_url()), queries(programme_url))
    for _n in range(15):
        ProgrammeSchool.objects.create(
            programme=programme, school=SchoolFactory(territory=world.north)
        )
    services.checkpoint_schools_add(checkpoint=checkpoint)
    after = (queries(checkpoint.get_absolute_url()), queries(programme_url))
    assert after == before


def test_an_indicator_of_the_municipality_level_is_reported_by_the_authority(world, programme):
    services.catalogue_install()
    events = services.programme_indicator_add(
        programme=programme, indicator=Indicator.objects.get(code="municipal-events")
    )
    internet = services.programme_indicator_add(
        programme=programme, indicator=Indicator.objects.get(code="nsk-internet")
    )
    Target.objects.create(programme_indicator=events, year=2024, value=Decimal(5))
    checkpoint = open_entry(programme)
    own = Submission.objects.get(checkpoint=checkpoint, school=world.department)
    school_form = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    assert list(own.items()) == [events]
    assert list(school_form.items()) == [internet]
    url = own.get_absolute_url()
    for persona in ("director_a", "curator", "outsider"):
        assert world.client(persona).get(url).status_code == 404, persona
    client = world.client("coordinator")
    response = client.post(url, {f"v{events.pk}": "6", "submit": "1"})
    assert response.status_code == 302, errors(response)
    do = reverse("monitoring:form-do", args=[checkpoint.pk, world.department.pk, "approve"])
    assert world.client("analyst").post(do).status_code == 302
    row = next(r for r in checkpoint_rollup(checkpoint) if r.item == events)
    assert (row.rollup.value, row.light) == (Decimal(6), Light.REACHED)


def test_submitted_forms_are_accepted_together(world, programme):
    services.programme_template_install(programme=programme, template="novosibirsk-2020", user=None)
    checkpoint = open_entry(programme)
    for school in (world.school_a, world.school_b):
        form = Submission.objects.get(checkpoint=checkpoint, school=school)
        services.submission_save(submission=form, entries=_fill(programme, form), user=None)
        _fill_missing(programme, form)
        for pi in ProgrammeIndicator.objects.filter(programme=programme):
            if pi.indicator.asks_evidence:
                services.submission_save(
                    submission=form,
                    entries={},
                    files={pi.pk: SimpleUploadedFile("d.pdf", b"%PDF-1.4 d")},
                    user=None,
                )
        services.submission_submit(submission=form, user=None)
    url = reverse("monitoring:checkpoint-accept", args=[checkpoint.pk])
    page = world.client("analyst").get(checkpoint.get_absolute_url()).content.decode()
    assert "Принять все представленные формы (2)" in page
    for persona in ("curator", "director_a", "council"):
        assert world.client(persona).post(url).status_code == 404, persona
    assert world.client("analyst").post(url).status_code == 302
    assert set(checkpoint.submissions.values_list("status", flat=True)) == {
        SubmissionStatus.APPROVED
    }
    assert (
        Rollup.objects.get(
            checkpoint=checkpoint, programme_indicator__indicator__code="nsk-internet"
        ).schools
        == 2
    )


def test_the_index_pages_the_programmes(world):
    """The programmes grow with the territory: 30 a page, the same queries for 3N as for N."""
    from opora.core.tests.rows import queries_and_rows
    from opora.registry.tests.factories import ProgrammeFactory

    client = world.client("coordinator")
    url = reverse("monitoring:index")
    ProgrammeFactory.create_batch(10, owner=world.department)
    small = queries_and_rows(client, url)
    ProgrammeFactory.create_batch(25, owner=world.department)
    big = queries_and_rows(client, url)
    assert big[0] == small[0] and small[1] >= 10 and big[1] == 30
    assert "Стр. 2 из 2" in client.get(url, {"page": 2}).content.decode()
