"""What apps above the roadmaps add to a roadmap's pages without the roadmaps app knowing them
(the arrow of the import points down, the call goes up — as `core/cards.py` does for cards).

- Evidence of activities from elsewhere (the support app's visits that carried an activity
  out): `@activity_evidence(order)` functions return, for a roadmap and a user, links per
  activity id, shown under the activity's reports.
- Links on an activity's report form (e.g. «Засчитать выезды»): `@report_links(order)`
  functions return links for the activity, or none.
- Proposals beside the constructor's library measures (the practice bank's published
  practices): `@measure_suggestions(order)` functions take the request and the constructor's
  selection (its `risk_factors`, `problem_types`) and return `Suggestion`s; a ticked one
  becomes an activity (its `text`) in its library `section` of the drafted roadmap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Suggestion:
    """Something to add to a drafted roadmap beside the library's measures.

    `key` is unique among all suggestions (the form's value), `why` the selected factors and
    types it answers, `section` one of `library.SECTIONS` (another falls into the last one).
    """

    key: str
    title: str
    url: str
    why: list[str]
    text: str
    section: str


EvidenceSource = Callable[[HttpRequest, Any], dict[int, list[Link]]]
ReportLinks = Callable[[HttpRequest, Any], list[Link]]
MeasureSuggestions = Callable[[HttpRequest, Any], list[Suggestion]]
_EVIDENCE: list[tuple[int, EvidenceSource]] = []
_SUGGESTIONS: list[tuple[int, MeasureSuggestions]] = []
_REPORT_LINKS: list[tuple[int, ReportLinks]] = []


def activity_evidence(order: int) -> Callable[[EvidenceSource], EvidenceSource]:
    def register(func: EvidenceSource) -> EvidenceSource:
        if func not in [f for _o, f in _EVIDENCE]:
            _EVIDENCE.append((order, func))
            _EVIDENCE.sort(key=lambda item: item[0])
        return func

    return register


def report_links(order: int) -> Callable[[ReportLinks], ReportLinks]:
    def register(func: ReportLinks) -> ReportLinks:
        if func not in [f for _o, f in _REPORT_LINKS]:
            _REPORT_LINKS.append((order, func))
            _REPORT_LINKS.sort(key=lambda item: item[0])
        return func

    return register


def measure_suggestions(order: int) -> Callable[[MeasureSuggestions], MeasureSuggestions]:
    def register(func: MeasureSuggestions) -> MeasureSuggestions:
        if func not in [f for _o, f in _SUGGESTIONS]:
            _SUGGESTIONS.append((order, func))
            _SUGGESTIONS.sort(key=lambda item: item[0])
        return func

    return register


def suggestions_for(request: HttpRequest, selection: Any) -> list[Suggestion]:
    """Every registered source's suggestions for the constructor's selection, in order."""
    return [s for _order, func in _SUGGESTIONS for s in func(request, selection)]


def evidence_for(request: HttpRequest, roadmap: Any) -> dict[int, list[Link]]:
    """Every registered source's links, merged per activity id."""
    merged: dict[int, list[Link]] = {}
    for _order, func in _EVIDENCE:
        for activity_id, links in func(request, roadmap).items():
            merged.setdefault(activity_id, []).extend(links)
    return merged


def report_links_for(request: HttpRequest, activity: Any) -> list[Link]:
    return [link for _order, func in _REPORT_LINKS for link in func(request, activity)]
