"""«Отчёт о реализации программы за год»: the municipal report on the programme.

For one academic year of a programme: the roadmaps' activities done on time, late and
overdue by school; the programme's indicators against their targets (the last checkpoint of
the year); who entered and left the list (the year's list against the previous one); what
support was given (curators, mentor pairs, visits held, recommendations done on time, events
and their participants, consultations); generated readings and draft recommendations to the
schools with overdue activities, to the methodical centre and to the authority.

Everything is read with the rights of whoever asked (`restrict` and the apps' selectors), so
a report never holds more than its author may see; only counts and school names go in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import restrict
from opora.events.models import Event, Registration
from opora.identification.choices import Change
from opora.identification.models import SchoolIdentification
from opora.monitoring.choices import Light
from opora.monitoring.selectors import checkpoint_list, checkpoint_rollup
from opora.registry.choices import OrganizationKind
from opora.registry.models import CuratorAssignment, Organization, Programme
from opora.reports.builders.year_results import lists_by_year, territory_centre
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
from opora.roadmaps.selectors import deadlines_visible
from opora.support.choices import Addressee, ConsultationStatus, RecommendationStatus, VisitStatus
from opora.support.models import Consultation, MentorPair, Recommendation, Visit

# The most schools named in the draft recommendations (the rest are in the table).
MAX_SCHOOL_RECOMMENDATIONS = 10


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _execution(
    user: Any, programme: Programme, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> list[list[Any]]:
    """Per school: activities due in the year done on time, late, overdue, still upcoming."""
    rows = (
        deadlines_visible(user)
        .filter(roadmap__programme=programme, due_on__gte=start, due_on__lte=end)
        .values("roadmap__school__short_name", "roadmap__title")
        .annotate(
            on_time=Count("pk", filter=Q(closed_on__isnull=False, closed_late=False)),
            late=Count("pk", filter=Q(closed_on__isnull=False, closed_late=True)),
            overdue=Count("pk", filter=Q(closed_on__isnull=True, due_on__lt=as_of)),
            upcoming=Count("pk", filter=Q(closed_on__isnull=True, due_on__gte=as_of)),
        )
        .order_by()
    )
    by_school: dict[str, list[int]] = {}
    for values in rows:
        row: dict[str, Any] = dict(values)
        name = row["roadmap__school__short_name"] or row["roadmap__title"]
        counts = by_school.setdefault(name, [0, 0, 0, 0])
        for index, key in enumerate(("on_time", "late", "overdue", "upcoming")):
            counts[index] += row[key]
    table = []
    for name in sorted(by_school):
        on_time, late, overdue, upcoming = by_school[name]
        table.append(
            [name, on_time, late, overdue, upcoming, _share(on_time, on_time + late + overdue)]
        )
    return table


def _indicators(user: Any, programme: Programme, year: int) -> list[list[Any]]:
    """The programme's indicators at the year's last checkpoint against their targets."""
    checkpoints = [c for c in checkpoint_list(user, programme) if c.year == year]
    if not checkpoints:
        return []
    rows = []
    for row in checkpoint_rollup(checkpoints[-1]):
        value = row.rollup.value if row.rollup else None
        rows.append(
            [
                str(row.item).strip(),
                None if value is None else float(value),
                None if row.target is None else float(row.target),
                str(Light(row.light).label),
            ]
        )
    return rows


def _list_changes(user: Any, programme: Programme, year: int) -> tuple[list[str], list[str], int]:
    """Schools that entered and left the list with the list of `year` (its approved or
    newest run against the year before), and the number in the list."""
    runs = lists_by_year(user, programme.owner.territory, year)
    run = runs.get(year)
    if run is None:
        return [], [], 0
    rows = restrict(SchoolIdentification.objects.filter(run=run), user).values_list(
        "school__short_name", "change", "in_list"
    )
    entered = sorted(n for n, change, _in in rows if change == Change.ENTERED)
    left = sorted(n for n, change, _in in rows if change == Change.LEFT)
    return entered, left, sum(1 for *_rest, in_list in rows if in_list)


def _support(
    user: Any, school_ids: list[int], start: datetime.date, end: datetime.date
) -> dict[str, int]:
    schools = Q(school_id__in=school_ids)
    running = Q(since__lte=end) & (Q(until__isnull=True) | Q(until__gte=start))
    recommendations = restrict(
        Recommendation.objects.filter(schools, due_on__gte=start, due_on__lte=end), user
    )
    done_on_time = recommendations.filter(
        status=RecommendationStatus.DONE, done_on__isnull=False, done_on__lte=end
    ).filter(done_on__lte=F("due_on"))
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
    end_at = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
    events = restrict(Event.objects.filter(starts_at__gte=start_at, starts_at__lte=end_at), user)
    participants = restrict(
        Registration.objects.filter(
            event__in=events.values("pk"), school_id__in=school_ids, attended=True
        ),
        user,
    )
    return {
        "curators": restrict(CuratorAssignment.objects.filter(schools & running), user)
        .values("school_id")
        .distinct()
        .count(),
        "mentor_pairs": restrict(MentorPair.objects.filter(schools & running), user).count(),
        "visits_done": restrict(
            Visit.objects.filter(
                schools, status=VisitStatus.DONE, planned_on__gte=start, planned_on__lte=end
            ),
            user,
        ).count(),
        "recommendations": recommendations.count(),
        "recommendations_on_time": done_on_time.count(),
        "events": events.filter(registrations__school_id__in=school_ids).distinct().count(),
        "participants": participants.count(),
        "consultations": restrict(
            Consultation.objects.filter(
                schools,
                status=ConsultationStatus.ANSWERED,
                answered_at__gte=start_at,
                answered_at__lte=end_at,
            ),
            user,
        ).count(),
    }


def _authority(programme: Programme) -> Organization | None:
    if programme.owner.kind == OrganizationKind.EDUCATION_AUTHORITY:
        return programme.owner
    territory = programme.owner.territory
    paths = [territory.path[:end] for end in range(len(territory.path), 0, -territory.steplen)]
    return (
        Organization.objects.filter(
            kind=OrganizationKind.EDUCATION_AUTHORITY, territory__path__in=paths, is_active=True
        )
        .order_by("-territory__depth", "pk")
        .first()
    )


@report_builder(ReportKind.MUNICIPAL)
def build_municipal(
    user: Any, params: ReportParams, progress: Callable[[int, str], None]
) -> ReportContent:
    from opora.registry.selectors import programme_get

    programme = programme_get(user, params.programme_id)
    start, end = dates.academic_year_bounds(params.year)
    # Overdue is counted on the year's last day, or today while the year runs: the same
    # figures for every build of the same day's data.
    as_of = min(end, dates.today())
    year_text = dates.academic_year_label(params.year)
    school_ids = sorted(
        restrict(Organization.objects.filter(programmeschool__programme=programme), user)
        .values_list("pk", flat=True)
        .distinct()
    )
    names = dict(Organization.objects.filter(pk__in=school_ids).values_list("short_name", "pk"))

    progress(10, _("Исполнение дорожных карт"))
    execution = _execution(user, programme, start, end, as_of)
    total = [sum(r[i] for r in execution) for i in range(1, 5)]
    due = total[0] + total[1] + total[2]
    progress(35, _("Показатели программы"))
    indicators = _indicators(user, programme, params.year)
    reached = sum(1 for r in indicators if r[3] == str(Light.REACHED.label))
    progress(55, _("Вход в список и выход"))
    entered, left, in_list = _list_changes(user, programme, params.year)
    progress(70, _("Поддержка школ"))
    support = _support(user, school_ids, start, end)

    figures: dict[str, Any] = {
        "schools": len(school_ids),
        "activities_due": due,
        "activities_on_time": total[0],
        "activities_late": total[1],
        "activities_overdue": total[2],
        "on_time_share": _share(total[0], due),
        "indicators": len(indicators),
        "indicators_reached": reached,
        "in_list": in_list,
        "entered": len(entered),
        "left": len(left),
        **support,
    }
    progress(85, _("Выводы и рекомендации"))
    execution_reading = _(
        "В %(y)s учебном году в дорожных картах %(s)s школ программы был %(d)s срок "
        "мероприятий: выполнено в срок %(t)s (%(p)s %%), с опозданием %(l)s, просрочено %(o)s."
    ) % {
        "y": year_text,
        "s": len(school_ids),
        "d": due,
        "t": total[0],
        "p": figures["on_time_share"] if figures["on_time_share"] is not None else 0,
        "l": total[1],
        "o": total[2],
    }
    lagging = [r[0] for r in execution if r[3] > 0]
    sections = [
        Section(
            _("1. Исполнение дорожных карт"),
            [
                Paragraph(execution_reading, editable=False),
                Table(
                    _("Таблица 1. Мероприятия дорожных карт по школам"),
                    [
                        _("Школа"),
                        _("В срок"),
                        _("С опозданием"),
                        _("Просрочено"),
                        _("Предстоит"),
                        _("Доля в срок, %"),
                    ],
                    execution,
                ),
                Chart(
                    _("Рисунок 1. Исполнение мероприятий по школам"),
                    "barh",
                    [r[0] for r in execution],
                    [
                        Series(_("В срок"), [float(r[1]) for r in execution]),
                        Series(_("С опозданием"), [float(r[2]) for r in execution]),
                        Series(_("Просрочено"), [float(r[3]) for r in execution]),
                    ],
                    y_label=_("мероприятий"),
                ),
                Paragraph(
                    _("Просроченные мероприятия есть у школ: %(s)s.") % {"s": ", ".join(lagging)}
                    if lagging
                    else _("Просроченных мероприятий нет.")
                ),
            ],
        ),
        Section(
            _("2. Показатели программы"),
            [
                Table(
                    _("Таблица 2. Показатели программы на последнюю контрольную точку года"),
                    [_("Показатель"), _("Значение"), _("Цель"), _("Оценка")],
                    indicators,
                    note="" if indicators else _("Контрольных точек в этом году не было."),
                ),
                Paragraph(
                    _("Цель достигнута по %(r)s показателям из %(n)s.")
                    % {"r": reached, "n": len(indicators)}
                ),
            ],
        ),
        Section(
            _("3. Вход в список и выход из него"),
            [
                Paragraph(
                    _("В списке %(y)s г. %(n)s школ территории; вошли в него %(e)s, вышли %(l)s.")
                    % {"y": params.year, "n": in_list, "e": len(entered), "l": len(left)},
                    editable=False,
                ),
                Table(
                    _("Таблица 3. Школы, вошедшие в список и вышедшие из него"),
                    [_("Вошли в список"), _("Вышли из списка")],
                    [
                        [", ".join(entered) or "—", ", ".join(left) or "—"],
                    ],
                ),
            ],
        ),
        Section(
            _("4. Поддержка школ"),
            [
                Table(
                    _("Таблица 4. Какая поддержка оказана"),
                    [_("Вид поддержки"), _("Количество")],
                    [
                        [_("Школ с куратором"), support["curators"]],
                        [_("Пар «школа — наставник»"), support["mentor_pairs"]],
                        [_("Проведено выездов"), support["visits_done"]],
                        [_("Рекомендаций со сроком в этом году"), support["recommendations"]],
                        [_("из них выполнено в срок"), support["recommendations_on_time"]],
                        [_("Мероприятий с участием школ"), support["events"]],
                        [_("Участников мероприятий из школ"), support["participants"]],
                        [_("Дано консультаций"), support["consultations"]],
                    ],
                ),
                Chart(
                    _("Рисунок 2. Поддержка школ программы"),
                    "bar",
                    [_("Выезды"), _("Рекомендации"), _("Консультации"), _("Мероприятия")],
                    [
                        Series(
                            _("Количество"),
                            [
                                float(support["visits_done"]),
                                float(support["recommendations"]),
                                float(support["consultations"]),
                                float(support["events"]),
                            ],
                        )
                    ],
                ),
                Paragraph(
                    _(
                        "Поддержка охватила школы программы; её действенность оценивается по "
                        "динамике результатов (раздел «Эффективность поддержки»)."
                    )
                ),
            ],
        ),
    ]
    recommendations: list[DraftRecommendation] = []
    later = as_of + datetime.timedelta(days=60)
    if later < dates.today():
        later = dates.today() + datetime.timedelta(days=60)
    for name in lagging[:MAX_SCHOOL_RECOMMENDATIONS]:
        school_id = names.get(name)
        if school_id is not None:
            recommendations.append(
                DraftRecommendation(
                    _("Выполнить просроченные мероприятия дорожной карты и сообщить о них."),
                    Addressee.SCHOOL,
                    school_id,
                    later,
                )
            )
    centre = territory_centre(programme.owner.territory)
    if centre is not None:
        recommendations.append(
            DraftRecommendation(
                _(
                    "Организовать методические выезды в школы с просроченными мероприятиями и "
                    "консультации для их управленческих команд."
                ),
                Addressee.METHODICAL_CENTRE,
                centre.pk,
                later,
            )
        )
    authority = _authority(programme)
    if authority is not None:
        recommendations.append(
            DraftRecommendation(
                _("Рассмотреть итоги года на совете программы и утвердить план на следующий год."),
                Addressee.AUTHORITY,
                authority.pk,
                later,
            )
        )
    return ReportContent(
        title=_("Отчёт о реализации программы за %(y)s учебный год") % {"y": year_text},
        subtitle=programme.name,
        sections=sections,
        recommendations=recommendations,
        figures=figures,
    )
