"""Writes to the registry. Callers have checked access; every write is audited by auditlog."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Programme, SchoolProfile


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
            *sorted(wanted - current), through_defaults={"joined_on": datetime.date.today()}
        )
    return programme
