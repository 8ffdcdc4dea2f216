"""Pages of identification: runs, the list with its reasons, chart, comparison, approval,
methodologies, and the school card's «Почему школа в списке»."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opora.core import dates
from opora.core.access import Action, has_any
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, export_filename
from opora.core.web import download, errors_to_form, errors_to_messages, paginate
from opora.identification import selectors, services
from opora.identification.choices import QualityStatus, RunStatus
from opora.identification.exports import export_csv, export_name, export_xlsx
from opora.identification.forms import (
    ApproveForm,
    CompareForm,
    ExternalListCompareForm,
    ExternalListFilterForm,
    MethodologyCopyForm,
    MethodologyEditForm,
    QualityForm,
    ReturnForm,
    RunFilterForm,
    RunForm,
)
from opora.identification.imports import EXTERNAL_LIST_IMPORTER, order_label
from opora.identification.list_exports import comparison_xlsx, group_label
from opora.identification.methodology import (
    PARAM_DEFAULTS,
    PARAM_DOCS,
    MethodologyError,
    measure_label,
    option_rows,
    parse_params,
    problem_type_names,
)
from opora.identification.models import ExternalList, IdentificationRun, QualityCheck
from opora.identification.quality import QualityFigures, auc_mean_against
from opora.registry import selectors as registry_selectors
from opora.registry.choices import OrderKind

PAGE_SIZE = 50


def _crumbs(*rest: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": _("Выявление"), "url": reverse("identification:runs")}, *rest]


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    territories = selectors.run_territories(request.user)
    form = None
    if territories.exists():
        form = RunForm(
            request.POST or None,
            territories=territories,
            years=selectors.run_years(),
            versions=selectors.runnable_versions(request.user),
        )
        if request.method == "POST" and form.is_valid():
            try:
                run = services.run_start(
                    territory=form.cleaned_data["territory"],
                    year=form.cleaned_data["year"],
                    version=form.cleaned_data["version"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.info(
                    request, _("Расчёт запущен; страница обновится, когда он закончится.")
                )
                return redirect(run.get_absolute_url())
    elif request.method == "POST":
        raise Http404
    runs = selectors.run_list(request.user)
    return render(
        request,
        "identification/run_list.html",
        {
            "runs": runs[:100],
            "form": form,
            "may_import": has_any(request.user, Action.IMPORT),
            "breadcrumbs": _crumbs({"title": _("Расчёты списков")}),
        },
    )


def _filters(request: HttpRequest, run: IdentificationRun) -> RunFilterForm:
    params = parse_params(run.version.params)
    return RunFilterForm(
        request.GET or None,
        problem_types=problem_type_names(params),
        districts=selectors.run_district_choices(run),
    )


def _filtered(request: HttpRequest, run: IdentificationRun, form: RunFilterForm) -> Any:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.run_schools(
        run,
        request.user,
        status=data.get("status", ""),
        years=data.get("years", ""),
        problem_type=data.get("problem_type", ""),
        territory_id=data.get("territory", ""),
        ownership=data.get("ownership", ""),
        query=data.get("q", ""),
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    form = _filters(request, run)
    items = _filtered(request, run, form)
    page = paginate(request, items, PAGE_SIZE)
    type_names = problem_type_names(parse_params(run.version.params))
    context = {
        "run": run,
        "filter_form": form,
        "page": page,
        "type_names": type_names,
        "query": request.GET.urlencode(),
        "may_change": selectors.may_change(request.user, run),
        "may_approve": selectors.may_approve(request.user, run),
        "approve_form": _approve_form(request, run),
        "return_form": ReturnForm(),
        "compare_form": CompareForm(runs=selectors.run_compare_choices(request.user, run)),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "identification/_run_table.html", context)
    context["breadcrumbs"] = _crumbs({"title": str(run)})
    return render(request, "identification/run_detail.html", context)


@login_required
def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    items = _filtered(request, run, _filters(request, run))
    if fmt == "xlsx":
        return download(export_xlsx(run, items), export_name(run, fmt), XLSX_CONTENT_TYPE)
    if fmt == "csv":
        return download(export_csv(run, items), export_name(run, fmt), CSV_CONTENT_TYPE)
    raise Http404


@login_required
def run_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """«Результаты и контекст»: what a screen can show of the run's schools (`chart_points`);
    `?school=<id>` marks a school (drawn whatever the size of the territory)."""
    run = selectors.run_get(request.user, pk)
    chosen = request.GET.get("school", "")
    highlight = int(chosen) if chosen.isdigit() else None
    data = selectors.chart_points(run, request.user, highlight=highlight)
    return render(
        request,
        "identification/run_chart.html",
        {
            "run": run,
            "data": data,
            **_chart_context(
                run,
                "run-scatter",
                points=data.points,
                grid=data.grid,
                # Beyond the limit the grid stands for the schools not drawn as points.
                cell_count=GRID_OTHERS if data.dense else None,
                highlight=highlight,
            ),
            "regression": run.summary.get("regression", {}),
            "breadcrumbs": _crumbs(
                {"title": str(run), "url": run.get_absolute_url()},
                {"title": _("Результаты и контекст")},
            ),
        },
    )


@login_required
def run_compare(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    other_id = request.GET.get("other", "")
    if not other_id.isdigit():
        messages.error(request, _("Выберите расчёт для сравнения."))
        return redirect(run.get_absolute_url())
    other = selectors.run_get(request.user, int(other_id))
    return render(
        request,
        "identification/run_compare.html",
        {
            "a": run,
            "b": other,
            "diff": selectors.compare_runs(run, other, request.user),
            "breadcrumbs": _crumbs(
                {"title": str(run), "url": run.get_absolute_url()}, {"title": _("Сравнение")}
            ),
        },
    )


def _approve_form(request: HttpRequest, run: IdentificationRun, data: Any = None) -> Any:
    """The approval step: a registered order of the authority of the list's territory (only
    worked out for those who may approve)."""
    user = request.user
    issuer = (
        registry_selectors.authority_of_territory(user, run.territory)
        if run.status == RunStatus.SENT and selectors.may_approve(user, run)
        else None
    )
    return ApproveForm(
        data,
        user=user,
        issuer=issuer,
        kind=OrderKind.IDENTIFICATION,
        initial={"order": run.order_id},
    )


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    user = request.user
    try:
        if action == "send" and selectors.may_change(user, run):
            services.run_send(run=run, user=user)  # type: ignore[arg-type]
            messages.success(request, _("Список отправлен на утверждение."))
        elif action == "recompute" and selectors.may_change(user, run):
            services.run_recompute(run=run, user=user)  # type: ignore[arg-type]
            messages.info(request, _("Пересчёт запущен."))
        elif action == "approve" and selectors.may_approve(user, run):
            form = _approve_form(request, run, request.POST)
            if not form.is_valid():
                raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
            services.run_approve(run=run, user=user, order=form.cleaned_data["order"])  # type: ignore[arg-type]
            messages.success(request, _("Список утверждён и заморожен."))
        elif action == "order-draft" and selectors.may_approve(user, run):
            order = services.run_order_draft(
                run=run,
                issuer=registry_selectors.authority_of_territory(user, run.territory),
                user=user,  # type: ignore[arg-type]
            )
            messages.success(
                request,
                _(
                    "Проект приказа со списком школ подготовлен: скачайте его, подпишите и "
                    "зарегистрируйте, затем утвердите список этим приказом."
                ),
            )
            return redirect(order.get_absolute_url())
        elif action == "return" and selectors.may_approve(user, run):
            services.run_return(run=run, user=user, comment=request.POST.get("comment", ""))  # type: ignore[arg-type]
            messages.success(request, _("Список возвращён на доработку."))
        else:
            raise Http404
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(run.get_absolute_url())


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """While a run is computed its page polls this; it reloads the page when done."""
    run = selectors.run_get(request.user, pk)
    response = render(request, "identification/_run_progress.html", {"run": run})
    if run.status != RunStatus.QUEUED:
        response["HX-Refresh"] = "true"
    return response


# The count of a grid cell (`distribution`) that a chart draws: all its schools (the school
# card), or those not drawn as points (a large territory's scatter page).
GRID_SCHOOLS, GRID_OTHERS = 2, 3


def _chart_context(
    run: IdentificationRun,
    chart_id: str,
    *,
    points: list[Any],
    grid: dict[str, Any],
    cell_count: int | None,
    highlight: int | None,
) -> dict[str, Any]:
    """The chart's template context and data (json_script): its points, the grid's bounds and
    cells (none when `cell_count` is None), the regression line and the thresholds."""
    regression = run.summary.get("regression", {})
    cells = (
        []
        if cell_count is None
        else [[c[0], c[1], c[cell_count]] for c in grid["cells"] if c[cell_count]]
    )
    chart = {
        "points": points,
        "grid": {"bins": grid["bins"], "x": grid["x"], "y": grid["y"], "cells": cells},
        "slope": regression.get("slope"),
        "intercept": regression.get("intercept"),
        "results_cut": run.summary.get("results_cut"),
        "context_cut": run.summary.get("context_cut"),
        "highlight": highlight,
    }
    return {
        "chart_id": chart_id,
        "chart_dense": bool(cells),
        "chart_script": json_script(chart, f"{chart_id}-data", encoder=CompactJSONEncoder),
    }


class CompactJSONEncoder(DjangoJSONEncoder):
    """JSON without spaces and with Cyrillic as is (not as \\u escapes): thousands of school
    names on the scatter page weigh half as much. `json_script` still escapes <, > and &."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "ensure_ascii": False, "separators": (",", ":")})


# --- Methodologies ---------------------------------------------------------------------------


@login_required
def methodology_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identification/methodology_list.html",
        {
            "methodologies": selectors.methodology_list(request.user),
            "breadcrumbs": _crumbs({"title": _("Методики")}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def methodology_detail(request: HttpRequest, pk: int) -> HttpResponse:
    methodology = selectors.methodology_get(request.user, pk)
    versions = selectors.methodology_versions(request.user, methodology)
    if not versions:
        raise Http404
    version = versions[0]
    number = request.GET.get("version", "")
    if number.isdigit():
        version = next((v for v in versions if v.number == int(number)), None)  # type: ignore[assignment]
        if version is None:
            raise Http404
    owners = selectors.methodology_owners(request.user)
    copy_form = MethodologyCopyForm(request.POST or None, owners=owners)
    if request.method == "POST":
        # A copy belongs to one of the user's own organisations: without one, nothing to do.
        if not owners:
            raise Http404
        if copy_form.is_valid():
            try:
                copy = services.methodology_copy(
                    source=methodology,
                    user=request.user,  # type: ignore[arg-type]
                    owner=copy_form.owner(),
                    name=copy_form.cleaned_data["name"],
                    description=copy_form.cleaned_data["description"],
                )
            except ValidationError as exc:
                errors_to_form(copy_form, exc, "name")
            else:
                messages.success(request, _("Копия создана; теперь её можно изменить."))
                return redirect(copy.get_absolute_url())
    try:
        params = parse_params(version.params)
        problems: list[str] = []
    except MethodologyError as exc:
        params, problems = None, exc.problems
    return render(
        request,
        "identification/methodology_detail.html",
        {
            "methodology": methodology,
            "version": version,
            "versions": versions,
            "params": params,
            "problems": problems,
            "scalars": [
                (d, version.params.get(d.name, PARAM_DEFAULTS.get(d.name))) for d in PARAM_DOCS
            ],
            "options": option_rows(version.params),
            "measure_label": measure_label,
            **_named_components(version.params),
            "copy_form": copy_form,
            "may_copy": bool(owners),
            "may_edit": selectors.methodology_may_change(request.user, methodology),
            "breadcrumbs": _crumbs(
                {"title": _("Методики"), "url": reverse("identification:methodologies")},
                {"title": methodology.name},
            ),
        },
    )


def _named_components(params: dict[str, Any]) -> dict[str, Any]:
    """The methodology's lists with catalogue names beside the codes, for reading."""
    names = selectors.catalogue_names()
    assessments, subjects, indicators = (
        names["assessments"],
        names["subjects"],
        names["indicators"],
    )

    def indicator(code: str) -> str:
        return indicators.get(code, code)

    return {
        "results_components": [
            {
                **c,
                "measure_label": measure_label(c.get("measure", "")),
                "assessment_name": assessments.get(c.get("assessment", ""), c.get("assessment")),
                "subject_name": subjects.get(c.get("subject", ""), c.get("subject")),
            }
            for c in params.get("results_components", [])
        ],
        "context_components": [
            {**c, "indicator_name": indicator(c.get("indicator", ""))}
            for c in params.get("context_components", [])
        ],
        "problem_types": [
            {
                **t,
                "conditions": [
                    {**c, "indicator_name": indicator(c.get("indicator", ""))}
                    for c in t.get("conditions", [])
                ],
            }
            for t in params.get("problem_types", [])
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def methodology_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only a methodology whose owner is in the user's reach for changes; never the built-in.
    methodology = selectors.methodology_get(request.user, pk, Action.CHANGE)
    form = MethodologyEditForm(request.POST or None, params=methodology.current.params)
    if request.method == "POST" and form.is_valid():
        try:
            services.methodology_version_create(
                methodology=methodology,
                params=form.params(),
                user=request.user,  # type: ignore[arg-type]
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Сохранена новая версия методики."))
            return redirect(methodology.get_absolute_url())
    return render(
        request,
        "identification/methodology_edit.html",
        {
            "methodology": methodology,
            "form": form,
            "breadcrumbs": _crumbs(
                {"title": _("Методики"), "url": reverse("identification:methodologies")},
                {"title": methodology.name, "url": methodology.get_absolute_url()},
                {"title": _("Изменение")},
            ),
        },
    )


# --- The school card ------------------------------------------------------------------------


# The card's table of assessment results shows the newest this many rows.
SCHOOL_CARD_RESULTS = 60


@card_section("school", order=20, tab="diagnostics")
def school_card(request: HttpRequest, school: Any) -> str:
    """«Почему школа в списке»: the flags with reasons, the years, the place among schools."""
    item = selectors.latest_run_for_school(school, request.user)
    results = selectors.school_results_by_year(school, request.user, limit=SCHOOL_CARD_RESULTS)
    if item is None and not results:
        return ""
    context: dict[str, Any] = {"item": item, "school": school, "results": results}
    if item is not None:
        # A link only to what opens: the whole list is closed to school staff and curators.
        context["run_url"] = (
            item.run.get_absolute_url() if selectors.may_view(request.user, item.run) else ""
        )
        context["type_names"] = problem_type_names(parse_params(item.run.version.params))
        context.update(_school_chart(item, school, bool(context["run_url"])))
    return render_to_string("identification/_school_card.html", context, request=request)


def _school_chart(item: Any, school: Any, run_opens: bool) -> dict[str, Any]:
    """The card's «Место среди школ»: the school's own point over the density of all the run's
    schools (stored with the run), the line and the thresholds — not every school's point, so
    the card weighs the same in a district and in a region."""
    grid = selectors.run_distribution(item.run)
    placed = item.context_index is not None and item.results_index is not None
    point = [
        item.context_index,
        item.results_index,
        selectors.point_group(item),
        item.school_id,
        school.short_name,
    ]
    context = _chart_context(
        item.run,
        "school-scatter",
        points=[point] if placed else [],
        grid=grid,
        cell_count=GRID_SCHOOLS,
        highlight=item.school_id,
    )
    residual = item.residual_z
    context.update(
        {
            "grid": grid,
            "placed": placed,
            "side": "" if residual is None else "below" if residual < 0 else "above",
            "residual_abs": None if residual is None else abs(residual),
            "chart_url": (
                reverse("identification:run-chart", args=[item.run_id]) + f"?school={school.pk}"
                if run_opens and placed
                else ""
            ),
        }
    )
    return context


@card_section("home", order=24)
def home_runs(request: HttpRequest, user: Any) -> str:
    """«Расчёты списков» for analysts: recent, computing and failed runs."""
    runs = selectors.home_runs(user)
    if not runs:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="runs",
            title=_("Расчёты списков школ"),
            items=[
                HomeItem(
                    str(run),
                    run.get_absolute_url(),
                    f"{run.get_status_display()}, {dates.date_ru(run.created_at)}",
                    run.status == RunStatus.FAILED,
                )
                for run in runs
            ],
            all_url=reverse("identification:runs"),
            all_label=_("Все расчёты"),
        ),
    )


@card_section("home", order=35)
def home_runs_to_approve(request: HttpRequest, user: Any) -> str:
    """«Списки ждут утверждения» for the coordinators who approve them."""
    runs = selectors.home_runs_to_approve(user)
    if not runs:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="runs-to-approve",
            title=_("Списки школ ждут утверждения"),
            items=[
                HomeItem(
                    str(run),
                    run.get_absolute_url(),
                    _("рассчитан %(d)s") % {"d": dates.date_ru(run.computed_at)},
                )
                for run in runs
            ],
            all_url=reverse("identification:runs"),
            all_label=_("Все списки"),
        ),
    )


# --- Official lists --------------------------------------------------------------------------

LIST_PAGE_SIZE = 50


@login_required
def external_list_list(request: HttpRequest) -> HttpResponse:
    """Official lists the user may see, by year and territory."""
    form = ExternalListFilterForm(
        request.GET or None,
        years=selectors.external_list_years(request.user),
        territories=selectors.run_territories(request.user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    territory = data.get("territory")
    lists = selectors.external_list_list(
        request.user,
        year=data.get("year"),
        territory_id=territory.pk if territory is not None else None,
    )
    page = paginate(request, lists, LIST_PAGE_SIZE)
    for item in page:
        item.order_text = order_label(item.order_number, item.order_date)
    return render(
        request,
        "identification/external_list_list.html",
        {
            "page": page,
            "filter_form": form,
            "query": request.GET.urlencode(),
            "may_import": selectors.external_list_territories(request.user).exists(),
            "importer_key": EXTERNAL_LIST_IMPORTER,
            "breadcrumbs": _crumbs({"title": _("Официальные списки")}),
        },
    )


def _comparison(request: HttpRequest, external_list: ExternalList) -> dict[str, Any]:
    """The run chosen (default: approved, else newest), the counts and the group's rows."""
    runs = selectors.external_list_runs(request.user, external_list)
    form = ExternalListCompareForm(request.GET or None, runs=runs)
    data = form.cleaned_data if form.is_valid() else {}
    run = data.get("run") or selectors.external_list_default_run(runs)
    if not form.is_bound:
        form = ExternalListCompareForm(initial={"run": run}, runs=runs)
    group = data.get("group", "")
    return {
        "run": run,
        "runs_exist": run is not None,
        "compare_form": form,
        "group": group,
        "counts": selectors.external_list_counts(request.user, external_list, run),
        "schools": selectors.external_list_comparison(
            request.user, external_list, run, group=group
        ),
    }


@login_required
def external_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An official list beside a computed one: counts and the schools of each group."""
    external_list = selectors.external_list_get(request.user, pk)
    context = _comparison(request, external_list)
    page = paginate(request, context.pop("schools"), LIST_PAGE_SIZE)
    outcomes = selectors.external_list_outcomes(request.user, context["run"], list(page))
    rows = [
        {
            "school": school,
            "group": group_label(school.in_official, school.in_computed),
            "in_official": school.in_official,
            "in_computed": school.in_computed,
            "item": outcomes.get(school.pk),
        }
        for school in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "external_list": external_list,
            "order_text": order_label(external_list.order_number, external_list.order_date),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "may_change": selectors.external_list_territories(request.user)
            .filter(pk=external_list.territory_id)
            .exists(),
            "breadcrumbs": _crumbs(
                {"title": _("Официальные списки"), "url": reverse("identification:lists")},
                {"title": str(external_list)},
            ),
        }
    )
    return render(request, "identification/external_list_detail.html", context)


@login_required
def external_list_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The comparison (of the chosen run and group) as XLSX."""
    external_list = selectors.external_list_get(request.user, pk)
    context = _comparison(request, external_list)
    schools = list(context["schools"])
    outcomes = selectors.external_list_outcomes(request.user, context["run"], schools)
    name = export_filename(
        _("Сравнение списков"), external_list.title, external_list.year, extension="xlsx"
    )
    return download(
        comparison_xlsx(external_list, context["run"], schools, outcomes), name, XLSX_CONTENT_TYPE
    )


@login_required
@require_POST
def external_list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an official list: territory roles who may run identification there."""
    external_list = selectors.external_list_get(request.user, pk, Action.CHANGE)
    services.external_list_delete(external_list=external_list, user=request.user)
    messages.success(request, _("Официальный список «%(t)s» удалён.") % {"t": external_list.title})
    return redirect("identification:lists")


# --- Quality of a methodology ----------------------------------------------------------------
# «Качество методики»: request a check from the methodology page, read its figures, compare two.


def _quality_crumbs(check: QualityCheck, *rest: dict[str, Any]) -> list[dict[str, Any]]:
    methodology = check.version.methodology
    return _crumbs(
        {"title": _("Методики"), "url": reverse("identification:methodologies")},
        {"title": methodology.name, "url": methodology.get_absolute_url()},
        *rest,
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_new(request: HttpRequest, pk: int) -> HttpResponse:
    """«Проверить качество» of a methodology's current version on a territory's data."""
    methodology = selectors.methodology_get(request.user, pk)
    territories = selectors.run_territories(request.user)
    if not territories.exists():
        raise Http404
    form = QualityForm(request.POST or None, territories=territories, years=selectors.run_years())
    if request.method == "POST" and form.is_valid():
        try:
            check = services.quality_request(
                user=request.user,  # type: ignore[arg-type]
                version=methodology.current,
                territory=form.cleaned_data["territory"],
                year=form.cleaned_data["year"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.info(
                request, _("Проверка запущена; страница обновится, когда она закончится.")
            )
            return redirect(services.quality_url(check))
    return render(
        request,
        "identification/quality_new.html",
        {
            "methodology": methodology,
            "form": form,
            "breadcrumbs": _crumbs(
                {"title": _("Методики"), "url": reverse("identification:methodologies")},
                {"title": methodology.name, "url": methodology.get_absolute_url()},
                {"title": _("Проверка качества")},
            ),
        },
    )


@login_required
def quality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.quality_check_get(request.user, pk)
    figures = (
        QualityFigures.from_json(check.figures)
        if check.status == QualityStatus.DONE and check.figures
        else None
    )
    return render(
        request,
        "identification/quality_detail.html",
        {
            "check": check,
            "figures": figures,
            "alike": selectors.quality_checks_alike(request.user, check) if figures else [],
            "breadcrumbs": _quality_crumbs(check, {"title": _("Качество методики")}),
        },
    )


@login_required
def quality_status(request: HttpRequest, pk: int) -> HttpResponse:
    """While a check is computed its page polls this; it reloads the page when done."""
    check = selectors.quality_check_get(request.user, pk)
    response = render(request, "identification/_quality_progress.html", {"check": check})
    if check.status != QualityStatus.QUEUED:
        response["HX-Refresh"] = "true"
    return response


# Each compared figure: (key, label, which is better: "high" or "low", what a good value is).
QUALITY_COMPARED = (
    ("stability", _("Устойчивость списка"), "high"),
    ("low_stability", _("Устойчивость ШНОР"), "high"),
    ("auc", _("Прогностическая сила (AUC)"), "high"),
    ("sensitivity_share", _("Чувствительность к порогам (доля списка)"), "low"),
    ("missing_share", _("Школ без индекса результатов (последний год)"), "low"),
)


def _better(a: float | None, b: float | None, rule: str) -> str:
    if a is None or b is None or a == b:
        return ""
    return ("a" if a > b else "b") if rule == "high" else ("a" if a < b else "b")


@login_required
def quality_compare(request: HttpRequest) -> HttpResponse:
    """Two computed checks of the same territory and year side by side."""
    ids = [request.GET.get(key, "") for key in ("a", "b")]
    if not all(i.isdigit() for i in ids):
        raise Http404
    a, b = (selectors.quality_check_get(request.user, int(i)) for i in ids)
    refusal = ""
    rows: list[dict[str, Any]] = []
    if a.territory_id != b.territory_id or a.year != b.year:
        refusal = _(
            "Сравнивать можно только проверки одной территории по одному и тому же последнему "
            "году: у А — %(ta)s, по %(ya)s г., у Б — %(tb)s, по %(yb)s г."
        ) % {"ta": a.territory, "ya": a.year, "tb": b.territory, "yb": b.year}
    elif a.status != QualityStatus.DONE or b.status != QualityStatus.DONE:
        refusal = _("Обе проверки должны быть рассчитаны.")
    else:
        fa, fb = QualityFigures.from_json(a.figures), QualityFigures.from_json(b.figures)
        # The AUC of Б is computed against А's outcome (А's bottom of the single-year index),
        # so that both measure how well each predicts the same thing.
        values_b = {key: getattr(fb, key) for key, _label, _rule in QUALITY_COMPARED}
        values_b["auc"] = auc_mean_against(fb, fa)
        for key, label, rule in QUALITY_COMPARED:
            va, vb = getattr(fa, key), values_b[key]
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "a": va,
                    "b": vb,
                    "better": _better(va, vb, rule),
                    "rule": rule,
                }
            )
        rows.append(
            {
                "key": "list_size",
                "label": _("Школ в списке (последний год)"),
                "a": fa.list_size,
                "b": fb.list_size,
                "better": "",
                "rule": "",
            }
        )
    return render(
        request,
        "identification/quality_compare.html",
        {
            "a": a,
            "b": b,
            "rows": rows,
            "refusal": refusal,
            "bottom_percent": a.figures.get("bottom_percent") if a.figures else None,
            "breadcrumbs": _quality_crumbs(
                a,
                {"title": _("Качество методики"), "url": services.quality_url(a)},
                {"title": _("Сравнение")},
            ),
        },
    )
