"""Values for a checkpoint from a file: checked like typed ones, all or nothing, and never
over an accepted form."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opora.core.imports.readers import read_table
from opora.core.imports.services import run_import_now
from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind, SubmissionStatus, ValueOrigin
from opora.monitoring.models import Indicator, Submission, Value
from opora.registry.models import Programme, ProgrammeSchool

pytestmark = pytest.mark.django_db

HEADER = ["Код контрольной точки", "Код ОО", "№ показателя", "Значение", "Числитель", "Знаменатель"]


@pytest.fixture
def checkpoint(world):
    services.catalogue_install()
    programme = Programme.objects.create(
        name="Программа",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    for school in (world.school_a, world.school_b):
        ProgrammeSchool.objects.create(programme=programme, school=school)
    for number, code in (("1", "nsk-internet"), ("2", "nsk-ovz-help"), ("3", "nsk-method-support")):
        services.programme_indicator_add(
            programme=programme, indicator=Indicator.objects.get(code=code), number=number
        )
    return services.checkpoint_open(
        programme=programme,
        name="Входной мониторинг",
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=None,
    )


def run(rows, user):
    text = "\n".join(";".join(r) for r in [HEADER, *rows]) + "\n"
    return run_import_now(
        importer_key="monitoring.values",
        table=read_table(io.BytesIO(text.encode("utf-8")), "values.csv"),
        columns=None,
        user=user,
    )


def test_values_from_a_file(world, checkpoint):
    code = str(checkpoint.pk)
    outcome = run(
        [
            [code, "SCH-A", "1", "да", "", ""],
            [code, "SCH-A", "2", "", "9", "12"],
            [code, "SCH-B", "1", "нет", "", ""],
        ],
        world.user("analyst"),
    )
    assert outcome.is_valid, [str(e) for e in outcome.errors]
    form_a = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    share = Value.objects.get(submission=form_a, programme_indicator__number="2")
    assert (share.value, share.origin) == (Decimal("75.00"), ValueOrigin.IMPORTED)


def test_bad_rows_name_what_and_where_and_nothing_is_saved(world, checkpoint):
    code = str(checkpoint.pk)
    form_b = Submission.objects.get(checkpoint=checkpoint, school=world.school_b)
    form_b.status = SubmissionStatus.APPROVED
    form_b.save()
    outcome = run(
        [
            [code, "SCH-A", "1", "может быть", "", ""],
            [code, "SCH-A", "2", "", "14", "12"],
            [code, "SCH-A", "1", "нет", "", ""],
            [code, "SCH-A", "9", "5", "", ""],
            [code, "SCH-A", "3", "да", "", ""],
            [code, "SCH-B", "1", "да", "", ""],
            [code, "SCH-C", "1", "да", "", ""],
            ["999999", "SCH-A", "1", "да", "", ""],
        ],
        world.user("analyst"),
    )
    messages = [str(e) for e in outcome.errors]
    assert (
        "Строка 3, столбец «Числитель»: числитель 14 и знаменатель 12 не дают доли от 0 до 100%"
        in messages
    )
    assert (
        "Строка 4, столбец «№ показателя»: показатель 1 этой школы уже был в строке 2" in messages
    )
    assert "Строка 5, столбец «№ показателя»: показателя «9» нет в контрольной точке" in messages
    assert any(m.startswith("Строка 6") and "рассчитывается «Опорой»" in m for m in messages)
    assert any(
        m.startswith("Строка 7") and "«принята»: её значения не меняются" in m for m in messages
    )
    assert any(
        m.startswith("Строка 8") and "не участвует в контрольной точке" in m for m in messages
    )
    assert any(m.startswith("Строка 9") and "не найдена или вам недоступна" in m for m in messages)
    assert "Строка 2, столбец «Значение»: «может быть» — ожидается «да» или «нет»" in messages
    assert not Value.objects.filter(origin=ValueOrigin.IMPORTED).exists()


def test_only_those_who_accept_data_import_it(world, checkpoint):
    code = str(checkpoint.pk)
    outcome = run([[code, "SCH-A", "1", "да", "", ""]], world.user("director_b"))
    assert not outcome.is_valid
    outcome = run([[code, "SCH-C", "1", "да", "", ""]], world.user("outsider"))
    assert "не найдена или вам недоступна" in str(outcome.errors[0])


def test_a_share_that_disagrees_with_its_parts_is_refused_not_replaced(world, checkpoint):
    code = str(checkpoint.pk)
    outcome = run([[code, "SCH-A", "2", "40", "9", "12"]], world.user("analyst"))
    assert [str(e) for e in outcome.errors] == [
        "Строка 2, столбец «Значение»: Значение 40 не совпадает с долей по числителю и "
        "знаменателю: 9 из 12 — это 75 %. Исправьте значение или числитель и знаменатель."
    ]
    form_a = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    assert not Value.objects.filter(submission=form_a, programme_indicator__number="2").exists()
    # Written as precisely as the file gives it, the same share agrees.
    for written in ("75", "75,0", "75 %"):
        agreed = run([[code, "SCH-A", "2", written, "9", "12"]], world.user("analyst"))
        assert agreed.is_valid, (written, [str(e) for e in agreed.errors])
    # The service refuses it too, whoever calls it.
    item = checkpoint.indicators.get(number="2")
    with pytest.raises(ValidationError) as refused:
        services.submission_save(
            submission=form_a,
            entries={
                item.pk: services.Entry(
                    value=Decimal("60"), numerator=Decimal("9"), denominator=Decimal("12")
                )
            },
            user=None,
        )
    assert "не совпадает с долей" in refused.value.message_dict[f"n{item.pk}"][0]
