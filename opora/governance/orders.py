"""The order approving a body's composition: its draft (the members as the appendix) and its
line on the order's page (`registry.order_hooks`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.core import dates
from opora.governance import selectors
from opora.governance.choices import MemberRole
from opora.registry.choices import OrderKind
from opora.registry.models import Order
from opora.registry.order_hooks import (
    OrderAppendix,
    OrderDraft,
    OrderSubject,
    order_drafter,
    order_subjects,
)

# The appendix lists the chair first, then the deputy, the secretary and the members, as an
# order approving a composition does.
ROLE_RANK: dict[str, int] = {MemberRole.CHAIR: 0, MemberRole.DEPUTY: 1, MemberRole.SECRETARY: 2}


@order_drafter(OrderKind.BODY)
def composition_order(user: Any, order: Order) -> OrderDraft | None:
    compositions = selectors.order_compositions(user, order)
    if not compositions:
        return None
    composition = compositions[0]
    body = composition.body
    members = sorted(
        composition.members.all(),
        key=lambda m: (ROLE_RANK.get(m.role, 3), m.position_number, m.pk),
    )
    rows = [
        [str(n), m.person.full_name, m.position, m.get_role_display().lower()]
        for n, m in enumerate(members, start=1)
    ]
    items = [_("Утвердить состав: %(b)s (приложение).") % {"b": body.name}]
    previous = selectors.composition_previous(composition)
    if previous is not None and previous.order is not None and previous.order_id != order.pk:
        prior = previous.order
        items.append(
            _("Признать утратившим силу приказ от %(d)s № %(n)s «%(t)s».")
            % {
                "d": dates.date_ru(prior.date) if prior.date else "",
                "n": prior.number,
                "t": prior.title,
            }
        )
    items.append(_("Контроль исполнения настоящего приказа оставляю за собой."))
    since = composition.since
    return OrderDraft(
        title=order.title,
        preamble=_(
            "В целях организации работы органа «%(b)s» по реализации программы поддержки "
            "общеобразовательных организаций%(since)s,"
        )
        % {
            "b": body.name,
            "since": _(" с %(d)s") % {"d": dates.date_ru(since)} if since else "",
        },
        items=items,
        appendices=[
            OrderAppendix(
                title=_("Состав: %(b)s") % {"b": body.name},
                header=[
                    "№",
                    _("Фамилия, имя, отчество"),
                    _("Должность, организация"),
                    _("Роль в органе"),
                ],
                rows=rows,
                widths_mm=[12, 55, 73, 30],
            )
        ],
    )


@order_subjects
def composition_subjects(user: Any, order: Order) -> list[OrderSubject]:
    if order.kind != OrderKind.BODY:
        return []
    return [
        OrderSubject(_("Состав органа"), str(c), c.body.get_absolute_url())
        for c in selectors.order_compositions(user, order)
    ]
