"""Template context shared by every page: the capability navigation and the bell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from opora.core.navigation import navigation_for
from opora.core.notifications import notifications_unread_count


@dataclass(frozen=True)
class Bell:
    """The header's bell: the unread count and what a screen reader says of it."""

    unread: int
    label: str


def bell(user: Any) -> Bell:
    count = notifications_unread_count(user)
    if not count:
        return Bell(0, _("Уведомления: нет непрочитанных"))
    one = count % 10 == 1 and count % 100 != 11
    word = _("непрочитанное") if one else _("непрочитанных")
    return Bell(count, _("Уведомления: %(n)s %(word)s") % {"n": count, "word": word})


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_sections": []}
    # Worked out once per request: every part of a page rendered with the request (the school
    # card's and home page's sections, ten or more) runs the context processors again.
    found: dict[str, Any] | None = getattr(request, "_opora_navigation", None)
    if found is None:
        found = {
            "nav_sections": navigation_for(request),
            # Counted once, and only by a page that shows the bell (a fragment does not).
            "bell": SimpleLazyObject(lambda: bell(request.user)),
        }
        request._opora_navigation = found  # type: ignore[attr-defined]
    return found
