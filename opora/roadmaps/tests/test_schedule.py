"""Schedules («сроки»): the Russian wording parsed into structure, due dates per academic year,
the short description, and the real seed roadmaps' schedule columns. No database needed."""

import datetime
import re
from pathlib import Path

import pytest

from opora.roadmaps.choices import ScheduleKind
from opora.roadmaps.schedule import Schedule, describe, due_dates, month_of, parse_schedule

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"

D = datetime.date
K = ScheduleKind


def test_seeds_path_points_at_the_shared_seeds_folder():
    # tests → roadmaps → opora → main → the folder holding both main and shared.
    assert SEEDS.parts[-2:] == ("shared", "seeds")
    assert SEEDS.parent.parent == Path(__file__).resolve().parents[3].parent


# --- parsing: every kind -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "periods", "years"),
    [
        ("июнь 2020", K.MONTHS, ((6, 6),), (2020,)),
        ("ноябрь 2020 г.", K.MONTHS, ((11, 11),), (2020,)),
        ("сентябрь-декабрь", K.MONTHS, ((9, 12),), ()),
        ("Февраль-март", K.MONTHS, ((2, 3),), ()),
        ("Сентябрь –октябрь 2021", K.MONTHS, ((9, 10),), (2021,)),
        ("Февраль - декабрь", K.MONTHS, ((2, 12),), ()),
        ("январь—март", K.MONTHS, ((1, 3),), ()),
        ("с сентября по декабрь", K.MONTHS, ((9, 12),), ()),
        ("Сентябрь, октябрь", K.MONTHS, ((9, 9), (10, 10)), ()),
        ("ежегодно (август)", K.ANNUAL, ((8, 8),), ()),
        ("ежегодно (январь, июнь)", K.ANNUAL, ((1, 1), (6, 6)), ()),
        ("ежегодно (август-сентябрь)", K.ANNUAL, ((8, 9),), ()),
        ("(ежегодно) ноябрь-декабрь", K.ANNUAL, ((11, 12),), ()),
        ("ежегодно сентябрь", K.ANNUAL, ((9, 9),), ()),
        ("каждый год в мае", K.ANNUAL, ((5, 5),), ()),
        ("Ежегодно", K.ANNUAL, (), ()),
        ("1 раз в год", K.ANNUAL, (), ()),
        ("1 раз в полугодие", K.HALF_YEAR, (), ()),
        ("1 раз полугодие по графику", K.HALF_YEAR, (), ()),
        ("раз в полугодие", K.HALF_YEAR, (), ()),
        ("по полугодиям", K.HALF_YEAR, (), ()),
        ("2 раза в год", K.HALF_YEAR, (), ()),
        ("ежеквартально", K.QUARTER, (), ()),
        ("1 раз в квартал", K.QUARTER, (), ()),
        ("по кварталам", K.QUARTER, (), ()),
        ("ежемесячно", K.MONTHLY, (), ()),
        ("1 раз в месяц", K.MONTHLY, (), ()),
        ("весь период", K.THROUGHOUT, (), ()),
        ("В течение всего периода реализации «дорожной карты»", K.THROUGHOUT, (), ()),
        ("в течение года", K.THROUGHOUT, (), ()),
        ("В течение учебного года", K.THROUGHOUT, (), ()),
        ("в течение каждого года", K.THROUGHOUT, (), ()),
        ("постоянно", K.THROUGHOUT, (), ()),
        ("систематически", K.THROUGHOUT, (), ()),
        ("В течение года (еженедельно)", K.THROUGHOUT, (), ()),
        ("в течение 2021 года", K.THROUGHOUT, (), (2021,)),
        ("по отдельному графику", K.SEPARATE, (), ()),
        ("По графику", K.SEPARATE, (), ()),
        ("по плану работы ОО", K.SEPARATE, (), ()),
        ("В соответствии с планом работы управления образования", K.SEPARATE, (), ()),
        ("в соответствии с планами РМО", K.SEPARATE, (), ()),
        ("ежегодно по графику проведения диагностической работы", K.SEPARATE, (), ()),
        ("по результатам ГИА-2022", K.AFTER, (), (2022,)),
        ("по итогам выявления", K.AFTER, (), ()),
        ("после проведения ГИА", K.AFTER, (), ()),
        ("по мере поступления средств", K.AFTER, (), ()),
        ("в течение месяца после проверки", K.AFTER, (), ()),
        ("2020", K.YEARS, (), (2020,)),
        ("2021-2022", K.YEARS, (), (2021, 2022)),
        ("2020–2022 гг.", K.YEARS, (), (2020, 2021, 2022)),
        ("2020-21 учебный год", K.YEARS, (), (2020, 2021)),
        ("2021/2022 уч. год", K.YEARS, (), (2021, 2022)),
        ("в 2021 году", K.YEARS, (), (2021,)),
    ],
)
def test_parse_kinds(text, kind, periods, years):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.periods, schedule.years) == (kind, periods, years)
    assert schedule.is_structured
    assert schedule.note == ""
    assert schedule.on is None


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("до 15.03.2021", D(2021, 3, 15)),
        ("15.03.2021", D(2021, 3, 15)),
        ("не позднее 01.09.2020г.", D(2020, 9, 1)),
        ("к 1 сентября 2024", D(2024, 9, 1)),
        ("до 20 декабря 2021 г.", D(2021, 12, 20)),
        ("до 15.03.21", D(2021, 3, 15)),
        # A span is due when it ends.
        ("с 01.09.2020 по 31.05.2021", D(2021, 5, 31)),
    ],
)
def test_parse_dates(text, on):
    schedule = parse_schedule(text)
    assert schedule.kind == K.DATE
    assert schedule.on == on
    assert schedule.is_structured


def test_an_impossible_date_is_not_taken_for_one():
    assert parse_schedule("31.02.2021").kind == K.UNPARSED


# --- months: declensions, abbreviations, ranges, lists --------------------------------------


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("январь", 1),
        ("января", 1),
        ("январе", 1),
        ("Февраль", 2),
        ("февраля", 2),
        ("марте", 3),
        ("апреля", 4),
        ("май", 5),
        ("мая", 5),
        ("мае", 5),
        ("июне", 6),
        ("июля", 7),
        ("августе", 8),
        ("СЕНТЯБРЯ", 9),
        ("октябре", 10),
        ("ноябрём", 11),
        ("декабря", 12),
        ("янв.", 1),
        ("февр.", 2),
        ("сент.", 9),
        ("нояб.", 11),
        ("дек", 12),
    ],
)
def test_month_names_in_any_case(word, month):
    assert month_of(word) == month


@pytest.mark.parametrize("word", ["марафон", "августовский", "майский", "мама", "год", "г"])
def test_words_that_are_not_months(word):
    assert month_of(word) is None


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("в январе", ((1, 1),)),
        ("январе, июне", ((1, 1), (6, 6))),
        ("сент.–окт.", ((9, 10),)),
        ("ноябрь-февраль", ((11, 2),)),
        ("декабрь - май", ((12, 5),)),
        ("ежегодно (январь, март, июнь, ноябрь)", ((1, 1), (3, 3), (6, 6), (11, 11))),
        ("Январь - апрель, октябрь", ((1, 4), (10, 10))),
    ],
)
def test_month_ranges_lists_and_wrapping(text, periods):
    assert parse_schedule(text).periods == periods


def test_a_range_across_years_keeps_both_years():
    schedule = parse_schedule("сентябрь 2020 г. – май 2021 г.")
    assert (schedule.kind, schedule.periods, schedule.years) == (K.MONTHS, ((9, 5),), (2020, 2021))


# --- quarters and half-years by number ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "periods", "years"),
    [
        ("IV квартал", ((10, 12),), ()),
        ("I квартал", ((1, 3),), ()),
        ("II квартал", ((4, 6),), ()),
        ("III квартал", ((7, 9),), ()),
        ("1 квартал", ((1, 3),), ()),
        ("2-й квартал", ((4, 6),), ()),
        ("в I квартале 2021 года", ((1, 3),), (2021,)),
        ("четвертый квартал", ((10, 12),), ()),
        ("III-IV квартал", ((7, 12),), ()),
        ("I и II квартал", ((1, 3), (4, 6)), ()),
        ("II-III кв.", ((4, 9),), ()),
        ("I полугодие", ((1, 6),), ()),
        ("II полугодие", ((7, 12),), ()),
        ("1-е полугодие", ((1, 6),), ()),
        ("второе полугодие 2021", ((7, 12),), (2021,)),
        # Cyrillic «І» from a Ukrainian layout reads as the Roman numeral.
        ("ІІ полугодие", ((7, 12),), ()),
    ],
)
def test_numbered_quarters_and_half_years_are_their_months(text, periods, years):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.periods, schedule.years) == (K.MONTHS, periods, years)


def test_numbered_quarters_with_every_year_are_annual():
    assert parse_schedule("ежегодно, IV квартал").periods == ((10, 12),)
    assert parse_schedule("ежегодно, IV квартал").kind == K.ANNUAL


# --- precedence, tolerance, the original wording -------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "periods"),
    [
        ("Сентябрь, в течение года", K.MONTHS, ((9, 9),)),
        ("ежегодно март по графику", K.ANNUAL, ((3, 3),)),
        ("март 2020, далее – по мере необходимости", K.MONTHS, ((3, 3),)),
        ("по итогам I полугодия", K.MONTHS, ((1, 6),)),
        ("в течение года в соответствии с ежегодным планом", K.THROUGHOUT, ()),
        ("В течение всего периода реализации «дорожной карты», по графику", K.THROUGHOUT, ()),
        ("2020 по плану работы площадки", K.SEPARATE, ()),
        ("до 15.03.2021, ежегодно в марте", K.DATE, ()),
    ],
)
def test_the_most_specific_statement_wins(text, kind, periods):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.periods) == (kind, periods)


@pytest.mark.parametrize(
    "text",
    [
        "  ЕЖЕГОДНО   (АВГУСТ).  ",
        "ежегодно  ( август )",
        "Август, ежегодно",
        "<p>ежегодно (август)</p>",
        "ежегодно\n(август)",
    ],
)
def test_case_spaces_punctuation_and_html_are_tolerated(text):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.periods) == (K.ANNUAL, ((8, 8),))


def test_the_original_wording_is_kept_verbatim_only_stripped():
    text = "  Сентябрь –октябрь 2021 г.\t"
    assert parse_schedule(text).text == "Сентябрь –октябрь 2021 г."
    assert parse_schedule("когда-нибудь").text == "когда-нибудь"


@pytest.mark.parametrize("text", ["когда-нибудь", "в течение 10 дней", "2109", "—", "по ситуации"])
def test_unparsed_wording_gets_a_russian_note(text):
    schedule = parse_schedule(text)
    assert schedule.kind == K.UNPARSED
    assert not schedule.is_structured
    assert schedule.note == (f"Срок «{text}» не распознан: укажите дату, месяц или период.")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_schedule_is_unparsed(text):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.text, schedule.note) == (K.UNPARSED, "", "Срок не указан.")


def test_a_typo_year_is_not_a_year():
    # Seed 004 writes «апрель 2109»: the month stands, the impossible year is dropped.
    schedule = parse_schedule("апрель 2109")
    assert (schedule.kind, schedule.periods, schedule.years) == (K.MONTHS, ((4, 4),), ())


# --- due dates ------------------------------------------------------------------------------


def dues(text: str, academic_year: int = 2024) -> list[datetime.date]:
    return due_dates(parse_schedule(text), academic_year)


def test_due_date_of_a_date_only_inside_its_academic_year():
    assert dues("до 15.03.2025") == [D(2025, 3, 15)]
    assert dues("до 15.03.2025", 2025) == []
    assert dues("до 15.03.2025", 2023) == []
    # The academic year's first and last days belong to it.
    assert dues("01.09.2024") == [D(2024, 9, 1)]
    assert dues("31.08.2025") == [D(2025, 8, 31)]
    assert dues("31.08.2024") == []
    assert dues("01.09.2025") == []


def test_due_dates_of_months_are_month_ends_in_the_right_calendar_year():
    assert dues("сентябрь-декабрь") == [D(2024, 12, 31)]
    assert dues("январь, июнь") == [D(2025, 1, 31), D(2025, 6, 30)]
    assert dues("август") == [D(2025, 8, 31)]
    assert dues("сентябрь") == [D(2024, 9, 30)]
    # A range that wraps the year end is due when its last month ends.
    assert dues("ноябрь-февраль") == [D(2025, 2, 28)]
    assert dues("ноябрь-февраль", 2023) == [D(2024, 2, 29)]  # a leap year
    assert dues("IV квартал") == [D(2024, 12, 31)]
    assert dues("I полугодие") == [D(2025, 6, 30)]


def test_due_dates_of_months_with_years_only_in_those_years():
    assert dues("июнь 2020", 2019) == [D(2020, 6, 30)]
    assert dues("июнь 2020", 2020) == []
    assert dues("декабрь 2020", 2020) == [D(2020, 12, 31)]
    assert dues("декабрь 2020", 2019) == []
    assert dues("сентябрь 2020 – май 2021", 2020) == [D(2021, 5, 31)]
    assert dues("Сентябрь –октябрь 2021", 2021) == [D(2021, 10, 31)]
    assert dues("Сентябрь –октябрь 2021", 2020) == []


def test_due_dates_of_annual_schedules_ignore_years():
    assert dues("ежегодно (август)") == [D(2025, 8, 31)]
    assert dues("ежегодно (январь, июнь)") == [D(2025, 1, 31), D(2025, 6, 30)]
    assert dues("ежегодно (август), 2020") == [D(2025, 8, 31)]
    assert dues("ежегодно") == [D(2025, 6, 30)]
    assert dues("ежегодно", 2030) == [D(2031, 6, 30)]


def test_due_dates_of_recurrences():
    assert dues("1 раз в полугодие") == [D(2024, 12, 31), D(2025, 6, 30)]
    assert dues("ежеквартально") == [
        D(2024, 9, 30),
        D(2024, 12, 31),
        D(2025, 3, 31),
        D(2025, 6, 30),
    ]
    monthly = dues("ежемесячно")
    assert len(monthly) == 10
    assert (monthly[0], monthly[-1]) == (D(2024, 9, 30), D(2025, 6, 30))
    assert D(2025, 2, 28) in monthly
    assert D(2028, 2, 29) in dues("ежемесячно", 2027)


def test_due_dates_of_throughout():
    assert dues("весь период") == [D(2025, 6, 30)]
    assert dues("в течение 2021 года", 2021) == [D(2021, 12, 31)]
    assert dues("в течение 2021 года", 2020) == []
    assert dues("в течение 2020-2022 гг.", 2021) == [D(2021, 12, 31)]


def test_due_dates_of_years():
    assert dues("2020", 2020) == [D(2020, 12, 31)]
    assert dues("2020", 2019) == []
    assert dues("2021-2022", 2021) == [D(2021, 12, 31)]
    assert dues("2021-2022", 2022) == [D(2022, 12, 31)]
    assert dues("2021-2022", 2023) == []


@pytest.mark.parametrize(
    "text", ["по отдельному графику", "по результатам ГИА-2022", "когда-нибудь", ""]
)
def test_no_due_dates_when_the_user_sets_them_by_hand(text):
    assert dues(text) == []
    assert dues(text, 2022) == []


def test_due_dates_are_sorted_and_unique():
    schedule = Schedule(K.MONTHS, periods=((5, 6), (6, 6), (9, 9)))
    assert due_dates(schedule, 2024) == [D(2024, 9, 30), D(2025, 6, 30)]


def test_due_dates_work_on_a_schedule_rebuilt_from_stored_fields():
    # execution.py rebuilds Schedule from the activity's columns, without a note.
    schedule = Schedule(kind=K.DATE, text="до 20.09.2024", on=D(2024, 9, 20), years=(2024,))
    assert due_dates(schedule, 2024) == [D(2024, 9, 20)]


# --- description ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("ежегодно (август)", "ежегодно: август"),
        ("ежегодно", "ежегодно"),
        ("Сентябрь –октябрь 2021", "сентябрь–октябрь 2021"),
        ("январе, июне", "январь, июнь"),
        ("1 раз полугодие по графику", "раз в полугодие"),
        ("ежеквартально", "ежеквартально"),
        ("ежемесячно", "ежемесячно"),
        ("до 15.03.2021", "до 15.03.2021"),
        ("к 1 сентября 2024", "до 01.09.2024"),
        ("весь период", "весь период"),
        ("постоянно", "весь период"),
        ("в течение 2021 года", "в течение 2021 года"),
        ("в течение 2020-2022 гг.", "в течение 2020–2022 гг."),
        ("По графику", "по отдельному графику"),
        ("по итогам года", "по результатам, по итогам"),
        ("2020–2022 гг.", "2020–2022"),
        ("2021", "2021"),
        ("IV квартал 2021", "октябрь–декабрь 2021"),
        ("когда-нибудь", "не распознано"),
    ],
)
def test_describe(text, description):
    assert describe(parse_schedule(text)) == description


# --- the real seed roadmaps ----------------------------------------------------------------

TAG_RE = re.compile(r"<[^>]+>")
# Where the schedule column is in each seed's plan table, by the number of cells in a row.
# Seed 000 continues its plan in tables without the «№» column; seed 004's header row has an
# extra empty cell that its data rows lack.
SCHEDULE_COLUMNS: dict[str, dict[int, int]] = {
    "000": {5: 2, 4: 1},
    "001": {5: 2},
    "003": {5: 4},
    "004": {5: 2, 4: 2},
}


def seed_schedule_cells() -> list[tuple[str, int, str]]:
    """(seed, line, cell) of every non-empty schedule cell of the seeds' plan tables: from the
    first header row with a «Сроки» cell to the end of the file."""
    found: list[tuple[str, int, str]] = []
    for path in sorted(SEEDS.glob("00*.txt")):
        columns = SCHEDULE_COLUMNS.get(path.name[:3])
        if columns is None:
            continue  # seed 002 writes its dates into each year's key result, not a column
        in_plan = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            cells = line.split("\t")
            if any(c.strip().lower() == "сроки" for c in cells):
                in_plan = True
                continue
            index = columns.get(len(cells))
            if not in_plan or index is None:
                continue
            cell = " ".join(TAG_RE.sub(" ", cells[index]).split())
            # Word's page-break rulers («-----») and empty cells are not schedules.
            if re.search(r"[\w]", cell):
                found.append((path.name[:3], number, cell))
    return found


def test_real_seed_schedules_are_mostly_understood():
    if not SEEDS.is_dir():
        pytest.skip(f"no seeds at {SEEDS}")
    cells = seed_schedule_cells()
    assert len(cells) >= 150, "the plan tables were not found"
    assert {seed for seed, _line, _cell in cells} == set(SCHEDULE_COLUMNS)
    unparsed = [(s, n, c) for s, n, c in cells if not parse_schedule(c).is_structured]
    share = 1 - len(unparsed) / len(cells)
    assert share >= 0.85, f"{share:.0%} understood; unparsed: {unparsed}"


@pytest.mark.parametrize(
    ("seed", "cell", "kind"),
    [
        ("000", "июнь 2020", K.MONTHS),
        ("000", "весь период", K.THROUGHOUT),
        ("000", "2020-21 учебный год", K.YEARS),
        ("001", "ежегодно (август-сентябрь)", K.ANNUAL),
        ("001", "Сентябрь, в течение года", K.MONTHS),
        ("001", "по результатам ГИА-2022", K.AFTER),
        ("003", "Февраль - декабрь", K.MONTHS),
        ("003", "В течение учебного года", K.THROUGHOUT),
        ("004", "1 раз в квартал", K.QUARTER),
        ("004", "1 раз полугодие по графику", K.HALF_YEAR),
        ("004", "по отдельному плану", K.SEPARATE),
    ],
)
def test_known_seed_cells(seed, cell, kind):
    if not SEEDS.is_dir():
        pytest.skip(f"no seeds at {SEEDS}")
    assert (seed, cell) in {(s, c) for s, _n, c in seed_schedule_cells()}
    assert parse_schedule(cell).kind == kind
