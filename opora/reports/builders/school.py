"""«Аналитическая справка по школе»: a school in a year — its place in the identification,
its results against the territory and against schools of a similar context, objectivity
warnings, the risk profile, the roadmap's execution and the support it received, a reading
and recommendations addressed to the school, its curator and the methodical centre
(seed 002 item 4; seed 001 items 3.4, 4.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404

from opora.core import dates
from opora.identification.choices import Change, RunStatus
from opora.identification.models import SchoolIdentification
from opora.identification.selectors import (
    OUTCOME_ROW_FIELDS,
    run_outcome_rows,
    school_outcome_for_year,
)
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory
from opora.registry.selectors import (
    school_curators,
    school_get,
    school_has_curator,
    territory_ancestors,
    territory_in_reach,
    territory_services,
)
from opora.reports.analysis import (
    LOWER_SHARE,
    RAISE_SHARE,
    SMALL_COHORT,
    due_next_quarter,
    due_this_quarter,
    names_text,
    num,
    results_frame,
    rounded,
    school_index,
    schools_genitive,
    sentence,
    signed,
    summarise,
    work_label,
)
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
from opora.results.selectors import catalogue, result_rows
from opora.roadmaps.selectors import school_progress
from opora.support.choices import Addressee, RecommendationStatus
from opora.support.selectors import recommendation_list, school_mentors, school_visit_summary
from opora.surveys.choices import RiskFactor, RiskLevel
from opora.surveys.selectors import risk_profile_latest

# Schools within this many percentile points of the school's context are «similar».
SIMILAR_POINTS = 10.0
# A low share this many points above the territory's is a gap worth a recommendation.
GAP_POINTS = 5.0


def _school(user: Any, params: ReportParams) -> Organization:
    try:
        return school_get(user, params.school_id)
    except (Http404, ValueError, TypeError):
        raise ValidationError(
            "Школа не найдена или недоступна: справку можно построить только по школе, "
            "которую вы видите."
        ) from None


def _comparison_territory(
    user: Any, school: Organization, outcome: SchoolIdentification | None
) -> tuple[Territory, bool]:
    """The territory the school is compared with, and whether the user sees it whole: the
    list's territory when the school was in one, else its municipality (the second level
    of the tree, or the school's own territory when that is higher). A mean over the few
    schools a director or a curator sees is no territory's mean: then there is none."""
    candidates = [outcome.run.territory] if outcome is not None else []
    territory = school.territory
    if territory.depth > 2:
        above = [t for t in territory_ancestors(user, territory) if t.depth == 2]
        territory = above[0] if above else territory
    candidates.append(territory)
    for candidate in candidates:
        if territory_in_reach(user, candidate.pk) is not None:
            return candidate, True
    return candidates[-1], False


@report_builder(ReportKind.SCHOOL)
def build_school(
    user: Any, params: ReportParams, progress: Callable[[int, str], None]
) -> ReportContent:
    """The analytic report on one school in a year (see the module)."""
    school = _school(user, params)
    year = params.year
    years = [year - 2, year - 1, year]
    progress(10, "Чтение данных школы")
    outcome = school_outcome_for_year(user, school, year)
    territory, whole = _comparison_territory(user, school, outcome)
    rows = results_frame(result_rows(user, territory_path=territory.path, years=years))
    own = rows.filter(pl.col("school_id") == school.pk)
    if own.filter(pl.col("year") == year).is_empty():
        raise ValidationError(
            f"Нет результатов школы «{school.short_name}» за {year} год: загрузите их или "
            "выберите другой год."
        )
    outcomes = (
        pl.DataFrame(
            run_outcome_rows(user, outcome.run, territory.path),
            schema={
                name: pl.Int64
                if name == "school_id"
                else pl.Boolean
                if name in ("objectivity", "in_list")
                else pl.Float64
                for name in OUTCOME_ROW_FIELDS
            },
            orient="row",
        )
        if outcome is not None
        else None
    )
    names = {a.pk: a.name for a in catalogue()["assessments"]}
    progress(40, "Сравнение с территорией и похожими школами")
    similar = _similar(outcome, outcomes, school) if whole else set()
    content = ReportContent(
        title=f"Аналитическая справка по школе: {school.short_name} — {year}",
        subtitle=f"{school.name}; сравнение с территорией «{territory.name}»",
    )
    figures: dict[str, Any] = {"year": year, "school": school.short_name, "school_id": school.pk}
    content.sections.append(_identification(outcome, figures))
    visible = rows["school_id"].n_unique() if whole else 1
    section, facts = _results(rows, own, similar, school, territory, years, visible, names, figures)
    content.sections.append(section)
    progress(60, "Объективность, риски, дорожная карта, поддержка")
    warned, section = _objectivity(outcome, own, year)
    content.sections.append(section)
    content.sections.append(_risks(user, school))
    today = dates.today()
    overdue, section = _roadmap(user, school, today)
    content.sections.append(section)
    support, section = _support(user, school)
    content.sections.append(section)
    figures["objectivity"] = bool(warned)
    figures["overdue_activities"] = overdue
    figures.update(support)
    progress(90, "Выводы и рекомендации")
    content.sections.append(_conclusions(facts, outcome, own, year, visible))
    services = territory_services(user, school.territory)
    content.recommendations = _recommendations(
        school, services, facts, warned, overdue, support, today, year
    )
    content.figures = figures
    return content


def _similar(
    outcome: SchoolIdentification | None, outcomes: pl.DataFrame | None, school: Organization
) -> set[int]:
    """Schools of the list whose context percentile is within `SIMILAR_POINTS` of the
    school's (the school itself not counted)."""
    if outcome is None or outcomes is None or outcome.context_percentile is None:
        return set()
    own = outcome.context_percentile
    return set(
        outcomes.filter(
            (pl.col("context_percentile") - own).abs() <= SIMILAR_POINTS,
            pl.col("school_id") != school.pk,
        )["school_id"].to_list()
    )


def _status(outcome: SchoolIdentification) -> str:
    flags = [
        label
        for flag, label in (
            ("low_results", "ШНОР"),
            ("unfavourable", "ШНСУ"),
            ("risk", "группа риска"),
            ("resilient", "устойчивая (резилиентная)"),
            ("below_expected", "ниже ожидаемого с учётом контекста"),
            ("insufficient_data", "недостаточно данных"),
        )
        if getattr(outcome, flag)
    ]
    return ", ".join(flags) if flags else "не в списке, без особых отметок"


def _identification(outcome: SchoolIdentification | None, figures: dict[str, Any]) -> Section:
    section = Section(heading="Место школы в выявлении")
    if outcome is None:
        section.blocks.append(
            Paragraph(
                "Школа не входила в расчёты списков этого года и прошлых лет, доступные вам.",
                False,
            )
        )
        return section
    run = outcome.run
    state = "утверждён" if run.status == RunStatus.APPROVED else "не утверждён"
    figures["in_list"] = outcome.in_list
    figures["results_index"] = rounded(outcome.results_index)
    figures["results_percentile"] = rounded(outcome.results_percentile, 1)
    figures["context_percentile"] = rounded(outcome.context_percentile, 1)
    figures["years_in_status"] = outcome.years_in_status
    section.blocks.append(
        Paragraph(
            f"По списку {run.year} года ({run.territory.name}, {state}) школа: {_status(outcome)}.",
            False,
        )
    )
    change = str(Change(outcome.change).label) if outcome.change else "—"
    section.blocks.append(
        Table(
            caption=f"Показатели школы в списке {run.year} года",
            columns=["Показатель", "Значение"],
            rows=[
                ["В списке", "да" if outcome.in_list else "нет"],
                ["Статус", _status(outcome)],
                ["Индекс результатов", signed(outcome.results_index, 2)],
                ["Процентиль результатов на территории", num(outcome.results_percentile, 0)],
                ["Индекс контекста", signed(outcome.context_index, 2)],
                ["Процентиль контекста на территории", num(outcome.context_percentile, 0)],
                ["Ожидаемый индекс результатов при таком контексте", signed(outcome.expected, 2)],
                ["Отклонение от ожидаемого, ст. откл.", signed(outcome.residual_z, 2)],
                ["Лет в списке подряд", outcome.years_in_status],
                ["Изменение к прошлому году", change],
            ],
            note="Процентиль 0 — самая низкая школа территории, 100 — самая высокая.",
        )
    )
    for reason in outcome.reasons:
        section.blocks.append(Paragraph(str(reason.get("text", "")), False))
    return section


def _results(
    rows: pl.DataFrame,
    own: pl.DataFrame,
    similar: set[int],
    school: Organization,
    territory: Territory,
    years: list[int],
    visible: int,
    names: dict[int, str],
    figures: dict[str, Any],
) -> tuple[Section, dict[str, Any]]:
    """The school's works over the years against the territory and similar schools; the
    low share by year as a line and by work as bars."""
    year = years[-1]
    work = ["assessment_id", "subject", "grade", "year"]
    mine = {tuple(r[k] for k in work): r for r in summarise(own, work).iter_rows(named=True)}
    area = {tuple(r[k] for k in work): r for r in summarise(rows, work).iter_rows(named=True)}
    alike_rows = rows.filter(pl.col("school_id").is_in(sorted(similar)))
    alike = {
        tuple(r[k] for k in work): r for r in summarise(alike_rows, work).iter_rows(named=True)
    }
    compare = visible > 1
    keys = sorted(mine, key=lambda k: (names.get(k[0], ""), k[1], k[2], k[3]))
    table_rows: list[list[Any]] = []
    small: list[str] = []
    for key in keys:
        r, t, s = mine[key], area.get(key, {}), alike.get(key, {})
        label = f"{names.get(key[0], '')}: {work_label(key[1], key[2])}"
        if key[3] == year and (r["participants"] or 0) < SMALL_COHORT:
            small.append(label)
        table_rows.append(
            [
                names.get(key[0], "—"),
                key[1],
                key[2] or "—",
                key[3],
                int(r["participants"] or 0),
                num(r["mean_score"]),
                num(t.get("mean_score")) if compare else "—",
                num(s.get("mean_score")) if s else "—",
                num(r["share_fail"]),
                num(t.get("share_fail")) if compare else "—",
            ]
        )
    by_year_own = {r["year"]: r for r in summarise(own, ["year"]).iter_rows(named=True)}
    by_year_area = {r["year"]: r for r in summarise(rows, ["year"]).iter_rows(named=True)}
    by_year_alike = {r["year"]: r for r in summarise(alike_rows, ["year"]).iter_rows(named=True)}
    # A standardised result among the few schools one sees would rank nothing.
    index = school_index(rows if compare else rows.clear())
    own_index = {
        r["year"]: r["index"]
        for r in index.filter(pl.col("school_id") == school.pk).iter_rows(named=True)
    }
    figures["low_share"] = {
        str(y): rounded(by_year_own.get(y, {}).get("share_fail")) for y in years
    }
    figures["territory_low_share"] = {
        str(y): rounded(by_year_area.get(y, {}).get("share_fail")) if compare else None
        for y in years
    }
    figures["similar_schools"] = len(similar)
    figures["index_by_year"] = {str(y): rounded(own_index.get(y)) for y in years}
    section = Section(heading="Результаты оценочных процедур")
    now_own = by_year_own.get(year, {})
    now_area = by_year_area.get(year, {})
    text = (
        f"В {year} году доля «2» (недостаточного уровня) по всем работам школы — "
        f"{num(now_own.get('share_fail'))} %"
    )
    if compare:
        text += f", по территории «{territory.name}» — {num(now_area.get('share_fail'))} %"
    if similar:
        text += (
            f", у {schools_genitive(len(similar))} с похожим социальным контекстом — "
            f"{num(by_year_alike.get(year, {}).get('share_fail'))} %"
        )
    text += "."
    if not compare:
        text += (
            " Сравнение с территорией не приводится: оно доступно тем, кто видит все школы "
            "территории."
        )
    section.blocks.append(Paragraph(text, False))
    section.blocks.append(
        Table(
            caption=f"Результаты школы за {years[0]}–{year} годы",
            columns=[
                "Процедура",
                "Предмет",
                "Класс",
                "Год",
                "Участников",
                "Средний балл",
                "Средний балл по территории",
                "Средний балл похожих школ",
                "Доля «2», %",
                "Доля «2» по территории, %",
            ],
            rows=table_rows,
            note="Похожие школы — школы списка, процентиль социального контекста которых "
            f"отличается от школы не более чем на {num(SIMILAR_POINTS, 0)} пунктов. "
            "Средние взвешены по числу участников.",
        )
    )
    if small:
        section.blocks.append(
            Paragraph(
                f"Меньше {SMALL_COHORT} участников в {year} году: "
                + names_text(small, limit=8)
                + ". По таким работам доли меняются на десятки пунктов от одного-двух "
                "обучающихся: судить о них можно только по нескольким годам.",
                False,
            )
        )
    series = [
        Series(
            name=school.short_name,
            values=[rounded(by_year_own.get(y, {}).get("share_fail"), 1) for y in years],
        )
    ]
    if compare:
        series.append(
            Series(
                name="Территория",
                values=[rounded(by_year_area.get(y, {}).get("share_fail"), 1) for y in years],
            )
        )
    if similar:
        series.append(
            Series(
                name="Похожие школы",
                values=[rounded(by_year_alike.get(y, {}).get("share_fail"), 1) for y in years],
            )
        )
    section.blocks.append(
        Chart(
            caption="Доля «2» по годам: школа и территория",
            chart="line",
            categories=[str(y) for y in years],
            series=series,
            y_label="%",
        )
    )
    current = [k for k in keys if k[3] == year]
    bars = [
        Series(
            name=school.short_name,
            values=[rounded(mine[k]["share_fail"], 1) for k in current],
        )
    ]
    if compare:
        bars.append(
            Series(
                name="Территория",
                values=[rounded(area.get(k, {}).get("share_fail"), 1) for k in current],
            )
        )
    section.blocks.append(
        Chart(
            caption=f"Доля «2» по предметам и классам, {year}",
            chart="bar",
            categories=[f"{names.get(k[0], '')} {work_label(k[1], k[2])}" for k in current],
            series=bars,
            y_label="%",
        )
    )
    gaps = sorted(
        (
            (mine[k]["share_fail"] - area[k]["share_fail"], names.get(k[0], ""), k)
            for k in current
            if compare
            and mine[k]["share_fail"] is not None
            and area.get(k, {}).get("share_fail") is not None
        ),
        key=lambda item: (-item[0], item[1], item[2][1], item[2][2]),
    )
    facts = {
        "weak": [
            f"{name} — {work_label(k[1], k[2])}" for gap, name, k in gaps if gap >= GAP_POINTS
        ][:3],
        "low_share": now_own.get("share_fail"),
        "area_low_share": now_area.get("share_fail") if compare else None,
        "index": [own_index.get(y) for y in years],
        "small": small,
    }
    return section, facts


def _objectivity(
    outcome: SchoolIdentification | None, own: pl.DataFrame, year: int
) -> tuple[list[str], Section]:
    """The list's objectivity flag with its reasons, and the year's works whose marks
    disagree with the register."""
    warned: list[str] = []
    if outcome is not None and outcome.objectivity:
        warned += [
            str(r.get("text", "")) for r in outcome.reasons if r.get("flag") == "objectivity"
        ] or ["В списке отмечены признаки необъективности результатов."]
    register = own.filter(
        (pl.col("year") == year)
        & ((pl.col("share_raise") >= RAISE_SHARE) | (pl.col("share_lower") >= LOWER_SHARE))
    ).sort("assessment_id", "subject", "grade")
    for row in register.iter_rows(named=True):
        parts = []
        if (row["share_raise"] or 0) >= RAISE_SHARE:
            parts.append(f"повысили отметку по журналу {num(row['share_raise'])} %")
        if (row["share_lower"] or 0) >= LOWER_SHARE:
            parts.append(f"понизили {num(row['share_lower'])} %")
        warned.append(f"{work_label(row['subject'], row['grade'])}: " + ", ".join(parts) + ".")
    section = Section(heading="Объективность результатов")
    if not warned:
        section.blocks.append(Paragraph("Признаков необъективности не выявлено.", False))
        return warned, section
    section.blocks.append(
        Paragraph(
            "Есть признаки необъективности результатов. Это повод для перепроверки работ и "
            "наблюдения при проведении, а не вывод о нарушении; до проверки выводы о динамике "
            "результатов школы предварительны.",
            False,
        )
    )
    section.blocks.append(
        Table(
            caption="Признаки необъективности",
            columns=["Признак"],
            rows=[[text] for text in dict.fromkeys(warned)],
        )
    )
    return warned, section


def _risks(user: Any, school: Organization) -> Section:
    section = Section(heading="Профиль рисков")
    profile = risk_profile_latest(user, school)
    if profile is None:
        section.blocks.append(
            Paragraph("Профиль рисков по анкетированию 500+ для школы не рассчитан.", False)
        )
        return section
    levels = profile.levels or {}
    rows: list[list[Any]] = [
        [
            str(factor.label),
            str(RiskLevel(levels[factor.value]).label)
            if levels.get(factor.value)
            else "нет данных",
        ]
        for factor in RiskFactor
    ]
    high = [
        str(factor.label) for factor in RiskFactor if levels.get(factor.value) == RiskLevel.HIGH
    ]
    section.blocks.append(
        Paragraph(
            f"Профиль рисков {dates.academic_year_label(profile.year)} учебного года: "
            + (
                "высокий уровень — " + names_text([h.lower() for h in high], limit=10) + "."
                if high
                else "факторов высокого уровня нет."
            ),
            False,
        )
    )
    section.blocks.append(
        Table(caption="Уровни факторов риска", columns=["Фактор риска", "Уровень"], rows=rows)
    )
    return section


def _roadmap(user: Any, school: Organization, today: Any) -> tuple[int, Section]:
    section = Section(heading="Исполнение дорожной карты")
    progress = school_progress(user, school, today)
    if not progress:
        section.blocks.append(
            Paragraph("Дорожной карты на исполнении у школы нет (или она вам недоступна).", False)
        )
        return 0, section
    overdue = sum(p.overdue for p in progress)
    section.blocks.append(
        Table(
            caption=f"Исполнение мероприятий на {dates.date_ru(today)}",
            columns=[
                "Дорожная карта",
                "Выполнено в срок",
                "С опозданием",
                "Просрочено",
                "Предстоит",
                "Доля в срок, %",
            ],
            rows=[
                [p.label, p.on_time, p.late, p.overdue, p.upcoming, num(p.on_time_share)]
                for p in progress
            ],
        )
    )
    due = sum(p.due for p in progress)
    on_time = sum(p.on_time for p in progress)
    section.blocks.append(
        Paragraph(
            f"Из {due} мероприятий, срок которых наступил, в срок выполнено {on_time}, "
            f"просрочено {overdue}.",
            False,
        )
    )
    return overdue, section


def _support(user: Any, school: Organization) -> tuple[dict[str, Any], Section]:
    """Curator, mentor schools, visits and the state of their recommendations."""
    section = Section(heading="Полученная поддержка")
    curators = school_curators(user, school)
    if curators is None:
        curator = "назначен" if school_has_curator(school) else "не назначен"
    else:
        curator = ", ".join(a.curator.short_name for a in curators) or "не назначен"
    mentors = [m.short_name for m in school_mentors(user, [school.pk]).get(school.pk, [])]
    visits = school_visit_summary(user, school)
    statuses = {
        row["status"]: row["n"]
        for row in recommendation_list(user)
        .filter(school=school)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    }
    rows: list[list[Any]] = [
        ["Куратор", curator],
        ["Школа-наставник", ", ".join(mentors) or "нет"],
    ]
    if visits is not None:
        rows.append(
            [
                "Последние выезды",
                ", ".join(dates.date_ru(v.planned_on) for v in visits["visits"]) or "не было",
            ]
        )
    for status in RecommendationStatus:
        if statuses.get(status.value):
            rows.append([f"Рекомендации: {status.label.lower()}", statuses[status.value]])
    if visits is not None:
        rows.append(["Рекомендации с истёкшим сроком", visits["overdue"]])
    section.blocks.append(Table(caption="Поддержка школы", columns=["Что", "Сведения"], rows=rows))
    return {
        "has_curator": curator != "не назначен",
        "mentors": len(mentors),
        "recommendations_overdue": visits["overdue"] if visits is not None else 0,
    }, section


def _conclusions(
    facts: dict[str, Any],
    outcome: SchoolIdentification | None,
    own: pl.DataFrame,
    year: int,
    visible: int,
) -> Section:
    """A plain-Russian reading the analyst edits: what the figures show and how sure."""
    section = Section(heading="Выводы")
    low, area = facts["low_share"], facts["area_low_share"]
    text = ""
    if low is not None and area is not None:
        diff = low - area
        if diff >= GAP_POINTS:
            text = f"Доля «2» в школе выше, чем по территории, на {num(diff)} п. п."
        elif diff <= -GAP_POINTS:
            text = f"Доля «2» в школе ниже, чем по территории, на {num(-diff)} п. п."
        else:
            text = "Доля «2» в школе близка к средней по территории."
    if facts["weak"]:
        text += " Наибольшее отставание: " + sentence(names_text(facts["weak"]))
    index = facts["index"]
    if all(v is not None for v in index) and index[0] > index[1] > index[2]:
        text += (
            f" Результаты школы относительно других школ снижаются два года подряд "
            f"({signed(index[0], 2)} → {signed(index[1], 2)} → {signed(index[2], 2)} ст. откл.)."
        )
    elif all(v is not None for v in index[1:]) and index[2] - index[1] >= 0.3:
        text += " Результаты школы относительно других школ выросли к прошлому году."
    if outcome is not None and outcome.years_in_status >= 3:
        text += f" Школа в списке {outcome.years_in_status} года подряд."
    section.blocks.append(Paragraph(text.strip() or "Данных для сравнения недостаточно."))
    participants = int(own.filter(pl.col("year") == year)["participants"].sum() or 0)
    certainty = f"В {year} году в работах участвовали {participants} обучающихся школы. "
    if facts["small"]:
        certainty += (
            "По части работ участников мало, и различия в несколько пунктов могут быть "
            "случайными: выводы о них предварительны."
        )
    else:
        certainty += "Участников достаточно, чтобы различия в 5 п. п. и более не были случайными."
    if visible <= 1:
        certainty += " Сравнение с территорией в справке не приводится."
    section.blocks.append(Paragraph(certainty))
    return section


def _recommendations(
    school: Organization,
    services: dict[str, Organization],
    facts: dict[str, Any],
    warned: list[str],
    overdue: int,
    support: dict[str, Any],
    today: Any,
    year: int,
) -> list[DraftRecommendation]:
    """To the school always; to the curator when results fall two years running or the
    visits' recommendations are overdue; to the methodical centre on objectivity flags."""
    out: list[DraftRecommendation] = []
    weak = facts["weak"]
    out.append(
        DraftRecommendation(
            text="Провести анализ результатов оценочных процедур "
            f"{year} года на педагогическом совете"
            + (f" с разбором работ: {names_text(weak)}" if weak else "")
            + "; определить дефициты обучающихся и включить меры по их устранению "
            "в дорожную карту.",
            addressee=Addressee.SCHOOL,
            organization_id=school.pk,
            due_on=due_this_quarter(today),
        )
    )
    if overdue:
        out.append(
            DraftRecommendation(
                text=f"Выполнить просроченные мероприятия дорожной карты ({overdue}) или "
                "перенести их сроки с обоснованием.",
                addressee=Addressee.SCHOOL,
                organization_id=school.pk,
                due_on=due_this_quarter(today),
            )
        )
    index = facts["index"]
    falling = all(v is not None for v in index) and index[0] > index[1] > index[2]
    if falling or support.get("recommendations_overdue"):
        reason = (
            "результаты школы снижаются два года подряд"
            if falling
            else "у школы есть рекомендации с истёкшим сроком"
        )
        out.append(
            DraftRecommendation(
                text=f"Куратору: {reason} — согласовать со школой план выхода из ситуации, "
                "провести выезд с посещением уроков и проследить исполнение рекомендаций.",
                addressee=Addressee.CURATOR,
                organization_id=school.pk,
                due_on=due_this_quarter(today),
            )
        )
    if warned:
        centre = services.get(OrganizationKind.METHODICAL_CENTRE)
        out.append(
            DraftRecommendation(
                text="Провести перепроверку работ школы и организовать независимое наблюдение "
                "при проведении следующей оценочной процедуры (признаки необъективности).",
                addressee=Addressee.METHODICAL_CENTRE,
                organization_id=centre.pk if centre else None,
                due_on=due_next_quarter(today),
            )
        )
    return out
