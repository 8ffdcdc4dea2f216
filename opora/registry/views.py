"""Registry pages: territories, organisations, the school list and card, programmes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opora.core import hooks
from opora.core.access import Action, can, has_any, reach
from opora.core.cards import SCHOOL_TABS, card_sections
from opora.core.exports import DOCX_CONTENT_TYPE
from opora.core.web import (
    attachment,
    download,
    errors_to_form,
    errors_to_messages,
    paginate,
    table_configure,
)
from opora.registry import selectors, services
from opora.registry.choices import OrderKind
from opora.registry.filters import OrderFilter, SchoolFilter
from opora.registry.forms import (
    NON_SCHOOL_KINDS,
    NonSchoolOrganizationForm,
    OrderCancelForm,
    OrderDraftForm,
    OrderRegisterForm,
    OrganizationCreateForm,
    OrganizationForm,
    ProgrammeApproveForm,
    ProgrammeForm,
    SchoolCreateForm,
    SchoolProfileForm,
)
from opora.registry.models import Programme, Territory
from opora.registry.order_documents import order_docx, order_draft_filename
from opora.registry.order_hooks import subjects_of
from opora.registry.tables import OrderTable, OrganizationTable, SchoolTable

PAGE_SIZE = 50
# A territory's page lists its first schools (the rest are on the school list) and a page of
# its other organisations.
TERRITORY_SHOWN = 30


def _territory_crumbs(user: Any, territory: Territory, *, link_last: bool) -> list[dict[str, Any]]:
    visible = selectors.territory_ancestors(user, territory)
    crumbs: list[dict[str, Any]] = [
        {"title": _("Территории"), "url": reverse("registry:territories")}
    ]
    crumbs += [{"title": t.name, "url": t.get_absolute_url()} for t in visible]
    crumbs.append(
        {"title": territory.name, "url": territory.get_absolute_url() if link_last else None}
    )
    return crumbs


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    schools = selectors.school_list(request.user)
    school_filter = SchoolFilter(request.GET or None, queryset=schools, user=request.user)
    table = SchoolTable(school_filter.qs)
    table_configure(request, table, per_page=PAGE_SIZE)
    table.people_reach = reach(request.user, Action.VIEW_PEOPLE)
    table.mentor_links = hooks.school_mentors.call(
        request.user, [row.record.pk for row in table.paginated_rows]
    )
    context = {
        "filter": school_filter,
        "table": table,
        "can_import": has_any(request.user, Action.IMPORT),
        "can_create": selectors.creatable_territories(request.user).exists(),
        "breadcrumbs": [{"title": _("Реестр")}, {"title": _("Школы")}],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/_school_table.html", context)
    return render(request, "registry/school_list.html", context)


@login_required
def school_detail(request: HttpRequest, pk: int, tab: str = "overview") -> HttpResponse:
    """The school card, one tab at a time: «Общие сведения» is the registry's own part; the
    other tabs are the sections the capabilities add (`core.cards`)."""
    school = selectors.school_get(request.user, pk)
    context: dict[str, Any] = {
        "school": school,
        "tab": tab,
        "tab_title": next(t.title for t in SCHOOL_TABS if t.key == tab),
        "tabs": [(t, school.get_tab_url(t.key)) for t in SCHOOL_TABS],
        "can_change": can(request.user, Action.CHANGE, school),
        "card_sections": card_sections("school", request, school, tab),
        "breadcrumbs": [
            *_territory_crumbs(request.user, school.territory, link_last=True),
            {"title": school.short_name},
        ],
    }
    if tab == "overview":
        people = selectors.organization_people(request.user, school)
        curators = selectors.school_curators(request.user, school)
        context |= {
            "profile": getattr(school, "school", None),
            "curators": curators,
            "has_curator": bool(curators)
            or (curators is None and selectors.school_has_curator(school)),
            "mentors": hooks.school_mentors.call(request.user, [school.pk]).get(school.pk, []),
            "programmes": selectors.school_programmes(request.user, school),
            # Both lists grow with the organisation: each has its own page number.
            "people": None
            if people is None
            else paginate(request, people, 50, page_field="people"),
            "role_counts": selectors.organization_role_counts(school) if people is None else None,
        }
    return render(request, "registry/school_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_get(request.user, pk, Action.CHANGE)
    profile = school.school
    org_form = OrganizationForm(request.POST or None, instance=school, prefix="org")
    profile_form = SchoolProfileForm(request.POST or None, instance=profile, prefix="school")
    if request.method == "POST" and org_form.is_valid() and profile_form.is_valid():
        try:
            services.school_save(
                code=school.code,
                organization=school,
                organization_values=org_form.cleaned_data,
                school_values=profile_form.cleaned_data,
            )
        except ValidationError as exc:
            errors_to_form(org_form, exc)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(school.get_absolute_url())
    return render(
        request,
        "registry/school_edit.html",
        {
            "school": school,
            "org_form": org_form,
            "profile_form": profile_form,
            "breadcrumbs": [
                {"title": school.short_name, "url": school.get_absolute_url()},
                {"title": _("Редактирование")},
            ],
        },
    )


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.organization_list(request.user).exclude(kind="school")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    table = OrganizationTable(qs)
    table_configure(request, table, per_page=PAGE_SIZE)
    return render(
        request,
        "registry/organization_list.html",
        {
            "table": table,
            "kind": kind,
            "can_create": selectors.creatable_territories(request.user).exists(),
            "breadcrumbs": [{"title": _("Реестр")}, {"title": _("Организации")}],
        },
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(request.user, pk)
    if organization.is_school:
        return redirect(organization.get_absolute_url())
    people = selectors.organization_people(request.user, organization)
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            # Both lists grow with the organisation: each has its own page number.
            "people": None
            if people is None
            else paginate(request, people, 50, page_field="people"),
            "role_counts": selectors.organization_role_counts(organization)
            if people is None
            else None,
            "programmes": paginate(
                request,
                selectors.programme_list(request.user).filter(owner=organization),
                20,
                page_field="programmes",
            ),
            "can_change": can(request.user, Action.CHANGE, organization),
            "card_sections": card_sections("organization", request, organization),
            "breadcrumbs": [
                *_territory_crumbs(request.user, organization.territory, link_last=True),
                {"title": organization.short_name},
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(request.user, pk, Action.CHANGE)
    if organization.is_school:
        return redirect("registry:school-edit", organization.pk)
    form = NonSchoolOrganizationForm(request.POST or None, instance=organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "registry/organization_edit.html",
        {
            "organization": organization,
            "form": form,
            "breadcrumbs": [
                {"title": organization.short_name, "url": organization.get_absolute_url()},
                {"title": _("Редактирование")},
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    """A department of education, methodical centre or partner on a territory in reach."""
    if not selectors.creatable_territories(request.user).exists():
        raise Http404
    # «Добавить организацию-партнёра» (the support network's pages) opens with the kind chosen.
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind in dict(NON_SCHOOL_KINDS) else {}
    form = OrganizationCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            organization = services.organization_create(
                code=values.pop("code"), kind=values.pop("kind"), **values
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Организация добавлена в реестр."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "registry/organization_edit.html",
        {
            "organization": None,
            "form": form,
            "breadcrumbs": [
                {"title": _("Организации"), "url": reverse("registry:organizations")},
                {"title": _("Новая организация")},
            ],
        },
    )


@login_required
def territory_list(request: HttpRequest) -> HttpResponse:
    roots = list(selectors.territory_roots(request.user))
    if len(roots) == 1:
        return redirect(roots[0].get_absolute_url())
    return render(
        request,
        "registry/territory_list.html",
        {
            "territories": roots,
            "counts": selectors.territory_school_counts(request.user, roots),
            "breadcrumbs": [{"title": _("Территории")}],
        },
    )


@login_required
def territory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.territory_get(request.user, pk)
    children = list(selectors.territory_children(request.user, territory))
    organizations = selectors.territory_organizations(request.user, territory)
    # The card shows the first SHOWN of each kind and links to the full list: read only those.
    schools = organizations.filter(kind="school").order_by("short_name", "pk")
    others = organizations.exclude(kind="school").order_by("short_name", "pk")
    return render(
        request,
        "registry/territory_detail.html",
        {
            "territory": territory,
            "children": children,
            "counts": selectors.territory_school_counts(request.user, [territory, *children]),
            "organizations": paginate(request, others, TERRITORY_SHOWN, page_field="organizations"),
            "schools": schools[:TERRITORY_SHOWN],
            "school_count": schools.count(),
            "breadcrumbs": _territory_crumbs(request.user, territory, link_last=False),
        },
    )


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/programme_list.html",
        {
            "programmes": paginate(request, selectors.programme_list(request.user), 50),
            "can_create": selectors.programme_owner_choices(request.user).exists(),
            "breadcrumbs": [{"title": _("Программы")}],
        },
    )


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk)
    return render(
        request,
        "registry/programme_detail.html",
        {
            "programme": programme,
            "schools": paginate(
                request, selectors.programme_visible_schools(request.user, programme), 50
            ),
            "can_approve": can(request.user, Action.CHANGE, programme.owner),
            # The owner's page opens only for those who see the owner (not school staff).
            "owner_url": programme.owner.get_absolute_url()
            if can(request.user, Action.VIEW, programme.owner)
            else "",
            "card_sections": card_sections("programme", request, programme),
            "breadcrumbs": [
                {"title": _("Программы"), "url": reverse("registry:programmes")},
                {"title": programme.name},
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_approve(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk, Action.CHANGE)
    form = ProgrammeApproveForm(
        request.POST or None,
        user=request.user,
        issuer=programme.owner,
        kind=OrderKind.PROGRAMME,
        initial={"order": programme.order_id},
    )
    if request.method == "POST" and request.POST.get("action") == "draft":
        try:
            order = services.programme_order_draft(
                programme=programme,
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return redirect(programme.get_absolute_url())
        messages.success(
            request,
            _("Проект приказа подготовлен: скачайте его, подпишите и зарегистрируйте."),
        )
        return redirect(order.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_approve(
                programme=programme,
                order=form.cleaned_data["order"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Программа утверждена приказом."))
            return redirect(programme.get_absolute_url())
    return render(
        request,
        "registry/programme_approve.html",
        {
            "programme": programme,
            "form": form,
            "breadcrumbs": [
                {"title": programme.name, "url": programme.get_absolute_url()},
                {"title": _("Утверждение")},
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest) -> HttpResponse:
    if not selectors.creatable_territories(request.user).exists():
        raise Http404
    org_form = SchoolCreateForm(request.POST or None, prefix="org", user=request.user)
    profile_form = SchoolProfileForm(request.POST or None, prefix="school")
    if request.method == "POST" and org_form.is_valid() and profile_form.is_valid():
        values = dict(org_form.cleaned_data)
        code = values.pop("code")
        values["territory_id"] = values.pop("territory").pk
        try:
            school = services.school_save(
                code=code,
                organization=None,
                organization_values=values,
                school_values=profile_form.cleaned_data,
            )
        except ValidationError as exc:
            errors_to_form(org_form, exc)
        else:
            messages.success(request, _("Школа добавлена в реестр."))
            return redirect(school.get_absolute_url())
    return render(
        request,
        "registry/school_edit.html",
        {
            "school": None,
            "org_form": org_form,
            "profile_form": profile_form,
            "breadcrumbs": [
                {"title": _("Школы"), "url": reverse("registry:schools")},
                {"title": _("Новая школа")},
            ],
        },
    )


def _programme_form_page(
    request: HttpRequest, form: ProgrammeForm, title: str, programme: Programme | None
) -> HttpResponse:
    crumbs: list[dict[str, Any]] = [
        {"title": _("Программы"), "url": reverse("registry:programmes")}
    ]
    if programme is not None:
        crumbs.append({"title": programme.name, "url": programme.get_absolute_url()})
    crumbs.append({"title": title})
    return render(
        request,
        "registry/programme_form.html",
        {"form": form, "title": title, "programme": programme, "breadcrumbs": crumbs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    if not selectors.programme_owner_choices(request.user).exists():
        raise Http404
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_save(
            programme=None, values=form.programme_values(), schools=form.selected_schools()
        )
        messages.success(request, _("Программа создана."))
        return redirect(programme.get_absolute_url())
    return _programme_form_page(request, form, _("Новая программа"), None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, pk, Action.CHANGE)
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.programme_save(
            programme=programme, values=form.programme_values(), schools=form.selected_schools()
        )
        messages.success(request, _("Изменения сохранены."))
        return redirect(programme.get_absolute_url())
    return _programme_form_page(request, form, _("Изменение программы"), programme)


# --- Orders (приказы) -------------------------------------------------------------------


def _order_crumbs(*more: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": _("Приказы"), "url": reverse("registry:orders")}, *more]


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.order_list(request.user)
    order_filter = OrderFilter(request.GET or None, queryset=orders, user=request.user)
    table = OrderTable(order_filter.qs)
    table_configure(request, table, per_page=PAGE_SIZE)
    context = {
        "filter": order_filter,
        "table": table,
        "can_create": selectors.order_issuer_choices(request.user).exists(),
        "breadcrumbs": [{"title": _("Реестр")}, {"title": _("Приказы")}],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "registry/orders/_table.html", context)
    return render(request, "registry/orders/list.html", context)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.user, pk)
    may_change = selectors.order_may_change(request.user, order)
    return render(
        request,
        "registry/orders/detail.html",
        {
            "order": order,
            "subjects": subjects_of(request.user, order),
            "may_change": may_change,
            "register_form": OrderRegisterForm(initial={"signatory": order.signatory}),
            "cancel_form": OrderCancelForm(),
            "breadcrumbs": _order_crumbs({"title": str(order)}),
        },
    )


def _draft_values(form: OrderDraftForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {k: data[k] for k in ("issuer", "kind", "title", "note", "signatory")}


def _order_form_page(
    request: HttpRequest, form: OrderDraftForm, order: Any, title: str
) -> HttpResponse:
    crumbs = [{"title": str(order), "url": order.get_absolute_url()}] if order else []
    return render(
        request,
        "registry/orders/form.html",
        {
            "form": form,
            "order": order,
            "title": title,
            "breadcrumbs": _order_crumbs(*crumbs, {"title": title}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest) -> HttpResponse:
    if not selectors.order_issuer_choices(request.user).exists():
        raise Http404
    form = OrderDraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_draft_save(
                order=None,
                user=request.user,  # type: ignore[arg-type]
                **_draft_values(form),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Проект приказа создан."))
            return redirect(order.get_absolute_url())
    return _order_form_page(request, form, None, _("Новый проект приказа"))


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.user, pk, Action.CHANGE)
    form = OrderDraftForm(request.POST or None, instance=order, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_draft_save(
                order=order,
                user=request.user,  # type: ignore[arg-type]
                **_draft_values(form),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(order.get_absolute_url())
    return _order_form_page(request, form, order, _("Изменение проекта приказа"))


@login_required
def order_draft_download(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.user, pk)
    return download(order_docx(request.user, order), order_draft_filename(order), DOCX_CONTENT_TYPE)


@login_required
def order_file(request: HttpRequest, pk: int) -> FileResponse:
    order = selectors.order_get(request.user, pk)
    if not order.file:
        raise Http404
    return attachment(order.file, order.file_name or "prikaz")


@login_required
@require_http_methods(["GET", "POST"])
def order_register(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.user, pk, Action.CHANGE)
    form = OrderRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_register(
                order=order,
                user=request.user,  # type: ignore[arg-type]
                file=request.FILES.get("file"),
                **{k: v for k, v in form.cleaned_data.items() if k != "file"},
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Приказ зарегистрирован."))
            return redirect(order.get_absolute_url())
    return render(
        request,
        "registry/orders/register.html",
        {
            "order": order,
            "form": form,
            "breadcrumbs": _order_crumbs(
                {"title": str(order), "url": order.get_absolute_url()},
                {"title": _("Регистрация")},
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(request.user, pk, Action.CHANGE)
    form = OrderCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_cancel(
                order=order,
                reason=form.cleaned_data["reason"],
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Приказ отменён."))
            return redirect(order.get_absolute_url())
    return render(
        request,
        "registry/orders/cancel.html",
        {
            "order": order,
            "form": form,
            "breadcrumbs": _order_crumbs(
                {"title": str(order), "url": order.get_absolute_url()},
                {"title": _("Отмена приказа")},
            ),
        },
    )
