"""Pages of the practice bank: thin shells over selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opora.core.cards import card_section
from opora.core.web import errors_to_form
from opora.practices import effect, selectors, services
from opora.practices.forms import AdoptionForm
from opora.roadmaps.extensions import Suggestion, measure_suggestions

# --- bank ---

# --- effect ---


def effect_context(request: HttpRequest, practice: Any) -> dict[str, Any]:
    """What `practices/_effect.html` needs: the evidence, the usage counts, the adoptions the
    user may see by name and whether they may record one. The practice page calls this."""
    return {
        "effect": effect.practice_effect(practice),
        "usage": effect.practice_usage(request.user, practice),
        "adoptions": selectors.practice_adoptions(request.user, practice),
        "may_adopt": selectors.may_adopt(request.user),
    }


@login_required
@require_GET
def practice_effect(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of a published practice's effect and who uses it (its own page until the
    bank's practice page includes the block)."""
    practice = selectors.practice_for_effect(request.user, pk)
    title = _("Эффект и внедрение: %(t)s") % {"t": practice.title}
    return render(
        request,
        "practices/effect.html",
        {"practice": practice, "title": title, **effect_context(request, practice)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """A school takes up a published practice, optionally as an activity of its roadmap."""
    practice = selectors.practice_for_effect(request.user, pk)
    schools = selectors.adoption_schools(request.user)
    if not schools.exists():
        messages.error(request, _("Записывать внедрение практик вам недоступно."))
        return redirect("practices:effect", pk=practice.pk)
    sections = selectors.adoption_sections(request.user, schools)
    form = AdoptionForm(request.POST or None, user=request.user, schools=schools, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adoption = services.adoption_create(
                practice=practice,
                school=data["school"],
                user=request.user,  # type: ignore[arg-type]
                adopted_on=data["adopted_on"],
                note=data["note"],
                section=data["section"],
                responsible=data["responsible"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if adoption.activity is not None:
                messages.success(
                    request,
                    _("Внедрение записано, в дорожную карту добавлено мероприятие «%(t)s».")
                    % {"t": adoption.activity.text},
                )
            else:
                messages.success(request, _("Внедрение практики записано."))
            return redirect("practices:effect", pk=practice.pk)
    title = _("Внедрить практику")
    return render(
        request,
        "practices/adopt.html",
        {"practice": practice, "form": form, "title": title},
    )


@card_section("school", order=60)
def school_practices_card(request: HttpRequest, school: Any) -> str:
    """«Внедряемые практики» on the school card."""
    adoptions = selectors.school_adoptions(request.user, school)
    if not adoptions:
        return ""
    return render_to_string(
        "practices/_school_card.html", {"adoptions": adoptions}, request=request
    )


@measure_suggestions(order=10)
def constructor_practices(request: HttpRequest, selection: Any) -> list[Suggestion]:
    """Published practices for the constructor's risk factors and problem types."""
    return [
        Suggestion(
            key=f"practice-{p.practice.pk}",
            title=p.practice.title,
            url=reverse("practices:effect", args=[p.practice.pk]),
            why=p.why,
            text=services.adoption_activity_text(p.practice),
            section=p.section,
        )
        for p in selectors.practices_for_selection(
            request.user, selection.risk_factors, selection.problem_types
        )
    ]
