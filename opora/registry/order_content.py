"""The registry's own contributions to orders: the drafts and page lines of orders approving
a programme or assigning curators (both kept in the registry)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from opora.core.access import restrict
from opora.registry.choices import OrderKind
from opora.registry.models import CuratorAssignment, Order, Programme
from opora.registry.order_hooks import (
    OrderAppendix,
    OrderDraft,
    OrderSubject,
    order_drafter,
    order_subjects,
)


@order_drafter(OrderKind.PROGRAMME)
def programme_order(user: Any, order: Order) -> OrderDraft | None:
    programme = order.programmes.select_related("owner").first()
    if programme is None:
        return None
    items = [
        _("Утвердить программу «%(name)s» на %(start)s–%(end)s годы (приложение).")
        % {
            "name": programme.name,
            "start": programme.starts_on.year,
            "end": programme.ends_on.year,
        },
        _(
            "Руководителям общеобразовательных организаций — участников программы обеспечить "
            "выполнение мероприятий программы."
        ),
    ]
    rows = [
        [_("Наименование"), programme.name],
        [_("Срок реализации"), f"{programme.starts_on:%d.%m.%Y} — {programme.ends_on:%d.%m.%Y}"],
        [_("Цель"), programme.goal or "—"],
        [_("Задачи"), "\n".join(programme.task_list) or "—"],
        [_("Школ-участников"), str(programme.schools.count())],
    ]
    return OrderDraft(
        title=order.title,
        preamble=_(
            "В целях повышения качества образования в общеобразовательных организациях, "
            "показывающих низкие образовательные результаты и функционирующих в неблагоприятных "
            "социальных условиях,"
        ),
        items=items,
        appendices=[
            OrderAppendix(
                title=_("Паспорт программы «%(name)s»") % {"name": programme.name},
                header=[_("Раздел"), _("Содержание")],
                rows=rows,
                widths_mm=[50, 120],
            )
        ],
    )


@order_drafter(OrderKind.CURATORS)
def curators_order(user: Any, order: Order) -> OrderDraft | None:
    assignments = list(
        order.curator_assignments.select_related("curator", "school__territory").order_by(
            "school__territory__name", "school__short_name"
        )
    )
    if not assignments:
        return None
    rows = [
        [
            str(number),
            a.curator.full_name,
            a.school.short_name or a.school.name,
            a.school.territory.name,
            f"{a.since:%d.%m.%Y}",
        ]
        for number, a in enumerate(assignments, start=1)
    ]
    return OrderDraft(
        title=order.title,
        preamble=_(
            "В целях организации адресной методической поддержки общеобразовательных "
            "организаций с низкими образовательными результатами,"
        ),
        items=[
            _("Закрепить кураторов за общеобразовательными организациями (приложение)."),
            _(
                "Кураторам обеспечить сопровождение закреплённых школ в соответствии с "
                "дорожными картами."
            ),
        ],
        appendices=[
            OrderAppendix(
                title=_("Закрепление кураторов за общеобразовательными организациями"),
                header=["№", _("Куратор"), _("Школа"), _("Муниципалитет"), _("С")],
                rows=rows,
                widths_mm=[10, 50, 60, 35, 22],
            )
        ],
    )


@order_subjects
def registry_subjects(user: Any, order: Order) -> list[OrderSubject]:
    subjects = [
        OrderSubject(_("Программа"), p.name, p.get_absolute_url())
        for p in restrict(Programme.objects.filter(order=order), user)
    ]
    schools = restrict(CuratorAssignment.objects.filter(order=order), user).count()
    if schools:
        subjects.append(OrderSubject(_("Закрепление кураторов"), _("школ: %(n)s") % {"n": schools}))
    return subjects
