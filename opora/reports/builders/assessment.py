"""«Анализ результатов оценочной процедуры»: one assessment over a territory and a year, by
subject and grade against the two previous years, by district, the lowest schools and the
biggest falls, results against context and objectivity warnings (seed 001 items 3.4, 4.6).

A constant number of queries whatever the number of schools: the rows come through the
apps' selectors in a few reads and are computed column-wise with Polars and NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError

from opora.core import dates
from opora.identification.selectors import (
    OUTCOME_ROW_FIELDS,
    run_for_territory,
    run_outcome_rows,
)
from opora.registry.choices import OrganizationKind
from opora.registry.models import Territory
from opora.registry.selectors import territory_children, territory_in_reach, territory_services
from opora.reports.analysis import (
    BELOW_CONTEXT_Z,
    GAP_Z,
    JUMP_Z,
    LOWER_SHARE,
    RAISE_SHARE,
    SMALL_COHORT,
    due_next_quarter,
    due_this_quarter,
    line_fit,
    names_text,
    num,
    results_frame,
    rounded,
    school_index,
    schools_genitive,
    schools_text,
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
from opora.results.models import Assessment
from opora.results.selectors import assessment_find, catalogue, result_rows
from opora.support.choices import Addressee

# How many schools the lists of the lowest and the falling name.
LISTED = 10
# How many of the lowest schools get a recommendation of their own.
ADDRESSED = 5


@dataclass
class Measures:
    """Which figure of the assessment says «low» and «high», and how to call it."""

    low: str
    low_label: str
    high: str | None
    high_label: str


def measures_of(assessment: Assessment, frame: pl.DataFrame) -> Measures:
    """ВПР, ОГЭ, КДР: the share of «2»; ЕГЭ: below the minimum score; the high results where
    the data have them."""
    known = {m for m in ("share_fail", "share_below_min", "share_good") if frame[m].count()}
    if "share_fail" in known or "share_below_min" not in known:
        low = "share_fail"
        label = "Доля «2», %" if assessment.has_marks else "Доля недостаточного уровня, %"
    else:
        low, label = "share_below_min", "Доля ниже минимального балла, %"
    high_label = "Доля «4» и «5», %" if assessment.has_marks else "Доля высоких результатов, %"
    return Measures(low, label, "share_good" if "share_good" in known else None, high_label)


def _check(user: Any, params: ReportParams) -> tuple[Territory, Assessment]:
    """The territory and assessment of the report, or a Russian refusal (nothing read yet)."""
    territory = territory_in_reach(user, params.territory_id)
    if territory is None:
        raise ValidationError(
            "Территория не найдена или недоступна: анализ строится по территории, "
            "которую вы видите целиком."
        )
    assessment = assessment_find(params.assessment_id)
    if assessment is None:
        raise ValidationError("Оценочная процедура не выбрана или не найдена.")
    return territory, assessment


def _value(frame: pl.DataFrame, column: str) -> float | None:
    if frame.is_empty():
        return None
    value = frame[column][0]
    return None if value is None else float(value)


@report_builder(ReportKind.ASSESSMENT)
def build_assessment(
    user: Any, params: ReportParams, progress: Callable[[int, str], None]
) -> ReportContent:
    """The analysis of one assessment over a territory in a year (see the module)."""
    territory, assessment = _check(user, params)
    year = params.year
    years = [year - 2, year - 1, year]
    progress(10, "Чтение результатов")
    frame = results_frame(
        result_rows(user, territory_path=territory.path, years=years, assessment_id=assessment.pk)
    )
    now = frame.filter(pl.col("year") == year)
    if now.is_empty():
        raise ValidationError(
            f"Нет результатов «{assessment.name}» за {year} год по территории "
            f"«{territory.name}»: загрузите их или выберите другой год."
        )
    others = results_frame(
        result_rows(
            user, territory_path=territory.path, years=[year], exclude_assessment_id=assessment.pk
        )
    )
    names = {a.pk: a.name for a in catalogue()["assessments"]}
    run = run_for_territory(user, territory, year)
    outcomes = (
        pl.DataFrame(
            run_outcome_rows(user, run, territory.path),
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
        if run is not None
        else None
    )
    districts = list(territory_children(user, territory).order_by("path"))
    services = territory_services(user, territory)
    progress(40, "Расчёт показателей")

    m = measures_of(assessment, frame)
    index = school_index(frame)
    schools = (
        frame.group_by("school_id")
        .agg(pl.col("school").first(), pl.col("path").first())
        .sort("school_id")
    )
    name_of = dict(zip(schools["school_id"].to_list(), schools["school"].to_list(), strict=True))
    path_of = dict(zip(schools["school_id"].to_list(), schools["path"].to_list(), strict=True))
    district_of_path = _district_names(districts)

    def district_of(school_id: int) -> str:
        path = path_of.get(school_id, "")
        for prefix, name in district_of_path:
            if path.startswith(prefix):
                return name
        return "—"

    content = ReportContent(
        title=f"Анализ результатов {assessment.name} — {year}",
        subtitle=f"{territory.name}; сравнение с {year - 2} и {year - 1} годами",
    )
    figures: dict[str, Any] = {
        "year": year,
        "assessment": assessment.name,
        "territory": territory.name,
        "low_measure": m.low_label,
    }

    by_work = summarise(frame, ["subject", "grade", "year"])
    totals = summarise(frame, ["year"])
    section, work_facts = _by_work(by_work, totals, m, years, figures)
    content.sections.append(section)
    progress(55, "Районы и школы")
    content.sections.append(
        _by_district(frame, index, m, years, districts, district_of_path, figures)
    )
    lowest, falling, section = _lowest_and_falling(
        now, index, m, year, name_of, district_of, figures
    )
    content.sections.append(section)
    progress(70, "Контекст и объективность")
    below, section = _against_context(index, outcomes, run, year, name_of, figures)
    content.sections.append(section)
    warned, section = _objectivity(
        frame, others, index, outcomes, year, name_of, names, assessment, figures
    )
    content.sections.append(section)
    progress(90, "Выводы и рекомендации")
    content.sections.append(
        _conclusions(now, work_facts, lowest, falling, below, warned, m, assessment, year)
    )
    content.recommendations = _recommendations(
        services, work_facts, lowest, warned, name_of, m, assessment, year
    )
    content.figures = figures
    return content


def _district_names(districts: list[Territory]) -> list[tuple[str, str]]:
    return [(d.path, d.name) for d in districts]


def _by_work(
    by_work: pl.DataFrame,
    totals: pl.DataFrame,
    m: Measures,
    years: list[int],
    figures: dict[str, Any],
) -> tuple[Section, list[dict[str, Any]]]:
    """Participation, mean score and the low (and high) share per subject and grade over the
    three years: two tables and a chart."""
    year = years[-1]
    cell: dict[tuple[str, int, int], dict[str, Any]] = {
        (r["subject"], r["grade"], r["year"]): r for r in by_work.iter_rows(named=True)
    }
    works = sorted({(s, g) for s, g, y in cell if y == year}, key=lambda w: (w[0], w[1]))
    scores_rows: list[list[Any]] = []
    shares_rows: list[list[Any]] = []
    facts: list[dict[str, Any]] = []
    for subject, grade in works:
        row = {y: cell.get((subject, grade, y), {}) for y in years}
        mean = [row[y].get("mean_score") for y in years]
        low = [row[y].get(m.low) for y in years]
        mean_change = None if mean[1] is None or mean[2] is None else mean[2] - mean[1]
        low_change = None if low[1] is None or low[2] is None else low[2] - low[1]
        scores_rows.append(
            [
                subject,
                grade or "—",
                row[year].get("schools", 0),
                int(row[year].get("participants") or 0),
                *(num(v) for v in mean),
                signed(mean_change),
            ]
        )
        shares_rows.append(
            [
                subject,
                grade or "—",
                *(num(v) for v in low),
                signed(low_change),
                *([num(row[year].get(m.high))] if m.high else []),
            ]
        )
        facts.append(
            {
                "label": work_label(subject, grade),
                "low": low[2],
                "low_change": low_change,
                "participants": int(row[year].get("participants") or 0),
            }
        )
    total = {r["year"]: r for r in totals.iter_rows(named=True)}
    now, before = total.get(year, {}), total.get(year - 1, {})
    figures["schools"] = int(now.get("schools") or 0)
    figures["participants"] = int(now.get("participants") or 0)
    figures["low_share"] = rounded(now.get(m.low))
    figures["low_share_previous"] = rounded(before.get(m.low))
    figures["by_work"] = {
        f["label"]: {"low": rounded(f["low"]), "change": rounded(f["low_change"])} for f in facts
    }
    change = (
        None if now.get(m.low) is None or before.get(m.low) is None else now[m.low] - before[m.low]
    )
    text = (
        f"В {year} году в работе участвовали {figures['participants']} обучающихся "
        f"из {schools_genitive(figures['schools'])}. {m.low_label.removesuffix(', %')} по всем "
        f"предметам и классам — {num(now.get(m.low))} %"
    )
    if change is not None:
        text += f" ({signed(change)} п. п. к {year - 1} году)."
    else:
        text += f"; данных за {year - 1} год для сравнения нет."
    section = Section(heading="Участие и результаты по предметам и классам")
    section.blocks.append(Paragraph(text, editable=False))
    section.blocks.append(
        Table(
            caption="Участие и средний балл",
            columns=[
                "Предмет",
                "Класс",
                f"Школ, {year}",
                f"Участников, {year}",
                *(f"Средний балл, {y}" for y in years),
                f"Изменение к {year - 1}",
            ],
            rows=scores_rows,
        )
    )
    section.blocks.append(
        Table(
            caption=m.low_label.removesuffix(", %") + " по годам",
            columns=[
                "Предмет",
                "Класс",
                *(f"{m.low_label.removesuffix(', %')}, {y}, %" for y in years),
                f"Изменение к {year - 1}, п. п.",
                *([f"{m.high_label.removesuffix(', %')}, {year}, %"] if m.high else []),
            ],
            rows=shares_rows,
            note="Доли взвешены по числу участников школ.",
        )
    )
    section.blocks.append(
        Chart(
            caption=f"{m.low_label} по предметам и классам",
            chart="bar",
            categories=[f["label"] for f in facts],
            series=[
                Series(
                    name=str(y),
                    values=[rounded(cell.get((s, g, y), {}).get(m.low), 1) for s, g in works],
                )
                for y in years
            ],
            y_label="%",
        )
    )
    return section, facts


def _by_district(
    frame: pl.DataFrame,
    index: pl.DataFrame,
    m: Measures,
    years: list[int],
    districts: list[Territory],
    district_paths: list[tuple[str, str]],
    figures: dict[str, Any],
) -> Section:
    section = Section(heading="Результаты по районам")
    year = years[-1]
    if not districts:
        section.blocks.append(
            Paragraph("У территории нет районов: сравнение по районам не проводится.", False)
        )
        return section
    # Child territories' paths are one step longer than the territory's: a school's district
    # is the start of its own path (a join, not a scan per district).
    mapping = pl.DataFrame(
        {"prefix": [p for p, _ in district_paths], "district": [n for _, n in district_paths]}
    )
    tagged = frame.with_columns(
        pl.col("path").str.slice(0, len(district_paths[0][0])).alias("prefix")
    ).join(mapping, on="prefix")
    by_district = summarise(tagged, ["district", "year"])
    cell = {(r["district"], r["year"]): r for r in by_district.iter_rows(named=True)}
    with_index = (
        index.filter(pl.col("year") == year)
        .join(
            tagged.select("school_id", "district").unique(),
            on="school_id",
        )
        .group_by("district")
        .agg(pl.col("index").mean())
    )
    mean_index = dict(
        zip(with_index["district"].to_list(), with_index["index"].to_list(), strict=True)
    )
    rows: list[list[Any]] = []
    chart: list[tuple[str, float | None]] = []
    figures["districts"] = {}
    for _, name in district_paths:
        now = cell.get((name, year))
        if now is None:
            continue
        before = cell.get((name, year - 1), {})
        change = (
            None
            if now.get(m.low) is None or before.get(m.low) is None
            else now[m.low] - before[m.low]
        )
        rows.append(
            [
                name,
                now["schools"],
                int(now["participants"] or 0),
                num(before.get(m.low)),
                num(now.get(m.low)),
                signed(change),
                *([num(now.get(m.high))] if m.high else []),
                signed(mean_index.get(name), 2),
            ]
        )
        chart.append((name, rounded(now.get(m.low), 1)))
        figures["districts"][name] = {"low": rounded(now.get(m.low)), "change": rounded(change)}
    low_name = m.low_label.removesuffix(", %")
    section.blocks.append(
        Table(
            caption="Результаты по районам",
            columns=[
                "Район",
                "Школ",
                "Участников",
                f"{low_name}, {year - 1}, %",
                f"{low_name}, {year}, %",
                "Изменение, п. п.",
                *([f"{m.high_label.removesuffix(', %')}, {year}, %"] if m.high else []),
                "Средний результат школ, ст. откл.",
            ],
            rows=rows,
            note="Средний результат школ — среднее стандартизованных средних баллов школ по "
            "работам (0 — средний уровень территории).",
        )
    )
    if chart:
        section.blocks.append(
            Chart(
                caption=f"{m.low_label} по районам, {year}",
                chart="barh",
                categories=[c for c, _ in chart],
                series=[Series(name=str(year), values=[v for _, v in chart])],
                y_label="%",
            )
        )
    return section


def _lowest_and_falling(
    now: pl.DataFrame,
    index: pl.DataFrame,
    m: Measures,
    year: int,
    name_of: dict[int, str],
    district_of: Callable[[int], str],
    figures: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Section]:
    """The schools with the lowest standardised result in the year and with the biggest fall
    of it against the year before (schools are organisations: named; never pupils)."""
    per_school = summarise(now, ["school_id"])
    info = {r["school_id"]: r for r in per_school.iter_rows(named=True)}
    current = {
        r["school_id"]: r["index"]
        for r in index.filter(pl.col("year") == year).iter_rows(named=True)
    }
    previous = {
        r["school_id"]: r["index"]
        for r in index.filter(pl.col("year") == year - 1).iter_rows(named=True)
    }
    order = sorted(current, key=lambda pk: (current[pk], name_of.get(pk, ""), pk))
    lowest = [
        {
            "school_id": pk,
            "index": current[pk],
            "low": info.get(pk, {}).get(m.low),
            "participants": int(info.get(pk, {}).get("participants") or 0),
        }
        for pk in order[:LISTED]
    ]
    changes = {pk: current[pk] - previous[pk] for pk in current if pk in previous}
    falling = [
        {"school_id": pk, "before": previous[pk], "now": current[pk], "change": change}
        for pk, change in sorted(changes.items(), key=lambda item: (item[1], item[0]))
        if change < 0
    ][:LISTED]
    figures["lowest_school_ids"] = [row["school_id"] for row in lowest]
    figures["falling_school_ids"] = [row["school_id"] for row in falling]

    def mark(pk: int) -> str:
        small = int(info.get(pk, {}).get("participants") or 0) < SMALL_COHORT
        return name_of.get(pk, "—") + (" *" if small else "")

    section = Section(heading="Школы с самыми низкими результатами и наибольшим снижением")
    section.blocks.append(
        Table(
            caption=f"Школы с самыми низкими результатами, {year}",
            columns=[
                "№",
                "Школа",
                "Район",
                "Участников",
                m.low_label,
                "Результат, ст. откл.",
                f"Результат в {year - 1}, ст. откл.",
            ],
            rows=[
                [
                    n,
                    mark(row["school_id"]),
                    district_of(row["school_id"]),
                    row["participants"],
                    num(row["low"]),
                    signed(row["index"], 2),
                    signed(previous.get(row["school_id"]), 2),
                ]
                for n, row in enumerate(lowest, 1)
            ],
            note="Результат — среднее стандартизованных средних баллов школы по работам "
            "(0 — средний уровень территории, −1 — на одно стандартное отклонение ниже). "
            f"* — меньше {SMALL_COHORT} участников: результат неустойчив.",
        )
    )
    if falling:
        section.blocks.append(
            Table(
                caption=f"Наибольшее снижение результата к {year - 1} году",
                columns=["№", "Школа", "Район", f"{year - 1}", f"{year}", "Изменение"],
                rows=[
                    [
                        n,
                        mark(row["school_id"]),
                        district_of(row["school_id"]),
                        signed(row["before"], 2),
                        signed(row["now"], 2),
                        signed(row["change"], 2),
                    ]
                    for n, row in enumerate(falling, 1)
                ],
                note="Изменение положения школы относительно других школ территории, "
                "в стандартных отклонениях.",
            )
        )
    else:
        section.blocks.append(
            Paragraph(f"Нет школ, результаты которых можно сравнить с {year - 1} годом.", False)
        )
    return lowest, falling, section


def _against_context(
    index: pl.DataFrame,
    outcomes: pl.DataFrame | None,
    run: Any,
    year: int,
    name_of: dict[int, str],
    figures: dict[str, Any],
) -> tuple[list[dict[str, Any]], Section]:
    """Schools below what their social context predicts: this assessment's standardised
    result against the context index of the identification list, a straight line fitted
    with NumPy."""
    section = Section(heading="Результаты с учётом социального контекста")
    if outcomes is None:
        section.blocks.append(
            Paragraph(
                "Нет расчёта списка с индексом социального контекста за этот год или ранее: "
                "сравнение с контекстом не выполнено.",
                False,
            )
        )
        return [], section
    joined = (
        index.filter(pl.col("year") == year)
        .join(outcomes.select("school_id", "context_index"), on="school_id")
        .filter(pl.col("context_index").is_not_null())
        .sort("school_id")
    )
    fit = line_fit(joined["context_index"].to_list(), joined["index"].to_list())
    if fit is None:
        section.blocks.append(
            Paragraph(
                "Слишком мало школ с известным индексом контекста, чтобы оценить связь "
                "результатов с контекстом.",
                False,
            )
        )
        return [], section
    joined = joined.with_columns(
        (pl.col("context_index") * fit.slope + fit.intercept).alias("expected")
    ).with_columns(((pl.col("index") - pl.col("expected")) / fit.residual_sd).alias("z"))
    below = [
        row
        for row in sorted(joined.iter_rows(named=True), key=lambda r: (r["z"], r["school_id"]))
        if row["z"] <= BELOW_CONTEXT_Z
    ]
    figures["context_slope"] = rounded(fit.slope, 3)
    figures["context_r2"] = rounded(fit.r2, 3)
    figures["below_context_school_ids"] = [row["school_id"] for row in below]
    section.blocks.append(
        Paragraph(
            f"Школ с известным индексом контекста — {fit.count} (список «{run}»). "
            f"При контексте, лучшем на одно стандартное отклонение, результат в среднем "
            f"{'выше' if fit.slope >= 0 else 'ниже'} на {num(abs(fit.slope), 2)} ст. откл.; "
            f"контекст объясняет {num(100 * fit.r2, 0)} % различий результатов школ. "
            f"Ниже ожидаемого с учётом контекста (на {num(-BELOW_CONTEXT_Z, 1)} ст. откл. "
            f"и более): {schools_text(len(below))}.",
            False,
        )
    )
    if below:
        section.blocks.append(
            Table(
                caption="Школы с результатами ниже ожидаемого при их контексте",
                columns=[
                    "Школа",
                    "Индекс контекста",
                    "Результат",
                    "Ожидаемый результат",
                    "Отклонение, ст. откл.",
                ],
                rows=[
                    [
                        name_of.get(row["school_id"], "—"),
                        signed(row["context_index"], 2),
                        signed(row["index"], 2),
                        signed(row["expected"], 2),
                        signed(row["z"], 2),
                    ]
                    for row in below[:LISTED]
                ],
                note="Ожидаемый результат — по прямой, проведённой методом наименьших "
                "квадратов через результаты всех школ территории.",
            )
        )
    return below, section


def _objectivity(
    frame: pl.DataFrame,
    others: pl.DataFrame,
    index: pl.DataFrame,
    outcomes: pl.DataFrame | None,
    year: int,
    name_of: dict[int, str],
    names: dict[int, str],
    assessment: Assessment,
    figures: dict[str, Any],
) -> tuple[list[int], Section]:
    """Schools whose results jump above their previous years, disagree with the register or
    with another assessment of the year, or that the identification list flagged."""
    found: dict[int, list[tuple[str, str]]] = {}
    current = index.filter(pl.col("year") == year)
    earlier = index.filter(pl.col("year") < year).group_by("school_id").agg(pl.col("index").mean())
    jumps = current.join(earlier, on="school_id", suffix="_before").filter(
        pl.col("index") - pl.col("index_before") >= JUMP_Z
    )
    for row in jumps.sort("school_id").iter_rows(named=True):
        found.setdefault(row["school_id"], []).append(
            (
                "Резкий рост результата",
                f"{signed(row['index'], 2)} ст. откл. против {signed(row['index_before'], 2)} "
                "в среднем за прошлые годы",
            )
        )
    register = frame.filter(
        (pl.col("year") == year)
        & ((pl.col("share_raise") >= RAISE_SHARE) | (pl.col("share_lower") >= LOWER_SHARE))
    ).sort("school_id", "subject", "grade")
    # One line per school: the works whose marks disagree, together.
    disagreements: dict[int, list[str]] = {}
    for row in register.iter_rows(named=True):
        parts = []
        if (row["share_raise"] or 0) >= RAISE_SHARE:
            parts.append(f"повысили отметку по журналу {num(row['share_raise'])} %")
        if (row["share_lower"] or 0) >= LOWER_SHARE:
            parts.append(f"понизили {num(row['share_lower'])} %")
        disagreements.setdefault(row["school_id"], []).append(
            f"{work_label(row['subject'], row['grade'])}: " + ", ".join(parts)
        )
    for pk, works in disagreements.items():
        found.setdefault(pk, []).append(("Расхождение с отметками по журналу", "; ".join(works)))
    if not others.is_empty():
        other_index = _index_by_assessment(others)
        gaps = (
            current.join(other_index, on="school_id")
            .with_columns((pl.col("index") - pl.col("other")).alias("gap"))
            .filter(pl.col("gap").abs() >= GAP_Z)
            .sort("school_id", "assessment_id")
        )
        for row in gaps.iter_rows(named=True):
            other = names.get(row["assessment_id"], "другая процедура")
            found.setdefault(row["school_id"], []).append(
                (
                    f"Расхождение с {other}",
                    f"{assessment.name}: {signed(row['index'], 2)} ст. откл., "
                    f"{other}: {signed(row['other'], 2)} ст. откл.",
                )
            )
    if outcomes is not None:
        # The list's flag speaks of the school's results in general: named for the schools
        # that wrote this assessment.
        for pk in outcomes.filter(pl.col("objectivity"))["school_id"].to_list():
            if pk not in name_of:
                continue
            found.setdefault(pk, []).append(
                ("Отмечена в списке", "признаки необъективности по расчёту списка")
            )
    section = Section(heading="Признаки необъективности")
    warned = sorted(found, key=lambda pk: (name_of.get(pk, ""), pk))
    figures["objectivity_school_ids"] = warned
    if not warned:
        section.blocks.append(
            Paragraph("Признаков необъективности результатов не выявлено.", False)
        )
        return warned, section
    section.blocks.append(
        Paragraph(
            f"Признаки необъективности у {schools_genitive(len(warned))}. Это повод для проверки "
            "(перепроверки работ, наблюдения при проведении), а не вывод о нарушении.",
            False,
        )
    )
    section.blocks.append(
        Table(
            caption="Признаки необъективности результатов",
            columns=["Школа", "Признак", "Подробности"],
            rows=[
                [name_of.get(pk, "—"), what, detail] for pk in warned for what, detail in found[pk]
            ],
            note=f"Резкий рост — на {num(JUMP_Z)} ст. откл. и более; расхождение с другой "
            f"процедурой — на {num(GAP_Z)} ст. откл. и более; с журналом — повысили отметку "
            f"{num(RAISE_SHARE, 0)} % и более или понизили {num(LOWER_SHARE, 0)} % и более.",
        )
    )
    return warned, section


def _index_by_assessment(others: pl.DataFrame) -> pl.DataFrame:
    """Each school's standardised result in each other assessment of the year."""
    frames = [
        school_index(part).select(
            "school_id", pl.col("index").alias("other"), pl.lit(key[0]).alias("assessment_id")
        )
        for key, part in others.partition_by("assessment_id", as_dict=True).items()
    ]
    if not frames:
        return pl.DataFrame(
            schema={"school_id": pl.Int64, "other": pl.Float64, "assessment_id": pl.Int64}
        )
    return pl.concat(frames)


def _conclusions(
    now: pl.DataFrame,
    facts: list[dict[str, Any]],
    lowest: list[dict[str, Any]],
    falling: list[dict[str, Any]],
    below: list[dict[str, Any]],
    warned: list[int],
    m: Measures,
    assessment: Assessment,
    year: int,
) -> Section:
    """A plain-Russian reading the analyst edits: what the figures show and how sure."""
    section = Section(heading="Выводы")
    known = [f for f in facts if f["low"] is not None]
    low_name = m.low_label.removesuffix(", %").lower()
    if known:
        weakest = sorted(known, key=lambda f: (-f["low"], f["label"]))[:2]
        worse = [f for f in known if (f["low_change"] or 0) >= 2]
        better = [f for f in known if (f["low_change"] or 0) <= -2]
        text = (
            f"Наиболее высокая {low_name} — "
            + names_text([f"{f['label']} ({num(f['low'])} %)" for f in weakest])
            + "."
        )
        if worse:
            text += f" Ухудшение к {year - 1} году: " + sentence(
                names_text([f["label"] for f in worse])
            )
        if better:
            text += " Улучшение: " + sentence(names_text([f["label"] for f in better]))
        if not worse and not better:
            text += f" Заметных изменений к {year - 1} году (на 2 п. п. и более) нет."
        section.blocks.append(Paragraph(text))
    if falling:
        section.blocks.append(
            Paragraph(
                f"Школ в таблице наибольшего снижения: {len(falling)}; ниже ожидаемого с учётом "
                f"контекста: {len(below)}; "
                f"с признаками необъективности: {len(warned)}."
            )
        )
    small = (
        now.group_by("school_id")
        .agg(pl.col("participants").sum())
        .filter(pl.col("participants") < SMALL_COHORT)
        .height
    )
    certainty = (
        "Выводы о территории и районах опираются на всех участников и устойчивы. "
        "Выводы об отдельных школах осторожнее: разница в несколько пунктов между школами "
        "может быть случайной."
    )
    if small:
        certainty += (
            f" У {schools_genitive(small)} меньше {SMALL_COHORT} участников: их доли и места "
            "в списках могут меняться от года к году случайно, судить о них лучше по "
            "нескольким годам."
        )
    section.blocks.append(Paragraph(certainty))
    return section


def _recommendations(
    services: dict[str, Any],
    facts: list[dict[str, Any]],
    lowest: list[dict[str, Any]],
    warned: list[int],
    name_of: dict[int, str],
    m: Measures,
    assessment: Assessment,
    year: int,
) -> list[DraftRecommendation]:
    """To the methodical centre (seminars on the weakest works), to the lowest schools, to
    the authority (objectivity checks); due by the end of this or the next quarter."""
    today = dates.today()
    out: list[DraftRecommendation] = []
    centre = services.get(OrganizationKind.METHODICAL_CENTRE)
    authority = services.get(OrganizationKind.EDUCATION_AUTHORITY)
    weakest = sorted(
        [f for f in facts if f["low"] is not None], key=lambda f: (-f["low"], f["label"])
    )[:2]
    if weakest:
        out.append(
            DraftRecommendation(
                text=f"Провести методические семинары для учителей по результатам "
                f"{assessment.name} {year} года: "
                + names_text([f["label"] for f in weakest])
                + " — разбор типичных ошибок и заданий с наименьшей долей выполнения.",
                addressee=Addressee.METHODICAL_CENTRE,
                organization_id=centre.pk if centre else None,
                due_on=due_next_quarter(today),
            )
        )
    for row in lowest[:ADDRESSED]:
        if row["index"] >= 0:
            continue
        out.append(
            DraftRecommendation(
                text=f"Проанализировать результаты {assessment.name} {year} года по предметам "
                f"и классам ({m.low_label.removesuffix(', %').lower()} — {num(row['low'])} %), "
                "выявить дефициты и включить меры по их устранению в дорожную карту школы.",
                addressee=Addressee.SCHOOL,
                organization_id=row["school_id"],
                due_on=due_this_quarter(today),
            )
        )
    if warned:
        out.append(
            DraftRecommendation(
                text="Организовать проверку объективности результатов "
                f"{assessment.name} {year} года (перепроверка работ, независимые наблюдатели "
                "при проведении) в школах: "
                + names_text([name_of.get(pk, "—") for pk in warned], limit=10)
                + ".",
                addressee=Addressee.AUTHORITY,
                organization_id=authority.pk if authority else None,
                due_on=due_next_quarter(today),
            )
        )
    return out
