"""Reads of user administration. Everything here is for those with MANAGE_PEOPLE: people are
fetched with that action, so to anyone else they do not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from opora.accounts.choices import ROLES_BY_KIND, AccountState, RoleStatus
from opora.accounts.models import Invitation
from opora.core.access import (
    Action,
    UserLike,
    get_for_user,
    has_any,
    manageable_roles,
    restrict,
)
from opora.core.audit import HistoryItem, object_history
from opora.core.choices import Role
from opora.registry.models import Membership, Organization, Person


def may_manage_people(user: UserLike) -> bool:
    """Whether the user manages anybody at all (the menu item, the list page)."""
    return has_any(user, Action.MANAGE_PEOPLE)


def account_state(user: User | None) -> AccountState:
    """Where an account stands: none, invited (no password yet), active or deactivated."""
    if user is None:
        return AccountState.NONE
    if not user.is_active:
        return AccountState.DEACTIVATED
    if not user.has_usable_password():
        return AccountState.INVITED
    return AccountState.ACTIVE


def _visible_memberships(user: UserLike) -> QuerySet[Membership]:
    return restrict(Membership.objects.all(), user, Action.MANAGE_PEOPLE).select_related(
        "organization__territory"
    )


def person_list(user: UserLike) -> QuerySet[Person]:
    """People with a role (current or ended) in an organisation the user manages, each with
    those roles prefetched as `visible_memberships` (two queries whatever the page size)."""
    return (
        restrict(Person.objects.all(), user, Action.MANAGE_PEOPLE)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=_visible_memberships(user).order_by(
                    "-is_active", "organization__short_name", "role"
                ),
                to_attr="visible_memberships",
            )
        )
    )


def person_search(qs: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People whose name, e-mail or login contains every word of `text`."""
    q = Q()
    for word in text.split():
        word_q = Q(email__icontains=word) | Q(user__username__icontains=word)
        forms = {word}
        # SQLite's icontains folds only ASCII; try the capitalised form for Cyrillic words.
        if word[:1].islower():
            forms.add(word[:1].upper() + word[1:])
        for form in forms:
            word_q |= (
                Q(last_name__icontains=form)
                | Q(first_name__icontains=form)
                | Q(middle_name__icontains=form)
            )
        q &= word_q
    return qs.filter(q)


def person_membership_filter(
    qs: QuerySet[Person],
    user: UserLike,
    *,
    organization: Organization | None = None,
    role: str = "",
    status: str = "",
) -> QuerySet[Person]:
    """People holding one role that meets all the conditions (the same membership)."""
    if organization is None and not role and not status:
        return qs
    memberships = restrict(Membership.objects.all(), user, Action.MANAGE_PEOPLE).filter(
        person=OuterRef("pk")
    )
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    if role:
        memberships = memberships.filter(role=role)
    if status == RoleStatus.ACTIVE:
        memberships = memberships.filter(is_active=True)
    elif status == RoleStatus.ENDED:
        memberships = memberships.filter(is_active=False)
    return qs.filter(Exists(memberships))


def person_state_filter(qs: QuerySet[Person], state: str) -> QuerySet[Person]:
    unusable = Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if state == AccountState.NONE:
        return qs.filter(user__isnull=True)
    if state == AccountState.DEACTIVATED:
        return qs.filter(user__is_active=False)
    if state == AccountState.INVITED:
        return qs.filter(unusable, user__is_active=True)
    if state == AccountState.ACTIVE:
        return qs.filter(user__is_active=True).exclude(unusable)
    return qs


def _name_key(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


def known_person_refusal(
    user: UserLike, person: Person, last_name: str, first_name: str
) -> str | None:
    """An invitation to an address someone already has adds the role to that person; but if
    the person is outside the user's reach, only when the user has typed the same name — so
    that an address cannot be used to look up a stranger's name and contacts."""
    if restrict(Person.objects.filter(pk=person.pk), user, Action.MANAGE_PEOPLE).exists():
        return None
    if _name_key(person.last_name) == _name_key(last_name) and _name_key(
        person.first_name
    ) == _name_key(first_name):
        return None
    return _(
        "Этот адрес уже указан в системе у другого человека. Проверьте адрес или фамилию и имя."
    )


def person_get(user: UserLike, pk: Any, action: Action = Action.MANAGE_PEOPLE) -> Person:
    """A person whose roles the user manages (or, for VIEW, may see), or 404."""
    return get_for_user(Person.objects.select_related("user"), user, pk, action)


def membership_get(user: UserLike, pk: Any, action: Action = Action.MANAGE_PEOPLE) -> Membership:
    """A role the user may take away (in reach and a role they may grant there), or 404."""
    membership = get_for_user(
        Membership.objects.select_related("organization__territory", "person__user"),
        user,
        pk,
        action,
    )
    if action == Action.MANAGE_PEOPLE and membership.role not in manageable_roles(
        user, membership.organization
    ):
        raise Http404
    return membership


def person_memberships(user: UserLike, person: Person) -> list[Membership]:
    """The person's roles the user may see in their reach: current first, then ended."""
    return list(
        _visible_memberships(user)
        .filter(person=person)
        .order_by("-is_active", "organization__short_name", "role")
    )


def person_other_role_count(user: UserLike, person: Person) -> int:
    """How many of the person's current roles lie outside the user's reach (a count only)."""
    visible = _visible_memberships(user).filter(person=person).values("pk")
    return person.memberships.filter(is_active=True).exclude(pk__in=visible).count()


def manageable_organizations(user: UserLike) -> QuerySet[Organization]:
    """Organisations where the user may grant some role: their territory's, or their school."""
    return (
        restrict(Organization.objects.filter(is_active=True), user, Action.MANAGE_PEOPLE)
        .select_related("territory")
        .order_by("kind", "short_name")
    )


def role_choices(user: UserLike, organization: Organization | None = None) -> list[Role]:
    """The roles the user may grant in `organization` (those fitting its kind), or anywhere."""
    allowed = manageable_roles(user, organization)
    fitting = set(ROLES_BY_KIND.get(organization.kind, ())) if organization is not None else None
    return [role for role in Role if role in allowed and (fitting is None or role in fitting)]


def role_refusal(user: UserLike, organization: Organization, role: str) -> str | None:
    """Why the user may not grant `role` in `organization`, in Russian; None when they may."""
    allowed = manageable_roles(user, organization)
    if not allowed:
        return _("Организация «%(org)s» вне вашей зоны ответственности.") % {
            "org": organization.short_name
        }
    label = Role(role).label if role in Role.values else role
    if role not in allowed:
        return _("Роль «%(role)s» вы назначать не можете.") % {"role": label}
    if role not in ROLES_BY_KIND.get(organization.kind, ()):
        fitting = ", ".join(str(Role(r).label).lower() for r in ROLES_BY_KIND[organization.kind])
        return _(
            "Роль «%(role)s» не подходит организации вида «%(kind)s»; подходят: %(fitting)s."
        ) % {"role": label, "kind": organization.get_kind_display(), "fitting": fitting}
    return None


@dataclass(frozen=True)
class PersonAccess:
    """Whether the user may change a person's contacts and account, and if not, why."""

    allowed: bool
    reason: str = ""


def person_access(user: UserLike, person: Person) -> PersonAccess:
    """Contacts and the account (deactivation, invitation) affect every role a person holds,
    so the user must manage each current one of them (or, with none left, each ended one);
    nobody but a superuser touches superusers and staff, and nobody their own account."""
    if not user.is_authenticated:
        return PersonAccess(False)
    account = person.user
    if account is not None and account.pk == user.pk:
        return PersonAccess(False, _("Свою учётную запись здесь изменить нельзя."))
    if (
        account is not None
        and (account.is_superuser or account.is_staff)
        and not (user.is_superuser)
    ):
        return PersonAccess(False, _("Это учётная запись администратора системы."))
    memberships = list(person.memberships.select_related("organization__territory"))
    current = [m for m in memberships if m.is_active] or memberships
    if not current:
        return PersonAccess(bool(user.is_superuser))
    for membership in current:
        if membership.role not in manageable_roles(user, membership.organization):
            return PersonAccess(
                False,
                _(
                    "У человека есть роли, которыми вы не управляете; изменить его данные "
                    "и учётную запись может координатор."
                ),
            )
    return PersonAccess(True)


def latest_invitation(person: Person) -> Invitation | None:
    """The last letter sent to the person (the caller has fetched the person for the user)."""
    return Invitation.objects.filter(person=person).order_by("-sent_at", "-pk").first()


def person_history(user: UserLike, person: Person, memberships: list[Membership]) -> list[Any]:
    """The person's changes and events with those of their roles in the user's reach."""
    items: list[HistoryItem] = object_history(person)
    for membership in memberships:
        for item in object_history(membership):
            item.title = f"{item.title}: {membership.get_role_display()}, {membership.organization}"
            items.append(item)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:200]
