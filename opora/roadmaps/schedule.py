"""Schedules («сроки») of roadmap activities: the Russian wording understood as structure,
and the due dates it gives in an academic year.

Roadmaps are written by hand in Word, so one column holds «июнь 2020», «ежегодно (август)»,
«1 раз полугодие по графику», «до 15.03.2021», «весь период» and the like. `parse_schedule`
turns such wording into a `Schedule`; `due_dates` gives the dates the activity is due in one
academic year (September–August); `describe` writes the structure back in a few words.

Precedence when one wording says several things («Сентябрь, в течение года», «ежегодно март
по графику», «в течение года в соответствии с планом»), most specific first:

1. an explicit date («до 15.03.2021», «к 1 сентября 2024»; of several, the last one);
2. named months, quarters («IV квартал») and half-years («I полугодие»), each counted as its
   months; with «ежегодно» / «каждый год» anywhere they repeat every year (ANNUAL);
3. a recurrence: half-yearly, quarterly, monthly;
4. «throughout»: «весь период», «в течение года», «постоянно», …;
5. «by a separate schedule or plan»: «по графику», «в соответствии с планом …»;
6. «after an event»: «по результатам …», «по итогам …», «после …», «по мере …»;
7. «ежегодно» with nothing else (ANNUAL without months);
8. years alone: «2020», «2021-2022», «2020–2022 гг.»;
9. anything else is UNPARSED, with a Russian note saying so.

The most specific statement wins because it is the one a due date can be computed from;
wording that adds a separate schedule or an event to a named month still gets the month's
due date, and the user can move it by hand.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from opora.core.dates import academic_month_year, academic_year_bounds
from opora.roadmaps.choices import ScheduleKind

# Stems cover every case of a month's name («сентябрь», «сентября», «сентябре», «сентябрём»);
# May is listed apart because its stem «ма» is too short to match safely.
MONTH_STEMS: tuple[tuple[str, int], ...] = (
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
)
MAY_FORMS = frozenset({"май", "мая", "мае", "маю", "маем"})
# Abbreviations people write in narrow table columns («сент.», «нояб.»). «мар» is left out:
# it is too short to tell from other words once the dot is gone.
ABBREVIATIONS = {
    "янв": 1,
    "фев": 2,
    "февр": 2,
    "апр": 4,
    "авг": 8,
    "сен": 9,
    "сент": 9,
    "окт": 10,
    "ноя": 11,
    "нояб": 11,
    "дек": 12,
}
MONTH_NAMES = (
    "",
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ORDINAL_STEMS = (("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4))

TAG_RE = re.compile(r"<[^>]+>")
WORD_RE = re.compile(r"[а-яё]+")
YEAR = r"(?:19|20)\d{2}"
# Between two months of a range: a dash, «по» or «до», optionally after the first month's year
# or abbreviation dot («сентябрь 2020 г. – май 2021 г.», «сент.–окт.»).
RANGE_BETWEEN_RE = re.compile(rf"\.?\s*(?:{YEAR}\s*(?:г\.?|года)?\s*)?(?:[-–—]|по|до)\s*")
DATE_RE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d])")
WORD_DATE_RE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+([а-яё]+)\s+({YEAR})(?!\d)")
YEAR_RE = re.compile(rf"(?<![\d.])({YEAR})(?![\d.])")
# «2021-2022», «2020–2022 гг.», «2020-21 учебный год», «2021/2022».
YEAR_RANGE_RE = re.compile(rf"(?<![\d.])({YEAR})\s*[-–—/]\s*((?:19|20)?\d{{2}})(?![\d.])")
# Quarters and half-years by number: «IV квартал», «1-й квартал», «III-IV квартал»,
# «второе полугодие», «I и II квартал», «II-III кв.». Roman numerals are matched after
# lowering the text.
NUMBER = r"(iv|iii|ii|i|[1-4]|перв[а-яё]*|втор[а-яё]*|трет[а-яё]*|четв[её]рт[а-яё]*)"
NUMBER_SUFFIX = r"(?:\s*-?\s*(?:й|я|е|го|ое|ого)(?![а-яё]))?"
QUARTER_RE = re.compile(
    rf"(?<![\w.]){NUMBER}{NUMBER_SUFFIX}"
    rf"(?:\s*([-–—,]|и)\s*{NUMBER}{NUMBER_SUFFIX})?\s*(?:квартал|кв(?![а-яё]))"
)
HALF_RE = re.compile(
    rf"(?<![\w.]){NUMBER}{NUMBER_SUFFIX}(?:\s*([-–—,]|и)\s*{NUMBER}{NUMBER_SUFFIX})?\s*полугоди"
)

ANNUAL_RE = re.compile(r"ежегодн|каждый год|раз в (?:учебный |календарный )?год(?![а-яё])")
HALF_YEAR_RE = re.compile(r"полугоди|(?<!\d)(?:2|два|дважды)\s*(?:раза\s*)?в\s*год(?![а-яё])")
# School terms («четверти») are not calendar quarters, but the nearest kind to report on.
QUARTER_KIND_RE = re.compile(
    r"квартал|(?:4|четыре)\s*раза\s*в\s*год(?![а-яё])|по четвертям|ежечетвертн|кажд\w* четверт"
)
MONTHLY_RE = re.compile(r"ежемесячн|каждый месяц|раза? в месяц|по месяцам")
# «в течение» is throughout unless it counts a short span («в течение месяца после …»,
# «в течение 10 дней»), which is about an event instead. Weekly and daily work is reported
# like continuous work: once, not every week.
THROUGHOUT_RE = re.compile(
    r"в течени[еи](?!\s+(?:(?:\d{1,3}|одного|одной|двух|трех|пяти|десяти)\s+)?"
    r"(?:месяц|недел|дн|суток|час|рабоч))"
    r"|весь (?:период|срок)|всего (?:периода|срока)|на протяжении"
    r"|постоянн|систематическ|регулярн|ежедневн|еженедельн|круглогодичн"
)
PLAN = r"(?:график|план)(?:у|ом|ами|ам|а|ы|ов)?(?![а-яё])"
SEPARATE_RE = re.compile(
    rf"по (?:отдельному |утвержд[а-яё]+ |своему |индивидуальному |единому )?{PLAN}"
    rf"|(?:в соответствии с|согласно) (?:[^\s]+ ){{0,3}}?{PLAN}"
    r"|по (?:отдельному )?расписани"
)
AFTER_RE = re.compile(
    r"по результат|по итог|(?<![а-яё])после(?![а-яё])|по мере|по окончани|по завершени"
    r"|по запрос|по заявк|по необходимост|по факту|по готовности"
)
# Words that may stand around years without changing their meaning («в 2021 году»,
# «2020-21 учебный год», «до конца 2022 г.»).
YEAR_FILLER = frozenset(
    {"г", "гг", "год", "года", "годы", "годах", "году", "уч", "учебный", "учебного"}
    | {"учебном", "учебные", "учебных", "календарный", "календарного", "в", "на", "до"}
    | {"конец", "конца", "к", "не", "позднее"}
)


@dataclass(frozen=True)
class Schedule:
    """A schedule as understood. `text` is the original wording; the other fields are what
    could be read from it (`periods` are month ranges (first, last), a single month is (m, m)
    and a range may wrap the year end: «ноябрь-февраль» is (11, 2))."""

    kind: ScheduleKind
    text: str = ""
    periods: tuple[tuple[int, int], ...] = ()
    years: tuple[int, ...] = ()
    on: datetime.date | None = None
    note: str = ""

    @property
    def is_structured(self) -> bool:
        """Whether anything was understood: everything but UNPARSED."""
        return self.kind != ScheduleKind.UNPARSED


def month_of(word: str) -> int | None:
    """The month a Russian word names in any case («июня», «сентябре», «сент.»), or None."""
    word = word.lower().strip(".")
    if word in MAY_FORMS:
        return 5
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    for stem, month in MONTH_STEMS:
        # Case endings are at most three letters («сентябрём»); longer words are adjectives
        # or something else entirely («августовский»).
        if word.startswith(stem) and len(word) - len(stem) <= 3:
            return month
    return None


def _ordinal(token: str) -> int:
    """The number of a quarter or half-year: «iv», «2», «второе»."""
    if token in ORDINALS:
        return ORDINALS[token]
    for stem, number in ORDINAL_STEMS:
        if token.startswith(stem):
            return number
    raise ValueError(token)


def _numbered_periods(
    pattern: re.Pattern[str], text: str, size: int, limit: int
) -> tuple[list[tuple[int, int]], str]:
    """Quarters (size 3) or half-years (size 6) named by number, as month ranges, and the text
    with them blanked out so that their numbers are not read again as something else."""
    periods: list[tuple[int, int]] = []

    def span(number: int) -> tuple[int, int]:
        return (number - 1) * size + 1, number * size

    for match in pattern.finditer(text):
        first = _ordinal(match.group(1))
        last = _ordinal(match.group(3)) if match.group(3) else first
        if not (1 <= first <= limit and 1 <= last <= limit):
            continue
        if match.group(3) and match.group(2) in ("и", ","):
            # «I и II квартал»: two quarters, each with its own due date.
            periods += [span(first), span(last)]
        else:
            periods.append((span(first)[0], span(last)[1]))
    return periods, pattern.sub(" ", text)


def _months(text: str) -> list[tuple[int, int]]:
    """Month ranges and single months in the order written («январь, июнь» is two periods,
    «сентябрь-декабрь» one, «ноябрь – февраль» one that wraps the year end)."""
    tokens = [(m.start(), m.end(), month_of(m.group())) for m in WORD_RE.finditer(text)]
    months = [(start, end, month) for start, end, month in tokens if month is not None]
    periods: list[tuple[int, int]] = []
    index = 0
    while index < len(months):
        _start, end, month = months[index]
        if index + 1 < len(months):
            next_start, _end, last = months[index + 1]
            if RANGE_BETWEEN_RE.fullmatch(text[end:next_start]):
                periods.append((month, last))
                index += 2
                continue
        periods.append((month, month))
        index += 1
    return periods


def _years(text: str) -> tuple[int, ...]:
    """Calendar years named in the text; a range of years names every year in it."""
    found: list[int] = []
    for match in YEAR_RANGE_RE.finditer(text):
        first, written = int(match.group(1)), match.group(2)
        # «2020-21»: the century of the first year.
        last = int(written) if len(written) == 4 else first // 100 * 100 + int(written)
        if first <= last <= first + 10:
            found.extend(range(first, last + 1))
    found.extend(int(m.group(1)) for m in YEAR_RE.finditer(YEAR_RANGE_RE.sub(" ", text)))
    return tuple(sorted(set(found)))


def _date(text: str) -> datetime.date | None:
    """The explicit date in the text; of several («с 01.09.2020 по 31.05.2021») the last,
    because the activity is due when its span ends."""
    found: list[tuple[int, datetime.date]] = []
    for match in DATE_RE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        year = year + 2000 if year < 100 else year
        try:
            found.append((match.start(), datetime.date(year, month, day)))
        except ValueError:
            continue  # «31.02.2021» is a typo, not a date
    for match in WORD_DATE_RE.finditer(text):
        named = month_of(match.group(2))
        if named is None:
            continue
        try:
            found.append(
                (match.start(), datetime.date(int(match.group(3)), named, int(match.group(1))))
            )
        except ValueError:
            continue
    return max(found)[1] if found else None


def _only_years(text: str) -> bool:
    """Whether the text says nothing but years («2020», «2021-2022 гг.», «в 2021 году»)."""
    rest = YEAR_RE.sub(" ", YEAR_RANGE_RE.sub(" ", text))
    if re.search(r"[\da-z]", rest):
        return False
    return all(word in YEAR_FILLER for word in WORD_RE.findall(rest))


def _normalise(text: str) -> str:
    """Lower case, no HTML from Word exports, single spaces; Cyrillic «і» (Ukrainian
    layouts) read as the Latin «i» of Roman numerals; «ё» as «е» for the stems."""
    text = TAG_RE.sub(" ", text).lower().replace("і", "i").replace("ё", "е")
    return " ".join(text.split())


def parse_schedule(text: str) -> Schedule:
    """Understand a schedule as written; the original wording is kept in `text`.

    See the module docstring for the precedence when the wording says several things.
    """
    original = text.strip()
    low = _normalise(original)
    if not low:
        return Schedule(ScheduleKind.UNPARSED, original, note=_("Срок не указан."))
    years = _years(low)
    on = _date(low)
    if on is not None:
        return Schedule(ScheduleKind.DATE, original, on=on, years=(on.year,))

    quarters, rest = _numbered_periods(QUARTER_RE, low, 3, 4)
    halves, rest = _numbered_periods(HALF_RE, rest, 6, 2)
    periods = tuple(quarters + halves + _months(rest))
    annual = bool(ANNUAL_RE.search(low))
    if periods:
        kind = ScheduleKind.ANNUAL if annual else ScheduleKind.MONTHS
        return Schedule(kind, original, periods=periods, years=years)

    for pattern, kind in (
        (HALF_YEAR_RE, ScheduleKind.HALF_YEAR),
        (QUARTER_KIND_RE, ScheduleKind.QUARTER),
        (MONTHLY_RE, ScheduleKind.MONTHLY),
        (THROUGHOUT_RE, ScheduleKind.THROUGHOUT),
        (SEPARATE_RE, ScheduleKind.SEPARATE),
        (AFTER_RE, ScheduleKind.AFTER),
        (ANNUAL_RE, ScheduleKind.ANNUAL),
    ):
        if pattern.search(low):
            return Schedule(kind, original, years=years)
    if years and _only_years(low):
        return Schedule(ScheduleKind.YEARS, original, years=years)
    return Schedule(
        ScheduleKind.UNPARSED,
        original,
        years=years,
        note=_("Срок «%(text)s» не распознан: укажите дату, месяц или период.")
        % {"text": original},
    )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def due_dates(schedule: Schedule, academic_year: int) -> list[datetime.date]:
    """The dates the activity is due in the academic year from 1 September `academic_year`
    to 31 August `academic_year + 1`, sorted and unique.

    - DATE: the date, if it falls in the year.
    - MONTHS, ANNUAL: the last day of each period's last month; MONTHS that name years keep
      only the dates in those years, ANNUAL repeats whatever years say; ANNUAL without months
      is due on 30 June, the end of the school year.
    - HALF_YEAR: 31 December and 30 June; QUARTER: the last day of each calendar quarter;
      MONTHLY: the last day of each month from September to June (the summer has no reports).
    - THROUGHOUT: 31 December of each named year, or 30 June when no year is named.
    - YEARS: 31 December of each named year.
    - SEPARATE, AFTER, UNPARSED: nothing; the user sets the due date by hand.
    """
    start, end = academic_year_bounds(academic_year)
    june = datetime.date(academic_year + 1, 6, 30)
    kind = schedule.kind
    dates: list[datetime.date] = []
    if kind == ScheduleKind.DATE and schedule.on is not None:
        dates = [schedule.on]
    elif kind in (ScheduleKind.MONTHS, ScheduleKind.ANNUAL):
        dates = [
            _month_end(academic_month_year(academic_year, last), last)
            for _f, last in schedule.periods
        ]
        if kind == ScheduleKind.MONTHS and schedule.years:
            dates = [d for d in dates if d.year in schedule.years]
        if kind == ScheduleKind.ANNUAL and not schedule.periods:
            dates = [june]
    elif kind == ScheduleKind.HALF_YEAR:
        dates = [datetime.date(academic_year, 12, 31), june]
    elif kind == ScheduleKind.QUARTER:
        dates = [
            datetime.date(academic_year, 9, 30),
            datetime.date(academic_year, 12, 31),
            datetime.date(academic_year + 1, 3, 31),
            june,
        ]
    elif kind == ScheduleKind.MONTHLY:
        months = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
        dates = [_month_end(academic_month_year(academic_year, m), m) for m in months]
    elif kind == ScheduleKind.THROUGHOUT:
        dates = [datetime.date(y, 12, 31) for y in schedule.years] if schedule.years else [june]
    elif kind == ScheduleKind.YEARS:
        dates = [datetime.date(y, 12, 31) for y in schedule.years]
    return sorted({d for d in dates if start <= d <= end})


def _months_text(periods: tuple[tuple[int, int], ...]) -> str:
    parts = []
    for first, last in periods:
        if first == last:
            parts.append(MONTH_NAMES[first])
        else:
            parts.append(f"{MONTH_NAMES[first]}–{MONTH_NAMES[last]}")
    return ", ".join(parts)


def _years_text(years: tuple[int, ...]) -> str:
    """«2021», «2021–2022» for consecutive years, «2020, 2022» otherwise."""
    if len(years) > 1 and years == tuple(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def describe(schedule: Schedule) -> str:
    """The schedule in a few normalised Russian words, for the preview and the CLI:
    «ежегодно: август», «сентябрь–октябрь 2021», «раз в полугодие», «до 15.03.2021»."""
    kind = schedule.kind
    if kind == ScheduleKind.DATE and schedule.on is not None:
        return _("до %(date)s") % {"date": schedule.on.strftime("%d.%m.%Y")}
    if kind == ScheduleKind.MONTHS:
        years = f" {_years_text(schedule.years)}" if schedule.years else ""
        return f"{_months_text(schedule.periods)}{years}"
    if kind == ScheduleKind.ANNUAL:
        if schedule.periods:
            return _("ежегодно: %(months)s") % {"months": _months_text(schedule.periods)}
        return _("ежегодно")
    if kind == ScheduleKind.YEARS:
        return _years_text(schedule.years)
    if kind == ScheduleKind.THROUGHOUT:
        if len(schedule.years) == 1:
            return _("в течение %(year)s года") % {"year": schedule.years[0]}
        if schedule.years:
            return _("в течение %(years)s гг.") % {"years": _years_text(schedule.years)}
        return _("весь период")
    if kind == ScheduleKind.AFTER:
        return _("по результатам, по итогам")
    return str(kind.label)
