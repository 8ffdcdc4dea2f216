"""What every API endpoint shares: the page size limit and the anonymous throttle keyed on
the real client address. (Imported by DRF's settings: nothing here may import DRF's views.)"""

from __future__ import annotations

from django.conf import settings
from rest_framework import pagination, throttling
from rest_framework.request import Request

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
