"""A checkpoint to Excel: the programme's figures against the targets, and the schools'
values (only the schools the user may see)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from opora.core.access import UserLike
from opora.core.dates import date_ru
from opora.core.exports import (
    export_filename,
    sheet_append,
    sheet_header,
    workbook_bytes,
    workbook_new,
)
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


def checkpoint_export_name(checkpoint: Checkpoint) -> str:
    """«Мониторинг — Входной мониторинг — 01.09.2024.xlsx»."""
    return export_filename(
        _("Мониторинг"), checkpoint.name, date_ru(checkpoint.held_on), extension="xlsx"
    )


def checkpoint_xlsx(user: UserLike, checkpoint: Checkpoint) -> bytes:
    from openpyxl.styles import Alignment, PatternFill

    book, summary = workbook_new(_("Сводка"))
    sheet_append(summary, [checkpoint.programme.name])
    sheet_append(summary, [f"{checkpoint.name} ({date_ru(checkpoint.held_on)})"])
    sheet_append(summary, [])
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
    sheet_header(summary, header)
    for row in checkpoint_rollup(checkpoint):
        indicator = row.item.indicator
        rollup = row.rollup
        sheet_append(
            summary,
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
            ],
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
    sheet_header(
        schools,
        [_("Код"), _("Школа"), _("Состояние формы")]
        + [f"{i.number}. {i.indicator.name[:60]}" for i in items],
    )
    values = {
        (v.submission_id, v.programme_indicator_id): v.value
        for v in Value.objects.filter(submission__in=forms)
    }
    by_item = {i.pk: i.indicator.unit for i in items}
    for form in forms:
        sheet_append(
            schools,
            [form.school.code, form.school.name, str(form.get_status_display())]
            + [_cell(values.get((form.pk, i.pk)), by_item[i.pk]) for i in items],
        )
    return workbook_bytes(book)
