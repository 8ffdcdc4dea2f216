"""Sections later capabilities add to the school card without the registry knowing them.

An app registers `@school_card_section(order)` functions; each returns the HTML of its part
of the card for this user, or "" when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

CardSection = Callable[[HttpRequest, Any], str]
_SECTIONS: list[tuple[int, CardSection]] = []


def school_card_section(order: int) -> Callable[[CardSection], CardSection]:
    def register(func: CardSection) -> CardSection:
        _SECTIONS.append((order, func))
        _SECTIONS.sort(key=lambda item: item[0])
        return func

    return register


def school_card_sections(request: HttpRequest, school: Any) -> list[SafeString]:
    return [SafeString(html) for _order, func in _SECTIONS if (html := func(request, school))]
