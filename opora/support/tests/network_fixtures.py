"""What the network tests share: curators, pairs, an approved identification list."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from opora.core import dates
from opora.core.choices import Role
from opora.identification.choices import RunStatus
from opora.identification.methodology import BASE_METHODOLOGY
from opora.identification.models import (
    IdentificationRun,
    Methodology,
    MethodologyVersion,
    SchoolIdentification,
)
from opora.registry.models import Membership, Organization
from opora.registry.tests.factories import PersonFactory, SchoolFactory
from opora.results.models import ContextIndicator, ContextValue
from opora.support.models import MentorPair

INDICATORS = ("low-income", "risk-families")


def curator(world: Any, last_name: str = "Кураторова", email: str = "") -> Any:
    """A curator of the world's methodical centre."""
    person = PersonFactory(last_name=last_name, first_name="Анна", middle_name="Сергеевна")
    if email:
        person.email = email
        person.save()
    Membership.objects.create(
        person=person, organization=world.methodical_centre, role=Role.CURATOR
    )
    return person


def days(n: int) -> datetime.date:
    return dates.today() + datetime.timedelta(days=n)


def pair(school: Organization, mentor: Organization, since_days: int = -30) -> MentorPair:
    return MentorPair.objects.create(
        school=school, mentor=mentor, since=days(since_days), areas=["subjects"]
    )


def approved_run(world: Any, rows: list[dict[str, Any]], *, territory: Any = None) -> Any:
    """An approved list over `territory` (the region by default) whose methodology uses the
    two INDICATORS with equal weights; each row: school, results, context (two values),
    and optionally in_list / resilient."""
    params = copy.deepcopy(BASE_METHODOLOGY)
    params["context_components"] = [{"indicator": code, "weight": 1.0} for code in INDICATORS]
    methodology = Methodology.objects.create(name="Методика для наставников", owner=world.ministry)
    version = MethodologyVersion.objects.create(methodology=methodology, number=1, params=params)
    run = IdentificationRun.objects.create(
        territory=territory or world.region,
        year=2024,
        version=version,
        status=RunStatus.APPROVED,
    )
    indicators = {i.code: i for i in ContextIndicator.objects.filter(code__in=INDICATORS)}
    for row in rows:
        SchoolIdentification.objects.create(
            run=run,
            school=row["school"],
            results_index=row["results"],
            in_list=row.get("in_list", False),
            low_results=row.get("in_list", False),
            resilient=row.get("resilient", False),
        )
        for code, value in zip(INDICATORS, row["context"], strict=True):
            ContextValue.objects.create(
                school=row["school"], year=2024, indicator=indicators[code], value=value
            )
    return run


def school(world: Any, name: str, territory: Any = None) -> Any:
    return SchoolFactory(short_name=name, name=name, territory=territory or world.north)
