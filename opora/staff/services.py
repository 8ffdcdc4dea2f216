"""Writes of the staff app: teachers, diagnostics, courses, development plans and their items.

Services assume the caller has the object through access scoping (selectors) and checked
the action; they validate the data themselves and write all or nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check
from opora.core.uploads import display_name
from opora.registry.choices import OrganizationKind
from opora.registry.models import Membership, Organization, Person
from opora.results.models import Subject
from opora.staff.choices import ItemKind, ItemStatus
from opora.staff.models import (
    Course,
    DevelopmentPlan,
    Diagnostic,
    PlanItem,
    Teacher,
    name_key,
)

TEACHER_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "code",
    "age_band",
    "category",
    "experience_years",
    "last_course_year",
    "subjects_other",
    "is_active",
)


def person_for_teacher(teacher: Teacher) -> Person | None:
    """The registry person the record belongs to: someone holding a role in the school under
    the same full name, when there is exactly one such person."""
    key = name_key(teacher.last_name, teacher.first_name, teacher.middle_name)
    candidates = {
        m.person
        for m in Membership.objects.filter(organization_id=teacher.school_id).select_related(
            "person"
        )
        if name_key(m.person.last_name, m.person.first_name, m.person.middle_name) == key
    }
    return candidates.pop() if len(candidates) == 1 else None


def _check_unique(teacher: Teacher) -> None:
    others = Teacher.objects.filter(school_id=teacher.school_id).exclude(pk=teacher.pk)
    if teacher.code:
        if others.filter(code=teacher.code).exists():
            raise ValidationError(
                {"code": _("В школе уже есть педагог с кодом «%(c)s».") % {"c": teacher.code}}
            )
    elif others.filter(code="", name_key=teacher.name_key).exists():
        raise ValidationError(
            {
                "code": _(
                    "В школе уже есть педагог «%(n)s». Если это другой человек (тёзка), "
                    "укажите табельный номер обоим."
                )
                % {"n": teacher.full_name}
            }
        )


@transaction.atomic
def teacher_save(
    *,
    school: Organization,
    values: dict[str, Any],
    subjects: Iterable[Subject] | None = (),
    teacher: Teacher | None = None,
    person: Person | Literal["auto"] | None = "auto",
) -> Teacher:
    """Create a teacher in `school` or update `teacher`. `person` links the record to the
    teacher's account; "auto" keeps the link, and links a new record to the school's registry
    person of the same name (so that a teacher with an account sees it)."""
    if school.kind != OrganizationKind.SCHOOL:
        raise ValidationError(_("Педагогов ведут только в реестре школ."))
    created = teacher is None
    if teacher is None:
        teacher = Teacher(school=school)
    for key, value in values.items():
        if key not in TEACHER_FIELDS:
            raise ValueError(key)
        setattr(teacher, key, value.strip() if isinstance(value, str) else value)
    teacher.full_clean(validate_constraints=False)
    _check_unique(teacher)
    if person == "auto":
        if created:
            teacher.person = person_for_teacher(teacher)
        teacher.save()
    else:
        teacher.save()
        teacher_link_person(teacher=teacher, person=person)
    if subjects is not None:  # None: keep the stored subjects
        teacher.subjects.set(list(subjects))
    return teacher


@transaction.atomic
def teacher_link_person(*, teacher: Teacher, person: Person | None) -> Teacher:
    """Link the record to a registry person (the teacher's account) or unlink it; the person
    must hold a role in the teacher's school and not be linked to another of its records."""
    if person is not None:
        if not Membership.objects.filter(person=person, organization_id=teacher.school_id).exists():
            raise ValidationError(
                {"person": _("У этого человека нет роли в школе «%(s)s».") % {"s": teacher.school}}
            )
        if (
            Teacher.objects.filter(school_id=teacher.school_id, person=person)
            .exclude(pk=teacher.pk)
            .exists()
        ):
            raise ValidationError(
                {"person": _("Эта учётная запись уже связана с другим педагогом школы.")}
            )
    if teacher.person_id != (person.pk if person else None):
        teacher.person = person
        teacher.save(update_fields=["person", "updated_at"])
    return teacher


@transaction.atomic
def diagnostic_get_or_create(
    *,
    title: str,
    held_on: datetime.date,
    provider: str = "",
    threshold: float | None = None,
    organizer: Organization | None = None,
    user: User | None = None,
) -> tuple[Diagnostic, bool]:
    """The diagnostic of that title and date, created if new; a threshold given for an
    existing diagnostic replaces its threshold (the file states it)."""
    diagnostic = Diagnostic.objects.filter(title=title.strip(), held_on=held_on).first()
    if diagnostic is not None:
        changed = []
        if threshold is not None and diagnostic.threshold != threshold:
            diagnostic.threshold = threshold
            changed.append("threshold")
        if provider and diagnostic.provider != provider:
            diagnostic.provider = provider
            changed.append("provider")
        if changed:
            diagnostic.full_clean()
            diagnostic.save(update_fields=changed)
        return diagnostic, False
    diagnostic = Diagnostic(
        title=title.strip(),
        held_on=held_on,
        provider=provider.strip(),
        start_year=dates.academic_year_of(held_on),
        organizer=organizer,
        created_by=user,
    )
    if threshold is not None:
        diagnostic.threshold = threshold
    diagnostic.full_clean()
    diagnostic.save()
    return diagnostic, True


@transaction.atomic
def course_save(
    *, values: dict[str, Any], subjects: Iterable[Subject] = (), course: Course | None = None
) -> Course:
    """Create or edit a catalogue course (analysts)."""
    course = course or Course()
    for key in ("title", "provider", "hours", "format", "areas", "description", "is_active"):
        if key in values:
            setattr(course, key, values[key])
    course.areas = [str(a) for a in course.areas]
    course.full_clean()
    course.save()
    course.subjects.set(list(subjects))
    return course


@transaction.atomic
def plan_create(
    *,
    teacher: Teacher,
    start_year: int,
    user: User,
    note: str = "",
    courses: Iterable[Course] = (),
    due_on: datetime.date | None = None,
) -> DevelopmentPlan:
    """Create a teacher's development plan for a year with the chosen courses as items,
    due by `due_on` (the end of the academic year when not given)."""
    if DevelopmentPlan.objects.filter(teacher=teacher, start_year=start_year).exists():
        raise ValidationError(
            _("У педагога уже есть ИОМ на %(y)s учебный год.")
            % {"y": dates.academic_year_label(start_year)}
        )
    plan = DevelopmentPlan(
        teacher=teacher, start_year=start_year, note=note.strip(), created_by=user
    )
    plan.full_clean()
    plan.save()
    due = due_on or datetime.date(start_year + 1, 5, 31)
    for course in courses:
        area = course.areas[0] if course.areas else ""
        plan_item_add(plan=plan, kind=ItemKind.COURSE, course=course, due_on=due, area=area)
    timeline_event_record(target=plan, verb=TimelineVerb.CREATED, actor=user)
    return plan


@transaction.atomic
def plan_item_add(
    *,
    plan: DevelopmentPlan,
    kind: ItemKind | str,
    due_on: datetime.date,
    course: Course | None = None,
    title: str = "",
    area: str = "",
) -> PlanItem:
    """Add a course or an own activity to a plan."""
    item = PlanItem(
        plan=plan,
        kind=kind,
        course=course if kind == ItemKind.COURSE else None,
        title=title.strip() if kind == ItemKind.OWN else "",
        area=area,
        due_on=due_on,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_complete(
    *,
    item: PlanItem,
    completed_on: datetime.date,
    certificate: UploadedFile | None = None,
    user: User,
) -> PlanItem:
    """Mark an item done on a date, with the certificate file if there is one (checked like
    roadmap evidence: documents and images only, within the size limit)."""
    if item.status == ItemStatus.CANCELLED:
        raise ValidationError(_("Пункт отменён; сначала верните его в план."))
    if completed_on > dates.today():
        raise ValidationError({"completed_on": _("Дата выполнения ещё не наступила.")})
    if certificate is not None:
        evidence_check([certificate])
        item.certificate.save(certificate.name or "certificate", certificate, save=False)
        item.certificate_name = display_name(certificate.name)
    item.status = ItemStatus.DONE
    item.completed_on = completed_on
    item.full_clean()
    item.save()
    timeline_event_record(
        target=item.plan,
        verb=TimelineVerb.COMPLETED,
        actor=user,
        message=item.label[:500],
        data={"item": item.pk},
    )
    return item


@transaction.atomic
def plan_item_set_status(*, item: PlanItem, status: ItemStatus | str) -> PlanItem:
    """Move an item between planned, in progress and cancelled (reopening a done one clears
    its completion date)."""
    status = ItemStatus(status)
    if status == ItemStatus.DONE:
        raise ValidationError(_("Выполнение отмечается с датой (plan_item_complete)."))
    item.status = status
    item.completed_on = None
    item.full_clean()
    item.save(update_fields=["status", "completed_on"])
    return item
