"""The publication switches: the only writers of the public app.

Each takes the acting user (who the view fetched the programme or roadmap for with
`Action.CHANGE`, which is the access), writes in one transaction, lets auditlog record the
change (registered in `PublicConfig.ready`) and bumps the public version in the same
transaction, so that a page switched off is not served from the cache a moment later.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opora.core.audit import timeline_event_record
from opora.core.choices import TimelineVerb
from opora.public.models import ProgrammePublication, PublicVersion, RoadmapPublication
from opora.registry.models import Programme
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Roadmap

# A roadmap is public only as an adopted document: a draft under review is still the
# school's working text.
PUBLISHABLE_ROADMAP_STATUSES = (
    RoadmapStatus.APPROVED,
    RoadmapStatus.EXECUTION,
    RoadmapStatus.COMPLETED,
)


def public_version_bump() -> None:
    """Make every cached public page stale (one UPDATE; the row is made on first use)."""
    if not PublicVersion.objects.filter(pk=1).update(number=F("number") + 1):
        PublicVersion.objects.get_or_create(pk=1, defaults={"number": 1})


@transaction.atomic
def programme_publication_save(
    *,
    programme: Programme,
    user: User,
    is_public: bool,
    show_school_names: bool,
    intro: str,
) -> ProgrammePublication:
    """Switch a programme's public pages on or off, with or without the supported schools'
    names, and set the intro text."""
    publication, _created = ProgrammePublication.objects.get_or_create(programme=programme)
    was_public = publication.is_public
    if is_public and not programme.goal.strip() and not intro.strip():
        raise ValidationError(
            {
                "intro": _(
                    "У программы не заполнена цель: напишите вступительный текст, чтобы "
                    "посетителю было понятно, о чём программа."
                )
            }
        )
    publication.is_public = is_public
    publication.show_school_names = show_school_names
    publication.intro = intro.strip()
    publication.updated_by = user
    publication.full_clean()
    publication.save()
    if is_public != was_public:
        # On the programme's own history, where whoever sees the programme finds it.
        timeline_event_record(
            target=programme,
            verb=TimelineVerb.MADE_PUBLIC if is_public else TimelineVerb.MADE_PRIVATE,
            actor=user,
            message=_("Страницы программы для всех, без входа в систему.")
            if is_public
            else _("Страницы программы больше не открываются без входа в систему."),
        )
    public_version_bump()
    return publication


@transaction.atomic
def roadmap_publish(*, roadmap: Roadmap, user: User) -> RoadmapPublication:
    """Publish a school's roadmap on the public site (an adopted one only)."""
    if roadmap.school_id is None:
        raise ValidationError(
            _(
                "Дорожная карта программы публикуется вместе со страницами программы, "
                "отдельно её публиковать не нужно."
            )
        )
    if roadmap.status not in PUBLISHABLE_ROADMAP_STATUSES:
        raise ValidationError(
            _(
                "Опубликовать можно утверждённую программу школы; эта сейчас в состоянии "
                "«%(status)s»."
            )
            % {"status": roadmap.get_status_display()}
        )
    publication, created = RoadmapPublication.objects.get_or_create(
        roadmap=roadmap, defaults={"published_by": user}
    )
    if created:
        # On the roadmap's history: the publication row itself goes when it is taken off.
        timeline_event_record(target=roadmap, verb=TimelineVerb.MADE_PUBLIC, actor=user)
    public_version_bump()
    return publication


@transaction.atomic
def roadmap_unpublish(*, roadmap: Roadmap, user: User) -> None:
    """Take a school's roadmap off the public site (nothing happens if it was not there)."""
    deleted, _rows = RoadmapPublication.objects.filter(roadmap=roadmap).delete()
    if deleted:
        timeline_event_record(target=roadmap, verb=TimelineVerb.MADE_PRIVATE, actor=user)
    public_version_bump()
