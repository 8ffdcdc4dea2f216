"""Roadmap pages: the programme's roadmaps, creating one from a template or a file (with the
preview), a roadmap and its exports."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import dates
from opora.core.access import Action
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.files import EvidenceUpload
from opora.core.web import (
    attachment,
    choice_labels,
    download,
    errors_to_form,
    paginate,
    truncated,
    url_per_pk,
)
from opora.registry import selectors as registry_selectors
from opora.registry.models import Programme, full_name
from opora.roadmaps import selectors
from opora.roadmaps.choices import (
    ActivityStatus,
    EvidenceKind,
    PreviewRowKind,
    ReportOutcome,
    RoadmapKind,
    RoadmapStatus,
    ScheduleKind,
)
from opora.roadmaps.constructor import (
    Selection,
    draft_from_measures,
    proposal_by_section,
    propose,
    selection_add_risk_profile,
    selection_from_identification,
    why,
)
from opora.roadmaps.diff import roadmap_diff
from opora.roadmaps.drafts import (
    DraftRoadmap,
    draft_rows,
    rows_draft,
    rows_movable,
    rows_move,
)
from opora.roadmaps.execution import report_submit, reportable_activity_get
from opora.roadmaps.exports import EXPORTS, PdfFontMissing, export_name
from opora.roadmaps.extensions import evidence_for, report_links_for, suggestions_for
from opora.roadmaps.forms import (
    ActivityForm,
    CommentForm,
    ConstructorForm,
    ReportForm,
    RoadmapFromTemplateForm,
    RoadmapUploadForm,
    TransitionForm,
    preview_rows_from_post,
)
from opora.roadmaps.library import SECTIONS
from opora.roadmaps.models import Roadmap, level_labels
from opora.roadmaps.readers import ReadError
from opora.roadmaps.schedule import describe, parse_schedule
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.services import (
    EDITABLE,
    TRANSITIONS,
    activity_delete,
    activity_save,
    review_comment_add,
    roadmap_create,
    roadmap_order_draft,
    roadmap_transition,
    roadmap_upload_create,
    roadmap_upload_save,
    transitions_for,
    upload_draft,
)
from opora.surveys.selectors import risk_profile_latest


@card_section("programme", order=10)
def programme_card(request: HttpRequest, programme: Programme) -> str:
    context = {
        "programme": programme,
        "roadmaps": selectors.programme_roadmaps(request.user, programme),
        "may_create": selectors.may_create_roadmap(request.user, programme),
    }
    return render_to_string("roadmaps/_programme_card.html", context, request=request)


def _crumbs(programme: Programme, title: str) -> list[dict[str, str]]:
    return [
        {"title": programme.name, "url": programme.get_absolute_url()},
        {"title": title},
    ]


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_from_template(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = selectors.programme_for_roadmaps(request.user, programme_pk)
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
    programme = selectors.programme_for_roadmaps(request.user, programme_pk)
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
    """The recognised file as rows to check: each row may be turned into a section, an
    activity or left out, edited, or moved into the previous section. «Применить» shows
    the corrected rows again; saving is refused only while rows are still wrong."""
    upload = selectors.roadmap_upload_get(request.user, pk)
    if upload.roadmap_id is not None:
        return redirect("roadmaps:roadmap", pk=upload.roadmap_id)
    recognised = upload_draft(upload)
    rows = draft_rows(recognised)
    recognised_kinds = [row.kind for row in rows]
    title = recognised.title
    errors: list[str] = []
    if request.method == "POST":
        rows, moves = preview_rows_from_post(request.POST, rows)
        rows = rows_move(rows, moves)
        title = request.POST.get("title", "").strip()
        if request.POST.get("action") != "apply":
            try:
                roadmap = roadmap_upload_save(
                    upload=upload,
                    draft=rows_draft(rows, title=title, template=recognised),
                    user=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Дорожная карта сохранена."))
                return redirect(roadmap.get_absolute_url())
    # A refusal that names a row's place in the file links to that row.
    anchors = {f"{row.source}: ": f"row-{n}" for n, row in enumerate(rows) if row.source}
    linked = [
        (message, next((a for start, a in anchors.items() if message.startswith(start)), ""))
        for message in errors
    ]
    # The recogniser's remarks stay with the row they are about, wherever the user moved it.
    remarks: dict[str, list[str]] = {}
    for problem in recognised.problems:
        if problem.where and not problem.error:
            remarks.setdefault(problem.where, []).append(problem.message)
    placed = {row.source for row in rows if row.source}
    table: list[dict[str, Any]] = []
    movable = rows_movable(rows)
    for position, row in enumerate(rows):
        schedule = None
        if row.kind == PreviewRowKind.ACTIVITY and row.schedule:
            schedule = parse_schedule(row.schedule)
        table.append(
            {
                "row": row,
                "position": position,
                "errors": row.errors,
                # A remark on how the row was read is answered once the user changes that.
                "remarks": remarks.get(row.source, [])
                if row.source and row.kind == recognised_kinds[row.origin]
                else [],
                "may_move": movable[position],
                # Flagged for the user, who may reword it or set the date after saving.
                "schedule": schedule,
                "schedule_text": describe(schedule) if schedule else "",
            }
        )
    page_title = _("Проверка распознанной дорожной карты")
    return render(
        request,
        "roadmaps/upload_preview.html",
        {
            "upload": upload,
            "draft": recognised,
            "draft_title": title,
            "rows": table,
            "kinds": PreviewRowKind.choices,
            "sections": sum(1 for r in rows if r.kind == PreviewRowKind.SECTION),
            "activities": sum(1 for r in rows if r.kind == PreviewRowKind.ACTIVITY),
            "wrong_rows": sum(1 for r in table if r["errors"]),
            "errors": linked,
            "warnings": [p for p in recognised.problems if not p.error and (p.where not in placed)],
            "unparsed": sum(1 for r in table if r["schedule"] and not r["schedule"].is_structured),
            "recognition_errors": [p for p in recognised.problems if p.error and not p.where],
            "title": page_title,
            "breadcrumbs": _crumbs(upload.programme, page_title),
        },
    )


# The activity table's badge colour per activity status (another status: light).
_STATUS_BADGE: dict[str, str] = {
    ActivityStatus.DONE: "success",
    ActivityStatus.DONE_LATE: "warning",
    ActivityStatus.NOT_DONE: "danger",
    ActivityStatus.IN_PROGRESS: "primary",
}


def _activity_rows(
    request: HttpRequest,
    roadmap: Roadmap,
    comments: dict[int | None, list[Any]],
    *,
    may_change: bool,
    editable: bool,
    person_id: int | None,
) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The roadmap page's sections, each with its activities as the rows the table shows:
    labels, due dates and links worked out here, once per page. A roadmap has dozens of
    activities and a hundred reports, and the same work per row in the template (a
    `get_FOO_display` hashes every lazy label of the field, a `{% url %}`, a `|date`, a
    `.files.all` queryset per report) cost the page more than its markup (issue 17)."""
    reports = selectors.activity_reports(roadmap)
    deadlines = selectors.next_deadlines(roadmap)
    # Evidence other apps hold (visits that carried an activity out), per activity.
    evidence = evidence_for(request, roadmap)
    statuses = choice_labels(ActivityStatus)
    schedule_kinds = choice_labels(ScheduleKind)
    outcomes = choice_labels(ReportOutcome)
    evidence_kinds = choice_labels(EvidenceKind)
    today = dates.today()
    may_report = roadmap.status == RoadmapStatus.EXECUTION
    edit_url = url_per_pk("roadmaps:activity", roadmap.pk)
    report_url = url_per_pk("roadmaps:report", roadmap.pk)
    evidence_url = url_per_pk("roadmaps:evidence")
    years = [(y, str(y)) for y in roadmap.result_years or []]
    sections = []
    for section, activities in selectors.roadmap_sections(roadmap):
        rows = []
        for a in activities:
            deadline = deadlines.get(a["pk"])
            rows.append(
                {
                    "pk": str(a["pk"]),
                    "number": a["number"],
                    "text": a["text"],
                    "levels": bool(a["levels"]),
                    "level_labels": level_labels(a["levels"]) if a["levels"] else [],
                    "years": [
                        (y, key in a["year_results"], a["year_results"].get(key, ""))
                        for y, key in years
                    ],
                    "schedule_text": a["schedule_text"],
                    "schedule_unparsed": a["schedule_kind"] == ScheduleKind.UNPARSED,
                    "schedule_kind": schedule_kinds.get(a["schedule_kind"], a["schedule_kind"]),
                    "responsible": a["responsible"],
                    "result": a["result"],
                    "document": a["document"],
                    "status": statuses.get(a["status"], a["status"]),
                    "badge": _STATUS_BADGE.get(a["status"], "light"),
                    "due_on": dates.date_ru(deadline.due_on) if deadline else "",
                    "overdue": bool(deadline and deadline.due_on < today),
                    "executor": full_name(
                        a["executor__last_name"] or "",
                        a["executor__first_name"] or "",
                        a["executor__middle_name"] or "",
                    ),
                    "edit_url": edit_url(a["pk"]) if editable else "",
                    "report_url": report_url(a["pk"])
                    if may_report
                    and a["status"] != ActivityStatus.CANCELLED
                    and (may_change or (a["executor_id"] and a["executor_id"] == person_id))
                    else "",
                    "reports": [
                        {
                            "outcome": outcomes.get(r["outcome"], r["outcome"]),
                            "done_on": dates.date_ru(r["done_on"]),
                            "text": truncated(r["text"], 160),
                            "files": [
                                {
                                    "url": evidence_url(f["pk"]),
                                    "name": f["original_name"],
                                    "kind": evidence_kinds.get(f["kind"], f["kind"]),
                                }
                                for f in r["files"]
                            ],
                        }
                        for r in reports.get(a["pk"], [])
                    ],
                    "evidence": evidence.get(a["pk"], []),
                    "comments": comments.get(a["pk"], []),
                }
            )
        sections.append((section, rows))
    return sections


def _roadmap_page(
    request: HttpRequest,
    roadmap: Roadmap,
    *,
    transition_form: TransitionForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    comments: dict[int | None, list[Any]] = {}
    for comment in selectors.roadmap_comments(roadmap):
        comments.setdefault(comment.activity_id, []).append(comment)
    actions = selectors.roadmap_actions(request.user, roadmap)
    may_change = Action.CHANGE in actions
    person = getattr(request.user, "person", None)
    editable = may_change and roadmap.status in EDITABLE
    sections = _activity_rows(
        request,
        roadmap,
        comments,
        may_change=may_change,
        editable=editable,
        person_id=person.pk if person else None,
    )
    return render(
        request,
        "roadmaps/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "sections": sections,
            "general_comments": comments.get(None, []),
            "may_change": may_change,
            "editable": editable,
            "may_comment": selectors.may_comment(roadmap, actions),
            "transitions": transitions_for(roadmap, actions),
            "transition_form": transition_form
            or TransitionForm(
                roadmap=roadmap, user=request.user, initial={"order": roadmap.order_id}
            ),
            "comment_form": comment_form or CommentForm(),
            "versions": selectors.roadmap_versions(roadmap),
            "breadcrumbs": _crumbs(roadmap.programme, roadmap.title[:80]),
        },
        status=status,
    )


@login_required
@require_GET
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _roadmap_page(request, selectors.roadmap_get(request.user, pk))


@login_required
@require_POST
def roadmap_do(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    form = TransitionForm(request.POST, roadmap=roadmap, user=request.user)
    if name == "order-draft":
        try:
            order = roadmap_order_draft(roadmap=roadmap, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Проект приказа подготовлен: скачайте его, подпишите и зарегистрируйте."),
            )
            return redirect(order.get_absolute_url())
    elif form.is_valid():
        try:
            roadmap_transition(
                roadmap=roadmap,
                name=name,
                user=request.user,  # type: ignore[arg-type]
                comment=form.cleaned_data["comment"],
                order=form.cleaned_data["order"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Готово: %(s)s.") % {"s": TRANSITIONS[name].label})
            return redirect(roadmap.get_absolute_url())
    roadmap.refresh_from_db()
    return _roadmap_page(request, roadmap, transition_form=form, status=400)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        activity = None
        if form.cleaned_data["activity"]:
            activity = selectors.activity_get(
                request.user, form.cleaned_data["activity"], roadmap=roadmap
            )
        try:
            comment = review_comment_add(
                roadmap=roadmap,
                user=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
                activity=activity,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            anchor = f"#a{comment.activity_id}" if comment.activity_id else "#comments"
            return redirect(roadmap.get_absolute_url() + anchor)
    return _roadmap_page(request, roadmap, comment_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int, activity_pk: int | None = None) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk, Action.CHANGE)
    if roadmap.status not in EDITABLE:
        raise Http404
    activity = (
        selectors.activity_get(request.user, activity_pk, Action.CHANGE, roadmap=roadmap)
        if activity_pk
        else None
    )
    form = ActivityForm(request.POST or None, instance=activity, roadmap=roadmap)
    if request.method == "POST" and "delete" in request.POST and activity is not None:
        activity_delete(activity=activity, user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Мероприятие удалено."))
        return redirect(roadmap.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        saved = activity_save(
            roadmap=roadmap,
            user=request.user,  # type: ignore[arg-type]
            values=form.cleaned_data,
            activity=activity,
        )
        return redirect(roadmap.get_absolute_url() + f"#a{saved.pk}")
    title = (
        _("Новое мероприятие")
        if activity is None
        else _("Мероприятие %(n)s") % {"n": activity.number}
    )
    return render(
        request,
        "roadmaps/activity_form.html",
        {
            "form": form,
            "roadmap": roadmap,
            "activity": activity,
            "title": title,
            "breadcrumbs": [
                {"title": roadmap.title[:80], "url": roadmap.get_absolute_url()},
                {"title": title},
            ],
        },
    )


@login_required
@require_GET
def roadmap_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed: between two approved versions, or from the last one to the current text."""
    roadmap = selectors.roadmap_get(request.user, pk)
    versions = selectors.roadmap_versions(roadmap, with_text=True)
    by_number = {v.number: v for v in versions}
    try:
        old_number = int(request.GET.get("from", ""))
    except ValueError:
        old_number = versions[-1].number if versions else 0
    old = by_number.get(old_number)
    if old is None:
        raise Http404
    new_number = request.GET.get("to", "")
    if new_number.isdigit() and int(new_number) in by_number:
        new_version = by_number[int(new_number)]
        new_draft = DraftRoadmap.from_dict(new_version.snapshot)
        new_label = _("версия %(n)s") % {"n": new_version.number}
    else:
        new_draft = selectors.roadmap_draft(roadmap)
        new_label = _("текущий текст (версия %(n)s, %(s)s)") % {
            "n": roadmap.version,
            "s": roadmap.get_status_display(),
        }
    diff = roadmap_diff(DraftRoadmap.from_dict(old.snapshot), new_draft)
    title = _("Изменения дорожной карты")
    return render(
        request,
        "roadmaps/roadmap_changes.html",
        {
            "roadmap": roadmap,
            "diff": diff,
            "old": old,
            "new_label": new_label,
            "versions": versions,
            "title": title,
            "breadcrumbs": [
                {"title": roadmap.title[:80], "url": roadmap.get_absolute_url()},
                {"title": title},
            ],
        },
    )


@login_required
@require_GET
def roadmap_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    if fmt not in EXPORTS:
        raise Http404
    export, content_type = EXPORTS[fmt]
    try:
        data = export(selectors.roadmap_export_draft(roadmap))
    except PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect(roadmap.get_absolute_url())
    return download(data, export_name(roadmap, fmt), content_type)


@login_required
@require_http_methods(["GET", "POST"])
def activity_report(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    roadmap = selectors.roadmap_get(request.user, pk)
    activity = reportable_activity_get(request.user, activity_pk, roadmap=roadmap)  # type: ignore[arg-type]
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = EvidenceKind(form.cleaned_data["kind"] or EvidenceKind.OTHER)
        try:
            report_submit(
                activity=activity,
                user=request.user,  # type: ignore[arg-type]
                outcome=ReportOutcome(form.cleaned_data["outcome"]),
                text=form.cleaned_data["text"],
                done_on=form.cleaned_data["done_on"],
                uploads=[EvidenceUpload(kind, f) for f in form.cleaned_data["evidence"]],
            )
        except ValidationError as exc:
            errors_to_form(form, exc, "evidence" if request.FILES else None)
        else:
            messages.success(request, _("Отчёт принят."))
            return redirect(roadmap.get_absolute_url() + f"#a{activity.pk}")
    title = _("Отчёт о выполнении мероприятия %(n)s") % {"n": activity.number}
    return render(
        request,
        "roadmaps/report_form.html",
        {
            "form": form,
            "roadmap": roadmap,
            "activity": activity,
            "deadline": selectors.next_deadlines(roadmap).get(activity.pk),
            "extra_links": report_links_for(request, activity),
            "title": title,
            "breadcrumbs": [
                {"title": roadmap.title[:80], "url": roadmap.get_absolute_url()},
                {"title": title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to those who may see its activity; always as a download, never rendered."""
    evidence = selectors.evidence_get(request.user, pk)
    return attachment(evidence.file, evidence.original_name)


@login_required
@require_GET
def execution(request: HttpRequest) -> HttpResponse:
    """Due soon, overdue and who has not reported, for the programmes and schools in reach."""
    today = dates.today()
    tab = request.GET.get("tab", "overdue")
    if tab not in ("overdue", "soon", "late", "unreported"):
        tab = "overdue"
    programmes = registry_selectors.programme_list(request.user)
    programme_id = _int(request.GET.get("programme"))
    mine = request.GET.get("mine") == "1"
    person_id = None
    if mine:
        person = getattr(request.user, "person", None)
        person_id = person.pk if person else -1
    context: dict[str, Any] = {
        "tab": tab,
        "today": today,
        "programmes": programmes,
        "programme_id": programme_id,
        "mine": mine,
        "soon_days": selectors.DUE_SOON_DAYS,
        "breadcrumbs": [{"title": _("Исполнение дорожных карт")}],
    }
    if tab == "unreported":
        roadmaps = selectors.not_reported(request.user, today=today, programme_id=programme_id)
        page = paginate(request, roadmaps, selectors.ROADMAPS_PER_PAGE)
        context["page"] = selectors.not_reported_fill(page, today)
    else:
        deadlines = selectors.deadlines_filtered(
            request.user, today=today, tab=tab, programme_id=programme_id, person_id=person_id
        )
        page = paginate(request, selectors.deadline_ids(deadlines), selectors.DEADLINES_PER_PAGE)
        context["page"] = selectors.deadlines_page_fill(deadlines, page)
    return render(request, "roadmaps/execution.html", context)


@login_required
@require_GET
def calendar_month(request: HttpRequest) -> HttpResponse:
    """A month of due dates: what is due on each day across the roadmaps in reach."""
    today = dates.today()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    deadlines = selectors.deadlines_visible(request.user).filter(
        due_on__gte=weeks[0][0], due_on__lte=weeks[-1][-1]
    )
    by_day: dict[datetime.date, list[Any]] = {}
    deadlines = deadlines.select_related("activity", "roadmap__school")
    for deadline in deadlines.order_by("due_on", "roadmap__school__short_name")[:2000]:
        by_day.setdefault(deadline.due_on, []).append(deadline)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "roadmaps/calendar.html",
        {
            "first": first,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "today": today,
            "previous": previous,
            "following": following,
            "breadcrumbs": [
                {"title": _("Исполнение дорожных карт"), "url": reverse("roadmaps:execution")},
                {"title": _("Календарь")},
            ],
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def programme_dashboard(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """The programme's execution: its total, then one page of a breakdown — by roadmap
    (stored counters, most overdue first or by name), by section or by executor."""
    programme = registry_selectors.programme_get(request.user, programme_pk)
    today = dates.today()
    title = _("Исполнение программы")
    tab = request.GET.get("by", "roadmaps")
    if tab not in selectors.DASHBOARD_TABS:
        tab = "roadmaps"
    sort = request.GET.get("sort", "overdue")
    if sort not in selectors.DASHBOARD_SORTS:
        sort = "overdue"
    roadmaps = selectors.programme_roadmaps_progress(request.user, programme, today, sort=sort)
    if tab == "roadmaps":
        page = selectors.progress_page_fill(
            paginate(request, roadmaps, selectors.ROADMAPS_PER_PAGE)
        )
    else:
        rows = selectors.programme_breakdown(request.user, programme, today, by=tab)
        page = selectors.breakdown_page_fill(
            paginate(request, rows, selectors.ROADMAPS_PER_PAGE), by=tab
        )
    return render(
        request,
        "roadmaps/dashboard.html",
        {
            "programme": programme,
            "totals": [selectors.programme_total(roadmaps)],
            "tab": tab,
            "sort": sort,
            "page": page,
            "today": today,
            "title": title,
            "breadcrumbs": _crumbs(programme, title),
        },
    )


@card_section("school", order=30, tab="roadmap")
def school_card(request: HttpRequest, school: Any) -> str:
    """The school's roadmaps and how their execution goes, on the school card."""
    rows = selectors.school_roadmaps_progress(request.user, school, dates.today())
    if not rows:
        return ""
    return render_to_string("roadmaps/_school_card.html", {"rows": rows}, request=request)


@login_required
@require_http_methods(["GET", "POST"])
def constructor(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Step 1: the school and what to answer (prefilled from its identification); step 2:
    the proposed measures to keep or drop; then the draft programme is created."""
    programme = selectors.programme_for_roadmaps(request.user, programme_pk)
    schools = selectors.roadmap_schools(request.user, programme)
    if not schools.exists():
        raise Http404
    school_id = _int(request.GET.get("school") or request.POST.get("school"))
    school = schools.filter(pk=school_id).first() if school_id else None
    outcome = selectors.school_identification(request.user, school) if school else None
    selection = selection_from_identification(outcome)
    # The school's 500+ risk profile adds its medium and high factors.
    profile = risk_profile_latest(request.user, school) if school else None
    profile_notice = selection_add_risk_profile(selection, profile)
    initial = {
        "school": school,
        "risk_factors": selection.risk_factors,
        "problem_types": selection.problem_types,
        "topics": selection.topics,
        "title": _("Антирисковая программа: %(s)s") % {"s": school.short_name} if school else "",
    }
    form = ConstructorForm(
        request.POST or None, initial=initial, user=request.user, programme=programme
    )
    proposal: list[tuple[Any, list[str]]] = []
    table: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = Selection(
            risk_factors=data["risk_factors"],
            problem_types=data["problem_types"],
            topics=data["topics"],
        )
        measures = propose(chosen)
        # Proposals of apps above (the practice bank), beside the library's measures.
        suggestions = suggestions_for(request, chosen)
        if request.POST.get("step") == "create":
            keep = set(data["measures"])
            picked = [m for m in measures if m.code in keep]
            ticked = set(request.POST.getlist("suggestions"))
            extras = [s for s in suggestions if s.key in ticked]
            if not picked and not extras:
                form.add_error(None, _("Не выбрано ни одной меры."))
            else:
                kind = RoadmapKind(data["kind"])
                title = data["title"].strip() or str(kind.label)
                roadmap = roadmap_create(
                    programme=programme,
                    school=data["school"],
                    kind=kind,
                    draft=draft_from_measures(title, picked, extras),
                    user=request.user,  # type: ignore[arg-type]
                    source=_("конструктор программ: мер %(n)s") % {"n": len(picked) + len(extras)},
                )
                messages.success(request, _("Проект программы создан: проверьте и дополните."))
                return redirect(roadmap.get_absolute_url())
        proposal = [(m, why(m, chosen)) for m in measures]
        table = proposal_by_section(proposal, suggestions)
    if profile_notice:
        messages.info(request, profile_notice)
    title = _("Конструктор программы школы")
    return render(
        request,
        "roadmaps/constructor.html",
        {
            "programme": programme,
            "form": form,
            "school": school,
            "outcome": outcome,
            "reasons": selection.reasons,
            "proposal": proposal,
            "table": table,
            "sections": SECTIONS,
            "title": title,
            "breadcrumbs": _crumbs(programme, title),
        },
    )


@card_section("home", order=10)
def home_deadlines(request: HttpRequest, user: Any) -> str:
    """«Сроки мероприятий» of the director's and staff's school: overdue first, then the next
    two weeks, each with its due date."""
    today = dates.today()
    summary = selectors.home_deadlines(user, today)
    if summary is None:
        return ""
    execution = reverse("roadmaps:execution")
    return home_card_html(
        request,
        HomeCard(
            key="deadlines",
            title=_("Сроки мероприятий дорожной карты"),
            counts=[
                HomeItem(
                    _("Просрочено"),
                    f"{execution}?tab=overdue",
                    str(summary.overdue),
                    bool(summary.overdue),
                ),
                HomeItem(
                    _("В ближайшие %(n)s дней") % {"n": selectors.DUE_SOON_DAYS},
                    f"{execution}?tab=soon",
                    str(summary.soon),
                ),
            ]
            if summary.items
            else [],
            items=[
                HomeItem(
                    f"{d.activity.number} {d.activity.text[:120]}",
                    reverse("roadmaps:report", args=[d.roadmap_id, d.activity_id])
                    if d.activity_id in summary.reportable
                    else d.roadmap.get_absolute_url(),
                    (_("просрочено, срок был %(d)s") if d.due_on < today else _("срок %(d)s"))
                    % {"d": dates.date_ru(d.due_on)},
                    d.due_on < today,
                )
                for d in summary.items
            ],
            all_url=execution,
            all_label=_("Все сроки"),
        ),
    )


@card_section("home", order=40)
def home_roadmaps_awaiting(request: HttpRequest, user: Any) -> str:
    """«Дорожные карты на утверждении» for the coordinators who approve them."""
    roadmaps = selectors.home_roadmaps_awaiting(user)
    if not roadmaps:
        return ""
    shown = roadmaps[: selectors.HOME_ITEMS]
    return home_card_html(
        request,
        HomeCard(
            key="roadmaps-awaiting",
            title=_("Дорожные карты ждут решения"),
            items=[
                HomeItem(
                    r.school.short_name if r.school else r.title[:120],
                    r.get_absolute_url(),
                    f"{r.get_status_display()}, {r.programme.name}",
                )
                for r in shown
            ],
            all_url=reverse("registry:programmes") if len(roadmaps) > len(shown) else "",
            all_label=_("Все программы"),
        ),
    )
