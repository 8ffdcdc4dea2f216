"""Sections later capabilities add to the school card, the programme page and the home page
without the registry (or the core) knowing them.

An app registers `@card_section("school", order, tab=…)` (or "programme", "organization" for the
page of an organisation other than a school, "plan" for a teacher's development plan, or "home"
— called with the user) functions; each returns the HTML of its part of the page for this user,
or "" when it has nothing to show.

The school card is read in tabs (`SCHOOL_TABS`): its registry part is «Общие сведения», and each
section names the tab it belongs to. A request renders only the tab shown — a dozen sections
of a dozen apps on one page cost more than all the other everyday pages, and a user reads one
part of the card at a time.

A home card is usually a short list of what to do with a link to the full page: an app builds
a `HomeCard` and returns `home_card_html(request, card)` (one markup for all of them,
`core/_home_card.html`); a card with nothing in it is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CardKind = Literal["school", "programme", "organization", "plan", "home"]
CardSection = Callable[[HttpRequest, Any], str]


@dataclass(frozen=True)
class CardTab:
    key: str
    title: StrOrPromise


# The school card's tabs, in the order shown; the first is the card's own address.
SchoolTab = Literal["overview", "diagnostics", "roadmap", "support"]
SCHOOL_TABS: tuple[CardTab, ...] = (
    CardTab("overview", _("Общие сведения")),
    CardTab("diagnostics", _("Отбор и диагностика")),
    CardTab("roadmap", _("Дорожная карта и мониторинг")),
    CardTab("support", _("Поддержка")),
)
SCHOOL_TAB_KEYS = frozenset(tab.key for tab in SCHOOL_TABS)
# kind → (order, tab or "" where the kind has no tabs, function), sorted by order.
_SECTIONS: dict[str, list[tuple[int, str, CardSection]]] = {
    "school": [],
    "programme": [],
    "organization": [],
    "plan": [],
    "home": [],
}


def card_section(
    kind: CardKind, order: int, tab: SchoolTab | None = None
) -> Callable[[CardSection], CardSection]:
    if (kind == "school") != (tab is not None) or (tab is not None and tab not in SCHOOL_TAB_KEYS):
        raise ValueError(f"card_section({kind!r}): a school section names its tab, others none")

    def register(func: CardSection) -> CardSection:
        _SECTIONS[kind].append((order, tab or "", func))
        _SECTIONS[kind].sort(key=lambda item: item[0])
        return func

    return register


def card_sections(
    kind: CardKind, request: HttpRequest, obj: Any, tab: str = ""
) -> list[SafeString]:
    """The sections of `kind` for this user, in order; of the school card, those of `tab`."""
    return [
        SafeString(html)
        for _order, section_tab, func in _SECTIONS[kind]
        if section_tab == tab and (html := func(request, obj))
    ]


@dataclass
class HomeItem:
    """One line of a home card: what, where to go, a note (a due date, a school) and whether
    it is late (shown in red and first)."""

    text: str
    url: str = ""
    note: str = ""
    late: bool = False


@dataclass
class HomeCard:
    """A home card: a title, a few counts that link to filtered pages, a short list of items
    and the «все …» link to the full page."""

    key: str
    title: str
    items: list[HomeItem] = field(default_factory=list)
    counts: list[HomeItem] = field(default_factory=list)
    all_url: str = ""
    all_label: str = ""

    def __bool__(self) -> bool:
        return bool(self.items or any(c.text for c in self.counts))


def home_card_html(request: HttpRequest, card: HomeCard | None) -> str:
    """The card's HTML, or "" when there is no card or nothing in it."""
    if not card:
        return ""
    return render_to_string("core/_home_card.html", {"card": card}, request=request)
