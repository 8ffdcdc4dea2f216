"""The order approving an identification list: its draft (the schools of the list as the
appendix) and its line on the order's page (`registry.order_hooks`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from opora.identification import selectors
from opora.registry.choices import OrderKind
from opora.registry.models import Order
from opora.registry.order_hooks import (
    OrderAppendix,
    OrderDraft,
    OrderSubject,
    order_drafter,
    order_subjects,
)


def school_status(item: Any) -> str:
    """ШНОР, ШНСУ (both when both) or «группа риска»."""
    parts = []
    if item.low_results:
        parts.append("ШНОР")
    if item.unfavourable:
        parts.append("ШНСУ")
    if not parts and item.risk:
        parts.append(_("группа риска"))
    return ", ".join(parts)


@order_drafter(OrderKind.IDENTIFICATION)
def list_order(user: Any, order: Order) -> OrderDraft | None:
    run = selectors.run_list(user).filter(order=order).order_by("-pk").first()
    if run is None:
        return None
    items = (
        selectors.run_schools(run, user)
        .filter(Q(in_list=True) | Q(risk=True))
        .order_by("school__territory__name", "school__short_name")
    )
    rows = [
        [
            str(number),
            item.school.name,
            item.school.territory.name,
            school_status(item),
        ]
        for number, item in enumerate(items, start=1)
    ]
    return OrderDraft(
        title=order.title,
        preamble=_(
            "В соответствии с методикой выявления общеобразовательных организаций, показывающих "
            "низкие образовательные результаты, по итогам оценочных процедур %(year)s года "
            "(расчёт «%(run)s»),"
        )
        % {"year": run.year, "run": run.version},
        items=[
            _(
                "Утвердить перечень общеобразовательных организаций с низкими образовательными "
                "результатами (ШНОР), функционирующих в неблагоприятных социальных условиях "
                "(ШНСУ), и группы риска (приложение)."
            ),
            _(
                "Руководителям общеобразовательных организаций, включённых в перечень, "
                "разработать программы перехода в эффективный режим работы."
            ),
            _("Закрепить за школами перечня кураторов и обеспечить их методическое сопровождение."),
        ],
        appendices=[
            OrderAppendix(
                title=_("Перечень общеобразовательных организаций (%(year)s г.)")
                % {"year": run.year},
                header=["№", _("Школа"), _("Муниципалитет"), _("Статус")],
                rows=rows,
                widths_mm=[12, 95, 40, 23],
            )
        ],
    )


@order_subjects
def list_subjects(user: Any, order: Order) -> list[OrderSubject]:
    return [
        OrderSubject(_("Перечень школ"), str(run), run.get_absolute_url())
        for run in selectors.run_list(user).filter(order=order)
    ]
