"""Pages of the evaluation of support."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core.access import Action
from opora.core.web import errors_to_messages, paginate
from opora.evaluation import reading, selectors, services
from opora.evaluation.chart import means_svg
from opora.evaluation.choices import EstimateStatus
from opora.evaluation.models import Estimate


def _crumbs(*more: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"title": _("Отчёты"), "url": reverse("reports:index")},
        {"title": _("Эффективность поддержки"), "url": reverse("evaluation:index")},
        *more,
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """«Эффективность поддержки»: the programmes the user may evaluate."""
    programmes = paginate(request, selectors.evaluation_programme_list(request.user), 30)
    crumbs = _crumbs()
    crumbs[-1] = {"title": _("Эффективность поддержки")}
    return render(
        request,
        "evaluation/index.html",
        {"programmes": programmes, "breadcrumbs": crumbs},
    )


def _presented(result: dict[str, Any]) -> dict[str, Any]:
    """The stored result with what the template shows in words (labels, SD units)."""
    labels = reading.covariate_labels()
    sd = result.get("sd")
    view: dict[str, Any] = {
        "result": result,
        "reasons": reading.reasons(result),
        "reading": reading.reading(result),
        "balance": [
            dict(row, label=labels.get(row["covariate"], "")) for row in result.get("balance", [])
        ],
        "chart": mark_safe(means_svg(result.get("means", []), result.get("start_year"))),
    }
    did = result.get("did")
    if did and sd:
        view["did_sd"] = {k: did[k] / sd for k in ("estimate", "low", "high")}
    kinds = []
    for row in result.get("by_kind", []):
        entry = dict(row)
        if row.get("shown"):
            entry["reading"] = reading.reading(row["result"], association=True)
        kinds.append(entry)
    view["by_kind"] = kinds
    return view


@login_required
@require_GET
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's latest estimate (or why there is none), and the button to run one."""
    programme = selectors.evaluation_programme_get(request.user, pk)
    latest = selectors.estimate_latest(request.user, programme)
    shown: Estimate | None = latest
    if latest is not None and latest.status != EstimateStatus.DONE:
        shown = selectors.estimate_latest_done(request.user, programme)
    context: dict[str, Any] = {
        "programme": programme,
        "latest": latest,
        "estimate": shown,
        "may_run": selectors.evaluation_may_run(request.user, programme),
        "running": latest is not None and latest.status == EstimateStatus.QUEUED,
        "breadcrumbs": _crumbs({"title": programme.name}),
    }
    if shown is not None:
        context.update(_presented(shown.result))
        author = shown.created_by
        context["who"] = (author.get_full_name() or author.username) if author else "—"
    return render(request, "evaluation/programme.html", context)


@login_required
@require_POST
def programme_run(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.evaluation_programme_get(request.user, pk, Action.CHANGE)
    try:
        services.estimate_start(programme=programme, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request, _("Оценка запущена: она считается в фоне, страница покажет результат.")
        )
    return redirect("evaluation:programme", pk=programme.pk)
