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


# --- region ---
from typing import Any as _Any  # noqa: E402

from django.template.loader import render_to_string as _render_to_string  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402

from opora.core.cards import card_section as _card_section  # noqa: E402
from opora.reports import selectors as _selectors  # noqa: E402
from opora.reports.region import RegionMeasure as _RegionMeasure  # noqa: E402
from opora.reports.region import sorted_rows as _sorted_rows  # noqa: E402

_REGION_COLUMNS = [
    ("name", _("Территория")),
    ("schools", _("Школ")),
    ("supported", _("В программе")),
    ("listed", _("В списке")),
    ("entered", _("Вошли")),
    ("left", _("Вышли")),
    ("on_time", _("Мероприятия в срок")),
    ("indicators", _("Показатели достигли цели")),
    ("engagement", _("Вовлечённость")),
]


def _region_context(request: HttpRequest, parent: _Any) -> dict[str, _Any]:
    rows, total = _selectors.region_table(request.user, parent)
    rows, sort = _sorted_rows(rows, request.GET.get("sort", "name"))
    measure = request.GET.get("measure", "")
    if measure not in _RegionMeasure.values:
        measure = _RegionMeasure.ON_TIME
    return {
        "parent": parent,
        "rows": rows,
        "total": total,
        "sort": sort,
        "columns": _REGION_COLUMNS,
        "measure": measure,
        "measures": _RegionMeasure.choices,
        "measure_label": _RegionMeasure(measure).label,
        "tiles": [(row, getattr(row, measure), row.light(measure)) for row in rows],
    }


@login_required
def region(request: HttpRequest) -> HttpResponse:
    """«Регион»: the region's municipalities side by side (the municipalities in reach)."""
    parent = _selectors.region_root(request.user)
    context = _region_context(request, parent)
    context["breadcrumbs"] = [
        {"title": _("Отчёты"), "url": _reverse("reports:index")},
        {"title": _("Регион")},
    ]
    return render(request, "reports/region.html", context)


@login_required
def region_territory(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's districts and settlements by the same measures."""
    parent = _selectors.region_territory_get(request.user, pk)
    context = _region_context(request, parent)
    context["drill"] = True
    context["breadcrumbs"] = [
        {"title": _("Отчёты"), "url": _reverse("reports:index")},
        {"title": _("Регион"), "url": _reverse("reports:region")},
        {"title": parent.name},
    ]
    return render(request, "reports/region.html", context)


@_card_section("home", order=15)
def home_region(request: HttpRequest, user: _Any) -> str:
    """The regional coordinator's home card: the municipalities with their traffic lights."""
    from opora.core.access import user_roles
    from opora.core.choices import Role

    if not (user.is_superuser or Role.REGIONAL_COORDINATOR in user_roles(user)):
        return ""
    rows, _total = _selectors.region_table(user, _selectors.region_root(user))
    return _render_to_string(
        "reports/region_home.html",
        {"rows": rows, "measures": _RegionMeasure.choices},
        request=request,
    )
