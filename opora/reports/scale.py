"""A region of any size for `opora bench scale` and its test: the territory, its schools and
people, a support programme with a running roadmap for every school, an approved
identification list of the year computed by the real engine, and results for the school card.

Everything is written in bulk (a few queries per thousand rows), never through the per-row
services, so that 8,000 schools take seconds rather than hours; the rows are the ones the
services would write, so the pages render exactly as they do for real data. The region grows
by whole municipalities: `region_grow(region, 8000)` after `region_grow(region, 2000)` adds
the 6,000 missing schools and computes the list again over all of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.core.choices import Role
from opora.core.queries import bulk_insert
from opora.identification.bench import YEARS
from opora.identification.bench import generate as generate_results
from opora.identification.choices import RunStatus
from opora.identification.engine import identify
from opora.identification.models import IdentificationRun, Methodology, SchoolIdentification
from opora.identification.services import directions, methodology_params, outcome_rows, summary
from opora.registry.choices import OrganizationKind, TerritoryKind
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)
from opora.results.models import Assessment, SchoolResult, Subject
from opora.roadmaps.choices import ActivityStatus, RoadmapKind, RoadmapStatus, ScheduleKind
from opora.roadmaps.models import Activity, Deadline, Roadmap, Section
from opora.roadmaps.progress import progress_recount

BATCH = 5000
ACTIVITIES = 20  # per roadmap, in the four sections below
SECTIONS = (
    "Повышение качества преподавания",
    "Работа с обучающимися, испытывающими трудности",
    "Взаимодействие с родителями",
    "Управление и мониторинг",
)
SCHOOLS_PER_CURATOR = 10
# The results shown on the school card: the last three years of four works (12 rows a school).
CARD_YEARS = YEARS[-3:]
CARD_WORKS = (("vpr", "rus", 4), ("vpr", "math", 4), ("oge", "rus", 9), ("oge", "math", 9))
SURNAMES = ("Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Морозова")
NAMES = ("Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина")


@dataclass
class ScaleRegion:
    """The region as built so far and the people who look at its pages."""

    region: Territory
    ministry: Organization
    centre: Organization
    coordinator: User
    analyst: User
    programme: Programme
    per_municipality: int
    municipalities: int = 0
    school_ids: list[int] = field(default_factory=list)
    curators: list[int] = field(default_factory=list)
    run: IdentificationRun | None = None

    @property
    def schools(self) -> int:
        return len(self.school_ids)


def _person_user(username: str, last: str, first: str) -> tuple[User, Person]:
    user = User.objects.create_user(username, password="scale-password")
    return user, Person.objects.create(last_name=last, first_name=first, user=user)


@transaction.atomic
def region_start(*, per_municipality: int = 50, prefix: str = "SCALE") -> ScaleRegion:
    """The empty region: its ministry with a regional coordinator, the institute with an
    analyst, and the regional support programme owned by the ministry."""
    region = Territory.objects.add_root(
        {"name": "Масштабная область", "kind": TerritoryKind.REGION, "code": prefix}
    )
    ministry = Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"{prefix}-MIN",
        name="Министерство образования Масштабной области",
        short_name="Министерство образования",
        territory=region,
    )
    centre = Organization.objects.create(
        kind=OrganizationKind.METHODICAL_CENTRE,
        code=f"{prefix}-IRO",
        name="Институт развития образования Масштабной области",
        short_name="ИРО",
        territory=region,
    )
    coordinator, person = _person_user(f"{prefix.lower()}-coordinator", "Координатова", "Анна")
    Membership.objects.create(person=person, organization=ministry, role=Role.REGIONAL_COORDINATOR)
    analyst, person = _person_user(f"{prefix.lower()}-analyst", "Аналитикова", "Мария")
    Membership.objects.create(person=person, organization=centre, role=Role.ANALYST)
    year = dates.academic_year_of(dates.today())
    programme = Programme.objects.create(
        name="Региональная программа поддержки школ с низкими результатами обучения",
        owner=ministry,
        starts_on=datetime.date(year - 1, 9, 1),
        ends_on=datetime.date(year + 2, 8, 31),
    )
    return ScaleRegion(
        region=region,
        ministry=ministry,
        centre=centre,
        coordinator=coordinator,
        analyst=analyst,
        programme=programme,
        per_municipality=per_municipality,
    )


@transaction.atomic
def region_grow(scale: ScaleRegion, schools: int) -> None:
    """Add whole municipalities until the region has `schools` schools, then compute the
    region's list of the year again over all of them."""
    new: list[Organization] = []
    while scale.schools + len(new) < schools:
        size = min(scale.per_municipality, schools - scale.schools - len(new))
        new += _municipality(scale, scale.municipalities, size)
        scale.municipalities += 1
    if new:
        scale.school_ids += [s.pk for s in new]
        _people_and_roadmaps(scale, new)
    _identification(scale)


def _municipality(scale: ScaleRegion, n: int, size: int) -> list[Organization]:
    """A municipality with its education department and its schools (with profiles)."""
    prefix = scale.region.code
    city = Territory.objects.add_child(
        scale.region,
        {"name": f"Муниципальный район {n + 1:03}", "kind": TerritoryKind.MUNICIPALITY},
    )
    Organization.objects.create(
        kind=OrganizationKind.EDUCATION_AUTHORITY,
        code=f"{prefix}-DEP-{n:03}",
        name=f"Управление образования муниципального района {n + 1:03}",
        short_name=f"УО района {n + 1:03}",
        territory=city,
    )
    schools = Organization.objects.bulk_create(
        [
            Organization(
                kind=OrganizationKind.SCHOOL,
                code=f"{prefix}-{n:03}-{k:03}",
                name=f"Муниципальное общеобразовательное учреждение «Средняя школа № {k + 1}» "
                f"района {n + 1:03}",
                short_name=f"СОШ № {k + 1} (район {n + 1:03})",
                territory=city,
                address=f"район {n + 1:03}, ул. Школьная, {k + 1}",
            )
            for k in range(size)
        ],
        batch_size=BATCH,
    )
    SchoolProfile.objects.bulk_create(
        [
            SchoolProfile(
                organization=s, school_type="sosh", number=str(k + 1), enrolment=200 + 13 * k
            )
            for k, s in enumerate(schools)
        ],
        batch_size=BATCH,
    )
    return schools


def _people_and_roadmaps(scale: ScaleRegion, schools: list[Organization]) -> None:
    """Each new school: its director and deputy, a curator per ten schools, its place in the
    programme and its running roadmap of 20 dated activities."""
    today = dates.today()
    start = scale.schools - len(schools)
    people = Person.objects.bulk_create(
        [
            Person(
                last_name=SURNAMES[(start + k + j) % len(SURNAMES)],
                first_name=NAMES[(start + k * 3 + j) % len(NAMES)],
                middle_name="Сергеевна",
            )
            for k in range(len(schools))
            for j in range(2)
        ],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                person=people[2 * k + j],
                organization=school,
                role=Role.SCHOOL_DIRECTOR if j == 0 else Role.SCHOOL_STAFF,
                position="директор" if j == 0 else "заместитель директора по УВР",
            )
            for k, school in enumerate(schools)
            for j in range(2)
        ],
        batch_size=BATCH,
    )
    _curators(scale, schools)
    joined = datetime.date(dates.academic_year_of(today) - 1, 9, 1)
    ProgrammeSchool.objects.bulk_create(
        [ProgrammeSchool(programme=scale.programme, school=s, joined_on=joined) for s in schools],
        batch_size=BATCH,
    )
    roadmaps = Roadmap.objects.bulk_create(
        [
            Roadmap(
                programme=scale.programme,
                school=s,
                kind=RoadmapKind.ANTI_RISK,
                title=f"Антирисковая программа: {s.short_name}",
                status=RoadmapStatus.EXECUTION,
                starts_on=joined,
                ends_on=scale.programme.ends_on,
            )
            for s in schools
        ],
        batch_size=BATCH,
    )
    sections = Section.objects.bulk_create(
        [
            Section(roadmap=r, position=n, number=str(n), title=title)
            for r in roadmaps
            for n, title in enumerate(SECTIONS, start=1)
        ],
        batch_size=BATCH,
    )
    per_section = ACTIVITIES // len(SECTIONS)
    activities: list[Activity] = []
    plans: list[tuple[datetime.date, datetime.date | None, bool]] = []
    for index, section in enumerate(sections):
        k = index // len(SECTIONS)  # the roadmap's number among the new ones
        director, deputy = people[2 * k], people[2 * k + 1]
        for j in range(1, per_section + 1):
            position = (section.position - 1) * per_section + j
            # Due dates from four months ago to three months ahead, shifted by school;
            # of those past, one in four overdue, one in four closed late, the rest on time.
            due = today + datetime.timedelta(days=position * 10 - 130 + (start + k) % 7)
            past = due < today
            overdue = past and position % 4 == 0
            late = past and position % 4 == 1
            closed = due + datetime.timedelta(days=6) if late else (None if overdue else due)
            closed = closed if past else None
            status = (
                ActivityStatus.PLANNED
                if not past
                else ActivityStatus.IN_PROGRESS
                if overdue
                else ActivityStatus.DONE_LATE
                if late
                else ActivityStatus.DONE
            )
            activities.append(
                Activity(
                    roadmap_id=section.roadmap_id,
                    section=section,
                    position=position,
                    number=f"{section.number}.{j}",
                    text=f"Мероприятие {section.number}.{j}: семинар для учителей по итогам "
                    "ВПР и разбор дефицитов обучающихся",
                    schedule_text=dates.date_ru(due),
                    schedule_kind=ScheduleKind.DATE,
                    schedule_date=due,
                    responsible="директор, заместитель директора по УВР",
                    # Spread over the executors: director, deputy, and one in five unassigned.
                    executor=None if position % 5 == 0 else (director if j % 2 else deputy),
                    result="Учителя освоили приёмы работы с дефицитами",
                    status=status,
                )
            )
            plans.append((due, closed, late))
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    Deadline.objects.bulk_create(
        [
            Deadline(
                activity=activity,
                roadmap_id=activity.roadmap_id,
                due_on=due,
                closed_on=closed,
                closed_late=late,
            )
            for activity, (due, closed, late) in zip(activities, plans, strict=True)
        ],
        batch_size=BATCH,
    )
    # The roadmaps' execution counters, as the services would have kept them: the pages read
    # them, and a first request would otherwise pay for counting the whole region.
    progress_recount(roadmap_ids={a.roadmap_id for a in activities}, today=dates.today())


def _curators(scale: ScaleRegion, schools: list[Organization]) -> None:
    """A curator of the institute for every ten schools, assigned to them."""
    start = scale.schools - len(schools)
    needed = -(-scale.schools // SCHOOLS_PER_CURATOR) - len(scale.curators)
    if needed > 0:
        made = Person.objects.bulk_create(
            [
                Person(last_name="Кураторова", first_name=NAMES[n % len(NAMES)])
                for n in range(len(scale.curators), len(scale.curators) + needed)
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    person=p, organization=scale.centre, role=Role.CURATOR, position="куратор"
                )
                for p in made
            ],
            batch_size=BATCH,
        )
        scale.curators += [p.pk for p in made]
    since = dates.today() - datetime.timedelta(days=200)
    CuratorAssignment.objects.bulk_create(
        [
            CuratorAssignment(
                curator_id=scale.curators[(start + k) // SCHOOLS_PER_CURATOR],
                school=s,
                since=since,
            )
            for k, s in enumerate(schools)
        ],
        batch_size=BATCH,
    )


def _identification(scale: ScaleRegion) -> None:
    """The region's approved list of the latest results year, computed by the engine over
    generated results of every school (the same generator as `opora bench identify`), and
    the card's results rows of the new schools taken from the same data."""
    school_frame, results, context = generate_results(scale.schools)
    ids = pl.Series("pk", scale.school_ids, dtype=pl.Int64)

    def to_pk(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col("school_id").map_batches(lambda c: ids.gather(c - 1)))

    school_frame, results, context = to_pk(school_frame), to_pk(results), to_pk(context)
    _card_results(scale, results)
    version = Methodology.objects.get(is_builtin=True).current
    params = methodology_params(version)
    year = YEARS[-1]
    outcome = identify(
        schools=school_frame,
        results=results,
        context=context,
        directions=directions(),
        params=params,
        year=year,
    )
    if scale.run is None:
        scale.run = IdentificationRun.objects.create(
            territory=scale.region,
            year=year,
            version=version,
            status=RunStatus.APPROVED,
            created_by=scale.analyst,
        )
    run = scale.run
    run.schools.all().delete()
    rows = outcome_rows(run, outcome, params)
    bulk_insert(SchoolIdentification, rows)
    run.summary = summary(outcome, rows)
    run.computed_at = timezone.now()
    run.save(update_fields=["summary", "computed_at"])


def _card_results(scale: ScaleRegion, results: pl.DataFrame) -> None:
    """SchoolResult rows of the schools that have none yet (12 each)."""
    have = set(SchoolResult.objects.values_list("school_id", flat=True).distinct())
    assessments = dict(Assessment.objects.values_list("code", "pk"))
    subjects = dict(Subject.objects.values_list("code", "pk"))
    works = pl.DataFrame(
        CARD_WORKS,
        schema={"assessment": pl.Utf8, "subject": pl.Utf8, "grade": pl.Int32},
        orient="row",
    )
    chosen = results.filter(
        pl.col("year").is_in(CARD_YEARS), ~pl.col("school_id").is_in(list(have))
    ).join(works, on=["assessment", "subject", "grade"])
    measures = ("mean_score", "share_fail", "share_good", "share_below_min")
    SchoolResult.objects.bulk_create(
        (
            SchoolResult(
                school_id=row["school_id"],
                year=row["year"],
                assessment_id=assessments[row["assessment"]],
                subject_id=subjects[row["subject"]],
                grade=row["grade"],
                participants=int(row["participants"]),
                **{m: row[m] for m in measures},
            )
            for row in chosen.iter_rows(named=True)
        ),
        batch_size=BATCH,
    )


def listed_school(scale: ScaleRegion) -> int:
    """A school on the list (with its roadmap and outcome): the lowest results index."""
    assert scale.run is not None
    item = (
        SchoolIdentification.objects.filter(run=scale.run, results_index__isnull=False)
        .order_by("-in_list", "results_index", "school_id")
        .values_list("school_id", flat=True)
        .first()
    )
    return item or scale.school_ids[0]


def scale_pages(scale: ScaleRegion) -> list[tuple[str, str, User]]:
    """The pages measured, each with the user who naturally opens it."""
    assert scale.run is not None
    execution = reverse("roadmaps:execution")
    return [
        (
            "исполнение программы",
            reverse("roadmaps:dashboard", args=[scale.programme.pk]),
            scale.coordinator,
        ),
        ("«кто не отчитался»", f"{execution}?tab=unreported", scale.coordinator),
        ("просроченные сроки", f"{execution}?tab=overdue", scale.coordinator),
        (
            # The tab with «Почему школа в списке»: the school's place among the run's schools.
            "карточка школы из списка",
            reverse("registry:school-tab", args=[listed_school(scale), "diagnostics"]),
            scale.coordinator,
        ),
        (
            "диаграмма рассеяния",
            reverse("identification:run-chart", args=[scale.run.pk]),
            scale.analyst,
        ),
        ("результаты выявления", reverse("identification:run", args=[scale.run.pk]), scale.analyst),
        ("список школ", reverse("registry:schools"), scale.coordinator),
    ]
