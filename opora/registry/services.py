"""Writes to the registry. Callers have checked access; every write is audited by auditlog."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.registry.choices import (
    Locality,
    OrganizationKind,
    Ownership,
    SchoolType,
    parse_school_type,
)
from opora.registry.models import Organization, Programme, SchoolProfile, Territory


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
def programme_approve(
    *,
    programme: Programme,
    order_number: str,
    order_date: datetime.date,
    user: User,
) -> Programme:
    """Record the order approving the programme, as a change and as an «approved» event."""
    programme.order_number = order_number
    programme.order_date = order_date
    programme.full_clean()
    programme.save()
    timeline_event_record(
        target=programme,
        verb=TimelineVerb.APPROVED,
        actor=user,
        message=f"Приказ № {order_number} от {order_date:%d.%m.%Y}",
        data={"order_number": order_number, "order_date": order_date.isoformat()},
    )
    return programme


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
