"""Sections later capabilities add to the school card, the programme page and the home page
without the registry (or the core) knowing them.

An app registers `@card_section("school", order)` (or "programme", "organization" for the page
of an organisation other than a school, "plan" for a teacher's development plan, or "home" —
called with the user) functions; each
returns the HTML of its part of the page for this user, or "" when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.safestring import SafeString

CardKind = Literal["school", "programme", "organization", "plan", "home"]
CardSection = Callable[[HttpRequest, Any], str]
_SECTIONS: dict[str, list[tuple[int, CardSection]]] = {
    "school": [],
    "programme": [],
    "organization": [],
    "plan": [],
    "home": [],
}


def card_section(kind: CardKind, order: int) -> Callable[[CardSection], CardSection]:
    def register(func: CardSection) -> CardSection:
        _SECTIONS[kind].append((order, func))
        _SECTIONS[kind].sort(key=lambda item: item[0])
        return func

    return register


def card_sections(kind: CardKind, request: HttpRequest, obj: Any) -> list[SafeString]:
    return [SafeString(html) for _order, func in _SECTIONS[kind] if (html := func(request, obj))]
