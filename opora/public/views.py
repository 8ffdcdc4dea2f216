"""The public site (/public/): pages without an account, read through `public.selectors`
(published, aggregated data only), cached and flood-limited (`public.cache`); and the
publication switches for the logged-in coordinator and director, on the programme page and
the school card."""

from __future__ import annotations

import datetime
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import dates
from opora.core.access import Action, can
from opora.core.cards import card_section
from opora.core.exports import CSV_CONTENT_TYPE, csv_bytes, export_filename
from opora.core.web import attachment, download, errors_to_form, errors_to_messages, paginate
from opora.events.feeds import calendar_ics
from opora.public import selectors, services
from opora.public.cache import flood_limited, public_page
from opora.public.forms import ProgrammePublicationForm
from opora.public.suppression import DASH, min_count
from opora.registry import selectors as registry_selectors
from opora.registry.models import Organization, Programme
from opora.roadmaps import selectors as roadmap_selectors

# Open events of a month and published practices grow with the territory: a page at a time.
PAGE_SIZE = 30


def _context(**extra: Any) -> dict[str, Any]:
    return {"min_count": min_count(), **extra}


# --- Index, authority -------------------------------------------------------------------------


@require_GET
@public_page
def index(request: HttpRequest) -> HttpResponse:
    authorities = selectors.authority_list()
    if len(authorities) == 1:
        return redirect("public:authority", authorities[0].pk)
    return render(
        request,
        "public/index.html",
        _context(authorities=authorities, title=_("Публичные страницы")),
    )


@require_GET
@public_page
def authority(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.authority_get(pk)
    return render(
        request,
        "public/authority.html",
        _context(
            authority=org,
            title=org.name,
            programmes=selectors.authority_programmes(org),
            events=selectors.events_upcoming(org, timezone.now()),
            practices=selectors.practices_public(authority=org)[:6],
        ),
    )


# --- Programme, its roadmap, school roadmaps -----------------------------------------------------


@require_GET
@public_page
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.programme_public_get(pk)
    roadmap = selectors.programme_roadmap(item)
    widget_url = request.build_absolute_uri(reverse("public:widget", args=[item.pk]))
    return render(
        request,
        "public/programme.html",
        _context(
            authority=item.owner,
            programme=item,
            publication=selectors.publication_of(item),
            order=selectors.programme_order(item),
            progress=selectors.roadmap_progress(roadmap, dates.today()) if roadmap else None,
            school_roadmaps=selectors.school_roadmaps_published(item),
            schools=selectors.programme_schools(item),
            widget_url=widget_url,
            title=item.name,
        ),
    )


@require_GET
@flood_limited
def programme_order_file(request: HttpRequest, pk: int) -> FileResponse:
    order = selectors.programme_order_get(pk)
    return attachment(order.file, order.file_name or export_filename(order.title, extension="pdf"))


@require_GET
@public_page
def roadmap(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.roadmap_public_get(pk)
    return render(
        request,
        "public/roadmap.html",
        _context(
            roadmap=item,
            programme_public=selectors.programme_is_public(item.programme),
            progress=selectors.roadmap_progress(item, dates.today()),
            title=item.title,
        ),
    )


# --- Results and open data ------------------------------------------------------------------


@require_GET
@public_page
def results(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.programme_public_get(pk)
    return render(
        request,
        "public/results.html",
        _context(
            authority=item.owner,
            programme=item,
            indicators=selectors.programme_indicator_results(item),
            identification=selectors.programme_identification(item),
            title=_("Результаты: %(name)s") % {"name": item.name},
        ),
    )


DATASETS = {
    "indicators": _("Показатели программы"),
    "identification": _("Итоги отбора школ по районам"),
    "schools": _("Школы программы по районам"),
}

FIELDS = {
    "indicators": [
        ("Номер", _("номер показателя в программе")),
        ("Показатель", _("наименование показателя")),
        ("Единица", _("единица измерения")),
        ("Контрольная точка", _("название контрольной точки мониторинга")),
        ("Учебный год", _("учебный год контрольной точки, например 2024/25")),
        ("Значение", _("значение по программе; «—» — менее N школ, не показывается")),
        ("Целевое значение", _("цель программы на этот учебный год")),
        ("Школ", _("сколько школ представили значение; «—» — менее N")),
    ],
    "identification": [
        ("Район", _("район (территория) школ")),
        (
            "Категория…",
            _(
                "число школ категории в районе; «—» — менее N или скрыто, чтобы скрытое "
                "нельзя было вычислить по итогу"
            ),
        ),
        ("Всего", _("все школы района, по которым есть итог отбора")),
    ],
    "schools": [
        ("Район", _("район (территория) школ")),
        ("Школ", _("число школ программы в районе; «—» — менее N или скрыто")),
    ],
}


def _cell(value: Any) -> Any:
    return DASH if value is None else value


def _dataset_rows(item: Programme, name: str) -> list[list[Any]]:
    if name == "indicators":
        rows: list[list[Any]] = [[str(title) for title, _d in FIELDS["indicators"]]]
        for result in selectors.programme_indicator_results(item):
            for point in result.points:
                rows.append(
                    [
                        result.number,
                        result.name,
                        result.unit,
                        point.checkpoint,
                        point.year,
                        _cell(point.value),
                        _cell(point.target),
                        _cell(point.schools),
                    ]
                )
        return rows
    if name == "identification":
        summary = selectors.programme_identification(item)
        if summary is None:
            return [[str(_("Район")), str(_("Всего"))]]
        rows = [[str(_("Район")), *summary.categories, str(_("Всего"))]]
        for district, shown in zip(summary.districts, summary.table.rows_shown(), strict=True):
            rows.append([district, *[_cell(v) for v in shown]])
        rows.append([str(_("Всего")), *[_cell(v) for v in summary.table.totals_shown()]])
        return rows
    schools = selectors.programme_schools(item)
    rows = [[str(_("Район")), str(_("Школ"))]]
    for district, shown in zip(schools.districts, schools.table.rows_shown(), strict=True):
        rows.append([district, _cell(shown[-1])])
    rows.append([str(_("Всего")), _cell(schools.table.totals_shown()[-1])])
    return rows


@require_GET
@public_page
def dataset(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    item = selectors.programme_public_get(pk)
    if name not in DATASETS:
        raise Http404
    return download(
        csv_bytes(_dataset_rows(item, name)),
        export_filename(DATASETS[name], item.name, extension="csv"),
        CSV_CONTENT_TYPE,
    )


@require_GET
@public_page
def dataset_fields(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    selectors.programme_public_get(pk)
    if name not in DATASETS:
        raise Http404
    minimum = str(min_count())
    rows = [[str(_("Поле")), str(_("Что означает"))]]
    rows += [[field, str(text).replace("N", minimum)] for field, text in FIELDS[name]]
    return download(
        csv_bytes(rows),
        export_filename(DATASETS[name], _("описание полей"), extension="csv"),
        CSV_CONTENT_TYPE,
    )


# --- Widget -----------------------------------------------------------------------------


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": settings.OPORA_PUBLIC_FRAME_ANCESTORS})
@public_page
def widget(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.programme_public_get(pk)
    roadmap = selectors.programme_roadmap(item)
    return render(
        request,
        "public/widget.html",
        _context(
            programme=item,
            progress=selectors.roadmap_progress(roadmap, dates.today()) if roadmap else None,
            indicators=selectors.programme_indicator_results(item),
            title=item.name,
        ),
    )


# --- Open events ---------------------------------------------------------------------------


def _month(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return dates.today().replace(day=1)


@require_GET
@public_page
def events(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.authority_get(pk)
    month = _month(request)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(following, datetime.time.min, tzinfo=zone)
    return render(
        request,
        "public/events.html",
        _context(
            authority=org,
            month=month,
            previous=previous,
            following=following,
            # The page number is in the address, so in the public cache's key.
            events=paginate(
                request, selectors.events_public(authority=org, start=start, end=end), PAGE_SIZE
            ),
            title=_("Открытые мероприятия"),
        ),
    )


@require_GET
@public_page
def events_ics(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.authority_get(pk)
    since = timezone.now() - datetime.timedelta(days=90)
    data = calendar_ics(
        selectors.events_public(authority=org, start=since),
        request,
        link=lambda event: reverse("public:event", args=[event.pk]),
        name=_("Открытые мероприятия: %(name)s") % {"name": org.short_name},
    )
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")


@require_GET
@public_page
def event(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.event_public_get(pk)
    return render(
        request,
        "public/event.html",
        _context(event=item, title=item.title),
    )


@require_GET
@flood_limited
def event_programme_file(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.event_programme_get(pk)
    return attachment(item.programme_file, item.programme_name or "programme")


# --- Published practices -------------------------------------------------------------------


@require_GET
@public_page
def practices(request: HttpRequest) -> HttpResponse:
    filters = selectors.PracticeFilters(
        problem=request.GET.get("problem", ""),
        risk=request.GET.get("risk", ""),
        subject=request.GET.get("subject", ""),
    )
    return render(
        request,
        "public/practices.html",
        _context(
            practices=paginate(request, selectors.practices_public(filters), PAGE_SIZE),
            filters=filters,
            choices=selectors.practice_filter_choices(),
            title=_("Практики"),
        ),
    )


@require_GET
@public_page
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.practice_public_get(pk)
    return render(
        request,
        "public/practice.html",
        _context(
            practice=item,
            labels=selectors.practice_labels(item),
            materials=selectors.practice_materials(item),
            title=item.title,
        ),
    )


@require_GET
@flood_limited
def practice_material(request: HttpRequest, pk: int) -> FileResponse:
    material = selectors.practice_material_public_get(pk)
    return attachment(material.file, material.file_name or material.title)


# --- Publication switches (logged in) -------------------------------------------------------


@card_section("programme", order=90)
def programme_card(request: HttpRequest, programme: Programme) -> str:
    publication = selectors.programme_publication_or_new(programme)
    return render_to_string(
        "public/_programme_card.html",
        {
            "programme": programme,
            "publication": publication,
            "may_change": can(request.user, Action.CHANGE, programme.owner),
        },
        request=request,
    )


@card_section("school", order=80, tab="roadmap")
def school_card(request: HttpRequest, school: Organization) -> str:
    """«Публикация программ школы»: the school's roadmaps the user may publish or withdraw."""
    # Decided from the reach: nothing is asked of the database of those who may not change
    # the school's roadmaps.
    roadmaps = selectors.roadmaps_with_publication(
        roadmap_selectors.school_roadmaps(request.user, school, Action.CHANGE)
    )
    if not roadmaps:
        return ""
    return render_to_string(
        "public/_school_card.html",
        {"school": school, "roadmaps": roadmaps},
        request=request,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_publication(request: HttpRequest, pk: int) -> HttpResponse:
    item = registry_selectors.programme_get(request.user, pk, Action.CHANGE)
    publication = selectors.programme_publication_or_new(item)
    form = ProgrammePublicationForm(request.POST or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_publication_save(
                programme=item,
                user=request.user,  # type: ignore[arg-type]
                is_public=form.cleaned_data["is_public"],
                show_school_names=form.cleaned_data["show_school_names"],
                intro=form.cleaned_data["intro"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Настройки публичных страниц сохранены."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "public/programme_publication.html",
        {
            "form": form,
            "programme": item,
            "title": _("Публичные страницы программы"),
            "breadcrumbs": [
                {"title": _("Программы"), "url": reverse("registry:programmes")},
                {"title": item.name, "url": item.get_absolute_url()},
                {"title": _("Публичные страницы")},
            ],
        },
    )


@login_required
@require_POST
def roadmap_publication(request: HttpRequest, pk: int) -> HttpResponse:
    item = roadmap_selectors.roadmap_get(request.user, pk, Action.CHANGE)
    try:
        if request.POST.get("publish") == "1":
            services.roadmap_publish(roadmap=item, user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Программа школы опубликована на публичных страницах."))
        else:
            services.roadmap_unpublish(roadmap=item, user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Программа школы снята с публичных страниц."))
    except ValidationError as error:
        errors_to_messages(request, error)
    if item.school_id:
        return redirect(
            reverse("registry:school-tab", args=[item.school_id, "roadmap"]) + "#public"
        )
    return redirect(item.get_absolute_url())
