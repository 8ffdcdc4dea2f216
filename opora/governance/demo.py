"""Demo governance: the coordinating council of seven (seed 000, appendix 2: the authority,
its methodical centre, two school directors and one member from outside) meeting quarterly,
and the municipal working group meeting twice a year (seed 002, item 1), each with its
composition approved by a registered order; four held meetings with minutes and decisions
in every state, one planned meeting, and the council's rhythm broken."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from opora.core import dates
from opora.core.choices import Role
from opora.core.demo import DemoContext, demo_step
from opora.governance import services
from opora.governance.choices import BodyKind, DecisionStatus, MemberRole
from opora.governance.models import Body, Composition, Decision, Meeting
from opora.registry.demo import demo_register
from opora.registry.models import Membership, Organization, Person
from opora.roadmaps.choices import RoadmapStatus
from opora.roadmaps.models import Activity


def _days(n: int) -> datetime.date:
    return dates.today() + datetime.timedelta(days=n)


def _member(role: str, organization: Any) -> Person:
    return (
        Membership.objects.filter(role=role, organization=organization, is_active=True)
        .select_related("person")
        .order_by("person__last_name", "pk")
        .first()
        .person  # type: ignore[union-attr]
    )


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo evidence\n", content_type="application/pdf")


def _meeting(
    coordinator: User,
    body: Body,
    *,
    day: datetime.date,
    number: str,
    agenda: list[tuple[str, str, str, str]],
    present: list[Person],
    chair: Person,
    secretary: Person,
    decisions: dict[int, list[tuple[str, Person | None, Organization | None, datetime.date]]],
) -> Meeting:
    """A meeting planned, held with `present`, and its minutes with `decisions` per item
    (index in `agenda`); each agenda row is (question, speaker, heard, decided)."""
    meeting = services.meeting_plan(
        user=coordinator,
        body=body,
        date=day,
        time=datetime.time(15, 0),
        place="Департамент образования, зал заседаний (каб. 301)",
        agenda=[services.ItemDraft(title, speaker) for title, speaker, _h, _d in agenda],
    )
    meeting = services.meeting_hold(
        user=coordinator,
        meeting=meeting,
        present=present,
        guests="Представитель регионального центра оценки качества образования",
    )
    items = list(meeting.items.order_by("number"))
    n = len(present)
    services.minutes_save(
        user=coordinator,
        meeting=meeting,
        number=number,
        chair=chair,
        secretary=secretary,
        items=[
            services.ItemMinutes(
                item=item,
                heard=f"{row[1]}: {row[2]}",
                spoke="Члены органа поддержали предложения докладчика.",
                decided=row[3],
                votes_for=n,
                votes_against=0,
                votes_abstained=0,
                decisions=[
                    services.DecisionDraft(text, person, organization, due)
                    for text, person, organization, due in decisions.get(index, [])
                ],
            )
            for index, (item, row) in enumerate(zip(items, agenda, strict=True))
        ],
    )
    return meeting


def _compose(
    user: User, body: Body, members: list[services.MemberDraft], number: str, day: datetime.date
) -> Composition:
    """A composition approved as in the browser: proposed, its drafted order signed and
    registered through the registry's services, then referred to."""
    composition = services.composition_propose(user=user, body=body, members=members)
    order = services.composition_order_draft(user=user, composition=composition)
    demo_register(order, number=number, date=day, user=user)
    return services.composition_approve(user=user, composition=composition, order=order)


@demo_step(order=74, name="Управление: координационный совет и рабочая группа, заседания, решения")
def governance_demo(context: DemoContext) -> None:
    coordinator = User.objects.get(username="coordinator")
    department: Organization = context.objects["department"]
    gcro, imc = context.objects["methodical_centres"][:2]
    programme = context.objects["programme"]
    home: Organization = context.objects["home_school"]
    director = User.objects.get(username="director").person
    analyst = User.objects.get(username="analyst").person
    council_person = User.objects.get(username="council").person
    coordinator_person = coordinator.person
    other_school = (
        Organization.objects.filter(
            memberships__role=Role.SCHOOL_DIRECTOR, territory__path__startswith=home.territory.path
        )
        .exclude(pk=home.pk)
        .order_by("short_name", "pk")
        .first()
    )
    other_director = _member(Role.SCHOOL_DIRECTOR, other_school or home)
    # A member from outside the authority: a person record without any membership.
    outside, _ = Person.objects.get_or_create(
        last_name="Лукьянова",
        first_name="Марина",
        middle_name="Фёдоровна",
        defaults={"email": ""},
    )
    deputy = _member(Role.ANALYST, gcro)
    methodist_imc = _member(Role.ANALYST, imc)
    curators = [
        m.person
        for m in Membership.objects.filter(role=Role.CURATOR, organization=gcro, is_active=True)
        .select_related("person")
        .order_by("person__last_name", "pk")[:2]
    ]

    # --- the coordinating council: quarterly, last met four months ago (rhythm broken) ---
    council = services.body_save(
        user=coordinator,
        owner=department,
        kind=BodyKind.COORDINATING_COUNCIL,
        name="Координационный совет по реализации программы поддержки школ",
        programme=programme,
        rhythm_months=3,
    )
    council_members = [
        (council_person, MemberRole.CHAIR, "заместитель директора департамента образования"),
        (deputy, MemberRole.DEPUTY, "директор городского центра развития образования"),
        (coordinator_person, MemberRole.SECRETARY, "главный специалист отдела общего образования"),
        (director, MemberRole.MEMBER, f"директор, {home.short_name}"),
        (other_director, MemberRole.MEMBER, f"директор, {(other_school or home).short_name}"),
        (methodist_imc, MemberRole.MEMBER, "методист информационно-методического центра"),
        (outside, MemberRole.MEMBER, "директор центра психолого-педагогической помощи"),
    ]
    _compose(
        coordinator,
        council,
        [services.MemberDraft(p, r, pos) for p, r, pos in council_members],
        "01-05/504",
        _days(-420),
    )
    people = [p for p, _r, _pos in council_members]
    first = _meeting(
        coordinator,
        council,
        day=_days(-300),
        number="1",
        agenda=[
            (
                "Об утверждении плана работы совета на учебный год",
                council_person.short_name,
                "о плане работы совета",
                "Утвердить план работы совета.",
            ),
            (
                "О результатах выявления школ с низкими результатами",
                deputy.short_name,
                "об итогах выявления",
                "Принять к сведению; направить школам адресные рекомендации.",
            ),
        ],
        present=people[:6],
        chair=council_person,
        secretary=coordinator_person,
        decisions={
            1: [
                ("Направить школам списка адресные рекомендации", deputy, gcro, _days(-260)),
                ("Провести выездной семинар для директоров", None, imc, _days(-200)),
            ]
        },
    )
    done, cancelled = first.decisions.order_by("pk")
    services.decision_done(
        user=coordinator,
        decision=done,
        done_on=_days(-270),
        report="Рекомендации направлены письмом департамента.",
        evidence=_evidence("письмо-рекомендации.pdf"),
    )
    services.decision_cancel(
        user=coordinator,
        decision=cancelled,
        reason="Семинар объединён с августовской конференцией.",
    )
    _meeting(
        coordinator,
        council,
        day=_days(-125),
        number="2",
        agenda=[
            (
                "О ходе исполнения дорожной карты программы",
                coordinator_person.short_name,
                "о ходе исполнения дорожной карты",
                "Признать работу удовлетворительной; устранить отставание по разделу 2.",
            ),
        ],
        present=people[:5],
        chair=council_person,
        secretary=coordinator_person,
        decisions={
            0: [
                (
                    "Представить отчёт об устранении отставания по разделу 2",
                    other_director,
                    None,
                    _days(-30),
                )
            ]
        },
    )

    # --- the municipal working group: twice a year, in rhythm ---
    group = services.body_save(
        user=coordinator,
        owner=department,
        kind=BodyKind.WORKING_GROUP,
        name="Муниципальная рабочая группа по поддержке школ",
        programme=programme,
        rhythm_months=6,
    )
    group_members = [
        (coordinator_person, MemberRole.CHAIR, "главный специалист отдела общего образования"),
        (analyst, MemberRole.SECRETARY, "методист городского центра развития образования"),
        *[(p, MemberRole.MEMBER, "куратор школ") for p in curators],
        (director, MemberRole.MEMBER, f"директор, {home.short_name}"),
    ]
    _compose(
        coordinator,
        group,
        [services.MemberDraft(p, r, pos) for p, r, pos in group_members],
        "01-05/512",
        _days(-400),
    )
    members = [p for p, _r, _pos in group_members]
    spring = _meeting(
        coordinator,
        group,
        day=_days(-160),
        number="1",
        agenda=[
            (
                "О подготовке школ к оценочным процедурам",
                analyst.short_name,
                "о подготовке к оценочным процедурам",
                "Принять к сведению.",
            ),
        ],
        present=members,
        chair=coordinator_person,
        secretary=analyst,
        decisions={
            0: [
                (
                    "Провести диагностику профессиональных дефицитов учителей математики",
                    analyst,
                    None,
                    _days(60),
                )
            ]
        },
    )
    autumn = _meeting(
        coordinator,
        group,
        day=_days(-20),
        number="2",
        agenda=[
            (
                "О результатах мониторинга программы за полугодие",
                analyst.short_name,
                "о результатах мониторинга",
                "Принять к сведению; скорректировать планы школ.",
            ),
            (
                "О корректировке антирисковых программ школ",
                director.short_name,
                "об опыте корректировки программы школы",
                "Рекомендовать опыт школы для распространения.",
            ),
        ],
        present=members[:-1],
        chair=coordinator_person,
        secretary=analyst,
        decisions={
            0: [("Скорректировать антирисковую программу школы", director, home, _days(7))],
            1: [("Подготовить методические рекомендации по опыту школы", None, gcro, _days(10))],
        },
    )
    services.meeting_plan(
        user=coordinator,
        body=group,
        date=_days(30),
        place="Городской центр развития образования",
        agenda=[
            services.ItemDraft("Об итогах учебного года", analyst.short_name),
            services.ItemDraft("О плане работы на следующий год", coordinator_person.short_name),
        ],
    )

    # The working group's meetings count for the programme roadmap's activity done «with the
    # municipal working group», when the roadmap has one.
    activity = (
        Activity.objects.filter(
            roadmap__programme=programme,
            roadmap__school__isnull=True,
            roadmap__status=RoadmapStatus.EXECUTION,
        )
        .filter(Q(text__icontains="рабочей групп") | Q(responsible__icontains="рабочая группа"))
        .select_related("roadmap__programme")
        .order_by("position", "pk")
        .first()
    )
    if activity is not None:
        services.activity_meetings_set(
            user=coordinator, activity=activity, meetings=[spring, autumn]
        )

    # The group's composition is corrected every year (seed 004, items 1.1–1.3): this year's
    # proposal waits for its drafted order to be signed and registered.
    if other_director not in members:
        proposal = services.composition_propose(
            user=coordinator,
            body=group,
            members=[
                *[services.MemberDraft(p, r, pos) for p, r, pos in group_members],
                services.MemberDraft(
                    other_director,
                    MemberRole.MEMBER,
                    f"директор, {(other_school or home).short_name}",
                ),
            ],
        )
        services.composition_order_draft(user=coordinator, composition=proposal)

    context.objects.update(governance_council=council, governance_group=group)
    decisions = Decision.objects.filter(meeting__body__in=[council, group])
    context.summary.append(
        f"органов управления: 2, заседаний: {Meeting.objects.count()}, решений: "
        f"{decisions.count()}, из них исполнено: "
        f"{decisions.filter(status=DecisionStatus.DONE).count()}"
    )
