"""Turning the order numbers and dates typed into approval forms into registered orders.

Before issue 13 an identification list, a programme, a roadmap and a curator assignment kept
«номер приказа» and «дата приказа» as text. Their data migrations call `link_orders` with
their historical models: each distinct (issuer, year, number) becomes one registered order
(several lists or assignments approved by one order share it), and every row points to it.
Rows with no number or no date, or with no authority to issue the order, are left unlinked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

REGISTERED = "registered"
AUTHORITY = "authority"


def nearest_authority(apps: Any) -> Callable[[str], int | None]:
    """A function giving, for a territory path, the authority of that territory or the
    nearest one above it (historical models)."""
    Organization = apps.get_model("registry", "Organization")
    by_path: dict[str, int] = {}
    for pk, path in (
        Organization.objects.filter(kind=AUTHORITY)
        .order_by("pk")
        .values_list("pk", "territory__path")
    ):
        by_path.setdefault(path, pk)

    def find(path: str) -> int | None:
        best = max((p for p in by_path if path.startswith(p)), key=len, default=None)
        return by_path[best] if best is not None else None

    return find


def link_orders(
    apps: Any,
    rows: Iterable[Any],
    *,
    kind: str,
    issuer_id_of: Callable[[Any], int | None],
    title_of: Callable[[Any], str],
) -> int:
    """Create (or reuse) a registered order for each row's number and date and link it;
    returns how many rows were linked."""
    Order = apps.get_model("registry", "Order")
    found: dict[tuple[int, int, str], Any] = {}
    linked = 0
    for row in rows:
        number = " ".join((row.order_number or "").split())
        day = row.order_date
        if not number or day is None:
            continue
        issuer_id = issuer_id_of(row)
        if issuer_id is None:
            continue
        key = (issuer_id, day.year, number)
        order = found.get(key)
        if order is None:
            order = Order.objects.filter(
                issuer_id=issuer_id, year=day.year, number=number, status=REGISTERED
            ).first()
        if order is None:
            order = Order.objects.create(
                issuer_id=issuer_id,
                kind=kind,
                status=REGISTERED,
                title=title_of(row)[:1000],
                number=number,
                date=day,
                year=day.year,
                note="Перенесён из номера и даты, записанных до ведения реестра приказов.",
            )
        found[key] = order
        row.order_id = order.pk
        row.save(update_fields=["order"])
        linked += 1
    return linked
