"""Schedules («сроки») of roadmap activities: the Russian wording understood as structure,
and the due dates it gives in an academic year.

Precedence when one wording says several things («Сентябрь, в течение года», «ежегодно
март по графику»): an explicit date, then named months (a quarter or a half-year counts as
its months), then a recurrence (half-yearly, quarterly, monthly), then «throughout», then
«by a separate schedule», then «by the results of», then years alone. The most specific
statement wins because it is the one a due date can be computed from.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from opora.roadmaps.choices import ScheduleKind

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
ABBREVIATIONS = {"янв": 1, "фев": 2, "апр": 4, "авг": 8, "сен": 9, "сент": 9, "окт": 10}
ABBREVIATIONS |= {"нояб": 11, "ноя": 11, "дек": 12}
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
GENITIVE = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

WORD_RE = re.compile(r"[а-яё]+", re.IGNORECASE)
DASH = r"\s*[-–—]\s*"
DATE_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
WORD_DATE_RE = re.compile(r"\b(\d{1,2})\s+([а-я]+)\s+(\d{4})", re.IGNORECASE)
YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")
YEAR_RANGE_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})" + DASH + r"((?:19|20)\d{2})(?![\d.])")
QUARTER_RE = re.compile(r"\b(iv|iii|ii|i|[1-4])\s*(?:-?й\s*)?квартал", re.IGNORECASE)
HALF_RE = re.compile(r"\b(ii|i|[12])\s*(?:-?е\s*)?полугоди", re.IGNORECASE)


@dataclass(frozen=True)
class Schedule:
    kind: ScheduleKind
    text: str = ""
    periods: tuple[tuple[int, int], ...] = ()
    years: tuple[int, ...] = ()
    on: datetime.date | None = None
    note: str = ""

    @property
    def is_structured(self) -> bool:
        return self.kind != ScheduleKind.UNPARSED


def month_of(word: str) -> int | None:
    """The month a Russian word names in any case («июня», «сентябре», «сент.»), or None."""
    word = word.lower().strip(".")
    if word in GENITIVE:
        return GENITIVE[word]
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if word in ("май", "мая", "мае", "маю", "маем"):
        return 5
    for stem, month in MONTH_STEMS:
        if word.startswith(stem) and len(word) - len(stem) <= 3:
            return month
    return None


def _months(text: str) -> list[tuple[int, int]]:
    """Month ranges and single months in the order written."""
    periods: list[tuple[int, int]] = []
    tokens = [(m.start(), m.end(), month_of(m.group())) for m in WORD_RE.finditer(text)]
    tokens = [t for t in tokens if t[2] is not None]
    index = 0
    while index < len(tokens):
        _start, end, month = tokens[index]
        assert month is not None
        if index + 1 < len(tokens):
            between = text[end : tokens[index + 1][0]]
            if re.fullmatch(r"\s*(?:[-–—]|по|до)\s*", between):
                last = tokens[index + 1][2]
                assert last is not None
                periods.append((month, last))
                index += 2
                continue
        periods.append((month, month))
        index += 1
    return periods


def _years(text: str) -> tuple[int, ...]:
    found: list[int] = []
    for match in YEAR_RANGE_RE.finditer(text):
        first, last = int(match.group(1)), int(match.group(2))
        if first <= last <= first + 10:
            found.extend(range(first, last + 1))
    cleaned = YEAR_RANGE_RE.sub(" ", text)
    # «2020-2021 учебный год» is one academic year; «Февраль-апрель 2020-2021» the seeds write.
    found.extend(int(m.group(1)) for m in YEAR_RE.finditer(cleaned))
    return tuple(sorted(set(found)))


def _date(text: str) -> datetime.date | None:
    match = DATE_RE.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        year = year + 2000 if year < 100 else year
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    match = WORD_DATE_RE.search(text)
    if match:
        named = month_of(match.group(2))
        if named:
            try:
                return datetime.date(int(match.group(3)), named, int(match.group(1)))
            except ValueError:
                return None
    return None


def parse_schedule(text: str) -> Schedule:
    """Understand a schedule as written; the original wording is kept in `text`."""
    original = " ".join(text.split())
    low = original.lower()
    if not low:
        return Schedule(ScheduleKind.UNPARSED, original, note=_("Срок не указан."))
    years = _years(low)
    on = _date(low)
    if on is not None:
        return Schedule(ScheduleKind.DATE, original, on=on, years=(on.year,))
    periods: list[tuple[int, int]] = []
    for match in QUARTER_RE.finditer(low):
        quarter = ROMAN[match.group(1).lower()]
        periods.append((quarter * 3 - 2, quarter * 3))
    for match in HALF_RE.finditer(low):
        half = ROMAN[match.group(1).lower()]
        periods.append((1, 6) if half == 1 else (7, 12))
    periods += _months(QUARTER_RE.sub(" ", HALF_RE.sub(" ", low)))
    annual = bool(re.search(r"ежегодн|каждый год|ежегод", low))
    if periods:
        kind = ScheduleKind.ANNUAL if annual else ScheduleKind.MONTHS
        return Schedule(kind, original, periods=tuple(periods), years=years)
    if re.search(r"полугоди|2 раза в год|два раза в год", low):
        return Schedule(ScheduleKind.HALF_YEAR, original, years=years)
    if re.search(r"квартал", low):
        return Schedule(ScheduleKind.QUARTER, original, years=years)
    if re.search(r"ежемесячн|каждый месяц|раз в месяц", low):
        return Schedule(ScheduleKind.MONTHLY, original, years=years)
    if re.search(r"в течение|весь период|всего периода|постоянно|систематическ|регулярно", low):
        return Schedule(ScheduleKind.THROUGHOUT, original, years=years)
    if re.search(r"по (отдельному )?(графику|плану)|в соответствии с (графиком|планом)", low):
        return Schedule(ScheduleKind.SEPARATE, original, years=years)
    if re.search(r"по результатам|по итогам|после ", low):
        return Schedule(ScheduleKind.AFTER, original, years=years)
    if annual:
        return Schedule(ScheduleKind.ANNUAL, original, years=years)
    if years and re.fullmatch(r"[\d\s.,\-–—()]*((г|гг|года|годы|год|учебный год)\.?)?", low):
        return Schedule(ScheduleKind.YEARS, original, years=years)
    return Schedule(
        ScheduleKind.UNPARSED,
        original,
        years=years,
        note=_(
            "Срок «%(text)s» не распознан: укажите дату, месяц, период или «по отдельному графику»."
        )
        % {"text": original},
    )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _calendar_year(month: int, academic_year: int) -> int:
    return academic_year if month >= 9 else academic_year + 1


def due_dates(schedule: Schedule, academic_year: int) -> list[datetime.date]:
    """When the activity is due in the academic year that starts in September `academic_year`;
    nothing for schedules a date cannot come from (the user sets those by hand)."""
    start = datetime.date(academic_year, 9, 1)
    end = datetime.date(academic_year + 1, 8, 31)
    kind = schedule.kind
    dates: list[datetime.date] = []
    if kind == ScheduleKind.DATE and schedule.on is not None:
        dates = [schedule.on]
    elif kind in (ScheduleKind.MONTHS, ScheduleKind.ANNUAL):
        for _first, last in schedule.periods:
            dates.append(_month_end(_calendar_year(last, academic_year), last))
        if kind == ScheduleKind.MONTHS and schedule.years:
            dates = [d for d in dates if d.year in schedule.years]
        if kind == ScheduleKind.ANNUAL and not schedule.periods:
            dates = [datetime.date(academic_year + 1, 6, 30)]
    elif kind == ScheduleKind.HALF_YEAR:
        dates = [datetime.date(academic_year, 12, 31), datetime.date(academic_year + 1, 6, 30)]
    elif kind == ScheduleKind.QUARTER:
        dates = [
            datetime.date(academic_year, 9, 30),
            datetime.date(academic_year, 12, 31),
            datetime.date(academic_year + 1, 3, 31),
            datetime.date(academic_year + 1, 6, 30),
        ]
    elif kind == ScheduleKind.MONTHLY:
        months = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6]
        dates = [_month_end(_calendar_year(m, academic_year), m) for m in months]
    elif kind == ScheduleKind.THROUGHOUT:
        if schedule.years:
            dates = [datetime.date(y, 12, 31) for y in schedule.years]
        else:
            dates = [datetime.date(academic_year + 1, 6, 30)]
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
    if len(years) > 2 and years == tuple(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def describe(schedule: Schedule) -> str:
    """The schedule in a few normalised Russian words, for the preview and the CLI."""
    kind = schedule.kind
    years = f" {_years_text(schedule.years)}" if schedule.years else ""
    if kind == ScheduleKind.DATE and schedule.on is not None:
        return _("до %(date)s") % {"date": schedule.on.strftime("%d.%m.%Y")}
    if kind == ScheduleKind.MONTHS:
        return f"{_months_text(schedule.periods)}{years}"
    if kind == ScheduleKind.ANNUAL:
        if schedule.periods:
            return _("ежегодно: %(months)s") % {"months": _months_text(schedule.periods)}
        return _("ежегодно")
    if kind == ScheduleKind.YEARS:
        return _years_text(schedule.years)
    label = str(kind.label)
    return f"{label}{years}" if kind == ScheduleKind.THROUGHOUT else label
