"""Academic years and Russian dates, written in one place."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.utils import timezone

from opora.core import dates


def test_academic_year_runs_september_to_august() -> None:
    assert dates.academic_year_of(datetime.date(2024, 9, 1)) == 2024
    assert dates.academic_year_of(datetime.date(2025, 8, 31)) == 2024
    assert dates.academic_year_bounds(2024) == (
        datetime.date(2024, 9, 1),
        datetime.date(2025, 8, 31),
    )
    assert dates.academic_years_between(datetime.date(2024, 1, 1), datetime.date(2026, 9, 1)) == [
        2023,
        2024,
        2025,
        2026,
    ]


def test_labels_and_formats() -> None:
    assert dates.academic_year_label(2024) == "2024/25"
    assert dates.academic_year_label(1999) == "1999/00"
    assert dates.academic_year_label(None) == ""
    assert dates.date_ru(datetime.date(2026, 11, 30)) == "30.11.2026"
    assert dates.date_ru_long(datetime.date(2024, 9, 10)) == "10 сентября 2024 г."


@override_settings(TIME_ZONE="Europe/Moscow")
def test_today_is_the_local_day() -> None:
    # 22:30 UTC on 31 August is already 1 September in Moscow: another academic year.
    moment = datetime.datetime(2025, 8, 31, 22, 30, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).date() == datetime.date(2025, 9, 1)
    assert dates.datetime_ru(moment) == "01.09.2025 01:30"
