"""Writing the practice bank. Every refusal is a Russian ValidationError that says what is
wrong and leaves the data as they were."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.files import evidence_check
from opora.core.mail import mail_on_commit
from opora.core.notifications import notify
from opora.core.uploads import display_name
from opora.practices.choices import PracticeStatus, ReviewConclusion
from opora.practices.models import (
    Adoption,
    Collection,
    CollectionItem,
    Practice,
    PracticeMaterial,
    Review,
    ReviewCriterion,
)
from opora.practices.selectors import adoption_schools, lineage_q
from opora.registry.models import Membership, Organization, Person
from opora.registry.recipients import person_users
from opora.results.models import Subject
from opora.roadmaps.models import Activity, Section
from opora.roadmaps.services import activity_save

# --- The bank: practices, reviews, collections ---

# The fields a new version copies from the one it continues.
VERSION_FIELDS = (
    "organization",
    "title",
    "summary",
    "other_authors",
    "problem_types",
    "risk_factors",
    "grades",
    "description",
    "conditions",
    "declared_effect",
    "started_on",
)


def _authors_mail(practice: Practice, subject: str, message: str) -> None:
    """A letter to the practice's authors (and its creator) once the transaction commits."""
    emails = {p.email for p in practice.authors.all() if p.email}
    if practice.created_by is not None and practice.created_by.email:
        emails.add(practice.created_by.email)
    if emails:
        site = (getattr(settings, "OPORA_SITE_URL", "") or "").rstrip("/")
        link = site + reverse("practices:practice", args=[practice.pk])
        mail_on_commit(
            subject=subject,
            message=f"{message}\n\n«{practice.title}»\n{link}",
            recipient_list=sorted(emails),
        )


def _authors_notify(practice: Practice, text: str) -> None:
    """A notice to the practice's authors who have accounts (and its creator)."""
    notify(
        recipients=[practice.created_by, *person_users(practice.authors.all())],
        text=_("Практика «%(t)s»: %(m)s") % {"t": practice.title[:200], "m": text},
        url=reverse("practices:practice", args=[practice.pk]),
    )


def _is_author(practice: Practice, user: User) -> bool:
    return practice.created_by_id == user.pk or practice.authors.filter(user=user).exists()


def _timeline(practice: Practice, verb: TimelineVerb, user: User, message: str) -> None:
    """Transitions go on the authoring organisation's timeline (a school's card shows them)."""
    timeline_event_record(
        target=practice.organization,
        verb=verb,
        actor=user,
        message=_("Практика «%(t)s»: %(m)s") % {"t": practice.title, "m": message},
    )


@transaction.atomic
def practice_save(
    *,
    practice: Practice,
    user: User,
    authors: Iterable[Person] = (),
    subjects: Iterable[Subject] = (),
    material_file: UploadedFile | None = None,
    material_url: str = "",
) -> Practice:
    """Describe a new practice or change a draft, for an organisation in the user's authoring
    reach; a file or a link given here becomes a material. A published practice is changed
    through a new version (`practice_version_new`)."""
    from opora.practices.scoping import author_reach

    creating = practice.pk is None
    if practice.organization_id is None or not author_reach(user).covers(practice.organization):
        raise ValidationError(
            {"organization": _("Практики этой организации вы не описываете: выберите свою.")}
        )
    if not creating:
        stored = Practice.objects.select_for_update().get(pk=practice.pk)
        if stored.status != PracticeStatus.DRAFT:
            raise ValidationError(
                _(
                    "Изменять можно только черновик. Опубликованную практику меняют новой "
                    "версией; практику на экспертизе — после возврата на доработку."
                )
            )
    people = list(authors)
    outside = [
        p
        for p in people
        if not Membership.objects.filter(
            person=p, organization=practice.organization, is_active=True
        ).exists()
    ]
    if outside:
        raise ValidationError(
            {
                "authors": _("Не работают в «%(o)s»: %(p)s. Укажите их в «других авторах».")
                % {
                    "o": practice.organization.short_name or practice.organization.name,
                    "p": ", ".join(p.full_name for p in outside),
                }
            }
        )
    practice.grades = sorted({int(g) for g in practice.grades})
    if creating:
        practice.created_by = user
        practice.status = PracticeStatus.DRAFT
    practice.full_clean(exclude=["root"])
    practice.save()
    practice.authors.set(people)
    practice.subjects.set(list(subjects))
    if material_file is not None:
        material_add(practice=practice, user=user, title="", file=material_file)
    if material_url:
        material_add(practice=practice, user=user, title="", url=material_url)
    if creating:
        _timeline(practice, TimelineVerb.CREATED, user, _("описана"))
    return practice


@transaction.atomic
def material_add(
    *,
    practice: Practice,
    user: User,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
) -> PracticeMaterial:
    """A file (checked as evidence) or a link; to a draft only."""
    if practice.status != PracticeStatus.DRAFT:
        raise ValidationError(_("Материалы добавляют к черновику практики."))
    if (file is None) == (not url):
        raise ValidationError(_("Приложите файл или укажите ссылку (что-то одно)."))
    position = (
        PracticeMaterial.objects.filter(practice=practice).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    material = PracticeMaterial(practice=practice, url=url, position=position)
    if file is not None:
        evidence_check([file])
        material.file_name = display_name(file.name)
        material.file.save(file.name or "material", file, save=False)
    material.title = title.strip() or material.file_name or url
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def material_remove(*, material: PracticeMaterial, user: User) -> None:
    if material.practice.status != PracticeStatus.DRAFT:
        raise ValidationError(_("Материалы убирают из черновика практики."))
    material.delete()


def submit_refusals(practice: Practice) -> list[str]:
    """What a practice lacks for the expert review (empty when it may be submitted)."""
    missing = []
    if not practice.problem_types and not practice.risk_factors:
        missing.append(_("проблема, которую решает практика (тип проблемы или фактор риска)"))
    if not practice.description.strip():
        missing.append(_("что делается"))
    if not practice.materials.exists():
        missing.append(_("материалы (файл или ссылка)"))
    return missing


@transaction.atomic
def practice_submit(*, practice: Practice, user: User) -> Practice:
    """Send a draft to the expert review; refused, saying what is missing."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.DRAFT:
        raise ValidationError(_("На экспертизу отправляют черновик практики."))
    missing = submit_refusals(practice)
    if missing:
        raise ValidationError(
            _("Практику нельзя отправить на экспертизу: не указано — %(m)s.")
            % {"m": "; ".join(missing)}
        )
    practice.status = PracticeStatus.REVIEW
    practice.submitted_at = timezone.now()
    practice.save(update_fields=["status", "submitted_at", "updated_at"])
    _timeline(practice, TimelineVerb.SUBMITTED, user, _("отправлена на экспертизу"))
    _authors_mail(
        practice,
        _("Практика отправлена на экспертизу"),
        _("Практика отправлена на экспертизу; эксперты оценят её по опубликованным критериям."),
    )
    return practice


@transaction.atomic
def review_create(
    *,
    practice: Practice,
    user: User,
    criteria: list[ReviewCriterion],
    scores: dict[int, Any],
    comment: str,
    conclusion: str,
) -> Review:
    """An expert's review: a score per active criterion (0..its maximum), a comment, a
    conclusion. «revise» returns the practice to its authors as a draft."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.REVIEW:
        raise ValidationError(_("Практика не на экспертизе."))
    if _is_author(practice, user):
        raise ValidationError(_("Автор практики не может быть её экспертом."))
    if Review.objects.filter(practice=practice, reviewer=user).exists():
        raise ValidationError(_("Вы уже дали заключение по этой версии практики."))
    if conclusion not in ReviewConclusion.values:
        raise ValidationError({"conclusion": _("Выберите заключение.")})
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        try:
            score = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors[f"c{criterion.pk}"] = _("Поставьте балл по критерию «%(c)s».") % {
                "c": criterion.name
            }
            continue
        if not 0 <= score <= criterion.max_score:
            errors[f"c{criterion.pk}"] = _("Балл по критерию «%(c)s» — от 0 до %(m)s.") % {
                "c": criterion.name,
                "m": criterion.max_score,
            }
            continue
        clean[str(criterion.pk)] = score
    if errors:
        raise ValidationError(errors)
    if conclusion != ReviewConclusion.PUBLISH and not comment.strip():
        raise ValidationError(
            {"comment": _("Напишите авторам, что доработать или почему практика отклонена.")}
        )
    review = Review.objects.create(
        practice=practice, reviewer=user, scores=clean, comment=comment, conclusion=conclusion
    )
    label = ReviewConclusion(conclusion).label
    if conclusion == ReviewConclusion.REVISE:
        practice.status = PracticeStatus.DRAFT
        practice.save(update_fields=["status", "updated_at"])
        _timeline(practice, TimelineVerb.RETURNED, user, _("возвращена на доработку"))
    else:
        _timeline(practice, TimelineVerb.REVIEWING, user, str(label).lower())
    _authors_mail(
        practice,
        _("Экспертиза практики: %(c)s") % {"c": str(label).lower()},
        _("Эксперт дал заключение: %(c)s.\n%(t)s") % {"c": label, "t": comment},
    )
    _authors_notify(practice, _("заключение эксперта — %(c)s") % {"c": str(label).lower()})
    return review


@transaction.atomic
def practice_publish(*, practice: Practice, user: User) -> Practice:
    """Publish a practice under review with at least one «publish» conclusion; a later
    version archives the published one it replaces."""
    from opora.practices.scoping import publisher_reach

    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not publisher_reach(user).covers(practice.organization):
        raise ValidationError(_("Публикуют координаторы и методисты территории практики."))
    if practice.status != PracticeStatus.REVIEW:
        raise ValidationError(_("Опубликовать можно практику, прошедшую экспертизу."))
    if not practice.reviews.filter(conclusion=ReviewConclusion.PUBLISH).exists():
        raise ValidationError(
            _("Для публикации нужно хотя бы одно заключение «рекомендовать к публикации».")
        )
    now = timezone.now()
    lineage = practice.lineage_id
    for old in Practice.objects.select_for_update().filter(
        status=PracticeStatus.PUBLISHED, pk__in=_lineage_ids(lineage)
    ):
        old.status = PracticeStatus.ARCHIVED
        old.archived_at = now
        old.save(update_fields=["status", "archived_at", "updated_at"])
    practice.status = PracticeStatus.PUBLISHED
    practice.published_at = now
    practice.save(update_fields=["status", "published_at", "updated_at"])
    _timeline(practice, TimelineVerb.APPROVED, user, _("опубликована в банке практик"))
    _authors_mail(
        practice,
        _("Практика опубликована"),
        _("Практика опубликована в банке практик и видна всем пользователям Опоры."),
    )
    _authors_notify(practice, _("опубликована в банке практик"))
    return practice


def _lineage_ids(root: int) -> list[int]:
    return [root, *Practice.objects.filter(root_id=root).values_list("pk", flat=True)]


@transaction.atomic
def practice_archive(*, practice: Practice, user: User) -> Practice:
    """Move a practice to the archive: by a coordinator or methodist in reach, or by its own
    organisation."""
    from opora.practices.scoping import author_reach, publisher_reach

    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if not (
        publisher_reach(user).covers(practice.organization)
        or author_reach(user).covers(practice.organization)
    ):
        raise ValidationError(_("Отправить практику в архив может её организация или методист."))
    if practice.status == PracticeStatus.ARCHIVED:
        raise ValidationError(_("Практика уже в архиве."))
    practice.status = PracticeStatus.ARCHIVED
    practice.archived_at = timezone.now()
    practice.save(update_fields=["status", "archived_at", "updated_at"])
    _timeline(practice, TimelineVerb.COMPLETED, user, _("отправлена в архив"))
    return practice


@transaction.atomic
def practice_version_new(*, practice: Practice, user: User) -> Practice:
    """A draft of the next version of a published practice: its fields, authors, subjects and
    materials copied (files by reference); the published one stays as it is until the new
    version is published."""
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(_("Новую версию создают у опубликованной практики."))
    lineage = practice.lineage_id
    pending = Practice.objects.filter(
        root_id=lineage, status__in=[PracticeStatus.DRAFT, PracticeStatus.REVIEW]
    ).first()
    if pending is not None:
        raise ValidationError(
            _("Новая версия (версия %(v)s) уже готовится: продолжите её.") % {"v": pending.version}
        )
    last = Practice.objects.filter(pk__in=_lineage_ids(lineage)).aggregate(m=Max("version"))["m"]
    copy = Practice(
        root_id=lineage,
        version=(last or 1) + 1,
        status=PracticeStatus.DRAFT,
        created_by=user,
        **{name: getattr(practice, name) for name in VERSION_FIELDS},
    )
    copy.save()
    copy.authors.set(list(practice.authors.all()))
    copy.subjects.set(list(practice.subjects.all()))
    PracticeMaterial.objects.bulk_create(
        PracticeMaterial(
            practice=copy,
            title=m.title,
            file=m.file.name,
            file_name=m.file_name,
            url=m.url,
            position=m.position,
        )
        for m in practice.materials.all()
    )
    _timeline(copy, TimelineVerb.CORRECTION, user, _("начата версия %(v)s") % {"v": copy.version})
    return copy


# --- Criteria ---------------------------------------------------------------------------------


@transaction.atomic
def criterion_save(*, criterion: ReviewCriterion, user: User) -> ReviewCriterion:
    """An authority's own criterion; shipped ones are not changed."""
    from opora.practices.selectors import criterion_owner_choices

    if criterion.owner_id is None or criterion.owner_id not in {
        o.pk for o in criterion_owner_choices(user)
    }:
        raise ValidationError(
            {"owner": _("Свои критерии добавляет орган управления образованием, где вы работаете.")}
        )
    criterion.full_clean()
    criterion.save()
    return criterion


# --- Collections ------------------------------------------------------------------------------


@transaction.atomic
def collection_save(*, collection: Collection, user: User) -> Collection:
    from opora.practices.selectors import collection_owner_choices

    if collection.owner_id not in {o.pk for o in collection_owner_choices(user)}:
        raise ValidationError({"owner": _("Составителем может быть только ваша организация.")})
    if collection.pk is None:
        collection.created_by = user
    collection.full_clean()
    collection.save()
    return collection


@transaction.atomic
def collection_add(*, collection: Collection, practice: Practice, user: User) -> CollectionItem:
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(_("В сборник включают опубликованные практики."))
    if CollectionItem.objects.filter(collection=collection, practice=practice).exists():
        raise ValidationError(_("Практика «%(t)s» уже в сборнике.") % {"t": practice.title})
    last = CollectionItem.objects.filter(collection=collection).aggregate(m=Max("position"))["m"]
    return CollectionItem.objects.create(
        collection=collection, practice=practice, position=(last or 0) + 1
    )


@transaction.atomic
def collection_remove(*, collection: Collection, item_id: int, user: User) -> None:
    deleted, _rows = CollectionItem.objects.filter(collection=collection, pk=item_id).delete()
    if not deleted:
        raise ValidationError(_("Этой практики в сборнике нет."))


@transaction.atomic
def collection_move(*, collection: Collection, item_id: int, up: bool, user: User) -> None:
    """Move an item one place up or down (positions are renumbered 1..n)."""
    items = list(
        CollectionItem.objects.select_for_update()
        .filter(collection=collection)
        .order_by("position", "pk")
    )
    index = next((i for i, item in enumerate(items) if item.pk == item_id), None)
    if index is None:
        raise ValidationError(_("Этой практики в сборнике нет."))
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    CollectionItem.objects.bulk_update(items, ["position"])


def organization_label(organization: Organization) -> str:
    return organization.short_name or organization.name


# --- Evidence of effect, adoption, the constructor's proposals ---


def adoption_activity_text(practice: Practice) -> str:
    """The wording of the roadmap activity that carries an adopted practice."""
    return _("Внедрение практики «%(t)s»") % {"t": practice.title}


def _next_number(section: Section) -> str:
    count = Activity.objects.filter(section=section).count()
    return f"{section.number}.{count + 1}" if section.number else str(count + 1)


@transaction.atomic
def adoption_create(
    *,
    practice: Practice,
    school: Organization,
    user: User,
    adopted_on: datetime.date,
    note: str = "",
    section: Section | None = None,
    responsible: str = "",
    due_on: datetime.date | None = None,
) -> Adoption:
    """Record that `school` takes up a published practice; with `section`, also add the
    activity «Внедрение практики „…“» to that section of the school's roadmap (through the
    roadmaps' own service). All or nothing; refusals are Russian ValidationErrors."""
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(
            _("Внедрить можно только опубликованную практику; эта — «%(s)s».")
            % {"s": practice.get_status_display()}
        )
    if not adoption_schools(user).filter(pk=school.pk).exists():
        raise ValidationError(_("Записывать внедрение для этой школы вам недоступно."))
    if school.pk == practice.organization_id:
        raise ValidationError(
            _("Это практика вашей школы: школа авторов её не внедряет, а применяет.")
        )
    if Adoption.objects.filter(lineage_q(practice), school=school).exists():
        raise ValidationError(
            _("Школа «%(s)s» уже внедряет эту практику.") % {"s": school.short_name or school.name}
        )
    activity = None
    if section is not None:
        if section.roadmap.school_id != school.pk:
            raise ValidationError(_("Раздел из дорожной карты другой школы."))
        activity = activity_save(
            roadmap=section.roadmap,
            user=user,
            values={
                "section": section,
                "number": _next_number(section),
                "text": adoption_activity_text(practice),
                "responsible": responsible.strip(),
                "result": _("Практика применяется в школе"),
                "due_on": due_on,
            },
        )
    adoption = Adoption(
        practice=practice,
        school=school,
        adopted_on=adopted_on,
        note=note.strip(),
        activity=activity,
        adopted_by=user,
    )
    adoption.full_clean()
    adoption.save()
    return adoption
