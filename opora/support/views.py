"""Pages of the support network («Поддержка»)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
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
from opora.core.access import Action, has_any, reach
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.documents import PdfFontMissing
from opora.core.exports import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from opora.core.web import (
    attachment,
    download,
    errors_to_form,
    errors_to_messages,
    paginate,
    table_configure,
)
from opora.registry import selectors as registry_selectors
from opora.registry.models import Organization
from opora.registry.scoping import coordinator_reach
from opora.roadmaps.execution import reportable_activity_get
from opora.roadmaps.extensions import Link, activity_evidence, report_links
from opora.support import selectors, services
from opora.support.choices import MentorArea, RecommendationStatus, VisitStatus
from opora.support.documents import report_docx, report_filename, report_pdf, visit_report
from opora.support.filters import ConsultationFilter, RecommendationFilter, VisitFilter
from opora.support.forms import (
    ActivityVisitsForm,
    AgreementForm,
    ConsultationAnswerForm,
    ConsultationRequestForm,
    ConsultationScheduleForm,
    CuratorAssignForm,
    EngagementFilterForm,
    EscalationForm,
    EscalationReplyForm,
    MentorPairForm,
    RecommendationActivityForm,
    RecommendationAnswerForm,
    RecommendationRows,
    RecommendationWithdrawForm,
    TemplateCopyForm,
    VisitActivityForm,
    VisitCancelForm,
    VisitPlanForm,
    VisitRecordForm,
    VisitTemplateForm,
    record_initial,
)
from opora.support.models import Consultation, Escalation, MentorPair
from opora.support.recommender import mentor_proposal
from opora.support.scoping import VISIT_ACTION
from opora.support.tables import ConsultationTable, RecommendationTable, VisitTable
from opora.support.visit_templates import areas_to_text, template_areas

# --- network ---

PAGE_SIZE = 50


def _crumbs(*items: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": _("Поддержка"), "url": reverse("support:index")}, *items]


@dataclass
class PairRow:
    """A mentor pair as a table shows it: links only where they open, areas by name."""

    pair: MentorPair
    school_url: str
    mentor_url: str
    areas: str
    may_end: bool
    agreement_url: str


def _pair_rows(user: Any, pairs: Iterable[MentorPair]) -> list[PairRow]:
    pairs = list(pairs)
    visible = reach(user)
    manage = coordinator_reach(user)
    today = dates.today()
    agreements = selectors.agreement_ids_visible(user, [p.agreement_id for p in pairs])
    return [
        PairRow(
            pair=p,
            school_url=p.school.get_absolute_url() if visible.covers(p.school) else "",
            mentor_url=p.mentor.get_absolute_url() if visible.covers(p.mentor) else "",
            areas=", ".join(str(MentorArea(a).label) for a in p.areas if a in MentorArea.values),
            may_end=manage.covers(p.school) and (p.until is None or p.until >= today),
            agreement_url=p.agreement.get_absolute_url()
            if p.agreement is not None and p.agreement_id in agreements
            else "",
        )
        for p in pairs
    ]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The «Поддержка» landing: the sections of the support network the user may open."""
    user = request.user
    return render(
        request,
        "support/network/index.html",
        {
            "summary": selectors.network_summary(user),
            "may_manage": selectors.network_may_manage(user),
            "may_recommend": selectors.recommender_may(user),
            "may_create_partner": registry_selectors.creatable_territories(user).exists(),
            "may_consultations": selectors.consultation_may_view_any(user),
            "may_engagement": selectors.engagement_may_view(user),
            "breadcrumbs": [{"title": _("Поддержка")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def curators(request: HttpRequest) -> HttpResponse:
    """Assign curators to schools by an order; the current assignments with end buttons.
    For the coordinators of a territory only."""
    user = request.user
    if not selectors.network_may_manage(user):
        raise Http404
    initial = {}
    if request.method == "GET" and request.GET.get("school", "").isdigit():
        initial["schools"] = [int(request.GET["school"])]
    form = CuratorAssignForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.curator_assign(
                user=user,
                curator=data["curator"],
                schools=data["schools"],
                since=data["since"],
                until=data["until"],
                order=data["order"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s закреплён(а) за школами: %(n)s.")
                % {"name": data["curator"].full_name, "n": len(made)},
            )
            return redirect("support:curators")
    return render(
        request,
        "support/network/curators.html",
        {
            "form": form,
            "page": paginate(request, selectors.curator_assignments_current(user), PAGE_SIZE),
            "can_import": has_any(user, Action.IMPORT),
            "breadcrumbs": _crumbs({"title": _("Кураторы")}),
        },
    )


@login_required
@require_POST
def curator_assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.curator_assignment_get(request.user, pk, Action.CHANGE)
    try:
        services.curator_assignment_end(user=request.user, assignment=assignment)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Закрепление куратора %(name)s за школой «%(school)s» завершено.")
            % {"name": assignment.curator.full_name, "school": assignment.school},
        )
    return redirect("support:curators")


@login_required
def mentors(request: HttpRequest) -> HttpResponse:
    """Current mentor pairs the user may see."""
    user = request.user
    page = paginate(request, selectors.mentor_pair_list(user, current=True), PAGE_SIZE)
    return render(
        request,
        "support/network/mentors.html",
        {
            "page": page,
            "rows": _pair_rows(user, page.object_list),
            "may_manage": selectors.network_may_manage(user),
            "breadcrumbs": _crumbs({"title": _("Школы-наставники")}),
        },
    )


@login_required
def mentor_recommend(request: HttpRequest, school_pk: int) -> HttpResponse:
    """«Похожие школы с лучшими результатами» for a supported school: analysts and
    coordinators of its territory."""
    school = registry_selectors.school_get(request.user, school_pk)
    if not selectors.recommender_may(request.user, school):
        raise Http404
    proposal = mentor_proposal(request.user, school)
    visible = reach(request.user)
    return render(
        request,
        "support/network/recommend.html",
        {
            "school": school,
            "proposal": proposal,
            "may_pair": selectors.network_may_manage(request.user, school),
            "run_visible": proposal.run is not None
            and visible.covers_territory(proposal.run.territory),
            "breadcrumbs": _crumbs(
                {"title": school.short_name, "url": school.get_absolute_url()},
                {"title": _("Похожие школы с лучшими результатами")},
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentor_pair_create(request: HttpRequest, school_pk: int) -> HttpResponse:
    """Make a mentor pair for a school (from a candidate, or any school the user sees)."""
    school = registry_selectors.school_get(request.user, school_pk)
    if not selectors.network_may_manage(request.user, school):
        raise Http404
    initial = {}
    if request.GET.get("mentor", "").isdigit():
        initial["mentor"] = int(request.GET["mentor"])
    form = MentorPairForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        school=school,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_pair_create(
                user=request.user,
                school=school,
                mentor=data["mentor"],
                since=data["since"],
                until=data["until"],
                areas=data["areas"],
                agreement=data["agreement"],
                new_agreement=form.new_agreement(),
                note=data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Школа «%(mentor)s» — наставник школы «%(school)s».")
                % {"mentor": data["mentor"], "school": school},
            )
            return redirect(school.get_tab_url("support"))
    return render(
        request,
        "support/network/pair_form.html",
        {
            "school": school,
            "form": form,
            "breadcrumbs": _crumbs(
                {"title": school.short_name, "url": school.get_absolute_url()},
                {"title": _("Школа-наставник")},
            ),
        },
    )


@login_required
@require_POST
def mentor_pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.mentor_pair_get(request.user, pk, Action.CHANGE)
    try:
        services.mentor_pair_end(user=request.user, pair=pair)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Работа школы «%(mentor)s» наставником школы «%(school)s» завершена.")
            % {"mentor": pair.mentor, "school": pair.school},
        )
    return redirect("support:mentors")


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "support/network/agreements.html",
        {
            "page": paginate(request, selectors.agreement_list(user), PAGE_SIZE),
            "may_manage": selectors.network_may_manage(user),
            "may_create_partner": registry_selectors.creatable_territories(user).exists(),
            "breadcrumbs": _crumbs({"title": _("Партнёры и договоры")}),
        },
    )


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(request.user, pk)
    visible = reach(request.user)
    parties = [(p, visible.covers(p)) for p in agreement.parties.all()]
    return render(
        request,
        "support/network/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": parties,
            "owner_visible": visible.covers(agreement.owner),
            "pairs": _pair_rows(request.user, selectors.agreement_pairs(request.user, agreement)),
            "may_change": selectors.agreement_may_change(request.user, agreement),
            "breadcrumbs": _crumbs(
                {"title": _("Партнёры и договоры"), "url": reverse("support:agreements")},
                {"title": str(agreement)},
            ),
        },
    )


@login_required
def agreement_file(request: HttpRequest, pk: int) -> FileResponse:
    """The signed file, to whoever may see the agreement."""
    agreement = selectors.agreement_get(request.user, pk)
    if not agreement.file:
        raise Http404
    return attachment(agreement.file, agreement.file_name or "договор")


def _agreement_page(
    request: HttpRequest, form: AgreementForm, title: str, agreement: Any
) -> HttpResponse:
    crumbs: list[dict[str, Any]] = [
        {"title": _("Партнёры и договоры"), "url": reverse("support:agreements")}
    ]
    if agreement is not None:
        crumbs.append({"title": str(agreement), "url": agreement.get_absolute_url()})
    crumbs.append({"title": title})
    return render(
        request,
        "support/network/agreement_form.html",
        {"form": form, "title": title, "agreement": agreement, "breadcrumbs": _crumbs(*crumbs)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    if not selectors.agreement_owner_choices(request.user).exists():
        raise Http404
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                user=request.user, draft=form.draft(), parties=form.cleaned_data["parties"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Договор записан."))
            return redirect(agreement.get_absolute_url())
    return _agreement_page(request, form, _("Новый договор о сетевом взаимодействии"), None)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(request.user, pk, Action.CHANGE)
    form = AgreementForm(
        request.POST or None, request.FILES or None, user=request.user, agreement=agreement
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                user=request.user,
                agreement=agreement,
                draft=form.draft(),
                parties=form.cleaned_data["parties"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(agreement.get_absolute_url())
    return _agreement_page(request, form, _("Изменение договора"), agreement)


# Cards: the school's and the organisation's part of the support network.


@card_section("school", order=25, tab="support")
def school_card_network(request: HttpRequest, school: Any) -> str:
    """Mentor pairs and agreements of the school, and the ways to find and assign a mentor."""
    user = request.user
    pairs = selectors.school_pairs(user, school)
    found = selectors.organization_agreements(user, school)
    may_recommend = selectors.recommender_may(user, school)
    may_manage = selectors.network_may_manage(user, school)
    if not (pairs or found or may_recommend or may_manage):
        return ""
    return render_to_string(
        "support/network/_school_card.html",
        {
            "school": school,
            "pairs": _pair_rows(user, pairs),
            "agreements": found,
            "may_recommend": may_recommend,
            "may_manage": may_manage,
        },
        request=request,
    )


@card_section("organization", order=20)
def organization_card(request: HttpRequest, organization: Any) -> str:
    """The agreements the organisation is a party to (or keeps)."""
    found = selectors.organization_agreements(request.user, organization)
    if not found:
        return ""
    return render_to_string(
        "support/network/_organization_card.html",
        {"organization": organization, "agreements": found},
        request=request,
    )


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


def _consultation_handle(
    request: HttpRequest,
    pk: int,
    form_class: type[ConsultationScheduleForm] | type[ConsultationAnswerForm],
    save: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """Schedule or answer: the form checked, the service called with its data; a refusal of
    the whole action (closed, no longer the user's) is a message on the page, a refusal of a
    field re-renders the form with what was typed."""
    consultation = selectors.consultation_get(request.user, pk, "change")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(user=request.user, consultation=consultation, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                errors_to_messages(request, exc)
                return redirect(consultation.get_absolute_url())
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect(consultation.get_absolute_url())
    consultation.refresh_from_db()
    forms_given: dict[str, Any] = (
        {"schedule_form": form}
        if isinstance(form, ConsultationScheduleForm)
        else {"answer_form": form}
    )
    return _consultation_page(request, consultation, status=400, **forms_given)


@login_required
@require_POST
def consultation_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _consultation_handle(
        request,
        pk,
        ConsultationScheduleForm,
        services.consultation_schedule,
        _("Консультация назначена, школа получит письмо."),
    )


@login_required
@require_POST
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _consultation_handle(
        request,
        pk,
        ConsultationAnswerForm,
        services.consultation_answer,
        _("Ответ сохранён и отправлен школе."),
    )


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


@card_section("school", order=60, tab="support")
def school_card_engagement(request: HttpRequest, school: Organization) -> str:
    """Open escalations (the director answers them here) and the school's consultations."""
    escalations = selectors.school_escalations(request.user, school)
    consultations = selectors.school_consultations(request.user, school)
    may_ask = selectors.consultation_may_ask(request.user, school)
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


# --- visits ---

VISITS_PER_PAGE = 50
RECOMMENDATIONS_PER_PAGE = 50


def _visits_crumb() -> dict[str, Any]:
    return {"title": _("Выезды в школы"), "url": reverse("support:visits")}


def _recommendations_crumb() -> dict[str, Any]:
    return {"title": _("Рекомендации"), "url": reverse("support:recommendations")}


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    """Visits the user may see: a curator's schools, a director's own school, the territory."""
    visit_filter = VisitFilter(request.GET or None, queryset=selectors.visit_list(request.user))
    table = table_configure(request, VisitTable(visit_filter.qs), per_page=VISITS_PER_PAGE)
    context = {
        "filter": visit_filter,
        "table": table,
        "may_plan": selectors.may_plan_visits(request.user),
        "breadcrumbs": [{"title": _("Поддержка")}, {"title": _("Выезды в школы")}],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "support/visits/_visit_table.html", context)
    return render(request, "support/visits/visit_list.html", context)


def _plan_form(request: HttpRequest, *, visit: Any = None) -> VisitPlanForm:
    organisers = selectors.visit_organisers(request.user)
    initial: dict[str, Any] = {}
    if visit is None:
        person = getattr(request.user, "person", None)
        school_id = request.GET.get("school")
        initial = {"lead": person, "organiser": organisers[0] if organisers else None}
        if school_id and school_id.isdigit():
            initial["school"] = int(school_id)
    else:
        initial = {
            "kind": visit.kind,
            "planned_on": visit.planned_on,
            "organiser": visit.organiser,
            "lead": visit.lead,
            "team": selectors.visit_team(visit),
            "purpose": visit.purpose,
            "programme": visit.programme,
            "template": visit.template,
        }
    return VisitPlanForm(
        request.POST or None,
        initial=initial,
        schools=selectors.visit_schools(request.user),
        organisers=organisers,
        people=selectors.visit_people(request.user, organisers),
        templates=selectors.visit_template_list(request.user),
        with_school=visit is None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    """Plan a visit to a school in the user's reach (a curator: the assigned schools)."""
    if not selectors.may_plan_visits(request.user):
        raise Http404
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_plan(
                user=request.user,  # type: ignore[arg-type]
                school=data["school"],
                kind=data["kind"],
                planned_on=data["planned_on"],
                organiser=data["organiser"],
                lead=data["lead"],
                team=list(data["team"]),
                purpose=data["purpose"],
                programme=data["programme"],
                template=data["template"],
                form_key=data["form_key"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Выезд запланирован."))
            return redirect(visit.get_absolute_url())
    title = _("Запланировать выезд")
    return render(
        request,
        "support/visits/visit_form.html",
        {"form": form, "title": title, "breadcrumbs": [_visits_crumb(), {"title": title}]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk, VISIT_ACTION)
    if visit.status != VisitStatus.PLANNED:
        raise Http404
    form = _plan_form(request, visit=visit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_update(
                user=request.user,  # type: ignore[arg-type]
                visit=visit,
                kind=data["kind"],
                planned_on=data["planned_on"],
                organiser=data["organiser"],
                lead=data["lead"],
                team=list(data["team"]),
                purpose=data["purpose"],
                programme=data["programme"],
                template=data["template"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("План выезда изменён."))
            return redirect(visit.get_absolute_url())
    title = _("План выезда")
    return render(
        request,
        "support/visits/visit_form.html",
        {
            "form": form,
            "visit": visit,
            "title": title,
            "breadcrumbs": [
                _visits_crumb(),
                {"title": str(visit), "url": visit.get_absolute_url()},
                {"title": title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def _record_rows(visit: Any) -> list[dict[str, Any]]:
    """The record by area for the visit page: each answered question with its rating label."""
    template = visit.template
    if template is None:
        return []
    scale = list(template.scale)
    result = []
    for area in template_areas(template.areas):
        lines = []
        for question in area.questions:
            answer = visit.answers.get(question.key) or {}
            rating = answer.get("rating")
            lines.append(
                {
                    "text": question.text,
                    "rated": question.rated,
                    "rating": scale[rating]
                    if isinstance(rating, int) and rating < len(scale)
                    else "",
                    "note": answer.get("note", ""),
                }
            )
        result.append({"title": area.title, "lines": lines})
    return result


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    conducts = selectors.visit_may(request.user, visit)
    activity_choices = (
        selectors.visit_activity_choices(request.user, visit)
        if visit.status == VisitStatus.DONE
        else None
    )
    return render(
        request,
        "support/visits/visit_detail.html",
        {
            "visit": visit,
            "team": selectors.visit_team(visit),
            "record": _record_rows(visit) if visit.answers else [],
            "photos": selectors.visit_photos(visit),
            "recommendations": selectors.visit_recommendations(visit),
            "activities": selectors.visit_activities(request.user, visit),
            "conducts": conducts,
            "planned": visit.status == VisitStatus.PLANNED,
            "cancel_form": VisitCancelForm() if conducts else None,
            "activity_form": (
                VisitActivityForm(activities=activity_choices)
                if activity_choices is not None and activity_choices.exists()
                else None
            ),
            "breadcrumbs": [_visits_crumb(), {"title": str(visit)}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The record on the day, made for a phone: the template's questions, findings, photos,
    recommendations; «Сохранить» keeps a draft, «Закрыть выезд» closes the visit."""
    visit = selectors.visit_get(request.user, pk, VISIT_ACTION)
    if visit.status != VisitStatus.PLANNED:
        messages.info(request, _("Выезд уже закрыт или отменён: запись не меняется."))
        return redirect(visit.get_absolute_url())
    template = visit.template
    areas = template_areas(template.areas) if template else []
    scale = list(template.scale) if template else []
    if request.method == "POST":
        form = VisitRecordForm(request.POST, request.FILES, areas=areas, scale=scale)
        rows = RecommendationRows(request.POST, prefix="rec")
    else:
        form = VisitRecordForm(initial=record_initial(visit, areas), areas=areas, scale=scale)
        rows = RecommendationRows(prefix="rec")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        drafts = [
            services.RecommendationDraft(
                text=row.cleaned_data.get("text") or "",
                addressee=row.cleaned_data.get("addressee") or "",
                due_on=row.cleaned_data.get("due_on"),
            )
            for row in rows
            if (row.cleaned_data.get("text") or "").strip() or row.cleaned_data.get("due_on")
        ]
        close = "close" in request.POST
        try:
            outcome = services.visit_record_save(
                user=request.user,  # type: ignore[arg-type]
                visit=visit,
                form_key=form.cleaned_data["form_key"],
                answers=form.answers(),
                findings=form.cleaned_data["findings"],
                photos=form.cleaned_data["photos"],
                photo_caption=form.cleaned_data["photo_caption"],
                recommendations=drafts,
                close=close,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, "photos" if request.FILES else None)
        else:
            if outcome.repeated:
                messages.info(
                    request,
                    _(
                        "Эта форма уже была отправлена и сохранена: повторная отправка ничего "
                        "не изменила. Проверьте запись."
                    ),
                )
                return redirect(outcome.visit.get_absolute_url())
            if outcome.visit.status == VisitStatus.DONE:
                messages.success(request, _("Выезд закрыт."))
                return redirect(outcome.visit.get_absolute_url())
            messages.success(request, _("Запись сохранена."))
            return redirect(reverse("support:visit-record", args=[visit.pk]))
    title = _("Запись выезда")
    return render(
        request,
        "support/visits/visit_record.html",
        {
            "visit": visit,
            "form": form,
            "rows": rows,
            "recommendations": selectors.visit_recommendations(visit),
            "photos": selectors.visit_photos(visit),
            "photo_max_mb": settings.OPORA_VISIT_PHOTO_MAX_MB,
            "title": title,
            "breadcrumbs": [
                _visits_crumb(),
                {"title": str(visit), "url": visit.get_absolute_url()},
                {"title": title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk, VISIT_ACTION)
    form = VisitCancelForm(request.POST)
    if not form.is_valid():
        errors_to_messages(request, ValidationError(_("Укажите причину.")))
        return redirect(visit.get_absolute_url())
    try:
        services.visit_cancel(
            user=request.user,  # type: ignore[arg-type]
            visit=visit,
            refused=form.cleaned_data["outcome"] == "refused",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Готово: выезд не состоится, причина записана."))
    return redirect(visit.get_absolute_url())


@login_required
@require_POST
def visit_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """«Засчитать в мероприятие…»: the visit becomes evidence of a roadmap activity."""
    visit = selectors.visit_get(request.user, pk)
    form = VisitActivityForm(
        request.POST, activities=selectors.visit_activity_choices(request.user, visit)
    )
    if not form.is_valid():
        errors_to_messages(request, ValidationError(_("Выберите мероприятие из списка.")))
        return redirect(visit.get_absolute_url())
    try:
        services.visit_activity_link(
            user=request.user,  # type: ignore[arg-type]
            visit=visit,
            activity=form.cleaned_data["activity"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Выезд засчитан в мероприятие дорожной карты."))
    return redirect(visit.get_absolute_url())


@login_required
@require_GET
def visit_report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """«Справка по итогам выезда» as .docx or PDF."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    visit = selectors.visit_get(request.user, pk)
    report = visit_report(
        visit,
        [p.full_name for p in selectors.visit_team(visit)],
        selectors.visit_recommendations(visit),
    )
    if fmt == "pdf":
        try:
            data = report_pdf(report)
        except PdfFontMissing as exc:
            errors_to_messages(request, ValidationError(str(exc)))
            return redirect(visit.get_absolute_url())
        return download(data, report_filename(visit, "pdf"), PDF_CONTENT_TYPE)
    return download(report_docx(report), report_filename(visit, "docx"), DOCX_CONTENT_TYPE)


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, to those who may see its visit; always as a download, never rendered."""
    photo = selectors.visit_photo_get(request.user, pk)
    return attachment(photo.file, photo.file_name)


# Visit templates.


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = list(selectors.visit_template_list(request.user))
    if not templates:
        raise Http404
    return render(
        request,
        "support/visits/template_list.html",
        {
            "templates": templates,
            "may_copy": bool(selectors.visit_template_owners(request.user)),
            "breadcrumbs": [_visits_crumb(), {"title": _("Шаблоны протоколов")}],
        },
    )


@login_required
@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.visit_template_get(request.user, pk)
    owners = selectors.visit_template_owners(request.user)
    return render(
        request,
        "support/visits/template_detail.html",
        {
            "template": template,
            "areas": template_areas(template.areas),
            "may_change": selectors.visit_template_may_change(request.user, template),
            "copy_form": TemplateCopyForm(owners=owners) if owners else None,
            "breadcrumbs": [
                _visits_crumb(),
                {"title": _("Шаблоны протоколов"), "url": reverse("support:visit-templates")},
                {"title": template.name},
            ],
        },
    )


@login_required
@require_POST
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.visit_template_get(request.user, pk)
    form = TemplateCopyForm(request.POST, owners=selectors.visit_template_owners(request.user))
    if not form.is_valid():
        raise Http404
    try:
        copy = services.visit_template_copy(
            user=request.user,  # type: ignore[arg-type]
            template=template,
            owner=form.cleaned_data["owner"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(reverse("support:visit-template", args=[template.pk]))
    messages.success(request, _("Копия создана: измените её под свою практику."))
    return redirect(reverse("support:visit-template-edit", args=[copy.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.visit_template_get(request.user, pk, Action.CHANGE)
    form = VisitTemplateForm(
        request.POST or None,
        initial={
            "name": template.name,
            "areas": areas_to_text(template.areas),
            "scale": "\n".join(template.scale),
            "is_active": template.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_template_update(
                user=request.user,  # type: ignore[arg-type]
                template=template,
                name=form.cleaned_data["name"],
                areas_text=form.cleaned_data["areas"],
                scale_text=form.cleaned_data["scale"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Шаблон сохранён."))
            return redirect(reverse("support:visit-template", args=[template.pk]))
    return render(
        request,
        "support/visits/template_form.html",
        {
            "form": form,
            "template": template,
            "breadcrumbs": [
                _visits_crumb(),
                {"title": _("Шаблоны протоколов"), "url": reverse("support:visit-templates")},
                {"title": template.name},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


# Recommendations.


@login_required
@require_GET
def recommendation_list(request: HttpRequest) -> HttpResponse:
    recommendation_filter = RecommendationFilter(
        request.GET or None,
        queryset=selectors.recommendation_list(request.user),
    )
    table = table_configure(
        request,
        RecommendationTable(recommendation_filter.qs),
        per_page=RECOMMENDATIONS_PER_PAGE,
    )
    context = {
        "filter": recommendation_filter,
        "table": table,
        "breadcrumbs": [{"title": _("Поддержка")}, {"title": _("Рекомендации")}],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "support/visits/_recommendation_table.html", context)
    return render(request, "support/visits/recommendation_list.html", context)


def _recommendation_page(
    request: HttpRequest,
    recommendation: Any,
    *,
    answer_form: RecommendationAnswerForm | None = None,
    withdraw_form: RecommendationWithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_answer = selectors.recommendation_may_answer(request.user, recommendation)
    may_withdraw = selectors.recommendation_may_withdraw(request.user, recommendation)
    return render(
        request,
        "support/visits/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "answer_form": answer_form or (RecommendationAnswerForm() if may_answer else None),
            "withdraw_form": withdraw_form
            or (RecommendationWithdrawForm() if may_withdraw else None),
            "may_make_activity": selectors.recommendation_may_make_activity(
                request.user, recommendation
            ),
            "breadcrumbs": [_recommendations_crumb(), {"title": str(recommendation)[:60]}],
        },
        status=status,
    )


@login_required
@require_GET
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _recommendation_page(request, selectors.recommendation_get(request.user, pk))


@login_required
@require_POST
def recommendation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The director's answer (or, for one addressed to the curator or the centre, theirs)."""
    recommendation = selectors.recommendation_get(request.user, pk)
    if not selectors.recommendation_may_answer(request.user, recommendation):
        raise Http404
    form = RecommendationAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.recommendation_answer(
                user=request.user,  # type: ignore[arg-type]
                recommendation=recommendation,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                done_on=form.cleaned_data["done_on"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Ответ записан."))
            return redirect(recommendation.get_absolute_url())
    return _recommendation_page(request, recommendation, answer_form=form, status=400)


@login_required
@require_POST
def recommendation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get(request.user, pk)
    if not selectors.recommendation_may_withdraw(request.user, recommendation):
        raise Http404
    form = RecommendationWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_withdraw(
                user=request.user,  # type: ignore[arg-type]
                recommendation=recommendation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Рекомендация снята."))
            return redirect(recommendation.get_absolute_url())
    return _recommendation_page(request, recommendation, withdraw_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """«Сделать мероприятием дорожной карты»: the activity, prefilled from the
    recommendation, in a section of the school's roadmap the user may change."""
    recommendation = selectors.recommendation_get(request.user, pk)
    roadmaps = selectors.recommendation_roadmaps(request.user, recommendation)
    if not selectors.recommendation_may_make_activity(request.user, recommendation, roadmaps):
        raise Http404
    sections = selectors.roadmap_sections_of(roadmaps)
    due = recommendation.due_on
    form = RecommendationActivityForm(
        request.POST or None,
        sections=sections,
        initial={
            "text": recommendation.text,
            "schedule_text": _("до %(d)s") % {"d": dates.date_ru(due)},
            "due_on": due,
            "correction": _("Включение рекомендации по итогам выезда от %(d)s.")
            % {"d": dates.date_ru(recommendation.visit.planned_on)}
            if recommendation.visit
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.recommendation_to_activity(
                user=request.user,  # type: ignore[arg-type]
                recommendation=recommendation,
                section=data["section"],
                text=data["text"],
                schedule_text=data["schedule_text"],
                responsible=data["responsible"],
                due_on=data["due_on"],
                correction=data["correction"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Мероприятие %(n)s добавлено в дорожную карту.") % {"n": activity.number},
            )
            return redirect(recommendation.get_absolute_url())
    title = _("Сделать мероприятием дорожной карты")
    return render(
        request,
        "support/visits/recommendation_activity.html",
        {
            "form": form,
            "recommendation": recommendation,
            "roadmaps": roadmaps,
            "title": title,
            "breadcrumbs": [
                _recommendations_crumb(),
                {"title": str(recommendation)[:60], "url": recommendation.get_absolute_url()},
                {"title": title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def recommendation_evidence(request: HttpRequest, pk: int) -> FileResponse:
    recommendation = selectors.recommendation_get(request.user, pk)
    if not recommendation.evidence:
        raise Http404
    return attachment(recommendation.evidence, recommendation.evidence_name or "файл")


# Visits as evidence of a roadmap activity.


# Candidate visits a page (a municipal roadmap's are every visit to its programme's schools).
ACTIVITY_VISITS_PAGE = 20


@login_required
@require_http_methods(["GET", "POST"])
def activity_visits(request: HttpRequest, pk: int) -> HttpResponse:
    """The visits that carried out a roadmap activity, chosen from those it may count."""
    activity = reportable_activity_get(request.user, pk)  # type: ignore[arg-type]
    candidates = selectors.activity_visit_candidates(request.user, activity)
    # A municipal roadmap may count visits to any school of its programme: a page of those
    # the search finds, not all of them. The search stays in the address the form posts to.
    query = request.GET.get("q", "").strip()
    page = paginate(
        request,
        selectors.activity_visit_search(request.user, activity, query),
        ACTIVITY_VISITS_PAGE,
    )
    form = ActivityVisitsForm(
        # Every box unticked posts nothing but the token: still a submitted form.
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        page=page,
        initial={
            "visits": [v.pk for v in page if getattr(v, "is_linked", False)],
            "shown": [v.pk for v in page],
        },
    )
    roadmap = activity.roadmap
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_visits_set(
                user=request.user,  # type: ignore[arg-type]
                activity=activity,
                visits=list(form.cleaned_data["visits"]),
                among=list(form.cleaned_data["shown"]),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Выезды засчитаны в мероприятие."))
            return redirect(roadmap.get_absolute_url() + f"#a{activity.pk}")
    title = _("Выезды, которыми выполнено мероприятие %(n)s") % {"n": activity.number}
    return render(
        request,
        "support/visits/activity_visits.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "linked": candidates.filter(activities=activity).count(),
            "activity": activity,
            "roadmap": roadmap,
            "title": title,
            "breadcrumbs": [
                {"title": roadmap.title[:80], "url": roadmap.get_absolute_url()},
                {"title": title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@activity_evidence(order=10)
def roadmap_visit_links(request: HttpRequest, roadmap: Any) -> dict[int, list[Link]]:
    """The visits each activity counts, on the roadmap page (one query)."""
    return {
        activity_id: [Link(e.label, e.url, _("Выезд")) for e in items]
        for activity_id, items in selectors.roadmap_visit_evidence(request.user, roadmap).items()
    }


@report_links(order=10)
def report_visit_links(request: HttpRequest, activity: Any) -> list[Link]:
    """«Засчитать выезды» on an activity's report form, when there are visits to count."""
    if not selectors.activity_visit_candidates(request.user, activity).exists():
        return []
    return [
        Link(
            _("Засчитать выезды"),
            reverse("support:activity-visits", args=[activity.pk]),
            _("проведённые выезды станут подтверждением мероприятия"),
        )
    ]


@card_section("home", order=20)
def home_visits(request: HttpRequest, user: Any) -> str:
    """«Мои выезды и рекомендации» on the home page of curators, methodists and directors."""
    summary = selectors.visit_summary(user)
    # A school's recommendations have their own card (`home_recommendations`); for the school
    # this one is only the coming visits.
    if summary is None or not (summary.is_supporter or summary.upcoming):
        return ""
    return render_to_string(
        "support/visits/_home.html",
        {"summary": summary, "statuses": RecommendationStatus},
        request=request,
    )


@card_section("school", order=45, tab="support")
def school_visits(request: HttpRequest, school: Any) -> str:
    """The school card's «Выезды и рекомендации»."""
    summary = selectors.school_visit_summary(request.user, school)
    if summary is None:
        return ""
    return render_to_string(
        "support/visits/_school_card.html", {"school": school, **summary}, request=request
    )


@card_section("home", order=15)
def home_recommendations(request: HttpRequest, user: Any) -> str:
    """«Рекомендации ждут ответа» of the director's and staff's school: overdue first."""
    items = selectors.home_recommendations_to_answer(user)
    if not items:
        return ""
    today = dates.today()
    return home_card_html(
        request,
        HomeCard(
            key="recommendations",
            title=_("Рекомендации ждут ответа"),
            items=[
                HomeItem(
                    r.text[:140],
                    r.get_absolute_url(),
                    (_("просрочено, срок был %(d)s") if r.due_on < today else _("срок %(d)s"))
                    % {"d": dates.date_ru(r.due_on)},
                    r.due_on < today,
                )
                for r in items[: selectors.HOME_ITEMS]
            ],
            all_url=reverse("support:recommendations") + f"?status={RecommendationStatus.OPEN}",
            all_label=_("Все рекомендации"),
        ),
    )


@card_section("home", order=22)
def home_consultations(request: HttpRequest, user: Any) -> str:
    """«Ответы на консультации» the school received in the last month."""
    items = selectors.home_consultations_answered(user)
    if not items:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="consultations",
            title=_("Ответы на запросы консультаций"),
            items=[
                HomeItem(
                    c.topic,
                    c.get_absolute_url(),
                    _("ответ дан %(d)s") % {"d": dates.date_ru(c.answered_at)},
                )
                for c in items
            ],
            all_url=reverse("support:consultations"),
            all_label=_("Все консультации"),
        ),
    )


@card_section("home", order=50)
def home_engagement(request: HttpRequest, user: Any) -> str:
    """«Школы не включаются в работу» for coordinators: the support's engagement signals."""
    rows = selectors.home_engagement(user)
    if not rows:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="engagement",
            title=_("Школы не включаются в работу"),
            counts=[HomeItem(_("Школ с сигналами"), reverse("support:engagement"), str(len(rows)))],
            items=[
                HomeItem(
                    row.school.short_name if row.school else "",
                    row.school.get_tab_url("support") if row.school else "",
                    "; ".join(s.text for s in row.signals),
                    True,
                )
                for row in rows[: selectors.HOME_ITEMS]
            ],
            all_url=reverse("support:engagement"),
            all_label=_("Все сигналы"),
        ),
    )
