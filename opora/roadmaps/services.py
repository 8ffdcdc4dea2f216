"""Writes of roadmaps: create one from a template, a recognised file or the constructor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.access import Action, UserLike
from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.core.notifications import notify
from opora.registry.choices import OrderKind, OrderStatus
from opora.registry.models import Order, Organization, Programme
from opora.registry.recipients import school_directors
from opora.registry.services import order_check_approves, order_for_approval
from opora.roadmaps.choices import RoadmapKind, RoadmapStatus
from opora.roadmaps.drafts import DraftRoadmap, activity_errors, section_errors
from opora.roadmaps.execution import deadlines_generate
from opora.roadmaps.models import (
    Activity,
    ReviewComment,
    Roadmap,
    RoadmapUpload,
    RoadmapVersion,
    Section,
)
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.schedule import parse_schedule
from opora.roadmaps.selectors import roadmap_draft, roadmap_may


def draft_check(draft: DraftRoadmap) -> None:
    """Refuse a draft that cannot become a roadmap, with every reason at once."""
    problems = [str(p) for p in draft.errors]
    if not draft.title.strip():
        problems.append(_("Не указано название дорожной карты."))
    if not draft.activities:
        problems.append(_("В дорожной карте нет ни одного мероприятия."))
    for section in draft.sections:
        here = _("раздел %(s)s") % {"s": section.number or "—"}
        for message in section_errors(section.number, section.title):
            problems.append(f"{section.source or here}: {message}")
        for activity in section.activities:
            for message in activity_errors(activity.number, activity.text):
                problems.append(f"{activity.source or here}: {message}")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def roadmap_create(
    *,
    programme: Programme,
    school: Organization | None,
    kind: RoadmapKind,
    draft: DraftRoadmap,
    user: User | None,
    source: str,
    verb: TimelineVerb = TimelineVerb.CREATED,
) -> Roadmap:
    """Save a draft as a new roadmap (all or nothing); the caller has checked access."""
    draft_check(draft)
    roadmap = Roadmap(
        programme=programme,
        school=school,
        kind=kind,
        title=draft.title.strip()[:1000],
        result_years=list(draft.result_years),
        source=source[:500],
        created_by=user,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
    )
    roadmap.full_clean()
    roadmap.save()
    sections_write(roadmap, draft)
    timeline_event_record(
        target=roadmap,
        verb=verb,
        actor=user,
        message=_("%(source)s: разделов %(s)s, мероприятий %(a)s")
        % {"source": source, "s": len(draft.sections), "a": len(draft.activities)},
    )
    return roadmap


def sections_write(roadmap: Roadmap, draft: DraftRoadmap) -> None:
    """Write the draft's sections and activities under the roadmap in two bulk inserts each."""
    sections = Section.objects.bulk_create(
        [
            Section(roadmap=roadmap, position=index, number=s.number[:20], title=s.title)
            for index, s in enumerate(draft.sections, start=1)
        ]
    )
    by_number = {s.number: s for s in sections if s.number}
    parents = []
    for section, source in zip(sections, draft.sections, strict=True):
        if source.parent and source.parent in by_number:
            section.parent = by_number[source.parent]
            parents.append(section)
    Section.objects.bulk_update(parents, ["parent"])
    activities = []
    position = 0
    for section, source in zip(sections, draft.sections, strict=True):
        for item in source.activities:
            position += 1
            activities.append(activity_from_draft(roadmap, section, position, item))
    Activity.objects.bulk_create(activities)


def schedule_apply(activity: Activity) -> None:
    """Keep the understood schedule in step with its wording (see `schedule.py`)."""
    schedule = parse_schedule(activity.schedule_text)
    activity.schedule_kind = schedule.kind
    activity.schedule_periods = [list(p) for p in schedule.periods]
    activity.schedule_years = list(schedule.years)
    activity.schedule_date = schedule.on


def activity_from_draft(roadmap: Roadmap, section: Section, position: int, item: Any) -> Activity:
    activity = Activity(
        roadmap=roadmap,
        section=section,
        position=position,
        number=item.number[:20],
        text=item.text.strip(),
        schedule_text=item.schedule[:1000],
        responsible=item.responsible,
        result=item.result,
        year_results=dict(item.year_results),
        document=item.document,
        levels=list(item.levels),
        indicators=list(item.indicators),
        measure=item.measure[:100],
    )
    schedule_apply(activity)
    return activity


def roadmap_upload_create(
    *,
    programme: Programme,
    school: Organization | None,
    kind: RoadmapKind,
    data: bytes,
    file_name: str,
    user: User,
) -> RoadmapUpload:
    """Recognise a Word or Excel roadmap and keep it for the preview; nothing is a roadmap
    yet. A file that cannot be read raises ReadError with the reason."""
    draft = recognize(read_document(data, file_name))
    return RoadmapUpload.objects.create(
        programme=programme,
        school=school,
        kind=kind,
        file_name=file_name[:255],
        draft=draft.to_dict()
        | {
            "sources": [a.source for a in draft.activities],
            "section_sources": [s.source for s in draft.sections],
        },
        created_by=user,
    )


def upload_draft(upload: RoadmapUpload) -> DraftRoadmap:
    """The recognised draft, with each section's and activity's place in the file."""
    draft = DraftRoadmap.from_dict(upload.draft)
    for activity, source in zip(draft.activities, upload.draft.get("sources", []), strict=False):
        activity.source = source
    sections = upload.draft.get("section_sources", [])
    for section, source in zip(draft.sections, sections, strict=False):
        section.source = source
    return draft


@transaction.atomic
def roadmap_upload_save(*, upload: RoadmapUpload, draft: DraftRoadmap, user: User) -> Roadmap:
    """Save the checked preview as a roadmap; refused (nothing saved) while it has errors."""
    if upload.roadmap_id is not None:
        raise ValidationError(_("Эта загрузка уже сохранена как дорожная карта."))
    roadmap = roadmap_create(
        programme=upload.programme,
        school=upload.school,
        kind=RoadmapKind(upload.kind),
        draft=draft,
        user=user,
        source=_("файл «%(name)s»") % {"name": upload.file_name},
        verb=TimelineVerb.IMPORTED,
    )
    upload.roadmap = roadmap
    upload.draft = draft.to_dict()
    upload.save(update_fields=["roadmap", "draft"])
    return roadmap


@dataclass(frozen=True)
class Transition:
    """One step of a roadmap's way (section 6 of the roadmaps issue) and who may take it."""

    label: Any
    sources: frozenset[RoadmapStatus]
    target: RoadmapStatus
    action: Action
    verb: TimelineVerb
    needs_comment: bool = False
    needs_order: bool = False


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        gettext_lazy("Представить на рассмотрение"),
        frozenset({RoadmapStatus.DRAFT, RoadmapStatus.RETURNED}),
        RoadmapStatus.SUBMITTED,
        Action.CHANGE,
        TimelineVerb.SUBMITTED,
    ),
    "review": Transition(
        gettext_lazy("Взять на рассмотрение"),
        frozenset({RoadmapStatus.SUBMITTED}),
        RoadmapStatus.REVIEW,
        Action.REVIEW,
        TimelineVerb.REVIEWING,
    ),
    "return": Transition(
        gettext_lazy("Вернуть на доработку"),
        frozenset({RoadmapStatus.SUBMITTED, RoadmapStatus.REVIEW, RoadmapStatus.RECOMMENDED}),
        RoadmapStatus.RETURNED,
        Action.REVIEW,
        TimelineVerb.RETURNED,
        needs_comment=True,
    ),
    "recommend": Transition(
        gettext_lazy("Рекомендовать к утверждению"),
        frozenset({RoadmapStatus.SUBMITTED, RoadmapStatus.REVIEW}),
        RoadmapStatus.RECOMMENDED,
        Action.REVIEW,
        TimelineVerb.RECOMMENDED,
    ),
    "approve": Transition(
        gettext_lazy("Утвердить приказом"),
        frozenset({RoadmapStatus.RECOMMENDED}),
        RoadmapStatus.APPROVED,
        Action.APPROVE,
        TimelineVerb.APPROVED,
        needs_order=True,
    ),
    "start": Transition(
        gettext_lazy("Начать исполнение"),
        frozenset({RoadmapStatus.APPROVED}),
        RoadmapStatus.EXECUTION,
        Action.CHANGE,
        TimelineVerb.STARTED,
    ),
    "complete": Transition(
        gettext_lazy("Завершить"),
        frozenset({RoadmapStatus.EXECUTION}),
        RoadmapStatus.COMPLETED,
        Action.APPROVE,
        TimelineVerb.COMPLETED,
    ),
    "correct": Transition(
        gettext_lazy("Начать корректировку (новая версия)"),
        frozenset({RoadmapStatus.APPROVED, RoadmapStatus.EXECUTION}),
        RoadmapStatus.DRAFT,
        Action.CHANGE,
        TimelineVerb.CORRECTION,
        needs_comment=True,
    ),
}

EDITABLE = frozenset({RoadmapStatus.DRAFT, RoadmapStatus.RETURNED})


def transitions_for(roadmap: Roadmap, actions: frozenset[Action]) -> list[tuple[str, Transition]]:
    """The steps open now to a user who may take `actions` (see `selectors.roadmap_actions`)."""
    return [
        (name, t)
        for name, t in TRANSITIONS.items()
        if roadmap.status in t.sources and t.action in actions
    ]


@transaction.atomic
def roadmap_transition(
    *,
    roadmap: Roadmap,
    name: str,
    user: User,
    comment: str = "",
    order: Order | None = None,
) -> Roadmap:
    """Take one step of the roadmap's way; refused with a reason when the step does not fit."""
    transition = TRANSITIONS.get(name)
    if transition is None or not roadmap_may(user, roadmap, transition.action):
        raise ValidationError(_("Это действие вам недоступно."))
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    if roadmap.status not in transition.sources:
        raise ValidationError(
            _("Дорожная карта в состоянии «%(s)s»: «%(a)s» сейчас невозможно.")
            % {"s": roadmap.get_status_display(), "a": transition.label}
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": _("Напишите, что нужно исправить и почему.")})
    message = comment
    fields = ["status", "updated_at"]
    if transition.needs_order:
        order = order_check_approves(order, issuer=roadmap.programme.owner, kind=OrderKind.ROADMAP)
        roadmap.order = order
        fields.append("order")
        message = _("Приказ %(ref)s") % {"ref": order.reference}
    if name == "correct":
        roadmap.version += 1
        fields.append("version")
    roadmap.status = transition.target
    roadmap.save(update_fields=fields)
    if name == "approve":
        RoadmapVersion.objects.create(
            roadmap=roadmap,
            number=roadmap.version,
            status=RoadmapStatus.APPROVED,
            snapshot=roadmap_draft(roadmap).to_dict(),
            order=roadmap.order,
            created_by=user,
        )
    if transition.target in (RoadmapStatus.APPROVED, RoadmapStatus.EXECUTION):
        deadlines_generate(roadmap=roadmap)
    if name in ("return", "correct"):
        ReviewComment.objects.create(
            roadmap=roadmap, version=roadmap.version, author=user, text=comment
        )
    timeline_event_record(target=roadmap, verb=transition.verb, actor=user, message=message)
    roadmap_notify(roadmap=roadmap, name=name, comment=comment)
    return roadmap


ROADMAP_NOTICES = {
    "return": gettext_lazy("Дорожная карта «%(title)s» возвращена на доработку: %(comment)s"),
    "approve": gettext_lazy("Дорожная карта «%(title)s» утверждена"),
}


def roadmap_notify(*, roadmap: Roadmap, name: str, comment: str) -> None:
    """Tell the school's director that their roadmap was returned or approved."""
    text = ROADMAP_NOTICES.get(name)
    if text is None or not roadmap.school_id:
        return
    notify(
        recipients=school_directors(roadmap.school_id),
        text=str(text) % {"title": roadmap.title[:200], "comment": comment[:200]},
        url=roadmap.get_absolute_url(),
    )


@transaction.atomic
def roadmap_order_draft(*, roadmap: Roadmap, user: User) -> Order:
    """A draft order approving the roadmap's current version, linked to it while it is
    signed and registered («подготовить проект приказа»); the same draft again if linked."""
    if not roadmap_may(user, roadmap, Action.APPROVE):
        raise ValidationError(_("Это действие вам недоступно."))
    if roadmap.status != RoadmapStatus.RECOMMENDED:
        raise ValidationError(
            _("Проект приказа готовится для дорожной карты, рекомендованной к утверждению.")
        )
    linked = roadmap.order
    if linked is not None and linked.status == OrderStatus.DRAFT:
        return linked
    order = order_for_approval(
        issuer=roadmap.programme.owner,
        kind=OrderKind.ROADMAP,
        title=_("Об утверждении дорожной карты «%(t)s»") % {"t": roadmap.title[:500]},
        user=user,
    )
    roadmap.order = order
    roadmap.save(update_fields=["order"])
    return order


def review_comment_add(
    *, roadmap: Roadmap, user: User, text: str, activity: Activity | None = None
) -> ReviewComment:
    """A remark on the roadmap or one activity: reviewers and authors, while it is reviewed."""
    if not (roadmap_may(user, roadmap, Action.REVIEW) or roadmap_may(user, roadmap, Action.CHANGE)):
        raise ValidationError(_("Это действие вам недоступно."))
    if not text.strip():
        raise ValidationError({"text": _("Замечание пустое.")})
    if activity is not None and activity.roadmap_id != roadmap.pk:
        raise ValidationError(_("Мероприятие из другой дорожной карты."))
    return ReviewComment.objects.create(
        roadmap=roadmap, activity=activity, version=roadmap.version, author=user, text=text.strip()
    )


def _editable(roadmap: Roadmap, user: UserLike) -> None:
    if roadmap.status not in EDITABLE:
        raise ValidationError(
            _(
                "Дорожная карта в состоянии «%(s)s» не редактируется: начните корректировку, "
                "чтобы изменить её новой версией."
            )
            % {"s": roadmap.get_status_display()}
        )
    if not roadmap_may(user, roadmap, Action.CHANGE):
        raise ValidationError(_("Это действие вам недоступно."))


@transaction.atomic
def activity_save(
    *, roadmap: Roadmap, user: User, values: dict[str, Any], activity: Activity | None = None
) -> Activity:
    """Add or change an activity of a draft roadmap; the schedule is parsed again."""
    _editable(roadmap, user)
    section = values["section"]
    if section.roadmap_id != roadmap.pk:
        raise ValidationError(_("Раздел из другой дорожной карты."))
    if activity is None:
        last = Activity.objects.filter(roadmap=roadmap).order_by("-position").first()
        activity = Activity(roadmap=roadmap, position=(last.position + 1) if last else 1)
    activity.section = section
    for name in ("number", "text", "schedule_text", "responsible", "result", "document"):
        setattr(activity, name, values.get(name) or "")
    activity.due_on = values.get("due_on")
    schedule_apply(activity)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, user: User) -> None:
    _editable(activity.roadmap, user)
    activity.delete()
