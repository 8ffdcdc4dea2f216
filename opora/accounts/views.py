"""User administration pages: people, invitations, roles, accounts, and the invitation link.

Thin: people come through `selectors.person_get` (404 outside MANAGE_PEOPLE), every change
through a service that checks the rules again and refuses with a Russian message.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.accounts import selectors, services
from opora.accounts.forms import GrantForm, InviteForm, PersonFilter, PersonForm
from opora.accounts.tables import PersonTable
from opora.accounts.tokens import invitation_token_generator
from opora.core.web import errors_to_form, errors_to_messages, table_configure
from opora.registry.models import Person

PAGE_SIZE = 50


def _require_manager(request: HttpRequest) -> User:
    if not selectors.may_manage_people(request.user):
        raise Http404
    return cast(User, request.user)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _crumbs(*rest: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"title": _("Пользователи"), "url": reverse("accounts:people")}, *rest]


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    person_filter = PersonFilter(
        request.GET or None, queryset=selectors.person_list(user), user=user
    )
    table = PersonTable(person_filter.qs)
    table_configure(request, table, per_page=PAGE_SIZE)
    context = {
        "filter": person_filter,
        "table": table,
        "import_key": "accounts.people",
        "breadcrumbs": [{"title": _("Пользователи")}],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/_person_table.html", context)
    return render(request, "accounts/person_list.html", context)


def _person_page(
    request: HttpRequest, person: Person, grant_form: GrantForm | None = None
) -> HttpResponse:
    user = cast(User, request.user)
    memberships = selectors.person_memberships(user, person)
    access = selectors.person_access(user, person)
    manageable = {
        m.pk
        for m in memberships
        if m.is_active and m.role in selectors.manageable_roles(user, m.organization)
    }
    if person.user is not None and person.user.pk == user.pk:
        manageable = set()
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "account": person.user,
            "state": selectors.account_state(person.user),
            "memberships": memberships,
            "manageable": manageable,
            "other_roles": selectors.person_other_role_count(user, person),
            "access": access,
            "invitation": selectors.latest_invitation(person),
            "grant_form": grant_form or GrantForm(user=user),
            "history": selectors.person_history(user, person, memberships),
            "breadcrumbs": _crumbs({"title": person.full_name}),
        },
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    return _person_page(request, person)


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    user = _require_manager(request)
    initial: dict[str, Any] = {"send": True}
    if request.GET.get("organization", "").isdigit():
        initial["organization"] = int(request.GET["organization"])
    form = InviteForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.person_invite(
                actor=user,
                last_name=data["last_name"],
                first_name=data["first_name"],
                middle_name=data["middle_name"],
                email=data["email"],
                phone=data["phone"],
                organization=data["organization"],
                role=data["role"],
                position=data["position"],
                send=data["send"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if not outcome.person_created:
                messages.info(
                    request,
                    _(
                        "%(name)s уже есть в системе с этим адресом: новая роль добавлена ему, "
                        "второй записи не создано."
                    )
                    % {"name": outcome.person.full_name},
                )
            if outcome.invitation is not None:
                messages.success(
                    request,
                    _("Приглашение отправлено на адрес %(email)s.")
                    % {"email": outcome.invitation.email},
                )
            else:
                messages.success(request, _("Роль назначена."))
            return redirect("accounts:person", outcome.person.pk)
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "title": _("Пригласить человека"),
            "submit": _("Пригласить"),
            "cancel_url": reverse("accounts:people"),
            "breadcrumbs": _crumbs({"title": _("Приглашение")}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    access = selectors.person_access(request.user, person)
    if not access.allowed:
        raise Http404
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=cast(User, request.user), person=person, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("accounts:person", person.pk)
    return render(
        request,
        "accounts/person_form.html",
        {
            "form": form,
            "title": _("Изменить: %(name)s") % {"name": person.full_name},
            "submit": _("Сохранить"),
            "cancel_url": reverse("accounts:person", args=[person.pk]),
            "breadcrumbs": _crumbs(
                {"title": person.full_name, "url": reverse("accounts:person", args=[person.pk])},
                {"title": _("Изменение")},
            ),
        },
    )


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    form = GrantForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.membership_grant(
                actor=cast(User, request.user),
                person=person,
                organization=form.cleaned_data["organization"],
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Роль назначена."))
            return redirect("accounts:person", person.pk)
    return _person_page(request, person, grant_form=form)


def _person_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    person = selectors.person_get(request.user, pk)
    try:
        action(actor=cast(User, request.user), person=person)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect("accounts:person", person.pk)


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(request.user, pk)
    try:
        services.membership_end(actor=cast(User, request.user), membership=membership)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Роль «%(role)s» в «%(org)s» снята.")
            % {"role": membership.get_role_display(), "org": membership.organization.short_name},
        )
    return redirect("accounts:person", membership.person_id)


@login_required
@require_POST
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    base_url = _base_url(request)

    def send(*, actor: User, person: Person) -> None:
        services.invitation_send(actor=actor, person=person, base_url=base_url)

    return _person_action(
        request, pk, send, _("Приглашение отправлено; прежняя ссылка больше не действует.")
    )


@login_required
@require_POST
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(
        request,
        pk,
        services.account_deactivate,
        _("Учётная запись отключена: войти с ней больше нельзя."),
    )


@login_required
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(request, pk, services.account_reactivate, _("Учётная запись включена."))


class InvitationAcceptView(PasswordResetConfirmView):
    """The invitation link: Django's password-reset confirmation with the invitation's token
    (own salt and lifetime), Opora's Russian pages, and a deactivated account refused."""

    token_generator = invitation_token_generator
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:welcome-done")
    title = _("Пароль для входа в «Опору»")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        services.invitation_accept(
            user=cast(User, self.user), password=form.cleaned_data["new_password1"]
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


def invitation_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/invitation_done.html")
