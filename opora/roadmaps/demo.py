"""Demo roadmaps: the programme's own roadmap from a seed template, approved and running;
a programme from the constructor for each school of the approved 2024 list, most of them
running with a realistic spread of on-time, late and overdue activities and some evidence
files, a few still on their way through review."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from opora.core import dates
from opora.core.choices import Role
from opora.core.demo import DemoContext, demo_step
from opora.identification.choices import RunStatus
from opora.identification.models import SchoolIdentification
from opora.registry.demo import demo_register
from opora.registry.models import Membership, Organization, Programme, ProgrammeSchool
from opora.roadmaps.choices import (
    ActivityStatus,
    EvidenceKind,
    ReportOutcome,
    RoadmapKind,
    RoadmapStatus,
)
from opora.roadmaps.constructor import draft_from_measures, propose, selection_from_identification
from opora.roadmaps.models import Activity, Deadline, Evidence, ExecutionReport, Roadmap
from opora.roadmaps.progress import progress_recount
from opora.roadmaps.seeds import seed_template_draft
from opora.roadmaps.services import (
    review_comment_add,
    roadmap_create,
    roadmap_order_draft,
    roadmap_transition,
)

REPORT_TEXTS = (
    "Мероприятие проведено, материалы размещены на сайте школы.",
    "Проведено в полном объёме, участвовали все педагоги.",
    "Выполнено; результаты обсуждены на педагогическом совете.",
    "Проведено совместно со школой-наставником, протокол прилагается.",
)
EVIDENCE = (
    (EvidenceKind.ORDER, "приказ.pdf", b"%PDF-1.4\n% demo order\n"),
    (EvidenceKind.MINUTES, "протокол педсовета.pdf", b"%PDF-1.4\n% demo minutes\n"),
    (EvidenceKind.PHOTO, "фотоотчёт.jpg", b"\xff\xd8\xff\xe0demo photo"),
)


def _walk(roadmap: Roadmap, user: User, steps: list[tuple[str, dict[str, Any]]]) -> None:
    for name, extra in steps:
        if "order_number" in extra:
            # Approved as in the browser: the drafted order, signed, registered, referred to.
            extra = dict(extra)
            number, day = extra.pop("order_number"), extra.pop("order_date")
            roadmap.refresh_from_db()
            order = roadmap_order_draft(roadmap=roadmap, user=user)
            extra["order"] = demo_register(order, number=number, date=day, user=user)
        roadmap_transition(roadmap=roadmap, name=name, user=user, **extra)


def _execute(
    rng: random.Random, roadmap: Roadmap, executors: list[Any], today: datetime.date
) -> None:
    """Due dates that have come: most done on time, some late, the rest overdue."""
    activities = list(Activity.objects.filter(roadmap=roadmap))
    for activity in activities:
        activity.executor = rng.choice(executors) if executors else None
    Activity.objects.bulk_update(activities, ["executor"])
    deadlines = list(Deadline.objects.filter(roadmap=roadmap, due_on__lt=today))
    reports = []
    closed = []
    for deadline in deadlines:
        roll = rng.random()
        # Old due dates are mostly settled; the last year's still have debts.
        settled = (today - deadline.due_on).days > 365
        on_time, late = (0.75, 0.97) if settled else (0.62, 0.82)
        if roll < on_time:
            done = deadline.due_on - datetime.timedelta(days=rng.randint(0, 12))
            deadline.closed_late = False
        elif roll < late:
            done = min(deadline.due_on + datetime.timedelta(days=rng.randint(3, 40)), today)
            deadline.closed_late = True
        else:
            continue
        deadline.closed_on = done
        closed.append(deadline)
        reports.append(
            ExecutionReport(
                activity_id=deadline.activity_id,
                deadline=deadline,
                outcome=ReportOutcome.DONE,
                done_on=done,
                text=rng.choice(REPORT_TEXTS),
            )
        )
    Deadline.objects.bulk_update(closed, ["closed_on", "closed_late"])
    saved = ExecutionReport.objects.bulk_create(reports)
    # The demo closes due dates and reports in bulk, around report_submit: recount as the
    # service would.
    progress_recount(roadmap_ids=[roadmap.pk], today=today)
    for report in rng.sample(saved, min(len(saved), 4)):
        kind, name, data = rng.choice(EVIDENCE)
        Evidence.objects.create(
            report=report,
            kind=kind,
            file=ContentFile(data, name=name),
            original_name=name,
            size=len(data),
            content_type="application/pdf" if name.endswith(".pdf") else "image/jpeg",
        )
    # Each activity's status from its due dates, as reports would have set it.
    state: dict[int, list[Deadline]] = {}
    for deadline in Deadline.objects.filter(roadmap=roadmap):
        state.setdefault(deadline.activity_id, []).append(deadline)
    for activity in activities:
        dues = state.get(activity.pk, [])
        if any(d.closed_on is None and d.due_on < today for d in dues):
            activity.status = (
                ActivityStatus.NOT_DONE if rng.random() < 0.2 else ActivityStatus.PLANNED
            )
        elif dues and all(d.closed_on for d in dues):
            late = any(d.closed_late for d in dues)
            activity.status = ActivityStatus.DONE_LATE if late else ActivityStatus.DONE
        elif any(d.closed_on for d in dues):
            activity.status = ActivityStatus.IN_PROGRESS
    Activity.objects.bulk_update(activities, ["status"])


def _school_roadmap(
    programme: Programme, school: Organization, outcome: SchoolIdentification | None, user: User
) -> Roadmap:
    """A school's anti-risk programme from the constructor, by its identified risks."""
    selection = selection_from_identification(outcome)
    if not selection.risk_factors:
        selection.risk_factors = ["academic-failure", "parent-involvement"]
    measures = propose(selection)
    return roadmap_create(
        programme=programme,
        school=school,
        kind=RoadmapKind.ANTI_RISK,
        draft=draft_from_measures(f"Антирисковая программа: {school.short_name}", measures),
        user=user,
        source=f"конструктор программ: мер {len(measures)}",
    )


def _running(roadmap: Roadmap, user: User, order_number: str, order_date: datetime.date) -> None:
    """Submitted, recommended, approved by the order, started."""
    _walk(
        roadmap,
        user,
        [
            ("submit", {}),
            ("recommend", {}),
            ("approve", {"order_number": order_number, "order_date": order_date}),
            ("start", {}),
        ],
    )


@demo_step(order=50, name="Программы: дорожная карта программы и программы школ с исполнением")
def roadmaps_demo(context: DemoContext) -> None:
    programme: Programme = context.objects["programme"]
    coordinator = User.objects.get(username="coordinator")
    analyst = User.objects.get(username="analyst")
    curator = User.objects.get(username="curator")
    today = dates.today()
    methodists = [
        m.person
        for m in Membership.objects.filter(
            organization__in=context.objects["methodical_centres"], role=Role.ANALYST
        ).select_related("person")
    ]

    draft = seed_template_draft("krasnoturansk-2022")
    draft.title = f"Дорожная карта: {programme.name}"
    own = roadmap_create(
        programme=programme,
        school=None,
        kind=RoadmapKind.MUNICIPAL,
        draft=draft,
        user=coordinator,
        source="шаблон «Краснотуранский район, 2022–2025»",
    )
    _running(own, coordinator, "01-05/215", datetime.date(2024, 2, 12))
    _execute(context.random, own, methodists, today)

    # The schools of the approved 2024 list join the programme and get their programmes.
    outcomes = list(
        SchoolIdentification.objects.filter(
            run__status=RunStatus.APPROVED, in_list=True
        ).select_related("run", "school")
    )
    ProgrammeSchool.objects.bulk_create(
        [
            ProgrammeSchool(
                programme=programme, school=o.school, joined_on=datetime.date(2024, 9, 2)
            )
            for o in outcomes
            if not ProgrammeSchool.objects.filter(programme=programme, school=o.school).exists()
        ]
    )
    home: Organization = context.objects["home_school"]
    directors = {
        m.organization_id: m
        for m in Membership.objects.filter(role=Role.SCHOOL_DIRECTOR).select_related("person")
    }
    director_user = User.objects.get(username="director")
    by_school = {o.school_id: o for o in outcomes}
    schools = [home] + [o.school for o in outcomes if o.school_id != home.pk]
    counts = {"execution": 0, "review": 0}
    for index, school in enumerate(schools):
        roadmap = _school_roadmap(
            programme,
            school,
            by_school.get(school.pk),
            director_user if school == home else coordinator,
        )
        executor = directors.get(school.pk)
        if index in (1, 2):
            # On their way: one under review with remarks, one returned for revision.
            _walk(roadmap, coordinator, [("submit", {}), ("review", {})])
            first = Activity.objects.filter(roadmap=roadmap).order_by("position").first()
            review_comment_add(
                roadmap=roadmap,
                user=analyst,
                activity=first,
                text="Уточните состав рабочей группы и срок издания приказа.",
            )
            if index == 2:
                _walk(roadmap, coordinator, [("return", {"comment": "Нет показателей по ВПР."})])
            counts["review"] += 1
            continue
        _running(roadmap, coordinator, f"01-05/{300 + index}", datetime.date(2024, 10, 1))
        _execute(context.random, roadmap, [executor.person] if executor else [], today)
        counts["execution"] += 1
    # The curator has remarks on the home school's running programme too.
    home_roadmap = Roadmap.objects.filter(school=home).first()
    if home_roadmap is not None and home_roadmap.status == RoadmapStatus.EXECUTION:
        review_comment_add(
            roadmap=home_roadmap,
            user=curator,
            text="По итогам посещения: отчёты по разделу 3 приложите с протоколами ШМО.",
        )
    open_overdue = Deadline.objects.filter(closed_on__isnull=True, due_on__lt=today).count()
    context.summary.append(
        f"дорожных карт: {Roadmap.objects.count()} (исполняются {counts['execution'] + 1}, "
        f"на рассмотрении {counts['review']}), мероприятий: {Activity.objects.count()}, "
        f"просроченных сроков: {open_overdue}"
    )


def programme_roadmaps_make(
    rng: random.Random,
    *,
    programme: Programme,
    user: User,
    outcomes: list[SchoolIdentification],
    executors: list[Any],
    directors: dict[int, Any],
    orders: dict[str, tuple[str, datetime.date]],
    schools_with_roadmaps: int,
) -> int:
    """The programme's own roadmap (the city's seed template) and running programmes for the
    first `schools_with_roadmaps` listed schools, executed as in the city; the number made.
    `orders` gives the authority's order for the programme's roadmap ("roadmap") and the
    first of consecutive numbers for the schools' ("school_roadmaps": "150-о" → 150-о, 151-о…)."""
    today = dates.today()
    draft = seed_template_draft("krasnoturansk-2022")
    draft.title = f"Дорожная карта: {programme.name}"
    own = roadmap_create(
        programme=programme,
        school=None,
        kind=RoadmapKind.MUNICIPAL,
        draft=draft,
        user=user,
        source="шаблон «Краснотуранский район, 2022–2025»",
    )
    _running(own, user, *orders["roadmap"])
    _execute(rng, own, executors, today)
    first, day = orders["school_roadmaps"]
    number, suffix = first.split("-", 1)
    for index, outcome in enumerate(outcomes[:schools_with_roadmaps]):
        roadmap = _school_roadmap(programme, outcome.school, outcome, user)
        _running(roadmap, user, f"{int(number) + index}-{suffix}", day)
        director = directors.get(outcome.school_id)
        _execute(rng, roadmap, [director] if director else [], today)
    return 1 + min(len(outcomes), schools_with_roadmaps)
