"""Writes of the practice bank: every change goes through these functions."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice
from opora.practices.selectors import adoption_schools, lineage_q
from opora.registry.models import Organization
from opora.roadmaps.models import Activity, Section
from opora.roadmaps.services import activity_save

# --- bank ---

# --- effect ---


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
