"""The results data page: what is loaded, how to load more, the catalogue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from opora.core.imports.base import get_importer
from opora.results import selectors

RESULT_IMPORTERS = ("results.table", "results.students", "results.context", "results.simce")


@login_required
def data_overview(request: HttpRequest) -> HttpResponse:
    importers = [get_importer(key) for key in RESULT_IMPORTERS]
    return render(
        request,
        "results/data.html",
        {
            "results": selectors.results_overview(request.user),
            "context_rows": selectors.context_overview(request.user),
            "importers": [i for i in importers if i.may_import(request.user)],
            "presets": selectors.presets(),
            **selectors.catalogue(),
            "breadcrumbs": [
                {"title": _("Выявление"), "url": reverse("identification:runs")},
                {"title": _("Данные: результаты и контекст")},
            ],
        },
    )
