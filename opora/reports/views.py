"""Pages of the reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """«Отчёты»: the reports the user may open and build (filled by the report pages)."""
    return render(request, "reports/index.html", {"breadcrumbs": [{"title": _("Отчёты")}]})
