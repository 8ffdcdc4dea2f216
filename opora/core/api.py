"""What every API endpoint shares: the page size limit and the anonymous throttle keyed on
the real client address. (Imported by DRF's settings: nothing here may import DRF's views.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, throttling
from rest_framework.request import Request
from rest_framework.response import Response

from opora.core.web import client_ip


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """`?limit=&offset=` with at most OPORA_API_MAX_PAGE_SIZE rows a page.

    A larger limit — even one no database integer holds — gives the maximum; an offset past
    the end gives an empty page (DRF stops before the query). Nothing returns a whole table.
    """

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return int(settings.OPORA_API_MAX_PAGE_SIZE)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's throttle for anonymous calls, counted per client address as the trusted proxies
    report it (DRF's own key takes X-Forwarded-For from anyone)."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, except that a missing or forbidden object answers «Не найдено.»: DRF
    passes on Django's English «No <Model> matches the given query.», which also names the
    model to someone who may not know it exists."""
    # Imported here: DRF's settings import this module, and DRF's views import the settings.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Не найдено."))
    return drf_exception_handler(exc, context)
