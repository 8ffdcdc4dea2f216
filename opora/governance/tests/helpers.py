"""A body of the world's department with a composition of seven, for governance tests."""

from __future__ import annotations

import datetime
from typing import Any

from opora.core import dates
from opora.governance import services
from opora.governance.choices import BodyKind, MemberRole
from opora.governance.models import Body, Composition, Meeting
from opora.registry.demo import demo_register
from opora.registry.tests.factories import PersonFactory


def compose(
    user: Any,
    body: Body,
    members: list[services.MemberDraft],
    number: str,
    day: datetime.date,
    since: datetime.date | None = None,
) -> Composition:
    """A composition the one way: proposed, its draft order prepared, signed and registered
    (number, date, file), then approved by it."""
    composition = services.composition_propose(user=user, body=body, members=members, since=since)
    order = services.composition_order_draft(user=user, composition=composition)
    demo_register(order, number=number, date=day, user=user)
    return services.composition_approve(user=user, composition=composition, order=order)


def council(world: Any, *, members: int = 7) -> tuple[Body, list[Any]]:
    coordinator = world.user("coordinator")
    body = services.body_save(
        user=coordinator,
        owner=world.department,
        kind=BodyKind.COORDINATING_COUNCIL,
        name="Координационный совет",
        rhythm_months=6,
    )
    people = [PersonFactory(last_name=f"Членов{i}") for i in range(members)]
    roles = [MemberRole.CHAIR, MemberRole.SECRETARY] + [MemberRole.MEMBER] * (members - 2)
    drafts = [services.MemberDraft(p, r) for p, r in zip(people, roles, strict=True)]
    compose(coordinator, body, drafts, "12-о", dates.today() - datetime.timedelta(days=60))
    return body, people


def held_meeting(world: Any, body: Body, people: list[Any]) -> Meeting:
    coordinator = world.user("coordinator")
    meeting = services.meeting_plan(
        user=coordinator,
        body=body,
        date=dates.today() - datetime.timedelta(days=1),
        place="Зал заседаний",
        agenda=[services.ItemDraft("О ходе программы", "Петрова И. О.")],
    )
    return services.meeting_hold(user=coordinator, meeting=meeting, present=people[:5])
