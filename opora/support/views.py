"""Pages of the support network."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import dates
from opora.core.cards import card_section
from opora.core.web import errors_to_form, errors_to_messages, paginate, table_configure
from opora.registry.models import Organization
from opora.support import selectors, services
from opora.support.filters import ConsultationFilter
from opora.support.forms import (
    ConsultationAnswerForm,
    ConsultationRequestForm,
    ConsultationScheduleForm,
    EngagementFilterForm,
    EscalationForm,
    EscalationReplyForm,
)
from opora.support.models import Consultation, Escalation
from opora.support.tables import ConsultationTable

# --- engagement ---

CONSULTATIONS_PER_PAGE = 50
ENGAGEMENT_PER_PAGE = 50


def _consultation_crumbs(title: str | None = None) -> list[dict[str, str]]:
    crumbs = [{"title": _("Поддержка")}, {"title": _("Консультации")}]
    if title:
        crumbs[-1]["url"] = reverse("support:consultations")
        crumbs.append({"title": title})
    return crumbs


@login_required
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The register: the consultations in reach with their waiting times and the median
    waits per month of request (over what the filters select)."""
    if not selectors.consultation_may_view_any(request.user):
        raise Http404
    consultations = selectors.consultation_list(request.user)
    consultation_filter = ConsultationFilter(request.GET or None, queryset=consultations)
    table = ConsultationTable(consultation_filter.qs)
    table_configure(request, table, per_page=CONSULTATIONS_PER_PAGE)
    context = {
        "filter": consultation_filter,
        "table": table,
        "waits": selectors.consultation_waits(
            consultation_filter.qs, months=None if consultation_filter.has_period else 12
        ),
        "may_ask": selectors.consultation_ask_schools(request.user).exists(),
        "may_handle": selectors.consultation_may_handle_any(request.user),
        "breadcrumbs": _consultation_crumbs(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "support/engagement/_consultation_table.html", context)
    return render(request, "support/engagement/consultation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    """A school's director or staff asks for a consultation."""
    schools = selectors.consultation_ask_schools(request.user)
    if not schools.exists():
        raise Http404
    form = ConsultationRequestForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_request(
                user=request.user,  # type: ignore[arg-type]
                school=form.cleaned_data["school"],
                topic=form.cleaned_data["topic"],
                question=form.cleaned_data["question"],
                preferred_form=form.cleaned_data["preferred_form"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Запрос отправлен в методический центр."))
            return redirect(consultation.get_absolute_url())
    title = _("Запрос консультации")
    return render(
        request,
        "support/engagement/consultation_form.html",
        {"form": form, "title": title, "breadcrumbs": _consultation_crumbs(title)},
        status=400 if request.method == "POST" else 200,
    )


def _consultation_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    schedule_form: ConsultationScheduleForm | None = None,
    answer_form: ConsultationAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_handle = selectors.consultation_may_handle(request.user, consultation)
    is_open = consultation.status in selectors.CONSULTATION_OPEN
    if may_handle and is_open:
        schedule_form = schedule_form or ConsultationScheduleForm(
            initial={
                "form": consultation.scheduled_form
                or (
                    consultation.preferred_form
                    if consultation.preferred_form != "written"
                    else "online"
                ),
                "scheduled_for": consultation.scheduled_for,
            }
        )
        answer_form = answer_form or ConsultationAnswerForm()
    else:
        schedule_form = answer_form = None
    title = consultation.topic
    return render(
        request,
        "support/engagement/consultation_detail.html",
        {
            "consultation": consultation,
            "may_handle": may_handle and is_open,
            "may_take": may_handle and consultation.methodist_id is None and is_open,
            "may_withdraw": selectors.consultation_may_withdraw(request.user, consultation),
            "schedule_form": schedule_form,
            "answer_form": answer_form,
            "title": title,
            "breadcrumbs": _consultation_crumbs(title),
        },
        status=status,
    )


@login_required
@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _consultation_page(request, selectors.consultation_get(request.user, pk))


@login_required
@require_POST
def consultation_take(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk, "change")
    try:
        services.consultation_take(user=request.user, consultation=consultation)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Консультация закреплена за вами."))
    return redirect(consultation.get_absolute_url())


@login_required
@require_POST
def consultation_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk, "change")
    form = ConsultationScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_schedule(
                user=request.user,  # type: ignore[arg-type]
                consultation=consultation,
                scheduled_for=form.cleaned_data["scheduled_for"],
                form=form.cleaned_data["form"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # closed, or out of the user's hands
                errors_to_messages(request, exc)
                return redirect(consultation.get_absolute_url())
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Консультация назначена, школа получит письмо."))
            return redirect(consultation.get_absolute_url())
    consultation.refresh_from_db()
    return _consultation_page(request, consultation, schedule_form=form, status=400)


@login_required
@require_POST
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk, "change")
    form = ConsultationAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_answer(
                user=request.user,  # type: ignore[arg-type]
                consultation=consultation,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # closed, or out of the user's hands
                errors_to_messages(request, exc)
                return redirect(consultation.get_absolute_url())
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Ответ сохранён и отправлен школе."))
            return redirect(consultation.get_absolute_url())
    consultation.refresh_from_db()
    return _consultation_page(request, consultation, answer_form=form, status=400)


@login_required
@require_POST
def consultation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors.consultation_get(request.user, pk)
    try:
        services.consultation_withdraw(user=request.user, consultation=consultation)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Запрос отозван."))
    return redirect(consultation.get_absolute_url())


# Engagement ---------------------------------------------------------------------------------


def _engagement_crumbs(title: str | None = None) -> list[dict[str, str]]:
    crumbs = [{"title": _("Поддержка")}, {"title": _("Вовлечённость школ")}]
    if title:
        crumbs[-1]["url"] = reverse("support:engagement")
        crumbs.append({"title": title})
    return crumbs


@login_required
@require_GET
def engagement(request: HttpRequest) -> HttpResponse:
    """Supported schools in reach that do not engage, with their signals and figures."""
    if not selectors.engagement_may_view(request.user):
        raise Http404
    form = EngagementFilterForm(
        request.GET or None, programmes=selectors.engagement_programmes(request.user)
    )
    programme = signal = None
    if form.is_valid():
        programme = form.cleaned_data["programme"]
        signal = form.cleaned_data["signal"]
    rows = selectors.engagement_rows(request.user, programme=programme, signal=signal or "")
    page = paginate(request, rows, ENGAGEMENT_PER_PAGE)
    selectors.engagement_page_fill(request.user, page.object_list)
    return render(
        request,
        "support/engagement/engagement.html",
        {
            "form": form,
            "page": page,
            "may_escalate": selectors.escalation_may_create_any(request.user),
            "breadcrumbs": _engagement_crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest, school_pk: int) -> HttpResponse:
    """A coordinator writes to the director of a supported school."""
    school = selectors.escalation_school_get(request.user, school_pk)
    form = EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_create(
                user=request.user,  # type: ignore[arg-type]
                school=school,
                note=form.cleaned_data["note"],
                respond_by=form.cleaned_data["respond_by"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if selectors.director_emails(school):
                messages.success(request, _("Обращение направлено директору школы."))
            else:
                messages.warning(
                    request,
                    _(
                        "Обращение записано, но письмо не отправлено: у директора школы нет "
                        "адреса электронной почты в «Опоре»."
                    ),
                )
            return redirect("support:escalation", escalation.pk)
    title = _("Обращение к директору: %(school)s") % {"school": school.short_name}
    return render(
        request,
        "support/engagement/escalation_form.html",
        {
            "form": form,
            "school": school,
            "signals": selectors.school_signals(request.user, school),
            "title": title,
            "breadcrumbs": _engagement_crumbs(title),
        },
        status=400 if request.method == "POST" else 200,
    )


def _escalation_page(
    request: HttpRequest,
    escalation: Escalation,
    form: EscalationReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_answer = selectors.escalation_may_answer(request.user, escalation)
    title = _("Обращение к директору от %(date)s") % {"date": dates.date_ru(escalation.created_at)}
    return render(
        request,
        "support/engagement/escalation_detail.html",
        {
            "escalation": escalation,
            "form": (form or EscalationReplyForm()) if may_answer else None,
            "title": title,
            "breadcrumbs": [
                {
                    "title": escalation.school.short_name,
                    "url": escalation.school.get_absolute_url(),
                },
                {"title": title},
            ],
        },
        status=status,
    )


@login_required
@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _escalation_page(request, selectors.escalation_get(request.user, pk))


@login_required
@require_POST
def escalation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.escalation_get(request.user, pk, "change")
    form = EscalationReplyForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_answer(
                user=request.user,  # type: ignore[arg-type]
                escalation=escalation,
                reply=form.cleaned_data["reply"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # answered already
                errors_to_messages(request, exc)
                return redirect("support:escalation", escalation.pk)
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Ответ записан, координатор получит письмо."))
            return redirect("support:escalation", escalation.pk)
    escalation.refresh_from_db()
    return _escalation_page(request, escalation, form, status=400)


@card_section("school", order=60)
def school_card(request: HttpRequest, school: Organization) -> str:
    """Open escalations (the director answers them here) and the school's consultations."""
    escalations = selectors.school_escalations(request.user, school)
    consultations = selectors.school_consultations(request.user, school)
    may_ask = selectors.consultation_ask_schools(request.user).filter(pk=school.pk).exists()
    if not (escalations or consultations or may_ask):
        return ""
    context: dict[str, Any] = {
        "school": school,
        "escalations": escalations,
        "consultations": consultations,
        "may_ask": may_ask,
        "may_view_register": selectors.consultation_may_view_any(request.user),
    }
    return render_to_string("support/engagement/_school_card.html", context, request=request)
