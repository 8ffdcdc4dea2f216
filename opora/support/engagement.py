"""Plain structures and figures of consultations and engagement: no database here.

The selectors fill these from a few aggregate queries; the pages, the escalation's recorded
reasons and the benchmark read them.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.dates import date_ru
from opora.core.imports.limits import plural_ru
from opora.support.choices import EngagementSignal


def duration_ru(delta: datetime.timedelta | None) -> str:
    """A waiting time as people say it: «40 мин», «5 ч», «2 дн. 3 ч», «12 дн.»."""
    if delta is None:
        return ""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)s мин") % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return _("%(n)s ч") % {"n": hours}
    days, hours = divmod(hours, 24)
    if days >= 7 or not hours:
        return _("%(n)s дн.") % {"n": days}
    return _("%(d)s дн. %(h)s ч") % {"d": days, "h": hours}


@dataclass(frozen=True)
class MonthWait:
    """Waiting times of the consultations requested in one month (local time)."""

    month: datetime.date  # the first day of the month
    requested: int
    taken: int
    answered: int
    median_to_take: datetime.timedelta | None
    median_to_answer: datetime.timedelta | None

    @property
    def median_to_take_text(self) -> str:
        return duration_ru(self.median_to_take)

    @property
    def median_to_answer_text(self) -> str:
        return duration_ru(self.median_to_answer)


Moment = datetime.datetime | None


def month_waits(rows: Iterable[tuple[datetime.datetime, Moment, Moment]]) -> list[MonthWait]:
    """(requested, taken, answered) moments → medians per month of the request, newest first.
    A consultation answered without being taken first counts its answer as taken too."""
    takes: dict[datetime.date, list[datetime.timedelta]] = defaultdict(list)
    answers: dict[datetime.date, list[datetime.timedelta]] = defaultdict(list)
    counts: dict[datetime.date, int] = defaultdict(int)
    for requested, taken, answered in rows:
        local = timezone.localtime(requested) if timezone.is_aware(requested) else requested
        month = local.date().replace(day=1)
        counts[month] += 1
        first = taken or answered
        if first is not None:
            takes[month].append(first - requested)
        if answered is not None:
            answers[month].append(answered - requested)
    return [
        MonthWait(
            month=month,
            requested=counts[month],
            taken=len(takes[month]),
            answered=len(answers[month]),
            median_to_take=_median(takes[month]),
            median_to_answer=_median(answers[month]),
        )
        for month in sorted(counts, reverse=True)
    ]


def _median(values: list[datetime.timedelta]) -> datetime.timedelta | None:
    if not values:
        return None
    return datetime.timedelta(seconds=statistics.median(v.total_seconds() for v in values))


@dataclass(frozen=True)
class Signal:
    """One reason a supported school does not engage, with its figures."""

    code: str
    count: int = 0
    date: datetime.date | None = None
    days: int | None = None

    @property
    def title(self) -> str:
        return str(EngagementSignal(self.code).label)

    @property
    def text(self) -> str:
        """The figures as a sentence: what the coordinator reads and the escalation keeps."""
        n = self.count
        if self.code == EngagementSignal.OVERDUE_RECOMMENDATIONS:
            return _("%(n)s %(what)s, самый ранний срок — %(d)s") % {
                "n": n,
                "what": plural_ru(
                    n,
                    _("рекомендация просрочена"),
                    _("рекомендации просрочены"),
                    _("рекомендаций просрочено"),
                ),
                "d": date_ru(self.date),
            }
        if self.code == EngagementSignal.NO_ROADMAP_REPORT:
            if self.date is None:
                return _("по исполняемой дорожной карте не было ни одного отчёта")
            days = self.days or 0
            return _("последний отчёт по дорожной карте — %(d)s, %(n)s %(days)s назад") % {
                "d": date_ru(self.date),
                "n": days,
                "days": plural_ru(days, _("день"), _("дня"), _("дней")),
            }
        return _("%(n)s %(what)s за полгода, последний — %(d)s") % {
            "n": n,
            "what": plural_ru(
                n,
                _("отказ школы от выезда"),
                _("отказа школы от выездов"),
                _("отказов школы от выездов"),
            ),
            "d": date_ru(self.date),
        }

    def as_reason(self) -> dict[str, Any]:
        """What an escalation records: the code, the figures and the sentence as shown then."""
        return {
            "code": self.code,
            "count": self.count,
            "date": self.date.isoformat() if self.date else None,
            "days": self.days,
            "text": self.text,
        }


@dataclass
class SchoolEngagement:
    """A supported school's signals; `school` and `escalation` are filled for the page shown."""

    school_id: int
    signals: list[Signal] = field(default_factory=list)
    school: Any = None
    escalation: Any = None  # the latest open escalation, if any

    @property
    def weight(self) -> tuple[int, int]:
        """Most signals first, then most overdue recommendations."""
        overdue = next(
            (s.count for s in self.signals if s.code == EngagementSignal.OVERDUE_RECOMMENDATIONS),
            0,
        )
        return (len(self.signals), overdue)
