"""Dates as Opora reads and writes them: the local calendar day, academic years and the
Russian formats users see.

An academic year runs from 1 September to 31 August and is known by the calendar year it
starts in (2024 is «2024/25»). Every rule about which academic year a day falls in, and every
«2024/25» shown to a user, comes from here. «Today» is the day in the configured time zone
(`TIME_ZONE`, Moscow by default), never the server's UTC date: near midnight the two differ.

A different rule on purpose: the *results year* of assessments (`monitoring.computations.
results_year`) turns in June, when spring's results are known; it is not an academic year.
Templates show a year as «2024/25» with the `academic_year` filter (`{% load opora %}`).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

ACADEMIC_YEAR_FIRST_MONTH = 9

_MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def today() -> datetime.date:
    """The calendar day now in Opora's time zone."""
    return timezone.localdate()


def academic_year_of(day: datetime.date) -> int:
    """The start year of the academic year `day` falls in (September to August)."""
    return day.year if day.month >= ACADEMIC_YEAR_FIRST_MONTH else day.year - 1


def academic_year_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the academic year that starts in `start_year`."""
    return datetime.date(start_year, ACADEMIC_YEAR_FIRST_MONTH, 1), datetime.date(
        start_year + 1, ACADEMIC_YEAR_FIRST_MONTH - 1, 31
    )


def academic_month_year(start_year: int, month: int) -> int:
    """The calendar year of `month` (1–12) in the academic year that starts in `start_year`:
    September to December are in `start_year`, January to August in the next."""
    return start_year if month >= ACADEMIC_YEAR_FIRST_MONTH else start_year + 1


def academic_years_between(start: datetime.date, end: datetime.date) -> list[int]:
    """The academic years (start years) a period from `start` to `end` touches."""
    return list(range(academic_year_of(start), academic_year_of(end) + 1))


def academic_year_label(start_year: int | None) -> str:
    """«2024/25» for 2024; an empty string for no year."""
    if start_year is None or start_year == "":
        return ""
    start_year = int(start_year)
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def date_ru(day: datetime.date | datetime.datetime | None) -> str:
    """«30.11.2026»: the short form used in tables, exports and file names."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.strftime("%d.%m.%Y")


def date_ru_long(day: datetime.date | datetime.datetime | None) -> str:
    """«30 ноября 2026 г.»: the form of orders, certificates and report title pages."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def datetime_ru(moment: datetime.datetime | None) -> str:
    """«30.11.2026 14:05» in Opora's time zone."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d.%m.%Y %H:%M")
