"""Writes to the registry. Callers have checked access; every write is audited by auditlog."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check
from opora.core.uploads import display_name
from opora.registry.choices import (
    Locality,
    OrderKind,
    OrderStatus,
    OrganizationKind,
    Ownership,
    SchoolType,
    parse_school_type,
)
from opora.registry.models import Order, Organization, Programme, SchoolProfile, Territory


@transaction.atomic
def school_save(
    *,
    code: str,
    organization: Organization | None,
    organization_values: dict[str, Any],
    school_values: dict[str, Any],
    prevalidated: bool = False,
) -> Organization:
    """Create a school with `code`, or update `organization` and its profile with the values.

    `prevalidated` is for the registry import, whose validation has already checked the codes
    and territories of every row in bulk: the per-row uniqueness and foreign-key lookups are
    then skipped (they would double the queries of a 2,000-row import).
    """
    is_new = organization is None
    if organization is None:
        organization = Organization(code=code, kind=OrganizationKind.SCHOOL)
    for name, value in organization_values.items():
        setattr(organization, name, value)
    if prevalidated:
        organization.full_clean(exclude=["territory", "parent"], validate_unique=False)
    else:
        organization.full_clean()
    organization.save()
    profile = None if is_new else getattr(organization, "school", None)
    if profile is None:
        profile = SchoolProfile(organization=organization)
    for name, value in school_values.items():
        setattr(profile, name, value)
    if prevalidated:
        profile.full_clean(exclude=["organization"], validate_unique=False)
    else:
        profile.full_clean()
    # The profile's primary key is its organisation's: without force_insert Django would try
    # an UPDATE first on every new school.
    profile.save(force_insert=is_new)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **values: Any) -> Organization:
    """Change an organisation's fields (a form has validated them)."""
    for name, value in values.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def programme_approve(*, programme: Programme, order: Order | None, user: User) -> Programme:
    """Approve the programme by a registered order of its owner, as a change and as an
    «approved» event."""
    order = order_check_approves(order, issuer=programme.owner, kind=OrderKind.PROGRAMME)
    programme.order = order
    programme.full_clean()
    programme.save()
    timeline_event_record(
        target=programme,
        verb=TimelineVerb.APPROVED,
        actor=user,
        message=f"Приказ {order.reference}",
        data={"order_id": order.pk},
    )
    return programme


@transaction.atomic
def programme_order_draft(*, programme: Programme, user: User) -> Order:
    """A draft order approving the programme, linked to it until a registered order replaces
    it («подготовить проект приказа»)."""
    if programme.approving_order is not None:
        raise ValidationError(
            _("Программа уже утверждена приказом %(ref)s.")
            % {"ref": programme.approving_order.reference}
        )
    linked = programme.order
    if linked is not None and linked.status == OrderStatus.DRAFT:
        return linked
    order = order_for_approval(
        issuer=programme.owner,
        kind=OrderKind.PROGRAMME,
        title=f"Об утверждении программы «{programme.name}»",
        user=user,
    )
    programme.order = order
    programme.save(update_fields=["order"])
    return order


@transaction.atomic
def organization_create(*, code: str, kind: str, **values: Any) -> Organization:
    """Create a non-school organisation (schools go through `school_save`)."""
    if kind == OrganizationKind.SCHOOL:
        raise ValidationError({"kind": "Школы создаются вместе со сведениями о школе."})
    organization = Organization(code=code, kind=kind, **values)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def programme_save(
    *, programme: Programme | None, values: dict[str, Any], schools: list[Organization]
) -> Programme:
    """Create or change a programme and set its participating schools to exactly `schools`."""
    if programme is None:
        programme = Programme()
    for name, value in values.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    wanted = {school.pk for school in schools}
    current = set(programme.schools.values_list("pk", flat=True))
    # Through the m2m manager, so that auditlog records the change on the programme itself
    # ("schools": added / removed) and the programme's history shows it.
    if current - wanted:
        programme.schools.remove(*sorted(current - wanted))
    if wanted - current:
        programme.schools.add(
            *sorted(wanted - current), through_defaults={"joined_on": dates.today()}
        )
    return programme


@dataclass(frozen=True)
class NewSchool:
    """A school an import creates because its file names a code the registry lacks."""

    code: str
    name: str
    territory: Territory
    ownership: str = Ownership.MUNICIPAL
    locality: str = Locality.URBAN


def schools_bulk_create(schools: list[NewSchool]) -> dict[str, Organization]:
    """Create many schools in a few queries (results files may name thousands of them).

    The import's timeline event records who created them and from which file; no per-row
    audit entries are written, since bulk inserts bypass model signals.
    """
    organizations = [
        Organization(
            code=s.code,
            kind=OrganizationKind.SCHOOL,
            name=s.name[:500],
            short_name=s.name[:255],
            territory=s.territory,
            ownership=s.ownership,
        )
        for s in schools
    ]
    Organization.objects.bulk_create(organizations, batch_size=1000)
    by_code = {o.code: o for o in Organization.objects.filter(code__in=[s.code for s in schools])}
    SchoolProfile.objects.bulk_create(
        [
            SchoolProfile(
                organization=by_code[s.code],
                school_type=parse_school_type(s.name) or SchoolType.SOSH,
                locality=s.locality,
            )
            for s in schools
        ],
        batch_size=1000,
    )
    return by_code


def territory_child_get_or_create(
    parent: Territory, name: str, kind: str, code: str | None = None
) -> Territory:
    """The child of `parent` with this code (or, without a code, this name); created if absent."""
    if code:
        found = Territory.objects.filter(code=code).first()
    else:
        found = next(
            (
                t
                for t in Territory.objects.get_children(parent)
                if name_key(t.name) == name_key(name)
            ),
            None,
        )
    if found is not None:
        return found
    return Territory.objects.add_child(
        parent, {"name": name[:255], "kind": kind, "code": code or None}
    )


def name_key(text: str) -> str:
    """A spelling-insensitive key for names that files write differently (case, accents, ё)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ё", "е").replace("Ё", "Е"))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.casefold().split())


# --- Orders (приказы) -------------------------------------------------------------------

# What a signed order may be: a PDF, a Word document or a scan.
ORDER_FILE_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".odt", ".rtf", ".jpg", ".jpeg", ".png"})


def _draft_only(order: Order) -> None:
    if order.status != OrderStatus.DRAFT:
        raise ValidationError(
            _(
                "Приказ %(ref)s зарегистрирован: его номер, дата и файл не меняются; "
                "его можно только отменить."
            )
            % {"ref": order.reference}
            if order.status == OrderStatus.REGISTERED
            else _("Приказ отменён и не меняется.")
        )


@transaction.atomic
def order_draft_save(
    *,
    order: Order | None,
    issuer: Organization,
    kind: str,
    title: str,
    note: str = "",
    signatory: str = "",
    user: User | None,
) -> Order:
    """Create a draft order (or change a draft's title, kind, note and signatory)."""
    if order is None:
        order = Order(created_by=user)
    else:
        _draft_only(order)
    if not title.strip():
        raise ValidationError({"title": _("Напишите, что утверждает приказ: «Об утверждении …».")})
    order.issuer = issuer
    order.kind = kind
    order.title = title.strip()
    order.note = note
    order.signatory = signatory.strip()
    order.full_clean()
    order.save()
    return order


def order_number_taken(order: Order, number: str, date: datetime.date) -> Order | None:
    """The issuer's other registered order with this number in the year of `date`."""
    return (
        Order.objects.filter(
            issuer_id=order.issuer_id,
            year=date.year,
            number=number,
            status=OrderStatus.REGISTERED,
        )
        .exclude(pk=order.pk)
        .first()
    )


def _number_taken_error(other: Order) -> ValidationError:
    return ValidationError(
        {
            "number": _(
                "Номер %(number)s уже занят в %(year)s году: так зарегистрирован приказ от "
                "%(date)s «%(title)s». Проверьте номер по журналу приказов."
            )
            % {
                "number": other.number,
                "year": other.year,
                "date": other.date.strftime("%d.%m.%Y") if other.date else "",
                "title": other.title[:120],
            }
        }
    )


@transaction.atomic
def order_register(
    *,
    order: Order,
    number: str,
    date: datetime.date | None,
    signatory: str,
    file: UploadedFile | None,
    user: User | None,
) -> Order:
    """Register a signed draft: its number and date (the number once a year per issuer), who
    signed it and the signed file. From now on none of them changes."""
    _draft_only(order)
    number = " ".join((number or "").split())
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("Укажите номер приказа, как он записан в журнале приказов.")]
    if date is None:
        errors["date"] = [_("Укажите дату приказа.")]
    elif date > dates.today():
        errors["date"] = [_("Дата приказа ещё не наступила.")]
    if not signatory.strip():
        errors["signatory"] = [_("Укажите, кто подписал приказ.")]
    if file is None:
        errors["file"] = [_("Приложите подписанный приказ (PDF, документ Word или скан).")]
    else:
        try:
            evidence_check([file])
        except ValidationError as exc:
            errors["file"] = exc.messages
        else:
            suffix = (
                ("." + (file.name or "").rsplit(".", 1)[-1].lower())
                if "." in (file.name or "")
                else ""
            )
            if suffix not in ORDER_FILE_SUFFIXES:
                errors["file"] = [
                    _(
                        "Файл «%(name)s» не принят: приложите PDF, документ Word "
                        "или скан (JPG, PNG)."
                    )
                    % {"name": display_name(file.name)}
                ]
    if errors:
        raise ValidationError(errors)
    assert date is not None and file is not None
    other = order_number_taken(order, number, date)
    if other is not None:
        raise _number_taken_error(other)
    order.number = number
    order.date = date
    order.year = date.year
    order.signatory = signatory.strip()
    order.file_name = display_name(file.name)
    order.file.save(file.name or "prikaz", file, save=False)
    order.status = OrderStatus.REGISTERED
    order.registered_at = timezone.now()
    try:
        # The constraint is the last guard against two registrations at the same moment.
        with transaction.atomic():
            order.save()
    except IntegrityError as exc:
        other = order_number_taken(order, number, date)
        if other is None:
            raise
        raise _number_taken_error(other) from exc
    return order


@transaction.atomic
def order_cancel(*, order: Order, reason: str, user: User | None) -> Order:
    """Cancel an order (a draft no longer needed, or a registered order revoked) with the
    reason; its number, date and file stay as they were."""
    if order.status == OrderStatus.CANCELLED:
        raise ValidationError(_("Приказ уже отменён."))
    if not reason.strip():
        raise ValidationError({"reason": _("Укажите причину отмены.")})
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason.strip()
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    return order


def order_check_approves(order: Order | None, *, issuer: Organization | None, kind: str) -> Order:
    """Refuse an approval step that names no order, a draft or cancelled one, another
    authority's or one of another kind: a ValidationError on the «order» field."""
    if order is None:
        raise ValidationError({"order": _("Выберите зарегистрированный приказ.")})
    if order.status != OrderStatus.REGISTERED:
        raise ValidationError(
            {"order": _("Приказ ещё не зарегистрирован: приложите подписанный файл, номер и дату.")}
        )
    if issuer is not None and order.issuer_id != issuer.pk:
        raise ValidationError({"order": _("Это приказ другого органа управления.")})
    if order.kind != kind:
        raise ValidationError(
            {
                "order": _("Приказ утверждает другое: «%(kind)s».")
                % {"kind": OrderKind(order.kind).label}
            }
        )
    return order


@transaction.atomic
def order_for_approval(*, issuer: Organization, kind: str, title: str, user: User | None) -> Order:
    """A new draft order an approval step starts («подготовить проект приказа»)."""
    return order_draft_save(order=None, issuer=issuer, kind=kind, title=title, user=user)
