"""Demo reports: the analyst's municipal report on the city's programme for 2024/25, built and
published (its recommendations tracked), and the year's results of 2025 as a draft."""

from __future__ import annotations

import random

from django.contrib.auth.models import User

from opora.core.demo import DemoContext, demo_step
from opora.registry.demo import DEMO_TERRITORY_CODE
from opora.registry.models import Programme, Territory
from opora.reports import services
from opora.reports.choices import ReportKind, ReportStatus
from opora.reports.kinds import ReportParams

DEMO_PROGRAMME_YEAR = 2024
DEMO_RESULTS_YEAR = 2025


@demo_step(order=95, name="Отчёты: отчёт о программе (опубликован) и итоги года (черновик)")
def reports_demo(context: DemoContext) -> None:
    analyst = User.objects.filter(username="analyst").first()
    city = Territory.objects.filter(code=DEMO_TERRITORY_CODE).first()
    programme = (
        Programme.objects.filter(owner__territory=city).order_by("pk").first() if city else None
    )
    if analyst is None or city is None or programme is None:
        return
    # Built here rather than queued: the demo must be complete when `opora demo` ends.
    municipal = services.report_request(
        user=analyst,
        params=ReportParams(
            kind=ReportKind.MUNICIPAL, year=DEMO_PROGRAMME_YEAR, programme_id=programme.pk
        ),
    )
    services.report_build_now(municipal)
    if municipal.status == ReportStatus.DRAFT:
        services.report_publish(user=analyst, report=municipal)
    results = services.report_request(
        user=analyst,
        params=ReportParams(
            kind=ReportKind.YEAR_RESULTS, year=DEMO_RESULTS_YEAR, territory_id=city.pk
        ),
    )
    services.report_build_now(results)
    municipal.refresh_from_db()
    context.summary.append(
        f"Отчёты: «{municipal.title}» — {municipal.get_status_display().lower()}, "
        f"рекомендаций на контроле {municipal.tracked_recommendations.count()}; "
        f"«{results.title}» — {results.get_status_display().lower()}"
    )


# How much of each municipality the demo fills: the schools of its approved list that get a
# running programme (roadmap), the visits of its centre. Small, so that `opora demo` stays quick.
REGION_ROADMAPS = 2
REGION_VISITS = 14
# One of the city's three checkpoints (the entry one): the municipalities started
# their monitoring later in the year.
REGION_CHECKPOINTS = 1


@demo_step(order=91, name="Регион: Приозёрный район и Лесногорский округ со своими данными")
def region_demo(context: DemoContext) -> None:
    """The region's other municipalities, each made by the same functions as the city's steps
    (registry, results, lists, roadmaps, monitoring, visits) from a random source of its own."""
    from opora.core.choices import Role
    from opora.identification.demo import lists_make
    from opora.identification.models import SchoolIdentification
    from opora.monitoring.demo import CHECKPOINTS, monitoring_make
    from opora.registry.demo import REGION_MUNICIPALITIES, municipality_join, municipality_make
    from opora.registry.models import Organization
    from opora.results.demo import results_make
    from opora.roadmaps.demo import programme_roadmaps_make
    from opora.support.demo import reports_dated_as_done, visits_make

    for spec in REGION_MUNICIPALITIES:
        rng = random.Random(f"opora-demo-{spec.code}")
        made = municipality_make(rng, spec)
        schools = list(
            Organization.objects.filter(pk__in=[s.pk for s in made.schools])
            .select_related("school")
            .order_by("code")
        )
        results_make(schools, rng)
        by_role = {role: made.users[username] for username, role in spec.accounts}
        coordinator = by_role[Role.PROGRAMME_COORDINATOR]
        analyst = by_role.get(Role.ANALYST, coordinator)
        approved, _draft = lists_make(
            territory=made.territory,
            analyst=analyst,
            coordinator=coordinator,
            order=spec.orders["list"],
            signatory=spec.signatory,
        )
        outcomes = list(
            SchoolIdentification.objects.filter(run=approved, in_list=True)
            .select_related("school")
            .order_by("school__code")
        )
        municipality_join(rng, made, [o.school for o in outcomes], spec.orders["list"][1])
        roadmaps = programme_roadmaps_make(
            rng,
            programme=made.programme,
            user=coordinator,
            outcomes=outcomes,
            executors=made.methodists,
            directors=made.directors,
            orders=spec.orders,
            schools_with_roadmaps=REGION_ROADMAPS,
        )
        monitoring_make(
            rng,
            programme=made.programme,
            coordinator=coordinator,
            analyst=analyst,
            home=None,
            checkpoints=CHECKPOINTS[:REGION_CHECKPOINTS],
        )
        curator_of = {
            o.school_id: made.curators[n % len(made.curators)] for n, o in enumerate(outcomes)
        }
        visits, recommendations = visits_make(
            rng,
            schools=[o.school for o in outcomes],
            curator_of=curator_of,
            organiser=made.centre,
            methodists=made.methodists,
            count=REGION_VISITS,
        )
        context.summary.append(
            f"{spec.name}: школ {len(schools)}, в утверждённом списке {len(outcomes)}, "
            f"дорожных карт {roadmaps}, выездов {visits}, рекомендаций {recommendations}"
        )
    reports_dated_as_done()
