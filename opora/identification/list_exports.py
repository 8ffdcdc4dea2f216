"""The comparison of an official list with a computed one as an XLSX file."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.core.exports import sheet_append, sheet_header, workbook_bytes, workbook_new
from opora.identification.models import ExternalList, IdentificationRun, SchoolIdentification
from opora.registry.models import Organization

YES, NO = "да", "нет"


def group_label(in_official: bool, in_computed: bool) -> str:
    """Which of the three groups a school of the comparison is in."""
    if in_official and in_computed:
        return _("в обоих списках")
    if in_official:
        return _("только в официальном")
    return _("только в рассчитанном")


def comparison_xlsx(
    external_list: ExternalList,
    run: IdentificationRun | None,
    schools: list[Organization],
    outcomes: dict[int, SchoolIdentification],
) -> bytes:
    """One row per school of either list: its group and the figures of the run behind it."""
    book, sheet = workbook_new(_("Сравнение списков"))
    sheet_append(sheet, [str(external_list)])
    sheet_append(
        sheet,
        [str(run) if run is not None else _("Рассчитанного списка за этот год нет")],
    )
    titles = [
        _("Код ОО"),
        _("Наименование"),
        _("Территория"),
        _("Группа"),
        _("Индекс результатов"),
        _("Процентиль результатов"),
        _("Индекс контекста"),
        _("Процентиль контекста"),
        _("ШНОР"),
        _("ШНСУ"),
        _("Группа риска"),
        _("Недостаточно данных"),
        _("Первая причина"),
    ]
    sheet_header(sheet, titles, widths=[12, 40, 24, 22, 12, 12, 12, 12, 8, 8, 10, 12, 60])
    for school in schools:
        item = outcomes.get(school.pk)
        row: list[Any] = [
            school.code,
            school.short_name,
            school.territory.name,
            group_label(school.in_official, school.in_computed),  # type: ignore[attr-defined]
        ]
        if item is None:
            row += [None] * 8 + [_("нет результата в расчёте")]
        else:
            row += [
                item.results_index,
                item.results_percentile,
                item.context_index,
                item.context_percentile,
                YES if item.low_results else NO,
                YES if item.unfavourable else NO,
                YES if item.risk else NO,
                YES if item.insufficient_data else NO,
                first_reason(item),
            ]
        sheet_append(sheet, row)
    return workbook_bytes(book)


def first_reason(item: SchoolIdentification) -> str:
    """The first reason written for the school's flags, or nothing."""
    for reason in item.reasons or []:
        if isinstance(reason, dict) and reason.get("text"):
            return str(reason["text"])
    return ""
