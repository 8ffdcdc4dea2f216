"""Serving the public pages: a flood limit per client, then the cache.

Decided (docs/architecture.md, «Public site»): a page is cached under its full address and
the public version (`PublicVersion`, one row read per request), for
`OPORA_PUBLIC_CACHE_SECONDS` (default 60). The publication switches bump the version in their
transaction, and so do saves of what decides whether something is public (an event's «открытое
мероприятие», a practice's state, a programme or its order, see `version_on_save` below):
switching something off is at once visible in every process, whatever cache backend runs.
Changes that only move figures (a report closing a due date, a roll-up) show within the
timeout.

The flood limit is `opora.core.flood` (django-ratelimit's counter in the cache, keyed by a
salted hash of `opora.core.web.client_ip`, never REMOTE_ADDR behind proxies): over
`OPORA_PUBLIC_REQUESTS_PER_MINUTE` a client gets the Russian 429 page, cached pages included.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from opora.core import flood
from opora.events.models import Event
from opora.practices.models import Practice, PracticeMaterial
from opora.public import selectors
from opora.public.services import public_version_bump
from opora.registry.models import Order, Programme

View = Callable[..., HttpResponseBase]


def flooded(request: HttpRequest) -> bool:
    """Count the request and say whether the client is over the public limit."""
    return flood.flooded(
        request, scope="public", limit=settings.OPORA_PUBLIC_REQUESTS_PER_MINUTE, seconds=60
    )


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "public/429.html", status=429)
    response["Retry-After"] = "60"
    return response


def cache_key(request: HttpRequest) -> str:
    return f"public:{selectors.public_version()}:{request.get_full_path()}"


def public_page(view: View) -> View:
    """A public GET page: flood-limited, served from the cache when it can be."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if flooded(request):
            return too_many(request)
        key = cache_key(request)
        hit = cache.get(key)
        if hit is not None:
            hit["X-Opora-Cache"] = "hit"
            return hit
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse) and response.status_code == 200:
            # The whole response as the view made it (a download keeps its name), as Django's
            # cache middleware stores it; the CSP and frame headers are added again by the
            # middleware and the view's decorators on every response, hit or not.
            cache.set(key, response, settings.OPORA_PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def flood_limited(view: View) -> View:
    """A public download that is not cached (a stored file): flood-limited only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if flooded(request):
            return too_many(request)
        return view(request, *args, **kwargs)

    return wrapper


@receiver(post_save, sender=Event, dispatch_uid="public_version_event_save")
@receiver(post_delete, sender=Event, dispatch_uid="public_version_event_delete")
@receiver(post_save, sender=Practice, dispatch_uid="public_version_practice_save")
@receiver(post_delete, sender=Practice, dispatch_uid="public_version_practice_delete")
@receiver(post_save, sender=PracticeMaterial, dispatch_uid="public_version_material_save")
@receiver(post_delete, sender=PracticeMaterial, dispatch_uid="public_version_material_delete")
@receiver(post_save, sender=Programme, dispatch_uid="public_version_programme_save")
@receiver(post_save, sender=Order, dispatch_uid="public_version_order_save")
def version_on_save(sender: type, **kwargs: Any) -> None:
    """Saves that can make something public or private elsewhere than in the switches: an
    event unticked «открытое мероприятие», a practice archived, an order cancelled. Cache
    invalidation only — no business logic — which is why it may be a signal."""
    if kwargs.get("raw"):
        return
    public_version_bump()
