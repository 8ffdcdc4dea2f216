"""Writes of roadmaps: create one from a template, a recognised file or the constructor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.registry.models import Organization, Programme
from opora.roadmaps.choices import RoadmapKind
from opora.roadmaps.drafts import DraftRoadmap
from opora.roadmaps.models import Activity, Roadmap, RoadmapUpload, Section
from opora.roadmaps.readers import read_document
from opora.roadmaps.recognize import recognize
from opora.roadmaps.schedule import parse_schedule


def draft_check(draft: DraftRoadmap) -> None:
    """Refuse a draft that cannot become a roadmap, with every reason at once."""
    problems = [str(p) for p in draft.errors]
    if not draft.title.strip():
        problems.append(_("Не указано название дорожной карты."))
    if not draft.activities:
        problems.append(_("В дорожной карте нет ни одного мероприятия."))
    for section in draft.sections:
        for activity in section.activities:
            if not activity.text.strip():
                where = activity.source or _("раздел %(s)s") % {"s": section.number or "—"}
                problems.append(
                    _("%(where)s: у мероприятия № %(n)s нет текста")
                    % {"where": where, "n": activity.number or "—"}
                )
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


def activity_from_draft(roadmap: Roadmap, section: Section, position: int, item: Any) -> Activity:
    schedule = parse_schedule(item.schedule)
    return Activity(
        roadmap=roadmap,
        section=section,
        position=position,
        number=item.number[:20],
        text=item.text.strip(),
        schedule_text=item.schedule[:1000],
        schedule_kind=schedule.kind,
        schedule_periods=[list(p) for p in schedule.periods],
        schedule_years=list(schedule.years),
        schedule_date=schedule.on,
        responsible=item.responsible,
        result=item.result,
        year_results=dict(item.year_results),
        document=item.document,
        levels=list(item.levels),
        indicators=list(item.indicators),
        measure=item.measure[:100],
    )


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
        draft=draft.to_dict() | {"sources": [a.source for a in draft.activities]},
        created_by=user,
    )


def upload_draft(upload: RoadmapUpload) -> DraftRoadmap:
    """The recognised draft, with each activity's place in the file for messages."""
    draft = DraftRoadmap.from_dict(upload.draft)
    for activity, source in zip(draft.activities, upload.draft.get("sources", []), strict=False):
        activity.source = source
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
