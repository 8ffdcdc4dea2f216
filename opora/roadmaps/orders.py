"""The order approving a roadmap (version): its draft (the roadmap's title and period, its
sections as the appendix) and its line on the order's page (`registry.order_hooks`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.registry.choices import OrderKind
from opora.registry.models import Order
from opora.registry.order_hooks import (
    OrderAppendix,
    OrderDraft,
    OrderSubject,
    order_drafter,
    order_subjects,
)
from opora.roadmaps import selectors


def _period(roadmap: Any) -> str:
    if roadmap.starts_on and roadmap.ends_on:
        return f"{roadmap.starts_on:%d.%m.%Y} — {roadmap.ends_on:%d.%m.%Y}"
    return "—"


@order_drafter(OrderKind.ROADMAP)
def roadmap_order(user: Any, order: Order) -> OrderDraft | None:
    roadmaps = list(
        selectors.roadmap_list(user)
        .filter(order=order)
        .select_related("school")
        .order_by("title", "pk")
    )
    if not roadmaps:
        return None
    rows = [
        [
            str(number),
            roadmap.title,
            roadmap.school.short_name
            if roadmap.school is not None
            else roadmap.programme.owner.short_name,
            _("версия %(v)s") % {"v": roadmap.version},
            _period(roadmap),
        ]
        for number, roadmap in enumerate(roadmaps, start=1)
    ]
    first = roadmaps[0]
    return OrderDraft(
        title=order.title,
        preamble=_("В целях реализации программы «%(p)s» и по итогам рассмотрения дорожной карты,")
        % {"p": first.programme.name},
        items=[
            _("Утвердить дорожную карту «%(t)s» на период %(p)s (приложение).")
            % {"t": first.title, "p": _period(first)}
            if len(roadmaps) == 1
            else _("Утвердить дорожные карты (приложение)."),
            _(
                "Ответственным исполнителям обеспечить выполнение мероприятий "
                "в установленные сроки."
            ),
        ],
        appendices=[
            OrderAppendix(
                title=_("Утверждаемые дорожные карты"),
                header=["№", _("Дорожная карта"), _("Чья"), _("Версия"), _("Период")],
                rows=rows,
                widths_mm=[10, 70, 40, 20, 30],
            )
        ],
    )


@order_subjects
def roadmap_subjects(user: Any, order: Order) -> list[OrderSubject]:
    subjects = [
        OrderSubject(_("Дорожная карта"), roadmap.title, roadmap.get_absolute_url())
        for roadmap in selectors.roadmap_list(user).filter(order=order)
    ]
    return subjects
