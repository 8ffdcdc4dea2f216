"""Request id for the audit trail, and the admin site closed to everyone but superusers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import Http404, HttpRequest, HttpResponse

_request_id: ContextVar[str | None] = ContextVar("opora_request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def get_request_id() -> str | None:
    """The id of the request being served (auditlog's correlation id), or None outside one."""
    return _request_id.get()


def set_request_id(value: str | None) -> None:
    """Set the id for work outside a request, e.g. a background job reusing its request's id."""
    _request_id.set(value)


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane X-Request-ID from a proxy) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class AdminForSuperusersOnlyMiddleware:
    """Django admin exists for superusers only; to everyone else it does not exist (404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_superuser = request.user.is_authenticated and request.user.is_superuser
        # The anonymous may reach the admin's own login page; nobody else but superusers
        # may see that the admin exists at all.
        admin_login = not request.user.is_authenticated and request.path.startswith("/admin/login/")
        if request.path.startswith("/admin/") and not is_superuser and not admin_login:
            raise Http404
        return self.get_response(request)
