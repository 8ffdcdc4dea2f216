"""A checkpoint to Excel: the programme's figures against the targets, and the schools'
values (only the schools the user may see)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from opora.core.access import UserLike
from opora.monitoring.choices import IndicatorUnit, Light
from opora.monitoring.models import Checkpoint, Value
from opora.monitoring.selectors import checkpoint_rollup, checkpoint_submissions

FILLS = {Light.REACHED: "C6EFCE", Light.CLOSE: "FFEB9C", Light.FAR: "FFC7CE"}


def _cell(value: Decimal | None, unit: str) -> float | str | None:
    if value is None:
        return None
    if unit == IndicatorUnit.FLAG:
        return _("да") if value == 1 else _("нет")
    return float(value)


def checkpoint_xlsx(user: UserLike, checkpoint: Checkpoint) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Сводка")
    summary.append([checkpoint.programme.name])
    summary.append([f"{checkpoint.name} ({checkpoint.held_on:%d.%m.%Y})"])
    summary.append([])
    header = [
        _("№"),
        _("Показатель"),
        _("Единица"),
        _("Источник данных"),
        _("Цель"),
        _("Значение по программе"),
        _("Школ с данными"),
        _("Достигли цели, школ"),
        _("Оценка"),
    ]
    summary.append(header)
    for cell in summary[4]:
        cell.font = Font(bold=True)
    for row in checkpoint_rollup(checkpoint):
        indicator = row.item.indicator
        rollup = row.rollup
        summary.append(
            [
                row.item.number,
                indicator.name,
                _("доля школ, %")
                if indicator.unit == IndicatorUnit.FLAG
                else indicator.get_unit_display(),
                indicator.source,
                float(row.target) if row.target is not None else None,
                float(rollup.value) if rollup and rollup.value is not None else None,
                rollup.schools if rollup else 0,
                rollup.reached if rollup else 0,
                str(row.light.label),
            ]
        )
        if row.light in FILLS:
            summary.cell(summary.max_row, 9).fill = PatternFill("solid", fgColor=FILLS[row.light])
    summary.column_dimensions["B"].width = 80
    summary.column_dimensions["D"].width = 30
    for line in summary.iter_rows(min_row=5):
        line[1].alignment = Alignment(wrap_text=True, vertical="top")

    schools = book.create_sheet(_("Школы"))
    forms = checkpoint_submissions(user, checkpoint).rows
    items = list(checkpoint.indicators.select_related("indicator").order_by("position"))
    schools.append(
        [_("Код"), _("Школа"), _("Состояние формы")]
        + [f"{i.number}. {i.indicator.name[:60]}" for i in items]
    )
    for cell in schools[1]:
        cell.font = Font(bold=True)
    values = {
        (v.submission_id, v.programme_indicator_id): v.value
        for v in Value.objects.filter(submission__in=forms)
    }
    by_item = {i.pk: i.indicator.unit for i in items}
    for form in forms:
        schools.append(
            [form.school.code, form.school.name, str(form.get_status_display())]
            + [_cell(values.get((form.pk, i.pk)), by_item[i.pk]) for i in items]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
