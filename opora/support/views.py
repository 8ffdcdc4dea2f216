"""Pages of the support network («Поддержка»)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
from opora.core.access import Action, has_any, reach
from opora.core.cards import card_section
from opora.core.web import attachment, errors_to_form, errors_to_messages, paginate, table_configure
from opora.registry import selectors as registry_selectors
from opora.registry.models import Organization
from opora.registry.scoping import coordinator_reach
from opora.support import selectors, services
from opora.support.choices import MentorArea
from opora.support.filters import ConsultationFilter
from opora.support.forms import (
    AgreementForm,
    ConsultationAnswerForm,
    ConsultationRequestForm,
    ConsultationScheduleForm,
    CuratorAssignForm,
    EngagementFilterForm,
    EscalationForm,
    EscalationReplyForm,
    MentorPairForm,
)
from opora.support.models import Consultation, Escalation, MentorPair
from opora.support.recommender import mentor_proposal
from opora.support.tables import ConsultationTable

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
                order_number=data["order_number"],
                order_date=data["order_date"],
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
            return redirect(school.get_absolute_url())
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


@login_required
def upcoming(request: HttpRequest, title: str) -> HttpResponse:
    """A section of «Поддержка» still being built (visits, recommendations, consultations,
    engagement): the landing links to it already."""
    return render(
        request,
        "support/network/upcoming.html",
        {"title": title, "breadcrumbs": _crumbs({"title": title})},
    )


# Cards: the school's and the organisation's part of the support network.


@card_section("school", order=25)
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
def school_card_engagement(request: HttpRequest, school: Organization) -> str:
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
