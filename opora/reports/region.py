"""The regional page's figures without the database: one row per territory, the traffic
lights of its measures, sorting and the totals row. `selectors.region_table` fills the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLight(models.TextChoices):
    """How a measure of a territory looks against the thresholds below."""

    GOOD = "good", _("хорошо")
    WATCH = "watch", _("внимание")
    BAD = "bad", _("плохо")
    NONE = "none", _("нет данных")


class RegionMeasure(models.TextChoices):
    """The measures with a traffic light (the tile grid is coloured by one of them)."""

    ON_TIME = "on_time", _("Мероприятия в срок")
    INDICATORS = "indicators", _("Показатели достигли цели")
    ENGAGEMENT = "engagement", _("Вовлечённость школ")


# (green from, yellow from), in percent: what the region's coordinators called good enough.
THRESHOLDS: dict[str, tuple[int, int]] = {
    RegionMeasure.ON_TIME: (80, 60),
    RegionMeasure.INDICATORS: (70, 40),
    RegionMeasure.ENGAGEMENT: (90, 75),
}

# Sortable columns: the key in the address and the row's attribute.
SORT_KEYS = (
    "name",
    "schools",
    "supported",
    "listed",
    "entered",
    "left",
    "on_time",
    "indicators",
    "engagement",
)


def share(part: int, whole: int) -> int | None:
    """`part` of `whole` in whole percent; None without a whole."""
    return round(100 * part / whole) if whole else None


def light_of(measure: str, value: int | None) -> RegionLight:
    if value is None:
        return RegionLight.NONE
    green, yellow = THRESHOLDS[measure]
    return (
        RegionLight.GOOD
        if value >= green
        else RegionLight.WATCH
        if value >= yellow
        else RegionLight.BAD
    )


@dataclass
class RegionRow:
    """One territory's figures (a municipality on the regional page, a district or a settlement
    on a municipality's page); `territory` is None in the totals row."""

    territory: Any = None
    name: str = ""
    schools: int = 0
    supported: int = 0  # in a programme now
    listed: int | None = None  # in the latest approved list
    entered: int | None = None  # against the approved list before it
    left: int | None = None
    done_on_time: int = 0  # activities' due dates of running roadmaps
    done_late: int = 0
    overdue: int = 0
    indicators_reached: int = 0  # programme indicators at their latest checkpoint
    indicators_measured: int = 0
    not_engaging: int = 0  # supported schools with an engagement signal
    programmes: list[Any] = field(default_factory=list)
    runs: list[Any] = field(default_factory=list)

    @property
    def on_time(self) -> int | None:
        return share(self.done_on_time, self.done_on_time + self.done_late + self.overdue)

    @property
    def indicators(self) -> int | None:
        return share(self.indicators_reached, self.indicators_measured)

    @property
    def engagement(self) -> int | None:
        return share(self.supported - self.not_engaging, self.supported)

    def light(self, measure: str) -> RegionLight:
        return light_of(measure, getattr(self, measure))

    @property
    def lights(self) -> dict[str, RegionLight]:
        return {m: self.light(m) for m in RegionMeasure.values}

    def add(self, other: RegionRow) -> None:
        """Add `other`'s counts into this (totals) row."""
        for name in (
            "schools",
            "supported",
            "done_on_time",
            "done_late",
            "overdue",
            "indicators_reached",
            "indicators_measured",
            "not_engaging",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("listed", "entered", "left"):
            if getattr(other, name) is not None:
                setattr(self, name, (getattr(self, name) or 0) + getattr(other, name))


def totals(rows: list[RegionRow], name: str) -> RegionRow:
    total = RegionRow(name=name)
    for row in rows:
        total.add(row)
    return total


def sorted_rows(rows: list[RegionRow], sort: str) -> tuple[list[RegionRow], str]:
    """The rows by `sort` («on_time», «-schools»…), empty values last; an unknown key sorts
    by name. Returns the key used."""
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, sort = "name", "name"
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending), sort
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: (getattr(r, key), r.name), reverse=descending)
    return present + sorted(missing, key=lambda r: r.name), sort
