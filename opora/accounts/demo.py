"""Demo step of user administration: two invitations still waiting for an answer and one
account switched off, all made by the demo coordinator (the demo accounts are untouched)."""

from __future__ import annotations

import datetime

from auditlog.context import set_actor
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.utils import timezone

from opora.accounts import services
from opora.accounts.models import Invitation
from opora.core.audit import timeline_event_record
from opora.core.choices import Role, TimelineVerb
from opora.core.demo import DemoContext, demo_step
from opora.registry.demo import DEMO_PASSWORD

# (last, first, middle, e-mail, where, role, position, days since the letter)
PENDING = [
    (
        "Белова",
        "Ирина",
        "Андреевна",
        "belova.ia@demo-gorod.ru",
        "home_school",
        Role.TEACHER,
        "учитель русского языка и литературы",
        2,
    ),
    (
        "Гончаров",
        "Максим",
        "Олегович",
        "goncharov.mo@demo-gorod.ru",
        "methodical_centre",
        Role.ANALYST,
        "методист",
        5,
    ),
]
FORMER = ("Журавлёва", "Светлана", "Петровна", "zhuravleva.sp@demo-gorod.ru")


@demo_step(order=90, name="Пользователи: приглашения без ответа и отключённая учётная запись")
def accounts_demo(context: DemoContext) -> None:
    coordinator = User.objects.get(username="coordinator")
    places = {
        "home_school": context.objects["home_school"],
        "methodical_centre": context.objects["methodical_centres"][0],
    }
    now = timezone.now()
    with set_actor(coordinator):
        for last, first, middle, email, where, role, position, days in PENDING:
            organization = places[where]
            outcome = services.person_invite(
                actor=coordinator,
                last_name=last,
                first_name=first,
                middle_name=middle,
                email=email,
                organization=organization,
                role=role,
                position=position,
                send=False,  # the demo sends no mail; the letter is recorded as sent
            )
            assert outcome.person.user is not None
            Invitation.objects.create(
                person=outcome.person,
                user=outcome.person.user,
                email=email,
                organization=organization,
                role=role,
                sent_by=coordinator,
                sent_at=now - datetime.timedelta(days=days),
            )
            timeline_event_record(
                target=outcome.person,
                verb=TimelineVerb.INVITED,
                actor=coordinator,
                message=f"на адрес {email}",
            )

        # A teacher who has left the school: role ended, account switched off.
        last, first, middle, email = FORMER
        outcome = services.person_invite(
            actor=coordinator,
            last_name=last,
            first_name=first,
            middle_name=middle,
            email=email,
            organization=places["home_school"],
            role=Role.TEACHER,
            position="учитель биологии",
            send=False,
        )
        user = outcome.person.user
        assert user is not None
        user.password = make_password(DEMO_PASSWORD)
        user.last_login = now - datetime.timedelta(days=40)
        user.save(update_fields=["password", "last_login"])
        services.membership_end(actor=coordinator, membership=outcome.membership)
        services.account_deactivate(actor=coordinator, person=outcome.person)
    context.objects["former_teacher"] = outcome.person
    context.summary.append(
        f"приглашений без ответа: {len(PENDING)}, отключённых учётных записей: 1 ({email})"
    )
