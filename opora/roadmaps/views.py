"""Roadmap pages: the programme's roadmaps, creating one from a template or a file (with the
preview), a roadmap and its exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opora.core.access import get_for_user
from opora.core.cards import card_section
from opora.registry import selectors as registry_selectors
from opora.registry.models import Programme
from opora.roadmaps import selectors
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.exports import export_docx, export_xlsx
from opora.roadmaps.forms import RoadmapFromTemplateForm, RoadmapUploadForm, draft_from_post
from opora.roadmaps.models import RoadmapUpload
from opora.roadmaps.readers import ReadError
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.services import (
    roadmap_create,
    roadmap_upload_create,
    roadmap_upload_save,
    upload_draft,
)

EXPORTS = {
    "docx": (
        export_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@card_section("programme", order=10)
def programme_card(request: HttpRequest, programme: Programme) -> str:
    context = {
        "programme": programme,
        "roadmaps": selectors.programme_roadmaps(request.user, programme),
        "may_create": selectors.may_create_roadmap(request.user, programme),
    }
    return render_to_string("roadmaps/_programme_card.html", context, request=request)


def _programme_for_creation(request: HttpRequest, pk: int) -> Programme:
    programme = registry_selectors.programme_get(request.user, pk)
    if not selectors.may_create_roadmap(request.user, programme):
        raise Http404
    return programme


def _crumbs(programme: Programme, title: str) -> list[dict[str, str]]:
    return [
        {"title": programme.name, "url": programme.get_absolute_url()},
        {"title": title},
    ]


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_from_template(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_for_creation(request, programme_pk)
    form = RoadmapFromTemplateForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        draft = seed_template_draft(form.cleaned_data["template"])
        draft.title = form.cleaned_data["title"].strip() or draft.title
        roadmap = roadmap_create(
            programme=programme,
            school=form.cleaned_data["school"],
            kind=RoadmapKind(form.cleaned_data["kind"]),
            draft=draft,
            user=request.user,  # type: ignore[arg-type]
            source=_("шаблон «%(name)s»") % {"name": draft.title},
        )
        messages.success(request, _("Дорожная карта создана из шаблона."))
        return redirect(roadmap.get_absolute_url())
    title = _("Дорожная карта из шаблона")
    return render(
        request,
        "roadmaps/roadmap_form.html",
        {
            "form": form,
            "programme": programme,
            "title": title,
            "breadcrumbs": _crumbs(programme, title),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_upload(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = _programme_for_creation(request, programme_pk)
    form = RoadmapUploadForm(
        request.POST or None, request.FILES or None, user=request.user, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = roadmap_upload_create(
                programme=programme,
                school=form.cleaned_data["school"],
                kind=RoadmapKind(form.cleaned_data["kind"]),
                data=upload.read(),
                file_name=upload.name,
                user=request.user,  # type: ignore[arg-type]
            )
        except ReadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("roadmaps:upload", pk=saved.pk)
    title = _("Дорожная карта из файла Word или Excel")
    return render(
        request,
        "roadmaps/roadmap_form.html",
        {
            "form": form,
            "programme": programme,
            "title": title,
            "multipart": True,
            "breadcrumbs": _crumbs(programme, title),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_for_user(
        RoadmapUpload.objects.select_related("programme", "school"), request.user, pk
    )
    if upload.roadmap_id is not None:
        return redirect("roadmaps:roadmap", pk=upload.roadmap_id)
    recognised = upload_draft(upload)
    draft = recognised
    errors: list[str] = []
    if request.method == "POST":
        draft = draft_from_post(request.POST, recognised)
        try:
            roadmap = roadmap_upload_save(
                upload=upload,
                draft=draft,
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Дорожная карта сохранена."))
            return redirect(roadmap.get_absolute_url())
    empty_text = {id(a) for a in draft.activities if not a.text.strip()}
    rows: list[dict[str, Any]] = []
    index = 0
    for s_index, section in enumerate(draft.sections):
        rows.append({"section": section, "index": s_index})
        for activity in section.activities:
            rows.append({"activity": activity, "index": index, "empty": id(activity) in empty_text})
            index += 1
    title = _("Проверка распознанной дорожной карты")
    return render(
        request,
        "roadmaps/upload_preview.html",
        {
            "upload": upload,
            "draft": draft,
            "rows": rows,
            "errors": errors,
            "warnings": [p for p in recognised.problems if not p.error],
            "recognition_errors": [p for p in recognised.problems if p.error],
            "title": title,
            "breadcrumbs": _crumbs(upload.programme, title),
        },
    )


@login_required
@require_GET
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    return render(
        request,
        "roadmaps/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "sections": selectors.roadmap_sections(roadmap),
            "may_change": selectors.may_change_roadmap(request.user, roadmap),
            "breadcrumbs": _crumbs(roadmap.programme, roadmap.title[:80]),
        },
    )


@login_required
@require_GET
def roadmap_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    if fmt not in EXPORTS:
        raise Http404
    export, content_type = EXPORTS[fmt]
    draft = selectors.roadmap_draft(roadmap)
    if roadmap.order_number and roadmap.order_date:
        draft.approval = _("приказом от %(d)s № %(n)s") % {
            "d": roadmap.order_date.strftime("%d.%m.%Y"),
            "n": roadmap.order_number,
        }
        draft.authority = roadmap.programme.owner.name
    response = HttpResponse(export(draft), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roadmap-{roadmap.pk}.{fmt}"'
    return response
