"""Core pages: home, placeholders of coming capabilities, jobs, history, the import wizard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opora.core import hooks, selectors
from opora.core.access import Action, own_organizations, reach
from opora.core.audit import object_history
from opora.core.cards import card_sections
from opora.core.choices import ImportStatus
from opora.core.exports import (
    XLSX_CONTENT_TYPE,
    export_filename,
    sheet_header,
    workbook_bytes,
    workbook_new,
)
from opora.core.forms import ImportColumnsForm, ImportUploadForm
from opora.core.imports.base import Importer, get_importer
from opora.core.imports.selectors import (
    import_mapping_list,
    import_upload_get,
    import_upload_list,
)
from opora.core.imports.services import (
    CHECK_IN_REQUEST_MAX_ROWS,
    import_preview,
    import_upload_commit,
    import_upload_create,
    import_upload_set_columns,
)
from opora.core.jobs import job_restart, jobs_reap_on_page
from opora.core.models import ImportUpload
from opora.core.notifications import notification_read, notifications_read_all
from opora.core.web import download, errors_to_form, errors_to_messages, paginate


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where work starts: each role's cards of what to do (the apps' `@card_section("home")`),
    the user's own jobs and, for those who oversee a territory, the counts of what they reach."""
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "summary": hooks.home_summary.call(user),
            "home_sections": card_sections("home", request, user),
            "jobs": selectors.home_jobs(user),
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The bell's page: the user's notices, newest first, unread ones marked."""
    page = paginate(request, selectors.notification_list(request.user), 30)
    return render(
        request,
        "core/notification_list.html",
        {"page": page, "breadcrumbs": [{"title": _("Уведомления")}]},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice marks it read and goes where it points (a page of this site only)."""
    notice = selectors.notification_get(request.user, pk)
    notification_read(notification=notice)
    if notice.url and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.url)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all_view(request: HttpRequest) -> HttpResponse:
    """«Отметить всё прочитанным»."""
    if notifications_read_all(user=request.user):
        messages.success(request, _("Все уведомления отмечены прочитанными."))
    return redirect("core:notifications")


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs_reap_on_page()  # nobody waits on a job whose worker died
    page = paginate(request, selectors.job_list(request.user), 30)
    return render(
        request,
        "core/job_list.html",
        {"page": page, "breadcrumbs": [{"title": _("Фоновые задачи")}]},
    )


def _job_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    jobs_reap_on_page()
    job = selectors.job_get(request.user, pk)
    return {
        "job": job,
        "upload": selectors.job_upload(job),
        "may_restart": selectors.job_restart_allowed(request.user, job),
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _job_context(request, pk)
    context["breadcrumbs"] = [
        {"title": _("Фоновые задачи"), "url": reverse("core:jobs")},
        {"title": context["job"].title},
    ]
    return render(request, "core/job_detail.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's live part, polled by HTMX until the job finishes."""
    return render(request, "core/_job_status.html", _job_context(request, pk))


@login_required
@require_POST
def job_restart_view(request: HttpRequest, pk: int) -> HttpResponse:
    """«Запустить снова»: the same work with the same parameters, for the job's owner."""
    job = selectors.job_get(request.user, pk, Action.CHANGE)
    try:
        job_restart(job=job, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Задача поставлена в очередь снова."))
    return redirect("core:job", job.pk)


@login_required
def history(request: HttpRequest, content_type_id: int, pk: str) -> HttpResponse:
    obj = selectors.history_object_get(request.user, content_type_id, pk)
    items = object_history(obj)
    # A school's card is its organisation and its profile: one history for both.
    profile = getattr(obj, "school", None) if obj._meta.model_name == "organization" else None
    if profile is not None:
        items = sorted(items + object_history(profile), key=lambda i: i.at, reverse=True)
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return render(
        request,
        "core/history.html",
        {
            "object": obj,
            # A page of the newest changes (the history of a long-lived object is long).
            "items": paginate(request, items, 50),
            "breadcrumbs": [{"title": str(obj), "url": url}, {"title": _("История изменений")}],
        },
    )


def _importer_for(request: HttpRequest, key: str) -> Importer:
    try:
        importer = get_importer(key)
    except LookupError as exc:
        raise Http404 from exc
    if not importer.may_import(request.user):
        raise Http404
    return importer


def _upload_for(request: HttpRequest, pk: int) -> tuple[ImportUpload, Importer]:
    upload = import_upload_get(request.user, pk)
    return upload, _importer_for(request, upload.importer)


def _import_crumbs(importer: Importer, *rest: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": importer.title, "url": reverse("core:import", args=[importer.key])}, *rest]


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, key: str) -> HttpResponse:
    importer = _importer_for(request, key)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        importer=importer,
        mappings=import_mapping_list(request.user, importer.key),
    )
    if request.method == "POST" and form.is_valid():
        try:
            upload = import_upload_create(
                importer_key=importer.key,
                uploaded=form.cleaned_data["file"],
                user=request.user,
                mapping=form.cleaned_data["mapping"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc, "file")
        else:
            return redirect("core:import-columns", upload.pk)
    recent = paginate(
        request, import_upload_list(request.user, importer.key), 10, page_field="uploads"
    )
    return render(
        request,
        "core/import_start.html",
        {
            "importer": importer,
            "form": form,
            "recent": recent,
            "breadcrumbs": _import_crumbs(importer, {"title": _("Загрузка файла")}),
        },
    )


@login_required
def import_template(request: HttpRequest, key: str) -> HttpResponse:
    """An empty XLSX with the importer's columns as headers: a file the wizard recognises."""
    importer = _importer_for(request, key)
    book, sheet = workbook_new(str(importer.title))
    labels = [str(column.label) for column in importer.columns]
    sheet_header(sheet, labels, widths=[max(14, len(label) + 2) for label in labels])
    name = export_filename(_("Шаблон загрузки"), importer.title, extension="xlsx")
    return download(workbook_bytes(book), name, XLSX_CONTENT_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    upload, importer = _upload_for(request, pk)
    form = ImportColumnsForm(
        request.POST or None,
        importer=importer,
        headers=upload.headers,
        initial_columns=upload.columns,
        initial_options=upload.options,
        territories=hooks.import_territories.call(request.user).order_by("path"),
        territory_everything=reach(request.user, Action.IMPORT).everything,
        owners=own_organizations(request.user, Action.IMPORT),
        initial_owner=upload.mapping.owner if upload.mapping is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            import_upload_set_columns(
                upload=upload,
                columns=form.columns(),
                user=request.user,
                save_as=form.cleaned_data["save_as"],
                options=form.options(),
                owner=form.owner_choice(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("core:import-preview", upload.pk)
    return render(
        request,
        "core/import_columns.html",
        {
            "importer": importer,
            "upload": upload,
            "form": form,
            "check_limit": CHECK_IN_REQUEST_MAX_ROWS,
            "breadcrumbs": _import_crumbs(importer, {"title": _("Сопоставление столбцов")}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload, importer = _upload_for(request, pk)
    if not upload.columns:
        return redirect("core:import-columns", upload.pk)
    if upload.status == ImportStatus.DONE and upload.job_id:
        # Saved: what the file did is on its job's page; a fresh check would only say
        # what it «would» create, about rows that are in the registry by now.
        return redirect("core:job", upload.job_id)
    try:
        preview = import_preview(upload=upload, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("core:import", importer.key)
    if request.method == "POST":
        if preview.validation is not None and not preview.validation.is_valid:
            messages.error(request, _("В файле есть ошибки; ничего не сохранено."))
        else:
            job = import_upload_commit(upload=upload, user=request.user)
            return redirect("core:job", job.pk)
    header_by_key = {c.key: upload.columns.get(c.key, "") for c in importer.columns}
    shown_columns = [c for c in importer.columns if header_by_key[c.key]]
    return render(
        request,
        "core/import_preview.html",
        {
            "importer": importer,
            "upload": upload,
            "preview": preview,
            "check_limit": CHECK_IN_REQUEST_MAX_ROWS,
            "columns": shown_columns,
            "rows": [
                [row.values.get(c.key, "") for c in shown_columns] + [row.number]
                for row in preview.rows
            ],
            "breadcrumbs": _import_crumbs(importer, {"title": _("Проверка")}),
        },
    )


@login_required
def bench_trivial(request: HttpRequest) -> HttpResponse:
    """The floor of `opora bench load`: a signed-in request through every middleware that does
    nothing else. Routed only when OPORA_BENCH_TRIVIAL is on (the bench's server), never in
    production."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
