"""The respondent's pages: /s/<token>/ (the link) and /s/ (a one-time code alone). No account,
no trace of who answered.

What protects the results: on a link with one-time codes, one answer per code (pupils of a
class can answer one after another at one computer, and clearing cookies gains nothing); on
an open link, the organiser's respondent limit, if set; everywhere a flood limit per client
address and link, and a limit of wrong codes per client address (`opora.core.flood`:
django-ratelimit's counters in the cache under a salted hash — nothing of the address reaches
the database; the address is the one the trusted proxies report); and a refusal of forms
carrying another link's hidden fields (a copied page of another school's questionnaire).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opora.core import flood
from opora.core.dates import date_ru
from opora.core.web import errors_to_form
from opora.surveys import selectors, services
from opora.surveys.forms import CodeEntryForm, ResponseForm
from opora.surveys.models import SurveyLink

JUST_ANSWERED = "surveys_just_answered"
THROTTLE_SECONDS = 3600


def _message(
    request: HttpRequest,
    title: str,
    text: str,
    status: int,
    link: SurveyLink | None = None,
    next_url: str = "",
    next_label: str = "",
) -> HttpResponse:
    return render(
        request,
        "surveys/public/message.html",
        {
            "title": title,
            "text": text,
            "link": link,
            "next_url": next_url,
            "next_label": next_label,
        },
        status=status,
    )


# The flood limits (`opora.core.flood`): accepted answers per client and link, wrong codes per
# client on any link, each in a window of an hour.
ANSWERS, CODES = "survey-answers", "survey-codes"


def throttle_key(request: HttpRequest, token: str) -> str:
    """The client as the answer counter of one link knows it (a salted hash, no address)."""
    return flood.client_key(request, ANSWERS, token)


def _answers_over(request: HttpRequest, token: str) -> bool:
    return flood.is_over(
        request,
        scope=ANSWERS,
        extra=token,
        limit=settings.OPORA_SURVEY_RESPONSES_PER_HOUR,
        seconds=THROTTLE_SECONDS,
    )


def _answer_count(request: HttpRequest, token: str) -> None:
    flood.count(
        request,
        scope=ANSWERS,
        extra=token,
        limit=settings.OPORA_SURVEY_RESPONSES_PER_HOUR,
        seconds=THROTTLE_SECONDS,
    )


def _codes_over(request: HttpRequest) -> bool:
    return flood.is_over(
        request,
        scope=CODES,
        limit=settings.OPORA_SURVEY_CODE_ATTEMPTS_PER_HOUR,
        seconds=THROTTLE_SECONDS,
    )


def _wrong_code_count(request: HttpRequest) -> None:
    flood.count(
        request,
        scope=CODES,
        limit=settings.OPORA_SURVEY_CODE_ATTEMPTS_PER_HOUR,
        seconds=THROTTLE_SECONDS,
    )


def _too_many_answers(request: HttpRequest, link: SurveyLink) -> HttpResponse:
    return _message(
        request,
        _("Слишком много ответов"),
        _(
            "С вашего устройства по этой ссылке за последний час отправлено слишком "
            "много ответов. Попробуйте позже."
        ),
        429,
        link,
    )


def _too_many_codes(request: HttpRequest, link: SurveyLink | None = None) -> HttpResponse:
    return _message(
        request,
        _("Слишком много неверных кодов"),
        _(
            "С вашего устройства за последний час введено слишком много неверных кодов. "
            "Попробуйте позже или попросите помощи у того, кто выдал листочки."
        ),
        429,
        link,
    )


def _closed(request: HttpRequest, link: SurveyLink) -> HttpResponse | None:
    """The refusal for a link that takes no answers now (closed round, limit reached)."""
    if not link.round.is_open():
        return _message(
            request,
            _("Анкетирование закрыто"),
            _("Анкетирование по этой ссылке проводилось с %(a)s по %(b)s и уже закрыто.")
            % {"a": date_ru(link.round.opens_on), "b": date_ru(link.round.closes_on)},
            410,
            link,
        )
    if link.respondent_limit is not None:
        answered = selectors.response_counts([link.pk]).get(link.pk, 0)
        if answered >= link.respondent_limit:
            return _message(
                request,
                _("Анкета больше не принимает ответы"),
                services.respondent_limit_message(link),
                410,
                link,
            )
    return None


def _answer_page(
    request: HttpRequest, link: SurveyLink, form: ResponseForm, structure: Any, status: int
) -> HttpResponse:
    return render(
        request,
        "surveys/public/answer.html",
        {"link": link, "form": form, "sections": form.sections(structure)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest) -> HttpResponse:
    """/s/: a respondent types the code from the slip and gets the questionnaire it opens."""
    form = CodeEntryForm(request.POST or None)
    if request.method == "POST":
        if _codes_over(request):
            return _too_many_codes(request)
        if form.is_valid():
            found = selectors.code_lookup(form.cleaned_data["code"])
            if found is None or found.used:
                _wrong_code_count(request)
                form.add_error(
                    "code",
                    services.code_unknown_message()
                    if found is None
                    else services.code_used_message(),
                )
            else:
                link = found.link
                refusal = _closed(request, link)
                if refusal is not None:
                    return refusal
                structure = selectors.questionnaire_structure(link.questionnaire)
                questions = [q for _section, qs in structure for q in qs]
                answer_form = ResponseForm(
                    link=link, questions=questions, initial={"code": found.display}
                )
                return _answer_page(request, link, answer_form, structure, 200)
    return render(
        request,
        "surveys/public/enter.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.link_by_token(token)
    if link is None:
        return _message(
            request,
            _("Ссылка не найдена"),
            _(
                "Такой анкеты нет. Проверьте, что ссылка скопирована полностью, или попросите "
                "школу прислать её ещё раз."
            ),
            404,
        )
    if request.method == "GET" and request.session.get(JUST_ANSWERED) == link.pk:
        # The thank-you page once; the next one to sit at this computer gets the form.
        del request.session[JUST_ANSWERED]
        return _message(
            request,
            _("Спасибо! Ваш ответ принят"),
            _("Результаты будут видны только обобщённо, без указания, кто как ответил."),
            200,
            link,
            next_url=link.get_public_url(),
            next_label=_("Анкету заполняет следующий участник"),
        )
    refusal = _closed(request, link)
    if refusal is not None:
        return refusal
    structure = selectors.questionnaire_structure(link.questionnaire)
    questions = [q for _section, qs in structure for q in qs]
    form = ResponseForm(request.POST or None, link=link, questions=questions)
    if request.method == "POST":
        if form.link_mismatch():
            return _message(
                request,
                _("Ответ не принят"),
                _(
                    "Эта ссылка выдана школе «%(school)s», а отправленная форма относится к "
                    "другой ссылке. Откройте анкету по ссылке своей школы и заполните её заново."
                )
                % {"school": link.school.name},
                400,
                link,
            )
        if _answers_over(request, token):
            return _too_many_answers(request, link)
        if link.requires_code and _codes_over(request):
            return _too_many_codes(request, link)
        if form.is_valid():
            try:
                services.response_submit(
                    link=link, answers=form.answers(), code=form.cleaned_data.get("code", "")
                )
            except ValidationError as exc:
                if not (hasattr(exc, "error_dict") and "code" in exc.error_dict):
                    return _message(
                        request, _("Ответ не принят"), " ".join(exc.messages), 410, link
                    )
                # A wrong or used code: said at the code, every answer kept on the page.
                _wrong_code_count(request)
                errors_to_form(form, exc)
            else:
                _answer_count(request, token)
                request.session[JUST_ANSWERED] = link.pk
                return redirect(link.get_public_url())
    return _answer_page(request, link, form, structure, 400 if form.is_bound else 200)
