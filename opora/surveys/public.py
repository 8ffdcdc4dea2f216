"""The respondent's page at /s/<token>/: no account, no trace of who answered.

What protects the results: one response per browser session (answered links are kept in
the session, never with the response), a per-client flood limit in the cache (the key is a
hash of the client's address and the link; nothing of the address reaches the database),
and a refusal of forms carrying another link's hidden fields (a copied page of another
school's questionnaire).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opora.surveys import selectors, services
from opora.surveys.forms import ResponseForm
from opora.surveys.models import SurveyLink

SESSION_KEY = "surveys_answered"
JUST_ANSWERED = "surveys_just_answered"
THROTTLE_SECONDS = 3600


def _message(
    request: HttpRequest, title: str, text: str, status: int, link: SurveyLink | None = None
) -> HttpResponse:
    return render(
        request,
        "surveys/public/message.html",
        {"title": title, "text": text, "link": link},
        status=status,
    )


def throttle_key(request: HttpRequest, token: str) -> str:
    """A cache key that identifies the client for this link without keeping its address."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}|{token}".encode()).hexdigest()
    return f"surveys:throttle:{digest}"


def _throttled(key: str) -> bool:
    # Accepted responses per client and link per hour (settings.py says why it is generous).
    return int(cache.get(key, 0)) >= settings.OPORA_SURVEY_RESPONSES_PER_HOUR


def _count(key: str) -> None:
    # add() starts the window with the first response; incr() keeps its expiry.
    cache.add(key, 0, THROTTLE_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, THROTTLE_SECONDS)


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
    if not link.round.is_open():
        return _message(
            request,
            _("Анкетирование закрыто"),
            _("Анкетирование по этой ссылке проводилось с %(a)s по %(b)s и уже закрыто.")
            % {
                "a": link.round.opens_on.strftime("%d.%m.%Y"),
                "b": link.round.closes_on.strftime("%d.%m.%Y"),
            },
            410,
            link,
        )
    answered = request.session.get(SESSION_KEY, [])
    if link.pk in answered:
        just = request.session.pop(JUST_ANSWERED, None)
        if request.method == "GET" and just == link.pk:
            return _message(
                request,
                _("Спасибо! Ваш ответ принят"),
                _("Результаты будут видны только обобщённо, без указания, кто как ответил."),
                200,
                link,
            )
        return _message(
            request,
            _("Вы уже ответили на эту анкету"),
            _(
                "С этого браузера ответ по этой ссылке уже принят. Повторный ответ не "
                "принимается, чтобы один человек не учитывался дважды."
            ),
            409 if request.method == "POST" else 200,
            link,
        )
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
        key = throttle_key(request, token)
        if _throttled(key):
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
        if form.is_valid():
            try:
                services.response_submit(link=link, answers=form.answers())
            except ValidationError as exc:
                return _message(request, _("Ответ не принят"), " ".join(exc.messages), 410, link)
            _count(key)
            request.session[SESSION_KEY] = [*answered, link.pk]
            request.session[JUST_ANSWERED] = link.pk
            return redirect(link.get_public_url())
    return render(
        request,
        "surveys/public/answer.html",
        {"link": link, "form": form, "sections": form.sections(structure)},
        status=400 if form.is_bound else 200,
    )
