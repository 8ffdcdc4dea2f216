"""Pages of governance under /governance/: bodies with their compositions and rhythm, meetings
from agenda to minutes, the register of decisions; the minutes as .docx and PDF; meetings as
evidence of roadmap activities; «Мои поручения» on the home page."""

from __future__ import annotations

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
from opora.core.cards import card_section
from opora.core.documents import PdfFontMissing
from opora.core.exports import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from opora.core.web import attachment, download, errors_to_form, errors_to_messages, paginate
from opora.governance import selectors, services
from opora.governance.choices import DecisionStatus, MeetingStatus
from opora.governance.documents import minutes_build, minutes_docx, minutes_filename, minutes_pdf
from opora.governance.forms import (
    ActivityMeetingsForm,
    AttendanceForm,
    BodyForm,
    CompositionApproveForm,
    CompositionForm,
    DecisionCancelForm,
    DecisionDoneForm,
    DecisionFilterForm,
    FailForm,
    MeetingForm,
    MinutesForm,
    agenda_parse,
    agenda_text,
)
from opora.roadmaps.execution import reportable_activity_get
from opora.roadmaps.extensions import Link, activity_evidence, report_links

PER_PAGE = 50
# A body's page lists its meetings a page at a time (a body meeting for years has dozens).
MEETINGS_PER_PAGE = 20


def _crumbs(*items: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": _("Управление"), "url": reverse("governance:index")}, *items]


def _bodies_crumb() -> dict[str, Any]:
    return {"title": _("Органы"), "url": reverse("governance:bodies")}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The landing: bodies, meetings, decisions, and the orders register when it exists."""
    context = {
        "summary": selectors.index_summary(request.user),
        "may_create": selectors.body_may_create(request.user),
        "breadcrumbs": [{"title": _("Управление")}],
    }
    return render(request, "governance/index.html", context)


# --- bodies ---


@login_required
@require_GET
def body_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.body_list(request.user), PER_PAGE)
    today = dates.today()
    rows = [(b, selectors.rhythm_warning(b, b.last_held, today)) for b in page]
    context = {
        "page": page,
        "rows": rows,
        "may_create": selectors.body_may_create(request.user),
        "breadcrumbs": _crumbs({"title": _("Органы")}),
    }
    return render(request, "governance/body_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a body (coordinators of an authority) or change one (its managers)."""
    body = selectors.body_get(request.user, pk, Action.CHANGE) if pk is not None else None
    if body is None and not selectors.body_may_create(request.user):
        raise Http404
    default_owner = selectors.body_owner_default(request.user)
    initial: dict[str, Any] = {
        "owner": (default_owner.short_name or default_owner.name) if default_owner else ""
    }
    if body is not None:
        initial = {
            "owner": body.owner.short_name or body.owner.name,
            "kind": body.kind,
            "name": body.name,
            "programme": body.programme_id,
            "rhythm_months": body.rhythm_months,
            "quorum_percent": body.quorum_percent,
        }
    form = BodyForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = services.body_save(
                user=request.user,  # type: ignore[arg-type]
                body=body,
                owner=data["owner"],
                kind=data["kind"],
                name=data["name"],
                programme=data["programme"],
                regulation=data["regulation"],
                rhythm_months=data["rhythm_months"],
                quorum_percent=data["quorum_percent"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Орган сохранён."))
            return redirect(body)
    title = _("Изменить орган") if body else _("Новый орган")
    context = {
        "form": form,
        "body": body,
        "title": title,
        "breadcrumbs": _crumbs(_bodies_crumb(), {"title": title}),
    }
    return render(request, "governance/body_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The body: its composition on a date (today by default), the history of compositions,
    the meetings and the rhythm warning."""
    body = selectors.body_get(request.user, pk)
    day = dates.today()
    on = request.GET.get("on", "")
    if on:
        try:
            day = datetime.date.fromisoformat(on)
        except ValueError:
            messages.error(
                request, _("Дата «%(d)s» не распознана: показан состав на сегодня.") % {"d": on}
            )
    may_manage = selectors.body_may_manage(request.user, body)
    # The proposal awaiting its order is the managers' business only.
    proposed = selectors.composition_proposed(body) if may_manage else None
    context = {
        "body": body,
        "day": day,
        "composition": selectors.composition_on(body, day),
        "compositions": selectors.body_compositions(body),
        "proposed": proposed,
        "approve_form": (
            CompositionApproveForm(
                user=request.user,
                body=body,
                initial={"order": proposed.order} if proposed and proposed.order else None,
            )
            if proposed and may_manage
            else None
        ),
        "meetings": paginate(request, selectors.body_meetings(body), MEETINGS_PER_PAGE),
        "warning": selectors.rhythm_warning(body, body.last_held),  # type: ignore[attr-defined]
        "rhythm": selectors.rhythm_label(body.rhythm_months) if body.rhythm_months else "",
        "may_manage": may_manage,
        "breadcrumbs": _crumbs(_bodies_crumb(), {"title": body.name}),
    }
    return render(request, "governance/body_detail.html", context)


@login_required
@require_GET
def body_regulation(request: HttpRequest, pk: int) -> FileResponse:
    body = selectors.body_get(request.user, pk)
    if not body.regulation:
        raise Http404
    return attachment(body.regulation, body.regulation_name or "положение")


@login_required
@require_http_methods(["GET", "POST"])
def composition_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the composition: approved at once by a registered order chosen, else
    saved as the proposal with a draft order prepared for it (then signed, registered on the
    order's page and referred to on the body's page)."""
    body = selectors.body_get(request.user, pk, Action.CHANGE)
    proposed = selectors.composition_proposed(body)
    basis = proposed or selectors.composition_on(body, dates.today())
    initial: dict[str, Any] = {}
    if basis is not None:
        for i, member in enumerate(basis.members.all()):
            initial |= {
                f"person_{i}": member.person.full_name,
                f"role_{i}": member.role,
                f"position_{i}": member.position,
            }
        if proposed is not None:
            initial |= {"since": proposed.since, "note": proposed.note}
    rows = max(12, (len(initial) // 3) + 4)
    basis_ids = tuple(m.person_id for m in basis.members.all()) if basis else ()
    form = CompositionForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        body=body,
        row_count=rows,
        current_members=basis_ids,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user: Any = request.user
        try:
            _composition, order = services.composition_submit(
                user=user,
                body=body,
                members=form.members(),
                since=data["since"],
                note=data["note"],
                order=data["order"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if order is None:
                messages.success(request, _("Состав утверждён."))
                return redirect(body)
            messages.success(
                request,
                _(
                    "Проект состава сохранён, проект приказа подготовлен. Скачайте его, "
                    "подпишите и зарегистрируйте; затем утвердите состав на странице органа."
                ),
            )
            return redirect(order)
    context = {
        "form": form,
        "body": body,
        "proposed": proposed,
        "breadcrumbs": _crumbs(
            _bodies_crumb(),
            {"title": body.name, "url": body.get_absolute_url()},
            {"title": _("Новый состав")},
        ),
    }
    return render(
        request, "governance/composition_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def composition_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's proposal approved by a registered order chosen on the body's page."""
    body = selectors.body_get(request.user, pk, Action.CHANGE)
    proposed = selectors.composition_proposed(body)
    if proposed is None:
        raise Http404
    form = CompositionApproveForm(request.POST, user=request.user, body=body)
    if form.is_valid():
        try:
            services.composition_approve(
                user=request.user,  # type: ignore[arg-type]
                composition=proposed,
                order=form.cleaned_data["order"],
            )
        except ValidationError as error:
            errors_to_messages(request, error)
        else:
            messages.success(request, _("Состав утверждён."))
            return redirect(body)
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect(body)


# --- meetings ---


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.meeting_list(request.user)
    status = request.GET.get("status", "")
    if status in MeetingStatus.values:
        qs = qs.filter(status=status)
    context = {
        "page": paginate(request, qs, PER_PAGE),
        "statuses": MeetingStatus.choices,
        "status": status,
        "breadcrumbs": _crumbs({"title": _("Заседания")}),
    }
    return render(request, "governance/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(
    request: HttpRequest, pk: int | None = None, body_pk: int | None = None
) -> HttpResponse:
    """Plan a meeting of a body, or change a planned one's date, place and agenda."""
    meeting = selectors.meeting_get(request.user, pk, Action.CHANGE) if pk is not None else None
    body = meeting.body if meeting else selectors.body_get(request.user, body_pk, Action.CHANGE)
    initial: dict[str, Any] = {}
    if meeting is not None:
        initial = {
            "date": meeting.date,
            "time": meeting.time,
            "place": meeting.place,
            "online_url": meeting.online_url,
            "agenda": agenda_text(selectors.meeting_items(meeting)),
        }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_plan(
                user=request.user,  # type: ignore[arg-type]
                body=body,
                meeting=meeting,
                date=data["date"],
                time=data["time"],
                place=data["place"],
                online_url=data["online_url"],
                agenda=agenda_parse(data["agenda"]),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Заседание запланировано."))
            return redirect(meeting)
    title = _("Изменить заседание") if meeting else _("Новое заседание")
    context = {
        "form": form,
        "body": body,
        "meeting": meeting,
        "title": title,
        "breadcrumbs": _crumbs(
            _bodies_crumb(), {"title": body.name, "url": body.get_absolute_url()}, {"title": title}
        ),
    }
    return render(
        request, "governance/meeting_form.html", context, status=400 if form.errors else 200
    )


def _meeting_crumbs(meeting: Any, title: str | None = None) -> list[dict[str, Any]]:
    crumbs = [
        _bodies_crumb(),
        {"title": meeting.body.name, "url": meeting.body.get_absolute_url()},
        {"title": _("Заседание %(d)s") % {"d": dates.date_ru(meeting.date)}},
    ]
    if title:
        crumbs[-1]["url"] = meeting.get_absolute_url()
        crumbs.append({"title": title})
    return _crumbs(*crumbs)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk)
    members = selectors.meeting_members(meeting)
    present_ids = set(meeting.present.values_list("pk", flat=True))
    context = {
        "meeting": meeting,
        "items": selectors.meeting_items(meeting),
        "members": [(m, m.person_id in present_ids) for m in members],
        "present_count": len(present_ids),
        "activities": selectors.meeting_activities(request.user, meeting),
        "may_manage": selectors.meeting_may_manage(request.user, meeting),
        "fail_form": FailForm(),
        "statuses": MeetingStatus,
        "breadcrumbs": _meeting_crumbs(meeting),
    }
    return render(request, "governance/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark who attended: refused without a quorum."""
    meeting = selectors.meeting_get(request.user, pk, Action.CHANGE)
    initial = {
        "present": list(meeting.present.values_list("pk", flat=True)),
        "guests": meeting.guests,
    }
    form = AttendanceForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_hold(
                user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                present=list(form.cleaned_data["present"]),
                guests=form.cleaned_data["guests"],
            )
        except ValidationError as error:
            errors_to_form(form, error, "present")
        else:
            messages.success(request, _("Присутствие отмечено: заседание состоялось."))
            return redirect(meeting)
    context = {
        "form": form,
        "meeting": meeting,
        "quorum": meeting.body.quorum_needed(len(selectors.meeting_members(meeting))),
        "breadcrumbs": _meeting_crumbs(meeting, _("Присутствие")),
    }
    return render(
        request, "governance/meeting_attendance.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def meeting_fail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.user, pk, Action.CHANGE)
    form = FailForm(request.POST)
    try:
        services.meeting_fail(
            user=request.user,  # type: ignore[arg-type]
            meeting=meeting,
            reason=form.data.get("reason", ""),
        )
    except ValidationError as error:
        errors_to_messages(request, error)
    else:
        messages.success(request, _("Заседание отмечено как несостоявшееся."))
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the minutes: СЛУШАЛИ — ВЫСТУПИЛИ — РЕШИЛИ per question, with decisions."""
    meeting = selectors.meeting_get(request.user, pk, Action.CHANGE)
    if meeting.status != MeetingStatus.HELD:
        messages.error(
            request, _("Протокол пишется по состоявшемуся заседанию: отметьте присутствие.")
        )
        return redirect(meeting)
    items = selectors.meeting_items(meeting)
    initial = {
        "number": meeting.minutes_number,
        "chair": meeting.chair_id,
        "secretary": meeting.secretary_id,
    }
    form = MinutesForm(
        request.POST or None, user=request.user, meeting=meeting, agenda=items, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.minutes_save(
                user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                number=data["number"],
                chair=data["chair"],
                secretary=data["secretary"],
                items=form.minutes(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Протокол сохранён."))
            return redirect(meeting)
    context = {
        "form": form,
        "meeting": meeting,
        "breadcrumbs": _meeting_crumbs(meeting, _("Протокол")),
    }
    return render(
        request, "governance/minutes_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def minutes_file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """The minutes as .docx or PDF, for whoever may read the meeting."""
    meeting = selectors.meeting_get(request.user, pk)
    if extension not in ("docx", "pdf"):
        raise Http404
    if meeting.status != MeetingStatus.HELD or not meeting.minutes_number:
        raise Http404
    minutes = minutes_build(
        meeting, selectors.meeting_members(meeting), selectors.meeting_items(meeting)
    )
    if extension == "docx":
        return download(minutes_docx(minutes), minutes_filename(meeting, "docx"), DOCX_CONTENT_TYPE)
    try:
        data = minutes_pdf(minutes)
    except PdfFontMissing as error:
        messages.error(request, str(error))
        return redirect(meeting)
    return download(data, minutes_filename(meeting, "pdf"), PDF_CONTENT_TYPE)


# --- decisions ---


@login_required
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    """The register of decisions with filters by state, body, text and «только мои»."""
    form = DecisionFilterForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "state": data["state"],
            "body": data["body"],
            "mine": data["mine"],
            "search": data["q"].strip(),
        }
    page = paginate(request, selectors.decision_list(request.user, **filters), PER_PAGE)
    today = dates.today()
    context = {
        "form": form,
        "page": page,
        "rows": [(d, selectors.decision_state(d, today)) for d in page],
        "query": request.GET.copy().urlencode() if request.GET else "",
        "breadcrumbs": _crumbs({"title": _("Решения")}),
    }
    return render(request, "governance/decision_list.html", context)


def _decision_page(
    request: HttpRequest,
    decision: Any,
    done_form: Any = None,
    cancel_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "decision": decision,
        "state": selectors.decision_state(decision),
        "may_report": selectors.decision_may_report(request.user, decision),
        "may_cancel": selectors.decision_may_cancel(request.user, decision),
        "done_form": done_form or DecisionDoneForm(),
        "cancel_form": cancel_form or DecisionCancelForm(),
        "breadcrumbs": _crumbs(
            {"title": _("Решения"), "url": reverse("governance:decisions")},
            {"title": decision.text[:60]},
        ),
    }
    return render(request, "governance/decision_detail.html", context, status=status)


@login_required
@require_GET
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_page(request, selectors.decision_get(request.user, pk))


@login_required
@require_POST
def decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The responsible reports the decision done with evidence."""
    decision = selectors.decision_get(request.user, pk)
    form = DecisionDoneForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.decision_done(
                user=request.user,  # type: ignore[arg-type]
                decision=decision,
                done_on=form.cleaned_data["done_on"],
                report=form.cleaned_data["report"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Исполнение отмечено."))
            return redirect(decision)
    return _decision_page(request, decision, done_form=form, status=400)


@login_required
@require_POST
def decision_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, pk)
    form = DecisionCancelForm(request.POST)
    if form.is_valid():
        try:
            services.decision_cancel(
                user=request.user,  # type: ignore[arg-type]
                decision=decision,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Решение снято с контроля."))
            return redirect(decision)
    return _decision_page(request, decision, cancel_form=form, status=400)


@login_required
@require_GET
def decision_evidence(request: HttpRequest, pk: int) -> FileResponse:
    decision = selectors.decision_get(request.user, pk)
    if not decision.evidence:
        raise Http404
    return attachment(decision.evidence, decision.evidence_name or "подтверждение")


# --- roadmap evidence ---


@login_required
@require_http_methods(["GET", "POST"])
def activity_meetings(request: HttpRequest, activity_pk: int) -> HttpResponse:
    """Count held meetings as evidence of a roadmap activity («заседание рабочей группы»)."""
    activity = reportable_activity_get(request.user, activity_pk)  # type: ignore[arg-type]
    candidates = selectors.activity_meeting_candidates(request.user, activity)
    initial = {"meetings": [m.pk for m in candidates if m.is_linked]}  # type: ignore[attr-defined]
    form = ActivityMeetingsForm(
        request.POST or None, meeting_candidates=candidates, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_meetings_set(
                user=request.user,  # type: ignore[arg-type]
                activity=activity,
                meetings=list(form.cleaned_data["meetings"]),
            )
        except ValidationError as error:
            errors_to_form(form, error, "meetings")
        else:
            messages.success(request, _("Заседания засчитаны."))
            return redirect(activity.roadmap)
    context = {
        "form": form,
        "activity": activity,
        "breadcrumbs": [
            {"title": activity.roadmap.title[:60], "url": activity.roadmap.get_absolute_url()},
            {"title": _("Засчитать заседания")},
        ],
    }
    return render(
        request, "governance/activity_meetings.html", context, status=400 if form.errors else 200
    )


@activity_evidence(order=20)
def roadmap_meeting_links(request: HttpRequest, roadmap: Any) -> dict[int, list[Link]]:
    """The meetings each activity counts, on the roadmap page (one query)."""
    return {
        activity_id: [Link(e.label, e.url, _("Заседание")) for e in items]
        for activity_id, items in selectors.roadmap_meeting_evidence(request.user, roadmap).items()
    }


@report_links(order=20)
def report_meeting_links(request: HttpRequest, activity: Any) -> list[Link]:
    """«Засчитать заседания» on an activity's report form, when there are meetings to count."""
    if not selectors.activity_meeting_candidates(request.user, activity).exists():
        return []
    return [
        Link(
            _("Засчитать заседания"),
            reverse("governance:activity-meetings", args=[activity.pk]),
            _("состоявшиеся заседания станут подтверждением мероприятия"),
        )
    ]


@card_section("home", order=30)
def home_decisions(request: HttpRequest, user: Any) -> str:
    """«Мои поручения»: the open decisions whose responsible is the user."""
    summary = selectors.my_decisions(user)
    if summary is None:
        return ""
    return render_to_string(
        "governance/_home.html", {"summary": summary, "statuses": DecisionStatus}, request=request
    )
