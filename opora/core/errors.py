"""Opora's error pages: Russian, in the site's look, with a way back to the home page.

403 and 404 are Django's own handlers with Opora's `403.html` and `404.html` (they render
with the request, so they extend the layout). 400 and 500 render without the request or the
database — the failure may be the database itself — from a plain layout; the 500 page adds
the request id that the server log and the audit trail carry, so a user can quote it.
"""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader

from opora.core.middleware import get_request_id


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the plain page; the request may have failed before it had a user."""
    return HttpResponseBadRequest(loader.get_template("400.html").render({}))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the plain error page, without the request context or any query."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": get_request_id() or ""}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a stale page, in Russian, with what to do."""
    return render(request, "403_csrf.html", status=403)
