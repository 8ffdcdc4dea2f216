"""Logging in: one login page, and password guessing throttled.

django-axes counts failed logins on the login page and at /api/token/ per account from one
address, per account and per address, each against its own limit (config/settings.py says
why these three); a locked-out client gets a Russian page (or JSON for the API) saying when
to try again. The admin site has no login form of its own: /admin/login/ leads to Opora's.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from rest_framework.authtoken.views import ObtainAuthToken

from opora.core.api import AnonRateThrottle
from opora.core.dates import datetime_ru


def failure_limits() -> list[int]:
    """The limits in the order of settings.AXES_LOCKOUT_PARAMETERS."""
    return [
        settings.OPORA_LOGIN_FAILURES,
        settings.OPORA_LOGIN_FAILURES_ACCOUNT,
        settings.OPORA_LOGIN_FAILURES_ADDRESS,
    ]


class LayeredLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit for each lockout parameter instead of one for all.

    axes compares `get_failures` with its single AXES_FAILURE_LIMIT (set to 1); here it is
    the number of limits reached, so that reaching any one of them locks.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        counts = [qs.aggregate(n=Sum("failures_since_start"))["n"] or 0 for qs in attempts]
        return sum(
            1 for count, limit in zip(counts, failure_limits(), strict=True) if count >= limit
        )


class LockoutBackend(AxesStandaloneBackend):
    """axes' check before the password: a locked-out client is refused whatever it sends.

    Authentication without a request (Django's test client `login()`, a shell) is no
    login form anyone can reach and is left to the next backend instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked-out client gets: 429 with the time to try again (every failure during
    the lockout starts the window anew, so it is counted from now)."""
    minutes = settings.OPORA_LOGIN_LOCKOUT_MINUTES
    until = timezone.localtime() + datetime.timedelta(minutes=minutes)
    text = _(
        "Слишком много неудачных попыток входа. Вход временно закрыт: попробуйте снова после "
        "%(until)s (через %(minutes)s мин.)."
    ) % {"minutes": minutes, "until": datetime_ru(until)}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": text}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {
                "text": text,
                "hint": _(
                    "Если вы забыли пароль, обратитесь к администратору Опоры в вашей "
                    "организации. Попытки во время блокировки продлевают её."
                ),
            },
            status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """/admin/login/ → Opora's login page (locked out and throttled like every login), then
    back to the admin; a signed-in superuser goes straight on. Everyone else signed in never
    gets here: the admin does not exist for them (AdminForSuperusersOnlyMiddleware)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        return redirect(next_url)
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


class TokenObtainView(ObtainAuthToken):
    """/api/token/: DRF's token for a username and password, counted by the login lockout.

    DRF's view exempts itself from throttling and authenticates with DRF's request object,
    on which axes would mark a lockout where its middleware never looks; here the password
    is checked against Django's own request, so failures count and a locked-out client gets
    the lockout's 429.
    """

    throttle_classes = [AnonRateThrottle]

    def get_serializer_context(self) -> dict[str, Any]:
        django_request: HttpRequest = self.request._request
        return {**super().get_serializer_context(), "request": django_request}
