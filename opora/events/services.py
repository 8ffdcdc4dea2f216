"""Writing events: announce, change, cancel; register and nominate; attendance by hand or from
a webinar platform's Excel export; materials; certificates. Every refusal is a Russian
ValidationError and leaves the data as they were."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.access import Action
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.files import evidence_check
from opora.core.jobs import Job, JobError, JobReporter, job_handler, job_start
from opora.core.uploads import display_name
from opora.events.choices import EventStatus, RegistrationStatus
from opora.events.models import (
    CalendarFeed,
    Certificate,
    Event,
    Material,
    Registration,
    feed_token,
)
from opora.registry.models import Membership, Organization, Person
from opora.results.models import Subject
from opora.staff.models import Teacher, name_key

CERTIFICATES_JOB = "events.certificates"
# An export from a webinar platform is a list of participants: more rows than this is a
# wrong file, not an event.
ATTENDANCE_MAX_ROWS = 5000
# A platform's export may have a title and a date above the header row.
HEADER_SEARCH_ROWS = 10
NAME_HEADERS = ("фио", "участник", "имя", "name", "full name", "полное имя")
EMAIL_HEADERS = ("e-mail", "email", "эл. почта", "почта", "электронная почта", "mail")


# --- Events --------------------------------------------------------------------------------


@transaction.atomic
def event_save(
    *,
    event: Event,
    user: User,
    audience_schools: Iterable[Organization] = (),
    subjects: Iterable[Subject] = (),
    programme: UploadedFile | None = None,
) -> Event:
    """Announce a new event or save changes to one, for an organiser the user runs events of
    (`scoping.handler_reach`); the programme file, when given, replaces the old one."""
    from opora.events.scoping import handler_reach

    creating = event.pk is None
    if event.organizer_id is not None and not handler_reach(user).covers(event.organizer):
        raise ValidationError(
            {"organizer": _("Мероприятия этой организации вы не проводите: выберите свою.")}
        )
    if event.status != EventStatus.ANNOUNCED and creating:
        raise ValidationError(_("Новое мероприятие может быть только объявлено."))
    schools = list(audience_schools)
    if event.audience_territory_id is None and not schools:
        raise ValidationError(
            {"audience_schools": _("Укажите школы или территорию, для которых мероприятие.")}
        )
    if programme is not None:
        evidence_check([programme])
        event.programme_name = display_name(programme.name)
        event.programme_file.save(programme.name or "programme", programme, save=False)
    if creating:
        event.created_by = user
    event.full_clean()
    event.save()
    event.audience_schools.set(schools)
    event.subjects.set(list(subjects))
    if creating:
        timeline_event_record(target=event, verb=TimelineVerb.CREATED, actor=user)
    return event


@transaction.atomic
def event_cancel(*, event: Event, user: User) -> Event:
    """Cancel an announced event; a held one stays held."""
    if event.status != EventStatus.ANNOUNCED:
        raise ValidationError(_("Отменить можно только объявленное мероприятие."))
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    return event


# --- Registrations -------------------------------------------------------------------------


def _audience_refusal(event: Event, school: Organization, role: str) -> str | None:
    """Why a person of `role` at `school` is not in the event's audience, or None."""
    in_schools = event.audience_schools.filter(pk=school.pk).exists()
    territory = event.audience_territory
    in_territory = territory is not None and school.territory.path.startswith(territory.path)
    if not (in_schools or in_territory):
        return _("Школа «%(s)s» не входит в число участников мероприятия.") % {
            "s": school.short_name or school.name
        }
    if event.audience_roles and role not in event.audience_roles:
        return _("Мероприятие проводится для: %(roles)s.") % {
            "roles": ", ".join(event.audience_role_labels).lower()
        }
    return None


def _register(
    *,
    event: Event,
    school: Organization,
    role: str,
    person: Person | None,
    teacher: Teacher | None,
    user: User,
) -> Registration:
    # The event row is locked so two last-minute registrations cannot both take the last seat.
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError(_("Мероприятие отменено: запись закрыта."))
    if locked.status == EventStatus.HELD or timezone.now() >= locked.starts_at:
        raise ValidationError(_("Мероприятие уже началось: запись закрыта."))
    refusal = _audience_refusal(event, school, role)
    if refusal:
        raise ValidationError(refusal)
    active = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    if (person is not None and active.filter(person=person).exists()) or (
        teacher is not None and active.filter(teacher=teacher).exists()
    ):
        name = teacher.full_name if teacher else str(person)
        raise ValidationError(_("%(n)s уже записан(а) на это мероприятие.") % {"n": name})
    if locked.capacity is not None and active.count() >= locked.capacity:
        raise ValidationError(_("Мест нет: все %(n)s мест заняты.") % {"n": locked.capacity})
    if teacher is not None:
        full_name = teacher.full_name
    else:
        assert person is not None
        full_name = " ".join(
            p for p in (person.last_name, person.first_name, person.middle_name) if p
        )
    registration = Registration(
        event=event,
        school=school,
        person=person if person is not None else (teacher.person if teacher else None),
        teacher=teacher,
        full_name=full_name,
        email=(person.email if person is not None else "")
        or (teacher.person.email if teacher and teacher.person else ""),
        registered_by=user,
    )
    registration.full_clean(validate_constraints=False)
    registration.save()
    return registration


@transaction.atomic
def registration_self(*, event: Event, user: User) -> Registration:
    """A teacher (or other school worker) registers themselves, through their membership at
    a school of the audience."""
    person = Person.objects.filter(user=user).first()
    memberships = list(
        Membership.objects.filter(
            person__user=user, is_active=True, role__in=[r.value for r in _school_roles()]
        ).select_related("organization__territory")
    )
    if person is None or not memberships:
        raise ValidationError(_("Записаться сами могут работники школ."))
    refusal = None
    for membership in memberships:
        refusal = _audience_refusal(event, membership.organization, membership.role)
        if refusal is None:
            teacher = Teacher.objects.filter(
                person=person, school=membership.organization, is_active=True
            ).first()
            return _register(
                event=event,
                school=membership.organization,
                role=membership.role,
                person=person,
                teacher=teacher,
                user=user,
            )
    raise ValidationError(refusal or _("Вы не входите в число участников мероприятия."))


def _school_roles() -> tuple[Role, ...]:
    return (Role.SCHOOL_DIRECTOR, Role.SCHOOL_STAFF, Role.TEACHER)


@transaction.atomic
def registration_nominate(*, event: Event, teacher: Teacher, user: User) -> Registration:
    """A director nominates a teacher of their school (the caller checks it is theirs)."""
    return _register(
        event=event,
        school=teacher.school,
        role=Role.TEACHER,
        person=teacher.person,
        teacher=teacher,
        user=user,
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, user: User) -> Registration:
    """The organiser cancels a registration (before attendance is marked for it)."""
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Запись уже отменена."))
    if registration.attended:
        raise ValidationError(_("Участник отмечен присутствовавшим: запись не отменить."))
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    return registration


# --- Attendance ----------------------------------------------------------------------------


def _attendance_open(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("Мероприятие отменено: посещаемость не отмечается."))
    if timezone.now() < event.starts_at:
        raise ValidationError(_("Мероприятие ещё не началось: посещаемость отмечается после."))


@transaction.atomic
def attendance_mark(
    *,
    event: Event,
    attended_ids: Iterable[int],
    user: User,
    shown_ids: Iterable[int] | None = None,
) -> int:
    """Mark who attended from the registration list (everyone else did not — or, with
    `shown_ids`, everyone else of that page of the list: the other pages keep their marks);
    the event becomes held. Returns how many attended the event."""
    _attendance_open(event)
    ids = {int(i) for i in attended_ids}
    registered = set(
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).values_list(
            "pk", flat=True
        )
    )
    marked = registered if shown_ids is None else registered & {int(i) for i in shown_ids}
    if ids - marked:
        raise ValidationError(
            _("Отметить можно только записанных на мероприятие; остальные не записаны.")
        )
    Registration.objects.filter(pk__in=sorted(ids)).update(attended=True)
    Registration.objects.filter(pk__in=sorted(marked - ids)).update(attended=False)
    _held(event, user)
    return Registration.objects.filter(pk__in=registered, attended=True).count()


def _held(event: Event, user: User) -> None:
    if event.status != EventStatus.HELD:
        event.status = EventStatus.HELD
        event.save(update_fields=["status"])
        timeline_event_record(target=event, verb=TimelineVerb.COMPLETED, actor=user)


def _header_index(headers: list[str], names: tuple[str, ...]) -> int | None:
    for index, header in enumerate(headers):
        if header.strip().lower().replace("ё", "е") in names:
            return index
    return None


def attendance_rows(file: UploadedFile) -> list[tuple[int, str, str]]:
    """The (row number, name, e-mail) rows of a webinar platform's export, read by the core's
    bounded reader: the first of the top rows naming a name or an e-mail column is the header
    (platforms put a title above it). Refuses a file that is not one."""
    from opora.core.imports.limits import ReadLimits, TableFileError
    from opora.core.imports.readers import read_table

    try:
        table = read_table(
            file,
            file.name or "участники.xlsx",
            limits=ReadLimits.from_settings(max_rows=ATTENDANCE_MAX_ROWS),
        )
    except TableFileError as exc:
        raise ValidationError(str(exc)) from exc
    lines = [(table.row_number(0) - 1, table.headers)]
    lines += [(table.row_number(i), row) for i, row in enumerate(table.rows)]
    header_at = next(
        (
            i
            for i, (_number, cells) in enumerate(lines[:HEADER_SEARCH_ROWS])
            if _header_index(cells, NAME_HEADERS + EMAIL_HEADERS) is not None
        ),
        None,
    )
    if header_at is None:
        raise ValidationError(
            _("В файле нет столбца «ФИО» или «E-mail»: в первой строке должны быть заголовки.")
        )
    header = lines[header_at][1]
    name_col = _header_index(header, NAME_HEADERS)
    email_col = _header_index(header, EMAIL_HEADERS)
    rows: list[tuple[int, str, str]] = []
    for number, cells in lines[header_at + 1 :]:
        name = cells[name_col] if name_col is not None and name_col < len(cells) else ""
        email = cells[email_col] if email_col is not None and email_col < len(cells) else ""
        if name.strip() or email.strip():
            rows.append((number, name.strip(), email.strip()))
    if not rows:
        raise ValidationError(_("В файле нет ни одного участника."))
    return rows


@transaction.atomic
def attendance_import(*, event: Event, file: UploadedFile, user: User) -> int:
    """Mark attended everyone the platform's export lists, matched by e-mail or full name
    to the registrations; a row that matches nobody registered refuses the whole file."""
    _attendance_open(event)
    rows = attendance_rows(file)
    registrations = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    )
    by_email = {r.email.lower(): r.pk for r in registrations if r.email}
    by_name = {name_key(r.full_name): r.pk for r in registrations}
    found: set[int] = set()
    errors = []
    for number, name, email in rows:
        pk = by_email.get(email.lower()) if email else None
        if pk is None and name:
            pk = by_name.get(name_key(name))
        if pk is None:
            errors.append(
                _("Строка %(n)s: «%(who)s» не записан(а) на мероприятие.")
                % {"n": number, "who": name or email}
            )
        else:
            found.add(pk)
    if errors:
        raise ValidationError(errors)
    Registration.objects.filter(pk__in=sorted(found)).update(attended=True)
    _held(event, user)
    return len(found)


# --- Materials -----------------------------------------------------------------------------


@transaction.atomic
def material_add(
    *, event: Event, title: str, user: User, file: UploadedFile | None = None, url: str = ""
) -> Material:
    """Publish a file or a link (a recording) on the event."""
    if (file is None) == (not url):
        raise ValidationError(_("Приложите файл или укажите ссылку — одно из двух."))
    material = Material(event=event, title=title.strip(), url=url, added_by=user)
    if file is not None:
        evidence_check([file])
        material.file_name = display_name(file.name)
        material.file.save(file.name or "material", file, save=False)
        material.title = material.title or material.file_name
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def material_delete(*, material: Material) -> None:
    material.file.delete(save=False)
    material.delete()


# --- Certificates --------------------------------------------------------------------------


def certificate_year(event: Event) -> int:
    return timezone.localtime(event.starts_at).year


@transaction.atomic
def certificate_issue(*, registration: Registration) -> Certificate:
    """The participant's certificate, numbered on first issue (per organiser and year); refused
    to someone who did not attend."""
    existing = Certificate.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    # Attendance is what the database says now, not what the caller read before.
    registration.refresh_from_db(fields=["status", "attended"])
    if registration.status != RegistrationStatus.REGISTERED or not registration.attended:
        raise ValidationError(
            _("Сертификат выдаётся только тем, кто присутствовал на мероприятии.")
        )
    event = registration.event
    return _certificates_number(event, [registration])[0]


def _last_number(event: Event) -> int:
    return (
        Certificate.objects.filter(
            organizer_id=event.organizer_id, year=certificate_year(event)
        ).aggregate(m=Max("number"))["m"]
        or 0
    )


def _certificates_number(
    event: Event, registrations: list[Registration], *, after: int | None = None
) -> list[Certificate]:
    """Number the certificates of `registrations` after the year's last; with `after`, the
    last number the caller planned from, refused if another was issued since."""
    # The organiser's row is locked: numbers are taken one after another, never twice.
    Organization.objects.select_for_update().filter(pk=event.organizer_id).first()
    last = _last_number(event)
    if after is not None and last != after:
        raise JobError(
            _("Пока готовились сертификаты, были выданы другие; запустите выпуск ещё раз.")
        )
    made = [
        Certificate(
            registration=r,
            organizer_id=event.organizer_id,
            year=certificate_year(event),
            number=last + i,
        )
        for i, r in enumerate(registrations, start=1)
    ]
    Certificate.objects.bulk_create(made)
    return made


def certificates_job_start(*, event: Event, user: User) -> Job:
    """Issue every attended participant's certificate and pack them into one ZIP, as a job."""
    if not Registration.objects.filter(
        event=event, status=RegistrationStatus.REGISTERED, attended=True
    ).exists():
        raise ValidationError(_("Никто не отмечен присутствовавшим: сертификатов нет."))
    return job_start(
        kind=CERTIFICATES_JOB,
        title=_("Сертификаты участников: %(t)s") % {"t": event.title[:200]},
        params={"event_id": event.pk},
        user=user,
        organization_id=event.organizer_id,
    )


@job_handler(CERTIFICATES_JOB)
def certificates_job(job: Job, reporter: JobReporter) -> Any:
    """Draw every attended participant's certificate into a ZIP outside the transaction, with
    the numbers planned after the year's last; the save step takes those numbers (refused if
    another certificate was issued meanwhile) and stores the ZIP."""
    from opora.events import selectors
    from opora.events.documents import certificate_blank, certificate_pdf, certificates_zip_name

    # The job runs with the rights of whoever started it: still the event's organiser.
    user = job.created_by
    if user is None:
        raise JobError(_("Запустивший выпуск больше не работает в системе."))
    event = selectors.event_get(user, job.params["event_id"], Action.CHANGE)
    attended = selectors.event_attended(user, event)
    missing = [r for r in attended if not hasattr(r, "certificate")]
    last = _last_number(event)
    planned = {
        r.pk: Certificate(
            registration=r,
            organizer_id=event.organizer_id,
            year=certificate_year(event),
            number=last + i,
        )
        for i, r in enumerate(missing, start=1)
    }
    reporter.progress(0, _("Участников: %(n)s") % {"n": len(attended)})
    blank = certificate_blank()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, registration in enumerate(attended, start=1):
            certificate = planned.get(registration.pk) or registration.certificate
            name = f"{certificate.number:04d} {registration.full_name}.pdf"
            archive.writestr(name, certificate_pdf(certificate, registration, event, blank))
            if index % 25 == 0:
                reporter.progress(
                    95 * index / len(attended), _("Сертификатов: %(n)s") % {"n": index}
                )

    def save() -> dict[str, Any]:
        _certificates_number(event, missing, after=last)
        path = default_storage.save(
            f"events/certificates/{event.pk}/{certificates_zip_name(event)}",
            ContentFile(buffer.getvalue()),
        )
        reporter.log(_("Сертификатов: %(n)s") % {"n": len(attended)})
        return {"file": path, "count": len(attended), "event_id": event.pk}

    return save


@transaction.atomic
def registrations_nominate(*, event: Event, teachers: Iterable[Teacher], user: User) -> int:
    """A director nominates teachers of their school (the caller offers only theirs): all of
    them or, if one is refused, none."""
    count = 0
    for teacher in teachers:
        registration_nominate(event=event, teacher=teacher, user=user)
        count += 1
    return count


# --- Feedback ------------------------------------------------------------------------------

FEEDBACK_SLUG = "event-feedback"
FEEDBACK_DAYS = 30


@transaction.atomic
def feedback_open(*, event: Event, user: User) -> Event:
    """Open the anonymous feedback link of a held event: a survey round of the shipped
    «обратная связь о мероприятии» questionnaire, owned by the organiser, open for a month."""
    from opora.core import dates
    from opora.surveys.models import Questionnaire
    from opora.surveys.services import round_create

    if event.status != EventStatus.HELD:
        raise ValidationError(_("Обратная связь собирается после проведения мероприятия."))
    if event.feedback_round_id is not None:
        raise ValidationError(_("Ссылка на анкету уже открыта."))
    questionnaire = Questionnaire.objects.filter(slug=FEEDBACK_SLUG, is_builtin=True).first()
    if questionnaire is None:
        raise ValidationError(_("Анкета обратной связи не установлена."))
    opens = timezone.localtime(event.starts_at).date()
    survey_round = round_create(
        title=_("Обратная связь: %(t)s") % {"t": event.title[:400]},
        owner=event.organizer,
        year=dates.academic_year_of(opens),
        opens_on=opens,
        closes_on=max(opens, dates.today()) + timedelta(days=FEEDBACK_DAYS),
        questionnaires=[questionnaire],
        # The round's one link is the organiser's: the event has no school of its own.
        schools=[event.organizer],
        user=user,
    )
    event.feedback_round = survey_round
    event.save(update_fields=["feedback_round"])
    return event


# --- Calendar subscription -----------------------------------------------------------------


@transaction.atomic
def feed_renew(*, user: User) -> CalendarFeed:
    """The user's secret .ics address, new each time: the old one stops working."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    if not _created:
        feed.token = feed_token()
        feed.save(update_fields=["token"])
    return feed
