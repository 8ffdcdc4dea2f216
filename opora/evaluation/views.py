"""Pages of the evaluation of support."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """«Эффективность поддержки»: the programmes the user may evaluate."""
    return render(
        request,
        "evaluation/index.html",
        {
            "breadcrumbs": [
                {"title": _("Отчёты"), "url": reverse("reports:index")},
                {"title": _("Эффективность поддержки")},
            ]
        },
    )
