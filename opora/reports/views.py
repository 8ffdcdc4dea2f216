"""Pages of the reports: the list, asking for a report, the report (progress, content,
downloads, tracked recommendations), editing and publishing a draft, the Word templates."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opora.core.access import Action
from opora.core.cards import card_section
from opora.core.exports import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from opora.core.jobs import jobs_reap_on_page
from opora.core.web import attachment, download, errors_to_form, errors_to_messages, paginate
from opora.evaluation.selectors import evaluation_programme_list
from opora.reports import selectors, services
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.content import Chart, Paragraph, ReportContent, Table
from opora.reports.forms import (
    ParagraphsForm,
    RecommendationFormSet,
    ReportRequestForm,
    TemplateForm,
    recommendation_initial,
)
from opora.reports.kinds import ReportParams
from opora.reports.region import RegionMeasure, sorted_rows
from opora.reports.render import TEMPLATE_FIELDS, cell_text, chart_png
from opora.support.choices import Addressee


def _crumbs(*items: dict[str, str]) -> list[dict[str, str]]:
    from django.urls import reverse

    return [{"title": _("Отчёты"), "url": reverse("reports:index")}, *items]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """«Отчёты»: the reports the user may open, filtered by kind, year and state."""
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    reports = selectors.report_list(request.user, kind=kind, year=year, status=status)
    return render(
        request,
        "reports/index.html",
        {
            "breadcrumbs": [{"title": _("Отчёты")}],
            "page": paginate(request, reports, selectors.REPORTS_PER_PAGE),
            "may_build": selectors.report_may_build(request.user),
            # The section's other pages, for those who may open them.
            "may_evaluate": evaluation_programme_list(request.user).exists(),
            "may_compare_region": selectors.region_may_view(request.user),
            "kinds": ReportKind.choices,
            "statuses": ReportStatus.choices,
            "years": selectors.report_years(request.user),
            "filters": {"kind": kind, "year": year, "status": status},
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """«Сформировать отчёт»: the kind, its parameters and a template; a build job starts."""
    if not selectors.report_may_build(request.user):
        raise Http404
    form = ReportRequestForm(request.POST or None, user=request.user, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        params = ReportParams(
            kind=data["kind"],
            year=data["year"],
            territory_id=data["territory"].pk if data["territory"] else None,
            school_id=data["school"].pk if data["school"] else None,
            programme_id=data["programme"].pk if data["programme"] else None,
            assessment_id=data["assessment"].pk if data["assessment"] else None,
        )
        try:
            report = services.report_request(
                user=request.user,  # type: ignore[arg-type]
                params=params,
                template=data["template"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Отчёт поставлен в очередь на формирование."))
            return redirect(report)
    return render(
        request,
        "reports/new.html",
        {"form": form, "breadcrumbs": _crumbs({"title": _("Сформировать отчёт")})},
    )


def _blocks(content: ReportContent) -> list[dict[str, Any]]:
    """The content for the page: tables with numbers in Russian, charts as inline PNGs."""
    sections = []
    for section in content.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"kind": "paragraph", "text": block.text})
            elif isinstance(block, Table):
                blocks.append(
                    {
                        "kind": "table",
                        "caption": block.caption,
                        "columns": block.columns,
                        "rows": [[cell_text(v) for v in row] for row in block.rows],
                        "note": block.note,
                    }
                )
            elif isinstance(block, Chart):
                png = base64.b64encode(chart_png(block)).decode("ascii")
                blocks.append({"kind": "chart", "caption": block.caption, "png": png})
        sections.append({"heading": section.heading, "blocks": blocks})
    return sections


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its state and progress while it builds, then its content, downloads and,
    once published, its tracked recommendations."""
    jobs_reap_on_page()
    item = selectors.report_get(request.user, pk)
    content = ReportContent.from_json(item.content) if item.content else None
    newest = selectors.report_newest(request.user, item) if item.data_version else None
    names = services.report_names(content) if content else {}
    addressees = dict(Addressee.choices)
    return render(
        request,
        "reports/report.html",
        {
            "report": item,
            "content": content,
            "sections": _blocks(content) if content else [],
            "recommendations": [
                {
                    "text": r.text,
                    "addressee": addressees.get(r.addressee, r.addressee),
                    "organization": names.get(r.organization_id or 0, ""),
                    "due_on": r.due_on,
                }
                for r in (content.recommendations if content else [])
            ],
            "may_change": selectors.report_may_change(request.user, item),
            "tracked": selectors.report_tracked(request.user, item)
            if item.status == ReportStatus.PUBLISHED
            else [],
            "newest": newest,
            "breadcrumbs": _crumbs({"title": item.title}),
        },
    )


@login_required
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The build's progress (polled by the report page); reloads the page once it ends."""
    jobs_reap_on_page()
    item = selectors.report_get(request.user, pk)
    response = HttpResponse(render_to_string("reports/_build.html", {"report": item}, request))
    if item.status not in selectors.IN_PROGRESS:
        response["HX-Refresh"] = "true"
    return response


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's editable paragraphs and its recommendations (figures are not editable)."""
    item = selectors.report_get(request.user, pk, Action.CHANGE)
    if item.status != ReportStatus.DRAFT:
        messages.error(request, _("Изменять можно только черновик отчёта."))
        return redirect(item)
    content = ReportContent.from_json(item.content)
    paragraphs = ParagraphsForm(request.POST or None, content=content)
    formset = RecommendationFormSet(
        request.POST or None,
        initial=recommendation_initial(content),
        form_kwargs={"user": request.user},
        prefix="r",
    )
    if request.method == "POST" and paragraphs.is_valid() and formset.is_valid():
        # The kept rows in their order (an unchanged extra row is empty and skipped).
        ordered = [
            f.draft() for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.report_content_update(
                user=request.user,  # type: ignore[arg-type]
                report=item,
                texts=paragraphs.texts(),
                recommendations=ordered,
            )
        except ValidationError as error:
            errors_to_form(paragraphs, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(item)
    return render(
        request,
        "reports/edit.html",
        {
            "report": item,
            "paragraphs": paragraphs,
            "formset": formset,
            "breadcrumbs": _crumbs(
                {"title": item.title, "url": item.get_absolute_url()}, {"title": _("Правка")}
            ),
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.report_get(request.user, pk, Action.CHANGE)
    try:
        services.report_publish(user=request.user, report=item)  # type: ignore[arg-type]
    except ValidationError as error:
        errors_to_messages(request, error)
    else:
        messages.success(request, _("Отчёт опубликован, рекомендации поставлены на контроль."))
    return redirect(item)


@login_required
@require_POST
def rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.report_get(request.user, pk, Action.CHANGE)
    try:
        fresh = services.report_rebuild(user=request.user, report=item)  # type: ignore[arg-type]
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect(item)
    messages.success(request, _("Отчёт поставлен в очередь на формирование."))
    return redirect(fresh)


@login_required
def file(request: HttpRequest, pk: int, extension: str) -> HttpResponseBase:
    """The report as Word or PDF: the stored files once published, drawn now for a draft."""
    item = selectors.report_get(request.user, pk)
    if item.status not in (ReportStatus.DRAFT, ReportStatus.PUBLISHED):
        raise Http404
    name = services.report_file_name(item, extension)
    stored = item.docx if extension == "docx" else item.pdf
    if item.status == ReportStatus.PUBLISHED and stored:
        return attachment(stored, name)
    docx, pdf = services.report_files(item)
    if extension == "docx":
        return download(docx, name, DOCX_CONTENT_TYPE)
    return download(pdf, name, PDF_CONTENT_TYPE)


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    """The Word templates of the authorities whose reports the user reads; their own
    organisations' people upload new ones."""
    owners = selectors.template_owner_choices(request.user)
    form = TemplateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        if not owners:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.template_upload(
                    user=request.user,  # type: ignore[arg-type]
                    owner=data["owner"],
                    kind=data["kind"],
                    name=data["name"],
                    file=data["file"],
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Шаблон загружен."))
                return redirect("reports:templates")
    return render(
        request,
        "reports/templates.html",
        {
            # Each authority uploads its own: a page at a time.
            "items": paginate(request, selectors.template_list(request.user), 30),
            "form": form if owners else None,
            "fields": TEMPLATE_FIELDS,
            "changeable": selectors.template_changeable_ids(request.user),
            "breadcrumbs": _crumbs({"title": _("Шаблоны отчётов")}),
        },
    )


@login_required
@require_POST
def template_switch(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get(request.user, pk, Action.CHANGE)
    services.template_switch(
        user=request.user,  # type: ignore[arg-type]
        template=template,
        active=not template.is_active,
    )
    messages.success(request, _("Шаблон включён.") if template.is_active else _("Шаблон отключён."))
    return redirect("reports:templates")


@login_required
def template_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    template = selectors.template_get(request.user, pk)
    return attachment(template.file, template.file_name)


@card_section("home", order=60)
def home_reports(request: HttpRequest, user: object) -> str:
    """«Отчёты в работе»: the analyst's organisation's reports being built or in draft."""
    if not selectors.report_may_build(request.user):
        return ""
    items = list(selectors.reports_in_work(request.user)[:5])
    if not items:
        return ""
    return render_to_string("reports/_home.html", {"items": items}, request)


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


def _region_context(request: HttpRequest, parent: Any) -> dict[str, Any]:
    rows, total = selectors.region_table(request.user, parent)
    rows, sort = sorted_rows(rows, request.GET.get("sort", "name"))
    measure = request.GET.get("measure", "")
    if measure not in RegionMeasure.values:
        measure = RegionMeasure.ON_TIME
    return {
        "parent": parent,
        "rows": rows,
        "total": total,
        "sort": sort,
        "columns": _REGION_COLUMNS,
        "measure": measure,
        "measures": RegionMeasure.choices,
        "measure_label": RegionMeasure(measure).label,
        "tiles": [(row, getattr(row, measure), row.light(measure)) for row in rows],
    }


@login_required
def region(request: HttpRequest) -> HttpResponse:
    """«Регион»: the region's municipalities side by side (the municipalities in reach)."""
    parent = selectors.region_root(request.user)
    context = _region_context(request, parent)
    context["breadcrumbs"] = [
        {"title": _("Отчёты"), "url": reverse("reports:index")},
        {"title": _("Регион")},
    ]
    return render(request, "reports/region.html", context)


@login_required
def region_territory(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's districts and settlements by the same measures."""
    parent = selectors.region_territory_get(request.user, pk)
    context = _region_context(request, parent)
    context["drill"] = True
    context["breadcrumbs"] = [
        {"title": _("Отчёты"), "url": reverse("reports:index")},
        {"title": _("Регион"), "url": reverse("reports:region")},
        {"title": parent.name},
    ]
    return render(request, "reports/region.html", context)


@card_section("home", order=15)
def home_region(request: HttpRequest, user: Any) -> str:
    """The regional coordinator's home card: the municipalities with their traffic lights."""
    from opora.core.access import user_roles
    from opora.core.choices import Role

    if not (user.is_superuser or Role.REGIONAL_COORDINATOR in user_roles(user)):
        return ""
    rows, _total = selectors.region_table(user, selectors.region_root(user))
    return render_to_string(
        "reports/region_home.html",
        {"rows": rows, "measures": RegionMeasure.choices},
        request=request,
    )
