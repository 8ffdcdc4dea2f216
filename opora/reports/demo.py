"""Demo reports: the analyst's municipal report on the city's programme for 2024/25, built and
published (its recommendations tracked), and the year's results of 2025 as a draft."""

from __future__ import annotations

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
