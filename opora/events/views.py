"""Pages of events («Мероприятия»): the list and month calendar, an event's page with its
registrations, attendance, materials, feedback and certificates; the .ics feed."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import dates
from opora.core.access import Action
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.documents import PdfFontMissing
from opora.core.exports import PDF_CONTENT_TYPE
from opora.core.web import attachment, download, errors_to_form, errors_to_messages, paginate
from opora.events import feeds, selectors, services
from opora.events.choices import EventKind, EventStatus
from opora.events.documents import certificate_filename, certificate_pdf, certificates_zip_name
from opora.events.forms import (
    AttendanceImportForm,
    EventForm,
    MaterialForm,
    NominateForm,
    territory_choices,
)
from opora.events.models import Event
from opora.roadmaps.extensions import Link, activity_evidence

ZIP_CONTENT_TYPE = "application/zip"
MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def _month(request: HttpRequest) -> datetime.date:
    """The `?month=YYYY-MM` asked for, or the current one (a wrong value is the current)."""
    text = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in text.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return dates.today().replace(day=1)


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in EventKind.values else ""


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and past events in reach, newest first."""
    kind = _kind(request)
    events = selectors.event_list(request.user, kind=kind).order_by("-starts_at", "-pk")
    return render(
        request,
        "events/event_list.html",
        {
            "title": _("Мероприятия"),
            "page": paginate(request, events, 50),
            "kinds": EventKind.choices,
            "kind": kind,
            "may_create": selectors.may_create_event(request.user),
        },
    )


@login_required
@require_GET
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month of events: a grid on wide screens, a list of days on a phone."""
    month = _month(request)
    kind = _kind(request)
    weeks = selectors.month_calendar(request.user, month, kind)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "events/calendar.html",
        {
            "title": _("Календарь мероприятий"),
            "month_name": f"{MONTHS[month.month - 1].capitalize()} {month.year}",
            "weeks": weeks,
            "days": [d for week in weeks for d in week if d.in_month and d.events],
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "kind": kind,
            "kinds": EventKind.choices,
            "feed": selectors.feed_for(request.user),
            "weekdays": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
        },
    )


def _event_form(request: HttpRequest, event: Event | None) -> HttpResponse:
    organizers = selectors.organizer_choices(request.user)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=event,
        organizers=organizers,
        schools=selectors.audience_school_choices(request.user),
        territories=territory_choices(organizers),
        activities=selectors.activity_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        try:
            saved = services.event_save(
                event=saved,
                user=request.user,  # type: ignore[arg-type]
                audience_schools=form.cleaned_data["audience_schools"],
                subjects=form.cleaned_data["subjects"],
                programme=form.cleaned_data.get("programme"),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Мероприятие сохранено."))
            return redirect(saved.get_absolute_url())
    title = _("Новое мероприятие") if event is None else _("Изменить мероприятие")
    return render(request, "events/event_form.html", {"title": title, "form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_create_event(request.user):
        raise Http404
    return _event_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form(request, selectors.event_get(request.user, pk, Action.CHANGE))


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    may_change = selectors.event_may(request.user, event, Action.CHANGE)
    nominees = selectors.nominee_choices(request.user, event)
    own = selectors.own_registration(request.user, event)
    open_for_registration = event.status == EventStatus.ANNOUNCED and not event_started(event)
    return render(
        request,
        "events/event_detail.html",
        {
            "title": event.title,
            "event": event,
            "counts": selectors.event_counts(event),
            "registrations": paginate(
                request, selectors.event_registrations(request.user, event), 100
            ),
            "may_change": may_change,
            "own": own,
            "may_register": open_for_registration
            and own is None
            and selectors.may_register_self(request.user),
            "may_nominate": open_for_registration and nominees.exists(),
            "materials": selectors.materials(request.user, event),
            "material_form": MaterialForm() if may_change else None,
            "import_form": AttendanceImportForm() if may_change else None,
            "job": selectors.certificates_job(request.user, event) if may_change else None,
            "feedback": selectors.event_feedback(request.user, event),
            "started": event_started(event),
        },
    )


def event_started(event: Event) -> bool:
    from django.utils import timezone

    return timezone.now() >= event.starts_at


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    try:
        services.event_cancel(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Мероприятие отменено."))
    return redirect(event.get_absolute_url())


@login_required
@require_GET
def event_programme(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = selectors.event_get(request.user, pk)
    if not event.programme_file:
        raise Http404
    return attachment(event.programme_file, event.programme_name)


# --- Registrations -------------------------------------------------------------------------


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    try:
        services.registration_self(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Вы записаны на мероприятие."))
    return redirect(event.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def event_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    teachers = selectors.nominee_choices(request.user, event)
    if not teachers.exists() and request.method == "GET":
        raise Http404
    form = NominateForm(request.POST or None, teachers=teachers)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.registrations_nominate(
                event=event,
                teachers=form.cleaned_data["teachers"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Записано педагогов: %(n)s.") % {"n": count})
            return redirect(event.get_absolute_url())
    return render(
        request,
        "events/nominate.html",
        {"title": _("Записать педагогов"), "event": event, "form": form},
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(request.user, pk, Action.CHANGE)
    try:
        services.registration_cancel(registration=registration, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Запись отменена."))
    return redirect(registration.event.get_absolute_url())


# --- Attendance ----------------------------------------------------------------------------


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    try:
        ids = [int(v) for v in request.POST.getlist("attended")]
        # The page of the list the form showed (the other pages keep their marks); a post
        # without it marks against the whole list.
        shown = [int(v) for v in request.POST.getlist("shown")] if "shown" in request.POST else None
        count = services.attendance_mark(
            event=event,
            attended_ids=ids,
            user=request.user,  # type: ignore[arg-type]
            shown_ids=shown,
        )
    except ValueError:
        messages.error(request, _("Список присутствовавших не распознан: отметьте ещё раз."))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Посещаемость сохранена: присутствовали %(n)s.") % {"n": count})
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def event_attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    form = AttendanceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Выберите файл выгрузки участников."))
        return redirect(event.get_absolute_url())
    try:
        count = services.attendance_import(
            event=event,
            file=form.cleaned_data["file"],
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        refusal = ValidationError([_("Файл не загружен, ничего не изменено."), *exc.messages])
        errors_to_messages(request, refusal)
    else:
        messages.success(request, _("Отмечены присутствовавшими: %(n)s.") % {"n": count})
    return redirect(event.get_absolute_url())


# --- Materials -----------------------------------------------------------------------------


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(
                event=event,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                url=form.cleaned_data["url"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Материал опубликован."))
    else:
        messages.error(request, _("Ссылка указана неверно."))
    return redirect(event.get_absolute_url())


@login_required
@require_GET
def material_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = selectors.material_get(request.user, pk)
    if not material.file:
        raise Http404
    return attachment(material.file, material.file_name)


# --- Certificates --------------------------------------------------------------------------


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's certificate (numbered on first download); refused to someone who did
    not attend."""
    registration = selectors.registration_get(request.user, pk)
    try:
        certificate = services.certificate_issue(registration=registration)
        data = certificate_pdf(certificate, registration, registration.event)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(registration.event.get_absolute_url())
    except PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect(registration.event.get_absolute_url())
    return download(data, certificate_filename(certificate, registration), PDF_CONTENT_TYPE)


@login_required
@require_POST
def certificates_start(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    try:
        job = services.certificates_job_start(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(event.get_absolute_url())
    return redirect(job.get_absolute_url())


@login_required
@require_GET
def certificates_zip(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    job = selectors.certificates_job(request.user, event)
    path = job.result.get("file") if job is not None else None
    if not path or not default_storage.exists(path):
        raise Http404
    with default_storage.open(path, "rb") as file:
        return download(file.read(), certificates_zip_name(event), ZIP_CONTENT_TYPE)


# --- Feedback ------------------------------------------------------------------------------


@login_required
@require_POST
def feedback_open(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk, Action.CHANGE)
    try:
        services.feedback_open(event=event, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Ссылка на анкету обратной связи готова."))
    return redirect(event.get_absolute_url())


# --- Calendar subscription -----------------------------------------------------------------


@login_required
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the user's secret subscription address."""
    services.feed_renew(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Адрес подписки на календарь готов."))
    return redirect("events:calendar")


@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The user's events as .ics for a calendar application: the secret address is the key."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    data = feeds.calendar_ics(selectors.feed_events(user), request)
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")


# --- On other pages ------------------------------------------------------------------------


@activity_evidence(order=20)
def roadmap_event_links(request: HttpRequest, roadmap: Any) -> dict[int, list[Link]]:
    """The held events each activity of the roadmap was carried out by (one query)."""
    return {
        activity_id: [
            Link(title, reverse("events:event", args=[pk]), _("Мероприятие"))
            for pk, title in events
        ]
        for activity_id, events in selectors.activity_event_evidence(request.user, roadmap).items()
    }


@card_section("plan", order=10)
def plan_events_card(request: HttpRequest, plan: Any) -> str:
    """The events the plan's teacher attended, on their development plan page."""
    attended = selectors.teacher_attended(request.user, plan.teacher, plan.start_year)
    if not attended:
        return ""
    return render_to_string("events/_plan_card.html", {"registrations": attended}, request=request)


@card_section("home", order=65)
def home_registrations(request: HttpRequest, user: Any) -> str:
    """«Мероприятия, на которые я записан»: the user's coming events (school people)."""
    registrations = selectors.home_registrations(user)
    if not registrations:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="registrations",
            title=_("Мероприятия, на которые я записан"),
            items=[
                HomeItem(
                    r.event.title,
                    r.event.get_absolute_url(),
                    dates.datetime_ru(r.event.starts_at),
                )
                for r in registrations
            ],
            all_url=reverse("events:index"),
            all_label=_("Все мероприятия"),
        ),
    )
