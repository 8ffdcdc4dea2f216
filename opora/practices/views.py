"""Pages of the practice bank («Практики»): the bank with its search, a practice's page with
its materials, reviews and versions, describing and reviewing, the criteria, collections and
their printed atlas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core.access import Action
from opora.core.cards import card_section
from opora.core.exports import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from opora.core.web import attachment, download, errors_to_form, errors_to_messages, paginate
from opora.practices import effect, selectors, services
from opora.practices.choices import PracticeStatus
from opora.practices.forms import (
    PROBLEM_CHOICES,
    AdoptionForm,
    CollectionAddForm,
    CollectionForm,
    CriterionForm,
    MaterialForm,
    PracticeForm,
    ReviewForm,
)
from opora.practices.models import Practice
from opora.roadmaps.extensions import Suggestion, measure_suggestions
from opora.surveys.choices import RiskFactor

# --- The bank: practices, reviews, collections ---

BANK_PAGE = 30
# The criteria and the collections: a page at a time.
LIST_PAGE = 30
# A collection's practices (a regional atlas gathers a whole region's best).
COLLECTION_PAGE = 20
# Published practices offered for adding to a collection at once (the search narrows them).
COLLECTION_OFFERED = 10


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bank_filter(request: HttpRequest) -> selectors.BankFilter:
    """The filters of `?q=&problem=&factor=&subject=&grade=&territory=&status=&tab=`; a wrong
    value is ignored."""
    get = request.GET
    grade = _int(get.get("grade", ""))
    territory_id = _int(get.get("territory", ""))
    tab = get.get("tab", "")
    status = get.get("status", "")
    return selectors.BankFilter(
        text=get.get("q", "").strip()[:200],
        problem_type=get.get("problem", "") if get.get("problem") in dict(PROBLEM_CHOICES) else "",
        risk_factor=get.get("factor", "") if get.get("factor") in RiskFactor.values else "",
        subject=_int(get.get("subject", "")),
        grade=grade if grade and 1 <= grade <= 11 else None,
        territory=selectors.territory_find(territory_id),
        status=status if status in PracticeStatus.values else "",
        mine=tab == "mine",
        awaiting_review=tab == "review",
    )


@login_required
@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    """The bank: published practices, searched and filtered; «мои» and «ждут экспертизы»."""
    filters = bank_filter(request)
    practices = selectors.practice_list(request.user, filters)
    tab = "mine" if filters.mine else "review" if filters.awaiting_review else ""
    page = paginate(request, practices, BANK_PAGE)
    # «Used by N schools, M like yours» for the page's practices, in a fixed number of queries.
    usage = effect.usage_for_practices(request.user, page.object_list)
    page.object_list = [(p, usage.get(p.pk)) for p in page.object_list]
    return render(
        request,
        "practices/practice_list.html",
        {
            "title": _("Банк практик"),
            "page": page,
            "f": filters,
            "tab": tab,
            "problems": PROBLEM_CHOICES,
            "factors": RiskFactor.choices,
            "subjects": selectors.subject_choices(),
            "grades": range(1, 12),
            "territories": selectors.territory_choices(),
            "statuses": PracticeStatus.choices,
            "sees_drafts": selectors.may_describe(request.user),
            "may_describe": selectors.may_describe(request.user),
            "may_review": selectors.may_review_anywhere(request.user),
        },
    )


def _practice_form(request: HttpRequest, practice: Practice | None) -> HttpResponse:
    organizations = selectors.authoring_choices(request.user)
    initial: dict[str, Any] = {}
    if practice is None:
        first = organizations.first()
        if first is not None:
            initial["organization"] = first.pk
    form = PracticeForm(
        request.POST or None,
        request.FILES or None,
        instance=practice,
        initial=initial,
        organizations=organizations,
        people=selectors.author_choices(
            request.user, practice.organization if practice is not None else None
        ),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        try:
            saved = services.practice_save(
                practice=saved,
                user=request.user,  # type: ignore[arg-type]
                authors=form.cleaned_data["authors"],
                subjects=form.cleaned_data["subjects"],
                material_file=form.cleaned_data.get("material_file"),
                material_url=form.cleaned_data.get("material_url") or "",
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Практика сохранена."))
            return redirect(saved.get_absolute_url())
    title = _("Новая практика") if practice is None else _("Изменить практику")
    return render(
        request,
        "practices/practice_form.html",
        {"title": title, "form": form, "practice": practice},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: HttpRequest) -> HttpResponse:
    if not selectors.may_describe(request.user):
        raise Http404
    return _practice_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk, Action.CHANGE)
    if practice.status != PracticeStatus.DRAFT:
        messages.error(
            request, _("Изменять можно только черновик; опубликованную — новой версией.")
        )
        return redirect(practice.get_absolute_url())
    return _practice_form(request, practice)


@login_required
@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk)
    user = request.user
    may_change = selectors.practice_may(user, practice, Action.CHANGE)
    reviews = selectors.practice_reviews(user, practice)
    criteria = selectors.active_criteria(user, practice)
    names = {str(c.pk): c.name for c in criteria}
    is_draft = practice.status == PracticeStatus.DRAFT
    return render(
        request,
        "practices/practice_detail.html",
        {
            "title": practice.title,
            "practice": practice,
            "problems": [dict(PROBLEM_CHOICES).get(p, p) for p in practice.problem_types],
            "factors": [
                RiskFactor(f).label for f in practice.risk_factors if f in RiskFactor.values
            ],
            "authors": list(practice.authors.all()),
            "subjects": list(practice.subjects.all()),
            "materials": selectors.practice_materials(user, practice),
            "reviews": [
                (r, [(names.get(k, "—"), v) for k, v in r.scores.items()]) for r in reviews
            ],
            "versions": selectors.practice_versions(user, practice),
            "may_change": may_change and is_draft,
            "may_submit": may_change and is_draft,
            "missing": services.submit_refusals(practice) if may_change and is_draft else [],
            "material_form": MaterialForm() if may_change and is_draft else None,
            "may_review": practice.status == PracticeStatus.REVIEW
            and selectors.may_review(user, practice)
            and not any(r.reviewer_id == user.pk for r in reviews),
            "may_publish": practice.status == PracticeStatus.REVIEW
            and selectors.may_publish(user, practice),
            "may_archive": practice.status != PracticeStatus.ARCHIVED
            and (may_change or selectors.may_publish(user, practice)),
            "may_version": practice.status == PracticeStatus.PUBLISHED and may_change,
            **effect_context(request, practice),
        },
    )


def _transition(request: HttpRequest, pk: int, action: Action, run: Any, done: str) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk, action)
    try:
        result = run(practice=practice, user=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(practice.get_absolute_url())
    messages.success(request, done)
    return redirect(result.get_absolute_url())


@login_required
@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        Action.CHANGE,
        services.practice_submit,
        _("Практика отправлена на экспертизу."),
    )


@login_required
@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, Action.APPROVE, services.practice_publish, _("Практика опубликована.")
    )


@login_required
@require_POST
def practice_archive(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk)
    if not (
        selectors.practice_may(request.user, practice, Action.CHANGE)
        or selectors.may_publish(request.user, practice)
    ):
        raise Http404
    return _transition(
        request, pk, Action.VIEW, services.practice_archive, _("Практика отправлена в архив.")
    )


@login_required
@require_POST
def practice_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        Action.CHANGE,
        services.practice_version_new,
        _("Создан черновик новой версии; опубликованная версия не изменится до публикации новой."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk, Action.REVIEW)
    criteria = selectors.active_criteria(request.user, practice)
    form = ReviewForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                practice=practice,
                user=request.user,  # type: ignore[arg-type]
                criteria=criteria,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                conclusion=form.cleaned_data["conclusion"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Заключение сохранено."))
            return redirect(practice.get_absolute_url())
    return render(
        request,
        "practices/review_form.html",
        {"title": _("Экспертиза практики"), "form": form, "practice": practice},
    )


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    practice = selectors.practice_get(request.user, pk, Action.CHANGE)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(
                practice=practice,
                user=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                file=form.cleaned_data.get("file"),
                url=form.cleaned_data.get("url") or "",
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Материал добавлен."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(practice.get_absolute_url())


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(request.user, pk, Action.CHANGE)
    try:
        services.material_remove(material=material, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Материал убран."))
    return redirect(material.practice.get_absolute_url())


@login_required
@require_GET
def material_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = selectors.material_get(request.user, pk)
    if not material.file:
        raise Http404
    return attachment(material.file, material.file_name or material.title)


# --- Criteria ---


@login_required
@require_http_methods(["GET", "POST"])
def criterion_list(request: HttpRequest) -> HttpResponse:
    """The published criteria; an authority's coordinator adds its own here."""
    owners = selectors.criterion_owner_choices(request.user)
    form = None
    if owners:
        form = CriterionForm(
            request.POST or None,
            authorities=selectors.organizations_of(owners),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.criterion_save(criterion=form.save(commit=False), user=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Критерий добавлен."))
                return redirect("practices:criteria")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "practices/criterion_list.html",
        {
            "title": _("Критерии экспертизы практик"),
            # Each authority adds its own: the catalogue grows with the territory.
            "criteria": paginate(request, selectors.criterion_list(request.user), LIST_PAGE),
            "form": form,
        },
    )


# --- Collections ---


@login_required
@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practices/collection_list.html",
        {
            "title": _("Сборники практик"),
            "collections": paginate(request, selectors.collection_list(request.user), LIST_PAGE),
            "may_compile": selectors.may_compile(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def collection_create(request: HttpRequest) -> HttpResponse:
    owners = selectors.collection_owner_choices(request.user)
    if not owners:
        raise Http404
    form = CollectionForm(request.POST or None, compilers=selectors.organizations_of(owners))
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.collection_save(
                collection=form.save(commit=False),
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Сборник создан."))
            return redirect(collection.get_absolute_url())
    return render(
        request, "practices/collection_form.html", {"title": _("Новый сборник"), "form": form}
    )


@login_required
@require_GET
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = selectors.collection_get(request.user, pk)
    may_change = selectors.collection_may(request.user, collection, Action.CHANGE)
    items = paginate(
        request, selectors.collection_item_rows(request.user, collection), COLLECTION_PAGE
    )
    # What to add is found, not chosen from a list of every published practice in reach
    # (a region's bank grows with it): a few of the newest, or of those the search finds.
    find = request.GET.get("find", "").strip()
    offered: list[Any] = []
    if may_change:
        offered = list(
            selectors.collection_practice_choices(request.user, outside=collection, text=find)[
                : COLLECTION_OFFERED + 1
            ]
        )
    return render(
        request,
        "practices/collection_detail.html",
        {
            "title": collection.title,
            "collection": collection,
            "items": items,
            "may_change": may_change,
            "find": find,
            "offered": offered[:COLLECTION_OFFERED],
            "more_offered": len(offered) > COLLECTION_OFFERED,
        },
    )


@login_required
@require_POST
def collection_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Add (`practice`), remove (`remove=<item>`) or move (`up=<item>` / `down=<item>`)."""
    collection = selectors.collection_get(request.user, pk, Action.CHANGE)
    user: Any = request.user
    try:
        if request.POST.get("practice"):
            form = CollectionAddForm(
                request.POST, practices=selectors.collection_practice_choices(user)
            )
            if not form.is_valid():
                raise ValidationError(_("Выберите опубликованную практику из списка."))
            services.collection_add(
                collection=collection, practice=form.cleaned_data["practice"], user=user
            )
        elif remove := _int(request.POST.get("remove", "")):
            services.collection_remove(collection=collection, item_id=remove, user=user)
        elif up := _int(request.POST.get("up", "")):
            services.collection_move(collection=collection, item_id=up, up=True, user=user)
        elif down := _int(request.POST.get("down", "")):
            services.collection_move(collection=collection, item_id=down, up=False, user=user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    # Back to the page the item was moved or removed on (the collection is paged).
    page = _int(request.POST.get("page", ""))
    if page is not None and page > 1:
        return redirect(f"{collection.get_absolute_url()}?page={page}")
    return redirect(collection.get_absolute_url())


@login_required
@require_GET
def collection_atlas(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    """The collection as a printed atlas: Word or PDF."""
    from opora.practices import documents

    if extension not in ("docx", "pdf"):
        raise Http404
    collection = selectors.collection_get(request.user, pk)
    atlas = documents.atlas_build(collection, selectors.collection_items(request.user, collection))
    if extension == "docx":
        data, content_type = documents.atlas_docx(atlas), DOCX_CONTENT_TYPE
    else:
        data, content_type = documents.atlas_pdf(atlas), PDF_CONTENT_TYPE
    return download(data, documents.atlas_filename(collection, extension), content_type)


# --- Evidence of effect, adoption, the constructor's proposals ---


def effect_context(request: HttpRequest, practice: Any) -> dict[str, Any]:
    """What `practices/_effect.html` and `_adoptions.html` need on the practice page: the
    evidence (also while the practice is under review: the experts weigh it), the usage
    counts, the adoptions the user may see by name and whether they may record one (a
    published practice only)."""
    published = practice.status == PracticeStatus.PUBLISHED
    return {
        "effect": effect.practice_effect(practice),
        "usage": effect.practice_usage(request.user, practice),
        "adoptions": selectors.practice_adoptions(request.user, practice),
        "may_adopt": published and selectors.may_adopt(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def practice_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """A school takes up a published practice, optionally as an activity of its roadmap."""
    practice = selectors.published_practice_get(request.user, pk)
    schools = selectors.adoption_schools(request.user)
    if not schools.exists():
        messages.error(request, _("Записывать внедрение практик вам недоступно."))
        return redirect("practices:practice", pk=practice.pk)
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
            return redirect("practices:practice", pk=practice.pk)
    title = _("Внедрить практику")
    return render(
        request,
        "practices/adopt.html",
        {"practice": practice, "form": form, "title": title},
    )


@card_section("school", order=60, tab="support")
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
            url=reverse("practices:practice", args=[p.practice.pk]),
            why=p.why,
            text=services.adoption_activity_text(p.practice),
            section=p.section,
        )
        for p in selectors.practices_for_selection(
            request.user, selection.risk_factors, selection.problem_types
        )
    ]
