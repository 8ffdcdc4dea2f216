"""Survey pages for staff: questionnaires and their builder, rounds with links, results,
risk profiles; the school card section. The respondents' pages are in `public.py`."""

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
from opora.core.access import Action, can
from opora.core.cards import HomeCard, HomeItem, card_section, home_card_html
from opora.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from opora.core.web import download, errors_to_form, errors_to_messages, paginate
from opora.registry import selectors as registry_selectors
from opora.registry.models import Organization
from opora.surveys import exports, selectors, services
from opora.surveys.choices import QuestionnaireKind, RiskFactor
from opora.surveys.forms import (
    CodesForm,
    CopyForm,
    LinkAccessForm,
    ProfileComputeForm,
    QuestionForm,
    QuestionnaireForm,
    RiskProfileForm,
    RoundDatesForm,
    RoundForm,
    ScoringForm,
    SectionForm,
)
from opora.surveys.scoring import ScoringError, parse_scoring

# The index's rounds and questionnaires: a page of each.
PAGE_SIZE = 30


def _monitoring_crumb() -> dict[str, str]:
    return {"title": _("Мониторинг"), "url": reverse("monitoring:index")}


def _home_crumbs() -> list[dict[str, str]]:
    return [_monitoring_crumb(), {"title": _("Анкетирование"), "url": reverse("surveys:index")}]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "surveys/index.html",
        {
            # Both grow with the territory: each list has its own page number.
            "questionnaires": paginate(
                request, selectors.questionnaire_list(user), PAGE_SIZE, page_field="questionnaires"
            ),
            "rounds": paginate(request, selectors.round_list(user), PAGE_SIZE, page_field="rounds"),
            "may_run": selectors.may_run_surveys(user),
            "breadcrumbs": [_monitoring_crumb(), {"title": _("Анкетирование")}],
        },
    )


# --- Questionnaires ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_run_surveys(request.user):
        raise Http404
    form = QuestionnaireForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questionnaire = services.questionnaire_create(
            title=data["title"],
            description=data["description"],
            group=data["group"],
            kind=data["kind"],
            owner=data["owner"],
            min_respondents=data["min_respondents"],
            user=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Анкета создана: добавьте вопросы."))
        return redirect(questionnaire.get_absolute_url())
    title = _("Новая анкета")
    return render(
        request,
        "surveys/form.html",
        {"form": form, "title": title, "breadcrumbs": [*_home_crumbs(), {"title": title}]},
    )


@login_required
@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk)
    structure = selectors.questionnaire_structure(questionnaire)
    questions = {q.code: q for _s, qs in structure for q in qs}
    try:
        rules = parse_scoring(questionnaire.scoring, questions)
        scoring_problems: list[str] = []
    except ScoringError as exc:
        rules, scoring_problems = {}, exc.problems
    scored: dict[str, list[str]] = {}
    for rule in rules.values():
        for item in rule.items:
            scored.setdefault(item.question, []).append(rule.factor)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "structure": structure,
            "may_change": selectors.questionnaire_may_change(request.user, questionnaire),
            "may_copy": selectors.may_run_surveys(request.user),
            "responses": selectors.questionnaire_response_count(questionnaire),
            "rules": rules,
            "scored": scored,
            "scoring_problems": scoring_problems,
            "factor_labels": dict(RiskFactor.choices),
            "section_form": SectionForm(),
            "breadcrumbs": [*_home_crumbs(), {"title": questionnaire.title}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    form = QuestionnaireForm(request.POST or None, instance=questionnaire, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh instance: the form has already written the posted values into its own.
            services.questionnaire_update(
                questionnaire=selectors.questionnaire_get(request.user, pk, Action.CHANGE),
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Анкета сохранена."))
            return redirect(questionnaire.get_absolute_url())
    title = _("Анкета: основные сведения")
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [
                *_home_crumbs(),
                {"title": questionnaire.title, "url": questionnaire.get_absolute_url()},
                {"title": title},
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.questionnaire_get(request.user, pk)
    if not selectors.may_run_surveys(request.user):
        raise Http404
    form = CopyForm(
        request.POST or None,
        user=request.user,
        initial={"title": _("%(t)s (копия)") % {"t": source.title}},
    )
    if request.method == "POST" and form.is_valid():
        copy = services.questionnaire_copy(
            source=source,
            owner=form.cleaned_data["owner"],
            title=form.cleaned_data["title"],
            user=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Копия создана: её можно изменять."))
        return redirect(copy.get_absolute_url())
    title = _("Копия анкеты")
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [
                *_home_crumbs(),
                {"title": source.title, "url": source.get_absolute_url()},
                {"title": title},
            ],
        },
    )


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(questionnaire=questionnaire, title=form.cleaned_data["title"])
        except ValidationError as exc:
            errors_to_messages(request, exc)
    else:
        messages.error(request, _("Укажите название раздела."))
    return redirect(questionnaire.get_absolute_url())


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    section = selectors.section_get(
        request.user, section_pk, Action.CHANGE, questionnaire=questionnaire
    )
    try:
        services.section_delete(section=section)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(questionnaire.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    question = (
        selectors.question_get(
            request.user, question_pk, Action.CHANGE, questionnaire=questionnaire
        )
        if question_pk
        else None
    )
    form = QuestionForm(request.POST or None, instance=question, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                questionnaire=questionnaire,
                # A fresh instance: the form's one already carries the posted values.
                question=selectors.question_get(
                    request.user, question.pk, Action.CHANGE, questionnaire=questionnaire
                )
                if question
                else None,
                data=form.question_data(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Вопрос сохранён."))
            return redirect(questionnaire.get_absolute_url())
    title = _("Вопрос анкеты") if question else _("Новый вопрос")
    return render(
        request,
        "surveys/question_form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "question": question,
            "title": title,
            "breadcrumbs": [
                *_home_crumbs(),
                {"title": questionnaire.title, "url": questionnaire.get_absolute_url()},
                {"title": title},
            ],
        },
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    question = selectors.question_get(
        request.user, question_pk, Action.CHANGE, questionnaire=questionnaire
    )
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Вопрос удалён."))
    return redirect(questionnaire.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def scoring_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = selectors.questionnaire_get(request.user, pk, Action.CHANGE)
    form = ScoringForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.scoring_save(
                questionnaire=questionnaire,
                scoring=form.cleaned_data["scoring"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Правила подсчёта рисков сохранены."))
            return redirect(questionnaire.get_absolute_url())
    title = _("Правила подсчёта рисков")
    return render(
        request,
        "surveys/scoring_form.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "codes": [q for _s, qs in selectors.questionnaire_structure(questionnaire) for q in qs],
            "title": title,
            "breadcrumbs": [
                *_home_crumbs(),
                {"title": questionnaire.title, "url": questionnaire.get_absolute_url()},
                {"title": title},
            ],
        },
    )


# --- Rounds --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_run_surveys(request.user):
        raise Http404
    initial: dict[str, Any] = {}
    if request.GET.get("questionnaire"):
        initial["questionnaires"] = [request.GET["questionnaire"]]
    form = RoundForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_round = services.round_create(
                title=data["title"],
                owner=data["owner"],
                year=data["year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                questionnaires=data["questionnaires"],
                schools=data["school_list"],
                programme=data["programme"],
                respondent_limit=data["respondent_limit"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Анкетирование открыто: разошлите ссылки школам."))
            return redirect(survey_round.get_absolute_url())
    title = _("Новое анкетирование")
    return render(
        request,
        "surveys/round_form.html",
        {"form": form, "title": title, "breadcrumbs": [*_home_crumbs(), {"title": title}]},
    )


def _round_crumbs(survey_round: Any, title: str | None = None) -> list[dict[str, str]]:
    crumbs = [
        *_home_crumbs(),
        {"title": survey_round.title, "url": survey_round.get_absolute_url()},
    ]
    if title:
        crumbs.append({"title": title})
    return crumbs


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The links to copy and send out, with response counts."""
    survey_round = selectors.round_get(request.user, pk)
    links = paginate(request, selectors.round_links(request.user, survey_round), 60)
    return render(
        request,
        "surveys/round_detail.html",
        {
            "round": survey_round,
            "links": links,
            "may_change": selectors.round_may_change(request.user, survey_round),
            "dates_form": RoundDatesForm(
                initial={"opens_on": survey_round.opens_on, "closes_on": survey_round.closes_on}
            ),
            "breadcrumbs": _round_crumbs(survey_round),
        },
    )


@login_required
@require_POST
def round_dates(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get(request.user, pk, Action.CHANGE)
    form = RoundDatesForm(request.POST)
    if form.is_valid():
        try:
            services.round_dates_set(survey_round=survey_round, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Сроки анкетирования изменены."))
    else:
        messages.error(request, _("Укажите обе даты."))
    return redirect(survey_round.get_absolute_url())


@login_required
@require_GET
def round_links_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    survey_round = selectors.round_get(request.user, pk)
    links = list(selectors.round_links(request.user, survey_round))
    if fmt == "xlsx":
        data, content_type = (
            exports.links_xlsx(links, request.build_absolute_uri),
            XLSX_CONTENT_TYPE,
        )
    elif fmt == "csv":
        data, content_type = exports.links_csv(links, request.build_absolute_uri), CSV_CONTENT_TYPE
    else:
        raise Http404
    return download(data, exports.links_export_name(survey_round, fmt), content_type)


@login_required
@require_GET
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Schools × questionnaires: counts, and the results where the minimum is reached."""
    survey_round = selectors.round_get(request.user, pk)
    links = selectors.round_links(request.user, survey_round)
    questionnaires = sorted({link.questionnaire for link in links}, key=lambda q: (q.group, q.pk))
    rows: dict[int, dict[str, Any]] = {}
    for link in links:
        row = rows.setdefault(link.school_id, {"school": link.school, "cells": {}})
        row["cells"][link.questionnaire_id] = link
    # A page of schools: the table grows with the round's schools.
    table = paginate(
        request,
        [
            (row["school"], [row["cells"].get(q.pk) for q in questionnaires])
            for row in rows.values()
        ],
        50,
    )
    return render(
        request,
        "surveys/round_results.html",
        {
            "round": survey_round,
            "questionnaires": questionnaires,
            "table": table,
            "may_change": selectors.round_may_change(request.user, survey_round),
            "is_risk500": any(q.kind == QuestionnaireKind.RISK500 for q in questionnaires),
            "breadcrumbs": _round_crumbs(survey_round, _("Результаты")),
        },
    )


@login_required
@require_GET
def round_rollup(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    survey_round = selectors.round_get(request.user, pk)
    questionnaire = selectors.round_questionnaire_get(request.user, survey_round, questionnaire_pk)
    rollup = selectors.round_rollup(request.user, survey_round, questionnaire)
    return render(
        request,
        "surveys/results.html",
        {
            "round": survey_round,
            "questionnaire": questionnaire,
            "rollup": rollup,
            "results": rollup.results,
            "breadcrumbs": _round_crumbs(survey_round, _("Сводно по школам")),
        },
    )


@login_required
@require_GET
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get(request.user, pk)
    data = exports.results_xlsx(request.user, survey_round)
    return download(data, exports.results_export_name(survey_round), XLSX_CONTENT_TYPE)


@login_required
@require_GET
def link_results(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's aggregated answers to one questionnaire; never individual responses."""
    link = selectors.link_get(request.user, pk)
    results = selectors.link_results(link)
    return render(
        request,
        "surveys/results.html",
        {
            "round": link.round,
            "questionnaire": link.questionnaire,
            "link": link,
            "results": results,
            "breadcrumbs": _round_crumbs(link.round, link.school.short_name),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_access(request: HttpRequest, pk: int) -> HttpResponse:
    """How a link takes answers (open, with a respondent limit, or by one-time codes) and its
    batches of codes; for the round's organisers only."""
    link = selectors.link_get(request.user, pk, Action.CHANGE)
    form = LinkAccessForm(
        request.POST or None,
        initial={"requires_code": link.requires_code, "respondent_limit": link.respondent_limit},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.link_access_set(
                link=link,
                requires_code=form.cleaned_data["requires_code"],
                respondent_limit=form.cleaned_data["respondent_limit"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Порядок приёма ответов по ссылке сохранён."))
            return redirect("surveys:link-access", pk=link.pk)
    return _link_access_page(request, link, form, CodesForm(), 400 if form.errors else 200)


def _link_access_page(
    request: HttpRequest, link: Any, form: LinkAccessForm, codes_form: CodesForm, status: int
) -> HttpResponse:
    batches = selectors.link_code_batches(request.user, link)
    return render(
        request,
        "surveys/link_access.html",
        {
            "link": link,
            "form": form,
            "codes_form": codes_form,
            "batches": batches,
            "unused": sum(b.unused for b in batches),
            "entry_url": request.build_absolute_uri(reverse("survey_public:enter")),
            "link_url": request.build_absolute_uri(link.get_public_url()),
            "breadcrumbs": _round_crumbs(
                link.round,
                _("Приём ответов: %(school)s, %(group)s")
                % {
                    "school": link.school.short_name,
                    "group": link.questionnaire.get_group_display(),
                },
            ),
        },
        status=status,
    )


@login_required
@require_POST
def link_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a batch of one-time codes for the link."""
    link = selectors.link_get(request.user, pk, Action.CHANGE)
    codes_form = CodesForm(request.POST)
    if codes_form.is_valid():
        try:
            batch = services.link_codes_generate(
                link=link,
                count=codes_form.cleaned_data["count"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(codes_form, exc, field="count")
        else:
            messages.success(
                request,
                _(
                    "Выпущено кодов: %(n)s (выпуск %(batch)s). Ссылка теперь принимает ответы "
                    "только по кодам — распечатайте листочки."
                )
                % {"n": codes_form.cleaned_data["count"], "batch": batch},
            )
            return redirect("surveys:link-access", pk=link.pk)
    form = LinkAccessForm(
        initial={"requires_code": link.requires_code, "respondent_limit": link.respondent_limit}
    )
    return _link_access_page(request, link, form, codes_form, 400)


@login_required
@require_GET
def link_codes_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The unused codes (of one batch) as slips to cut out, A4, for the browser's «Print»."""
    link = selectors.link_get(request.user, pk, Action.CHANGE)
    batch = request.GET.get("batch", "")
    codes = selectors.link_codes_unused(
        request.user, link, int(batch) if batch.isdigit() and len(batch) < 6 else None
    )
    entry_url = request.build_absolute_uri(reverse("survey_public:enter"))
    return render(
        request,
        "surveys/codes_print.html",
        {
            "link": link,
            "codes": codes,
            "batch": batch if batch.isdigit() else "",
            "entry_address": entry_url.split("://", 1)[-1],
            "back_url": reverse("surveys:link-access", args=[link.pk]),
        },
    )


@login_required
@require_POST
def round_profiles(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute the risk profiles of the round's schools from its year's 500+ answers."""
    survey_round = selectors.round_get(request.user, pk, Action.CHANGE)
    schools = [
        link.school
        for link in selectors.round_links(request.user, survey_round)
        if selectors.may_enter_profile(request.user, link.school)
    ]
    unique = list({s.pk: s for s in schools}.values())
    profiles = services.round_profiles_compute(
        survey_round=survey_round,
        schools=unique,
        user=request.user,  # type: ignore[arg-type]
    )
    messages.success(
        request,
        _("Профили рисков рассчитаны: %(n)s из %(t)s школ (у остальных недостаточно ответов).")
        % {"n": len(profiles), "t": len(unique)},
    )
    return redirect(reverse("surveys:round-results", args=[survey_round.pk]))


# --- Risk profiles -------------------------------------------------------------------------


def _school_for_profile(request: HttpRequest, school_pk: int) -> Organization:
    school = registry_selectors.school_get(request.user, school_pk, Action.CHANGE)
    if not selectors.may_enter_profile(request.user, school):
        raise Http404
    return school


@login_required
@require_POST
def profile_compute(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = _school_for_profile(request, school_pk)
    form = ProfileComputeForm(request.POST)
    if form.is_valid():
        try:
            services.risk_profile_compute(
                school=school,
                year=form.cleaned_data["year"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Профиль рисков рассчитан по анкетам."))
    else:
        messages.error(request, _("Укажите учебный год."))
    return redirect(school.get_tab_url("diagnostics") + "#risk-profile")


@login_required
@require_http_methods(["GET", "POST"])
def profile_enter(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = _school_for_profile(request, school_pk)
    latest = selectors.risk_profile_latest(request.user, school)
    form = RiskProfileForm(
        request.POST or None,
        initial_levels=latest.levels if latest else None,
        initial={"year": latest.year} if latest else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_profile_enter(
                school=school,
                year=form.cleaned_data["year"],
                levels=form.levels(),
                comment=form.cleaned_data["comment"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Профиль рисков сохранён."))
            return redirect(school.get_tab_url("diagnostics") + "#risk-profile")
    title = _("Профиль рисков: ввод и корректировка")
    return render(
        request,
        "surveys/profile_form.html",
        {
            "form": form,
            "school": school,
            "latest": latest,
            "title": title,
            "breadcrumbs": [
                {"title": school.short_name, "url": reverse("registry:school", args=[school.pk])},
                {"title": title},
            ],
        },
    )


@card_section("school", order=70, tab="diagnostics")
def school_card(request: HttpRequest, school: Any) -> str:
    """The school's risk profile and its survey links with counts, on the school card."""
    profile = selectors.risk_profile_latest(request.user, school)
    links = selectors.school_links(request.user, school)
    may_enter = can(request.user, Action.CHANGE, school) and selectors.may_enter_profile(
        request.user, school
    )
    if profile is None and not links and not may_enter:
        return ""
    return render_to_string(
        "surveys/_school_card.html",
        {
            "school": school,
            "profile": profile,
            "links": links,
            "may_enter": may_enter,
            "current_year": profile.year if profile else dates.academic_year_of(dates.today()),
        },
        request=request,
    )


def responses(link: Any) -> int:
    return int(link.response_count)  # annotated by the selector


@card_section("home", order=18)
def home_surveys(request: HttpRequest, user: Any) -> str:
    """«Опросы в школе» running now at the director's and staff's school."""
    links = selectors.home_surveys_running(user)
    if not links:
        return ""
    return home_card_html(
        request,
        HomeCard(
            key="surveys",
            title=_("Опросы в школе идут сейчас"),
            items=[
                HomeItem(
                    f"{link.questionnaire.title} ({link.round.title})",
                    link.school.get_tab_url("diagnostics") + "#risk-profile",
                    _("до %(d)s; ответов: %(n)s")
                    % {"d": dates.date_ru(link.round.closes_on), "n": responses(link)},
                )
                for link in links
            ],
            all_url=links[0].school.get_tab_url("diagnostics") + "#risk-profile",
            all_label=_("Карточка школы"),
        ),
    )
