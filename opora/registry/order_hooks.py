"""What an order knows of the apps above the registry, without importing them.

An order (`registry.Order`) is pointed to by what it approves — an identification list, a
programme, a roadmap version, curator assignments, a body's composition — in apps the
registry may not import. Those apps register here:

- `@order_drafter(kind)`: `func(user, order) -> OrderDraft | None`, the content of the order's
  draft (.docx) made from the data it approves (the registry lays it out officially:
  `registry.order_documents`); None when nothing is linked to the order yet.
- `@order_subjects`: `func(user, order) -> list[OrderSubject]`, the lines «what this order
  approves» of the order's page, limited to what the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opora.registry.models import Order


@dataclass(frozen=True)
class OrderSubject:
    """One thing an order approves, as its page lists it."""

    kind: str  # «Перечень школ», «Программа», …
    title: str
    url: str = ""


@dataclass
class OrderAppendix:
    """A table appended to the order («Приложение к приказу»)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    widths_mm: list[float] = field(default_factory=list)


@dataclass
class OrderDraft:
    """What the order says: «Об утверждении …», the preamble, the numbered items after
    «ПРИКАЗЫВАЮ:» and the appendices."""

    title: str
    preamble: str
    items: list[str]
    appendices: list[OrderAppendix] = field(default_factory=list)


Drafter = Callable[[Any, Order], "OrderDraft | None"]
SubjectsProvider = Callable[[Any, Order], list[OrderSubject]]

_DRAFTERS: dict[str, Drafter] = {}
_SUBJECTS: list[SubjectsProvider] = []


def order_drafter(kind: str) -> Callable[[Drafter], Drafter]:
    """Register the drafter of orders of `kind` (an `OrderKind` value); one per kind."""

    def register(func: Drafter) -> Drafter:
        _DRAFTERS[kind] = func
        return func

    return register


def order_subjects(func: SubjectsProvider) -> SubjectsProvider:
    if func not in _SUBJECTS:
        _SUBJECTS.append(func)
    return func


def draft_content(user: Any, order: Order) -> OrderDraft | None:
    """The content its kind's drafter makes for `order`, or None (no drafter, nothing linked)."""
    drafter = _DRAFTERS.get(order.kind)
    return drafter(user, order) if drafter else None


def subjects_of(user: Any, order: Order) -> list[OrderSubject]:
    return [subject for provider in _SUBJECTS for subject in provider(user, order)]
