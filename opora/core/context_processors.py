"""Template context shared by every page: the capability navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opora.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_sections": []}
    return {"nav_sections": navigation_for(request)}
