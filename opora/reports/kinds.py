"""The registry of report kinds: each kind's builder turns parameters into `ReportContent`.

A builder reads Opora's data for the user who asked (through the apps' selectors, so a
report never holds more than its author may see) and returns the content; the job
(`jobs.py`) stores it on the report with the data version. Builders are pure of side
effects: building twice from the same data gives equal content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opora.reports.content import ReportContent


@dataclass(frozen=True)
class ReportParams:
    kind: str
    year: int
    territory_id: int | None = None
    school_id: int | None = None
    programme_id: int | None = None
    assessment_id: int | None = None


# (user, params, progress) -> content; progress(percent, text) reports the stage to the job.
Builder = Callable[[Any, ReportParams, Callable[[int, str], None]], "ReportContent"]

BUILDERS: dict[str, Builder] = {}


def report_builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the builder of a report kind (a value of `ReportKind`)."""

    def register(builder: Builder) -> Builder:
        BUILDERS[kind] = builder
        return builder

    return register


def builder_for(kind: str) -> Builder:
    return BUILDERS[kind]
