"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("You may not (an English message that must not reach the page)")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an English traceback that must not reach the page")


urlpatterns = [*urls.urlpatterns, path("denied/", denied), path("boom/", boom)]
handler400 = urls.handler400
handler500 = urls.handler500
