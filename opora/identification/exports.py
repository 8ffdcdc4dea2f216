"""The list as a file: one row per school with its indices, flags, years and reasons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from opora.core.dates import date_ru
from opora.core.exports import (
    csv_bytes,
    export_filename,
    sheet_append,
    sheet_header,
    workbook_bytes,
    workbook_new,
)
from opora.identification.choices import Change
from opora.identification.engine import NEAR_Z
from opora.identification.methodology import parse_params, problem_type_names
from opora.identification.models import IdentificationRun, SchoolIdentification

YES, NO = "да", "нет"


def export_columns() -> list[tuple[str, str]]:
    return [
        ("code", _("Код ОО")),
        ("name", _("Наименование")),
        ("territory", _("Территория")),
        ("results_index", _("Индекс результатов")),
        ("margin", _("Погрешность индекса (± 95 %)")),
        ("results_percentile", _("Процентиль результатов")),
        ("context_index", _("Индекс контекста")),
        ("context_percentile", _("Процентиль контекста")),
        ("expected", _("Ожидаемый индекс результатов")),
        ("residual", _("Отклонение от ожидаемого")),
        ("residual_z", _("Отклонение, ст. откл.")),
        ("components", _("Учтено результатов")),
        ("low_results", _("ШНОР")),
        ("unfavourable", _("ШНСУ")),
        ("risk", _("Группа риска")),
        ("resilient", _("Устойчивая")),
        ("below_expected", _("Ниже ожидаемого")),
        ("objectivity", _("Признаки необъективности")),
        ("insufficient_data", _("Недостаточно данных")),
        ("in_list", _("В списке")),
        ("years_in_status", _("Лет в списке подряд")),
        ("change", _("Изменение")),
        ("problem_types", _("Типы проблем")),
        ("reasons", _("Причины")),
    ]


def export_rows(run: IdentificationRun, items: Iterable[SchoolIdentification]) -> list[list[Any]]:
    type_names = problem_type_names(parse_params(run.version.params))
    changes = dict(Change.choices)
    rows = []
    for item in items:
        values: dict[str, Any] = {
            "code": item.school.code,
            "name": item.school.name,
            "territory": item.school.territory.name,
            "problem_types": "; ".join(type_names.get(t, t) for t in item.problem_types),
            "reasons": "\n".join(r["text"] for r in item.reasons),
            "change": str(changes.get(item.change, "")) if item.change else "",
            # Empty without shrinkage: the index then has no uncertainty estimate.
            "margin": None if item.results_se is None else NEAR_Z * item.results_se,
        }
        row = []
        for key, _title in export_columns():
            value = values[key] if key in values else getattr(item, key)
            if isinstance(value, bool):
                value = YES if value else NO
            elif isinstance(value, float):
                value = round(value, 3)
            row.append(value)
        rows.append(row)
    return rows


def export_name(run: IdentificationRun, extension: str) -> str:
    """«Список ШНОР и ШНСУ 2024 — Демо-город — расчёт № 12.xlsx»."""
    return export_filename(
        _("Список ШНОР и ШНСУ %(year)s") % {"year": run.year},
        run.territory.name,
        _("расчёт № %(n)s") % {"n": run.pk},
        extension=extension,
    )


def export_xlsx(run: IdentificationRun, items: Iterable[SchoolIdentification]) -> bytes:
    book, sheet = workbook_new(_("Список %(year)s") % {"year": run.year})
    sheet_append(sheet, [str(run)])
    status = run.get_status_display()
    if run.order_number:
        status += _(", приказ № %(n)s от %(d)s") % {
            "n": run.order_number,
            "d": date_ru(run.order_date),
        }
    sheet_append(sheet, [_("Состояние: %(s)s") % {"s": status}])
    sheet_header(sheet, [title for _key, title in export_columns()], widths=(14, 48, 24))
    for row in export_rows(run, items):
        sheet_append(sheet, row)
    sheet.freeze_panes = "C4"
    sheet.column_dimensions["W"].width = 120
    return workbook_bytes(book)


def export_csv(run: IdentificationRun, items: Iterable[SchoolIdentification]) -> bytes:
    header = [title for _key, title in export_columns()]
    return csv_bytes([header, *export_rows(run, items)])
