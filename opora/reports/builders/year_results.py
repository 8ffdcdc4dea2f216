"""«Итоги года»: entered, stayed, left the list; years in status; the risk group by district.

In the manner of seed 004 section 1 (tables 1 and 3): for every year of the territory's
lists up to the report's year — how many schools are in the list (low results, unfavourable
conditions), how many entered, stayed and left it; how long the schools of the report's year
have been in the list; and the risk group by district × year, by school name. One list per
year: the approved one, else the newest computed. Aggregates and school names only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import restrict
from opora.identification.choices import Change, RunStatus
from opora.identification.models import IdentificationRun, SchoolIdentification
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.reports.choices import ReportKind
from opora.reports.content import (
    Chart,
    DraftRecommendation,
    Paragraph,
    ReportContent,
    Section,
    Series,
    Table,
)
from opora.reports.kinds import ReportParams, report_builder
from opora.support.choices import Addressee

COMPUTED = (RunStatus.DRAFT, RunStatus.SENT, RunStatus.APPROVED)
# How many years back the report looks (seed 004 compares three; five show a trend).
YEARS_BACK = 5
NO_SCHOOLS = "—"


def lists_by_year(user: Any, territory: Territory, year: int) -> dict[int, IdentificationRun]:
    """The territory's list of each year up to `year` the user may read: the approved one,
    else the newest computed (the same choice whoever builds the report)."""
    runs = restrict(
        IdentificationRun.objects.filter(
            territory=territory, status__in=COMPUTED, year__lte=year, year__gt=year - YEARS_BACK
        ),
        user,
    ).order_by("year", "pk")
    chosen: dict[int, IdentificationRun] = {}
    for run in runs:
        current = chosen.get(run.year)
        if current is None or (
            run.status == RunStatus.APPROVED or current.status != RunStatus.APPROVED
        ):
            chosen[run.year] = run
    return chosen


def district_of(territory: Territory) -> Callable[[str], str]:
    """A function from a school's territory path to the name of the report territory's child
    it lies in (the district or the municipality); the territory itself when it has none."""
    step = Territory.steplen
    children = {
        t.path: t.name
        for t in Territory.objects.filter(
            path__startswith=territory.path, depth=territory.depth + 1
        )
    }

    def find(path: str) -> str:
        return children.get(path[: len(territory.path) + step], territory.name)

    return find


def _schools(user: Any, run: IdentificationRun) -> QuerySet[Any]:
    return restrict(SchoolIdentification.objects.filter(run=run), user).values_list(
        "school__short_name",
        "school__territory__path",
        "in_list",
        "low_results",
        "unfavourable",
        "risk",
        "change",
        "years_in_status",
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def territory_centre(territory: Territory) -> Organization | None:
    """The methodical centre working in the territory (or above it): the recommendations'
    addressee."""
    paths = [territory.path[:end] for end in range(len(territory.path), 0, -Territory.steplen)]
    return (
        Organization.objects.filter(
            kind=OrganizationKind.METHODICAL_CENTRE, territory__path__in=paths, is_active=True
        )
        .order_by("-territory__depth", "pk")
        .first()
    )


@report_builder(ReportKind.YEAR_RESULTS)
def build_year_results(
    user: Any, params: ReportParams, progress: Callable[[int, str], None]
) -> ReportContent:
    territory = Territory.objects.get(pk=params.territory_id)
    runs = lists_by_year(user, territory, params.year)
    years = sorted(runs)
    district = district_of(territory)
    summary_rows: list[list[Any]] = []
    in_list_by_year: dict[int, int] = {}
    risk_by_district: dict[str, dict[int, list[str]]] = {}
    years_in_status: dict[str, int] = {"1": 0, "2": 0, "3": 0}
    last: dict[str, int] = {}
    for position, year in enumerate(years, start=1):
        progress(5 + 80 * position // max(1, len(years)), _("Список %(y)s г.") % {"y": year})
        counts = {"in_list": 0, "low": 0, "unfav": 0, "risk": 0, "entered": 0, "stayed": 0}
        counts["left"] = 0
        for name, path, in_list, low, unfav, risk, change, years_in in _schools(user, runs[year]):
            counts["in_list"] += in_list
            counts["low"] += in_list and low
            counts["unfav"] += in_list and unfav
            counts["entered"] += change == Change.ENTERED
            counts["stayed"] += change == Change.STAYED
            counts["left"] += change == Change.LEFT
            if risk:
                counts["risk"] += 1
                risk_by_district.setdefault(district(path), {}).setdefault(year, []).append(name)
            if year == params.year and in_list:
                years_in_status[str(min(3, max(1, years_in)))] += 1
        in_list_by_year[year] = counts["in_list"]
        last = counts
        summary_rows.append(
            [
                str(year),
                counts["in_list"],
                counts["low"],
                counts["unfav"],
                counts["entered"],
                counts["stayed"],
                counts["left"],
                counts["risk"],
            ]
        )
    progress(90, _("Таблицы и выводы"))
    districts = sorted(risk_by_district)
    risk_rows: list[list[Any]] = [
        [name] + [", ".join(sorted(risk_by_district[name].get(y, []))) or NO_SCHOOLS for y in years]
        for name in districts
    ]
    risk_rows.append(
        [_("Всего ОО")]
        + [sum(len(risk_by_district[d].get(y, [])) for d in districts) for y in years]
    )
    year_text = _("%(y)s г.") % {"y": params.year}
    in_list_now = in_list_by_year.get(params.year, 0)
    figures: dict[str, Any] = {
        "years": [str(y) for y in years],
        "in_list": in_list_now,
        "entered": last.get("entered", 0),
        "stayed": last.get("stayed", 0),
        "left": last.get("left", 0),
        "risk": last.get("risk", 0),
        "low_results": last.get("low", 0),
        "unfavourable": last.get("unfav", 0),
        "years_1": years_in_status["1"],
        "years_2": years_in_status["2"],
        "years_3_plus": years_in_status["3"],
    }
    previous = in_list_by_year.get(params.year - 1)
    reading = _(
        "По итогам %(y)s в списке %(n)s школ (ШНОР — %(low)s, ШНСУ — %(unf)s). Вошли в список "
        "впервые %(e)s, остались %(s)s, вышли из него %(l)s. В группе риска %(r)s школ."
    ) % {
        "y": year_text,
        "n": in_list_now,
        "low": figures["low_results"],
        "unf": figures["unfavourable"],
        "e": figures["entered"],
        "s": figures["stayed"],
        "l": figures["left"],
        "r": figures["risk"],
    }
    if previous is not None:
        if in_list_now < previous:
            trend = _("Список сократился на %(d)s школ по сравнению с предыдущим годом.")
        elif in_list_now > previous:
            trend = _("Список вырос на %(d)s школ по сравнению с предыдущим годом.")
        else:
            trend = _("Размер списка не изменился по сравнению с предыдущим годом.")
        reading += " " + trend % {"d": abs(in_list_now - previous)}
    long_stay = _(
        "Три года и дольше в списке находятся %(n)s школ (%(p)s %% списка): им нужна "
        "адресная поддержка и пересмотр программ перехода в эффективный режим работы."
    ) % {
        "n": years_in_status["3"],
        "p": _share(years_in_status["3"], in_list_now) or 0,
    }
    sections = [
        Section(
            _("1. Школы в списке по годам"),
            [
                Paragraph(reading, editable=False),
                Table(
                    _("Таблица 1. Вход в список школ с низкими результатами и выход из него"),
                    [
                        _("Год"),
                        _("В списке"),
                        _("ШНОР"),
                        _("ШНСУ"),
                        _("Вошли"),
                        _("Остались"),
                        _("Вышли"),
                        _("Группа риска"),
                    ],
                    summary_rows,
                ),
                Chart(
                    _("Рисунок 1. Число школ в списке по годам"),
                    "bar",
                    [str(y) for y in years],
                    [Series(_("В списке"), [float(in_list_by_year[y]) for y in years])],
                    y_label=_("школ"),
                ),
                Paragraph(
                    _(
                        "Выход школ из списка показывает, что поддержка даёт результат; школы, "
                        "вошедшие в список впервые, нуждаются в диагностике причин."
                    )
                ),
            ],
        ),
        Section(
            _("2. Число лет в статусе"),
            [
                Table(
                    _("Таблица 2. Школы списка %(y)s по числу лет в статусе подряд")
                    % {"y": year_text},
                    [_("Лет в статусе"), _("Школ"), _("Доля, %")],
                    [
                        [
                            _("1 год"),
                            years_in_status["1"],
                            _share(years_in_status["1"], in_list_now),
                        ],
                        [
                            _("2 года"),
                            years_in_status["2"],
                            _share(years_in_status["2"], in_list_now),
                        ],
                        [
                            _("3 года и более"),
                            years_in_status["3"],
                            _share(years_in_status["3"], in_list_now),
                        ],
                    ],
                ),
                Paragraph(long_stay),
            ],
        ),
        Section(
            _("3. Группа риска по районам"),
            [
                Table(
                    _("Таблица 3. Динамика школ «группы риска» по районам"),
                    [_("Район")] + [str(y) for y in years],
                    risk_rows,
                ),
                Paragraph(
                    _(
                        "Школы группы риска ещё не в списке, но их результаты ниже ожидаемых: "
                        "профилактическая поддержка дешевле, чем вывод школы из списка."
                    )
                ),
            ],
        ),
    ]
    recommendations: list[DraftRecommendation] = []
    centre = territory_centre(territory)
    due = dates.academic_year_bounds(dates.academic_year_of(dates.today()))[1]
    if due - dates.today() < datetime.timedelta(days=60):
        due = dates.today() + datetime.timedelta(days=90)
    if centre is not None:
        if figures["entered"]:
            recommendations.append(
                DraftRecommendation(
                    _(
                        "Провести диагностику причин низких результатов в школах, впервые "
                        "вошедших в список, и закрепить за ними кураторов."
                    ),
                    Addressee.METHODICAL_CENTRE,
                    centre.pk,
                    due,
                )
            )
        if figures["risk"]:
            recommendations.append(
                DraftRecommendation(
                    _("Включить школы группы риска в план методических выездов на год."),
                    Addressee.METHODICAL_CENTRE,
                    centre.pk,
                    due,
                )
            )
    return ReportContent(
        title=_("Итоги года: вход в список и выход из него"),
        subtitle=_("%(t)s, %(y)s") % {"t": territory.name, "y": year_text},
        sections=sections,
        recommendations=recommendations,
        figures=figures,
    )
