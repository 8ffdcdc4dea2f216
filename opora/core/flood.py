"""Flood limits for anonymous pages (the public site, the survey links): one way, on
django-ratelimit's counters in the default cache (`CACHE_URL`).

A client is `opora.core.web.client_ip` (the address the trusted proxies report, never a
forged X-Forwarded-For) and is counted under a salted hash of it: nothing in the cache gives
the address back (django-ratelimit's own hash is unsalted, and an IPv4 address is found from
it by trying them all). Counters run in fixed windows (django-ratelimit's, with a per-key
offset), so a client refused is let in again at the end of the window.

Two kinds of use: `flooded` counts every request and says whether it is over the limit (the
public pages); `is_over` and `count` are for limits on events rather than requests — accepted
answers, wrong codes — asked before the work and counted after it (the survey links).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from opora.core.web import client_ip


def client_key(request: HttpRequest, scope: str, extra: str = "") -> str:
    """The client of the request within `scope` (and `extra`, e.g. one survey link), as a
    salted hash: the key says nothing of the address."""
    address = client_ip(request)
    return hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{address}|{extra}".encode()).hexdigest()


def _usage(
    request: HttpRequest, scope: str, extra: str, limit: int, seconds: int, increment: bool
) -> dict[str, int] | None:
    value = client_key(request, scope, extra)
    return get_usage(
        request,
        group=f"opora:{scope}",
        key=lambda _group, _request: value,
        rate=(limit, seconds),
        increment=increment,
    )


def flooded(request: HttpRequest, *, scope: str, limit: int, seconds: int) -> bool:
    """Count this request; True once the client made more than `limit` in the window."""
    usage = _usage(request, scope, "", limit, seconds, increment=True)
    return bool(usage and usage["should_limit"])


def is_over(request: HttpRequest, *, scope: str, limit: int, seconds: int, extra: str = "") -> bool:
    """Whether the client has already reached `limit` events in the window (not counted)."""
    usage = _usage(request, scope, extra, limit, seconds, increment=False)
    return bool(usage and usage["count"] >= limit)


def count(request: HttpRequest, *, scope: str, limit: int, seconds: int, extra: str = "") -> None:
    """Count one event of the client (the same `limit` and `seconds` as `is_over` asks with:
    they are part of the counter's key)."""
    _usage(request, scope, extra, limit, seconds, increment=True)
