"""Writes of user administration: invitations, roles, accounts.

Every service takes the acting user and checks the rules itself (opora.core.access:
MANAGE_PEOPLE and MANAGED_ROLES; `selectors.person_access` for what affects the whole
person), so neither a crafted form nor an import can grant more than the actor may. Each
writes its timeline event in the same transaction; letters go out after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from opora.accounts import selectors
from opora.accounts.choices import AccountState
from opora.accounts.models import Invitation
from opora.accounts.tokens import invitation_token_generator
from opora.core.access import manageable_roles
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.dates import datetime_ru, today
from opora.registry.models import Membership, Organization, Person

logger = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    """E-mail addresses are compared and stored lower-cased (logins are made from them)."""
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        raise ValidationError({"email": _("Укажите адрес эл. почты: на него придёт приглашение.")})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": _("«%(value)s» — не адрес эл. почты.") % {"value": email}}
        ) from exc
    return email


def _check_grant(actor: User, organization: Organization, role: str) -> None:
    refusal = selectors.role_refusal(actor, organization, role)
    if refusal is not None:
        field = "organization" if not selectors.role_choices(actor, organization) else "role"
        raise ValidationError({field: refusal})


def _check_person(actor: User, person: Person) -> None:
    access = selectors.person_access(actor, person)
    if not access.allowed:
        raise ValidationError(access.reason or _("Изменить этого человека вы не можете."))


def _role_text(membership: Membership) -> str:
    return f"{membership.get_role_display()}, {membership.organization.short_name}"


def username_for(email: str) -> str:
    """A free login made from the e-mail address (the address itself when it is free)."""
    base = normalise_email(email)[:150]
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        suffix = f"-{number}"
        candidate = base[: 150 - len(suffix)] + suffix
        number += 1
    return candidate


def site_url(base_url: str = "") -> str:
    """Where links in letters point: OPORA_SITE_URL, else the request's own address."""
    return getattr(settings, "OPORA_SITE_URL", "") or base_url or "http://localhost:8000/"


def invitation_link(user: User, base_url: str = "") -> str:
    """The one-time link that lets the user set their password."""
    path = reverse(
        "accounts:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return urljoin(site_url(base_url), path)


def _membership_grant(
    *, actor: User, person: Person, organization: Organization, role: str, position: str
) -> Membership:
    """Create the role, or run an ended one again from today (its history stays)."""
    membership = Membership.objects.filter(
        person=person, organization=organization, role=role
    ).first()
    if membership is not None and membership.is_active:
        raise ValidationError(
            {
                "role": _("У человека уже есть роль «%(role)s» в «%(org)s».")
                % {"role": membership.get_role_display(), "org": organization.short_name}
            }
        )
    if membership is None:
        membership = Membership(person=person, organization=organization, role=role)
    membership.is_active = True
    membership.since = today()
    membership.until = None
    if position:
        membership.position = position[:255]
    membership.full_clean()
    membership.save()
    timeline_event_record(
        target=person, verb=TimelineVerb.ROLE_GRANTED, actor=actor, message=_role_text(membership)
    )
    return membership


def _user_new(*, email: str, first_name: str, last_name: str) -> User:
    user = User(
        username=username_for(email),
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    # No password until the person sets one through the invitation link.
    user.set_unusable_password()
    user.save()
    return user


def _account_create(person: Person) -> User:
    """An account for a person the registry already had without one."""
    user = _user_new(email=person.email, first_name=person.first_name, last_name=person.last_name)
    person.user = user
    person.save(update_fields=["user"])
    return user


def _invitation_send(
    *,
    actor: User | None,
    person: Person,
    user: User,
    organization: Organization | None,
    role: str,
    base_url: str,
    new_account: bool = False,
) -> Invitation:
    if not new_account:
        # A fresh unusable password changes the token's hash: earlier links stop working.
        user.set_unusable_password()
        user.email = person.email
        user.save(update_fields=["password", "email"])
    invitation = Invitation.objects.create(
        person=person,
        user=user,
        email=person.email,
        organization=organization,
        role=role,
        sent_by=actor,
    )
    context = {
        "person": person,
        "user": user,
        "organization": organization,
        "role": Role(role).label if role else "",
        "sender": _sender_name(actor),
        "link": invitation_link(user, base_url),
        "expires": datetime_ru(timezone.localtime(invitation.expires_at)),
        "login_url": urljoin(site_url(base_url), reverse("login")),
    }
    subject = _("Приглашение в информационную систему «Опора»")
    body = render_to_string("accounts/email/invitation.txt", context)
    recipient = person.email

    def deliver() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])

    # robust: a mail server down must not turn the committed invitation into an error page;
    # the failure is logged and the letter can be sent again from the person's page.
    transaction.on_commit(deliver, robust=True)
    timeline_event_record(
        target=person,
        verb=TimelineVerb.INVITED,
        actor=actor,
        message=_("на адрес %(email)s") % {"email": person.email},
    )
    return invitation


def _sender_name(actor: User | None) -> str:
    """Who invites, as the letter names them: their registry name, else their account's.
    Kept on the user object: an import sends hundreds of letters from one actor."""
    if actor is None:
        return ""
    cached: str | None = actor.__dict__.get("_opora_sender_name")
    if cached is None:
        person = Person.objects.filter(user=actor).first()
        cached = person.full_name if person else (actor.get_full_name() or actor.username)
        actor.__dict__["_opora_sender_name"] = cached
    return cached


@dataclass
class InviteOutcome:
    """What an invitation did: a new person or a role added to an existing one, a letter."""

    person: Person
    membership: Membership
    person_created: bool
    invitation: Invitation | None


@transaction.atomic
def person_invite(
    *,
    actor: User,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    email: str,
    phone: str = "",
    organization: Organization,
    role: str,
    position: str = "",
    send: bool = True,
    base_url: str = "",
) -> InviteOutcome:
    """Invite a person to a role: a new person with an account and a letter, or — when the
    address is already known — the new role for that person instead of a duplicate."""
    _check_grant(actor, organization, role)
    email = _check_email(email)
    person = (
        Person.objects.filter(email__iexact=email)
        .select_related("user")
        .order_by(F("user").asc(nulls_last=True), "pk")  # one with an account first
        .first()
    )
    if person is not None:
        refusal = selectors.known_person_refusal(actor, person, last_name, first_name)
        if refusal is not None:
            raise ValidationError({"email": refusal})
    created = person is None
    if person is None:
        person = Person(
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            middle_name=middle_name.strip(),
            email=email,
            phone=phone.strip(),
        )
        person.full_clean(exclude=["user"])
        # The account first, so that the person is written (and audited) once.
        person.user = _user_new(
            email=email, first_name=person.first_name, last_name=person.last_name
        )
        person.save()
    membership = _membership_grant(
        actor=actor, person=person, organization=organization, role=role, position=position
    )
    user = person.user
    new_account = created or user is None
    if user is None:
        user = _account_create(person)
    invitation = None
    if send and selectors.account_state(user) == AccountState.INVITED:
        invitation = _invitation_send(
            actor=actor,
            person=person,
            user=user,
            organization=organization,
            role=role,
            base_url=base_url,
            new_account=new_account,
        )
    return InviteOutcome(person, membership, created, invitation)


@transaction.atomic
def invitation_send(*, actor: User, person: Person, base_url: str = "") -> Invitation:
    """Send (again) the letter with a new link; every earlier link stops working."""
    _check_person(actor, person)
    if not person.email:
        raise ValidationError(_("У человека не указана эл. почта: приглашение некуда отправить."))
    user = person.user
    if user is None:
        user = _account_create(person)
    state = selectors.account_state(user)
    if state == AccountState.ACTIVE:
        raise ValidationError(_("Человек уже задал пароль и входит в систему."))
    if state == AccountState.DEACTIVATED:
        raise ValidationError(_("Учётная запись отключена: сначала включите её."))
    membership = person.memberships.filter(is_active=True).select_related("organization").first()
    return _invitation_send(
        actor=actor,
        person=person,
        user=user,
        organization=membership.organization if membership else None,
        role=membership.role if membership else "",
        base_url=base_url,
    )


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """The invited person sets their password (the link's check is the view's)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    person = Person.objects.filter(user=user).first()
    if person is not None:
        timeline_event_record(target=person, verb=TimelineVerb.INVITATION_ACCEPTED, actor=user)
    return user


@transaction.atomic
def membership_grant(
    *, actor: User, person: Person, organization: Organization, role: str, position: str = ""
) -> Membership:
    """Give a person a role in an organisation (the actor must be allowed to grant it there)."""
    _check_grant(actor, organization, role)
    return _membership_grant(
        actor=actor, person=person, organization=organization, role=role, position=position
    )


@transaction.atomic
def membership_end(*, actor: User, membership: Membership) -> Membership:
    """Take a role away: the row stays, inactive, with the day it ended."""
    if membership.role not in manageable_roles(actor, membership.organization):
        raise ValidationError(_("Эту роль снять вы не можете."))
    if membership.person.user_id is not None and membership.person.user_id == actor.pk:
        raise ValidationError(_("Свою роль снять нельзя: попросите координатора."))
    if not membership.is_active:
        raise ValidationError(_("Эта роль уже снята."))
    membership.is_active = False
    membership.until = today()
    membership.full_clean()
    membership.save()
    timeline_event_record(
        target=membership.person,
        verb=TimelineVerb.ROLE_ENDED,
        actor=actor,
        message=_role_text(membership),
    )
    return membership


@transaction.atomic
def account_deactivate(*, actor: User, person: Person) -> User:
    """Switch the account off: no login, no session, no API token works any more."""
    _check_person(actor, person)
    user = person.user
    if user is None:
        raise ValidationError(_("У человека нет учётной записи."))
    if not user.is_active:
        raise ValidationError(_("Учётная запись уже отключена."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    # Django refuses inactive users' sessions and DRF their tokens; the token is also
    # deleted so that switching the account on again does not revive a leaked one.
    Token.objects.filter(user=user).delete()
    timeline_event_record(target=person, verb=TimelineVerb.DEACTIVATED, actor=actor)
    return user


@transaction.atomic
def account_reactivate(*, actor: User, person: Person) -> User:
    """Switch a deactivated account on again (with the password it had)."""
    _check_person(actor, person)
    user = person.user
    if user is None or user.is_active:
        raise ValidationError(_("Учётная запись не отключена."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    timeline_event_record(target=person, verb=TimelineVerb.REACTIVATED, actor=actor)
    return user


@transaction.atomic
def person_update(*, actor: User, person: Person, **values: Any) -> Person:
    """Change a person's name and contacts; the account's e-mail follows."""
    _check_person(actor, person)
    if values.get("email", "").strip():
        email = _check_email(values["email"])
        if Person.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
            raise ValidationError(
                {"email": _("Этот адрес уже указан у другого человека в системе.")}
            )
        values["email"] = email
    for name, value in values.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.full_clean()
    person.save()
    if person.user is not None and person.email:
        person.user.email = person.email
        person.user.first_name = person.first_name[:150]
        person.user.last_name = person.last_name[:150]
        person.user.save(update_fields=["email", "first_name", "last_name"])
    return person
