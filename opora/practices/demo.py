"""The demo's practice bank.

# --- bank ---

# --- effect ---
Some of the published practices (bank's step 80) adopted by other schools of the city, two of
them as activities of those schools' draft roadmaps; each practice's start date placed inside
its authors' results years, so that the evidence of effect has years before and after.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db.models import Q

from opora.core.demo import DemoContext, demo_step
from opora.practices.choices import PracticeStatus
from opora.practices.models import Adoption, Practice
from opora.practices.services import adoption_create
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.results.models import SchoolResult
from opora.roadmaps.models import Section
from opora.roadmaps.services import EDITABLE

# --- bank ---

# --- effect ---

# How many practices are adopted, by how many schools each, how many go into roadmaps.
ADOPTED_PRACTICES = 3
SCHOOLS_PER_PRACTICE = (4, 2, 1)
INTO_ROADMAPS = 2


def _start_between_years(practice: Practice) -> None:
    """Begin the practice in the middle of its school's results years (demo data only)."""
    years = sorted(
        set(
            SchoolResult.objects.filter(school=practice.organization).values_list("year", flat=True)
        )
    )
    if len(years) < 2:
        return
    # Results of the middle year are the last «before»; the year after is the first «after».
    start = datetime.date(years[(len(years) - 1) // 2], 9, 1)
    if practice.started_on != start:
        Practice.objects.filter(pk=practice.pk).update(started_on=start)
        practice.started_on = start


@demo_step(order=82, name="Банк практик: внедрение практик другими школами")
def practices_adoption_demo(context: DemoContext) -> None:
    published = list(
        Practice.objects.filter(
            status=PracticeStatus.PUBLISHED, organization__kind=OrganizationKind.SCHOOL
        )
        .select_related("organization__territory")
        .order_by("pk")[:ADOPTED_PRACTICES]
    )
    if not published:
        context.log("Опубликованных практик школ нет: внедрять нечего.")
        return
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    # Schools with a roadmap that still takes activities come first: two adoptions go there.
    with_roadmap = {
        s.roadmap.school_id: s
        for s in Section.objects.filter(
            roadmap__status__in=sorted(EDITABLE), roadmap__school__isnull=False
        )
        .select_related("roadmap")
        .order_by("-roadmap_id", "-position")
    }
    into_roadmaps = 0
    made = 0
    for practice, count in zip(published, SCHOOLS_PER_PRACTICE, strict=False):
        _start_between_years(practice)
        schools = list(
            Organization.objects.filter(
                kind=OrganizationKind.SCHOOL,
                is_active=True,
                # The authors' municipality (the second level of the territory tree).
                territory__path__startswith=practice.organization.territory.path[
                    : Territory.steplen * 2
                ],
            )
            .exclude(Q(pk=practice.organization_id) | Q(adoptions__practice=practice))
            .order_by("code", "pk")
        )
        schools.sort(key=lambda s: (s.pk not in with_roadmap, s.code or "", s.pk))
        for school in schools[:count]:
            section = None
            if into_roadmaps < INTO_ROADMAPS and school.pk in with_roadmap:
                section = with_roadmap.pop(school.pk)
                into_roadmaps += 1
            adoption_create(
                practice=practice,
                school=school,
                user=admin,
                adopted_on=(practice.started_on or datetime.date(2024, 9, 1))
                + datetime.timedelta(days=365),
                note="Применяется в 5–7 классах, по опыту школы авторов.",
                section=section,
                responsible="Заместитель директора по учебной работе" if section else "",
            )
            made += 1
    context.summary.append(
        f"Внедрений практик: {made} (в дорожных картах: {into_roadmaps}); "
        f"всего в базе {Adoption.objects.count()}"
    )
