"""The programme constructor (seed 002 item 7): from a school's identified problems and risk
factors, propose a school roadmap of measures from the library.

What the identification says becomes a starting selection the user can change:
- the problem types (seed 004 table 2) found for the school are taken as they are;
- low results (ШНОР) point to the risk factors «academic failure» and «teacher competence»;
- unfavourable conditions (ШНСУ) to «parent involvement» and «school climate»;
- objectivity warnings to the topic «objectivity of assessment»;
- every school programme works on staff development;
- a 500+ risk profile of the school (`opora.surveys`) adds every factor whose level is
  medium or high, whatever the identification found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from opora.roadmaps.choices import MeasureTopic
from opora.roadmaps.drafts import DraftActivity, DraftRoadmap, DraftSection
from opora.roadmaps.extensions import Suggestion
from opora.roadmaps.library import PROBLEM_TYPES, SECTIONS, Measure, measures_for
from opora.surveys.choices import RiskFactor


@dataclass
class Selection:
    """What the proposal is built from, and why each item was chosen (for the form)."""

    risk_factors: list[str] = field(default_factory=list)
    problem_types: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def selection_from_identification(outcome: Any | None) -> Selection:
    """The starting selection from a school's identification outcome (or none)."""
    selection = Selection(topics=[MeasureTopic.STAFF_DEVELOPMENT])
    if outcome is None:
        return selection
    run = outcome.run
    source = _("список %(year)s года") % {"year": run.year}
    if outcome.low_results:
        selection.risk_factors += [RiskFactor.ACADEMIC_FAILURE, RiskFactor.TEACHER_COMPETENCE]
        selection.reasons.append(_("ШНОР (%(s)s)") % {"s": source})
    if outcome.unfavourable:
        selection.risk_factors += [RiskFactor.PARENT_INVOLVEMENT, RiskFactor.SCHOOL_CLIMATE]
        selection.reasons.append(_("ШНСУ (%(s)s)") % {"s": source})
    if outcome.objectivity:
        selection.topics.append(MeasureTopic.OBJECTIVITY)
        selection.reasons.append(_("признаки необъективности (%(s)s)") % {"s": source})
    for code in outcome.problem_types or []:
        if code in PROBLEM_TYPES:
            selection.problem_types.append(code)
            selection.reasons.append(_("тип проблем: %(t)s") % {"t": PROBLEM_TYPES[code].lower()})
    return selection


# Levels of a risk profile that call for anti-risk measures («средний», «высокий»).
PROFILE_LEVELS_SELECTED = ("medium", "high")


def selection_add_risk_profile(selection: Selection, profile: Any | None) -> str:
    """Add the factors the school's risk profile rates medium or high to the selection; the
    notice for the page names the profile's year and source ("" without a profile)."""
    if profile is None:
        return ""
    labels = dict(RiskFactor.choices)
    chosen = [
        factor
        for factor in RiskFactor.values
        if (profile.levels or {}).get(factor) in PROFILE_LEVELS_SELECTED
    ]
    for factor in chosen:
        if factor not in selection.risk_factors:
            selection.risk_factors.append(factor)
    where = _("Профиль рисков %(year)s учебного года (%(source)s)") % {
        "year": profile.year_name,
        "source": profile.get_source_display(),
    }
    if not chosen:
        return _("%(where)s: ни один фактор не имеет среднего или высокого уровня.") % {
            "where": where
        }
    selection.reasons.append(where)
    return _("%(where)s: выбраны факторы со средним и высоким уровнем — %(list)s.") % {
        "where": where,
        "list": "; ".join(str(labels[f]).lower() for f in chosen),
    }


def why(measure: Measure, selection: Selection) -> list[str]:
    """The selected factors, types and topics a measure answers."""
    labels = dict(RiskFactor.choices) | dict(MeasureTopic.choices) | PROBLEM_TYPES
    chosen = set(selection.risk_factors) | set(selection.problem_types) | set(selection.topics)
    tags: Iterable[str] = (*measure.risk_factors, *measure.problem_types, *measure.topics)
    found = [str(labels[t]) for t in tags if t in chosen and t in labels]
    if measure.baseline:
        found.insert(0, _("основа любой программы"))
    return found


def propose(selection: Selection) -> list[Measure]:
    return measures_for(
        risk_factors=selection.risk_factors,
        problem_types=selection.problem_types,
        topics=selection.topics,
    )


def draft_from_measures(
    title: str, measures: list[Measure], extras: Sequence[Suggestion] = ()
) -> DraftRoadmap:
    """A school roadmap: the library's sections in order, activities numbered within them;
    `extras` (ticked suggestions, e.g. practices of the bank) follow the section's measures."""
    sections: list[DraftSection] = []
    for title_of_section in SECTIONS:
        chosen = [m for m in measures if m.section == title_of_section]
        added = [s for s in extras if suggestion_section(s) == title_of_section]
        if not chosen and not added:
            continue
        number = str(len(sections) + 1)
        # Library section titles carry their own number («1. Управление…»): renumber them.
        clean_title = title_of_section.split(". ", 1)[-1]
        sections.append(
            DraftSection(
                number=number,
                title=clean_title,
                activities=[
                    DraftActivity(
                        number=f"{number}.{index}",
                        text=m.text,
                        schedule=m.schedule,
                        responsible=m.responsible,
                        result=m.result,
                        document=m.document,
                        indicators=list(m.indicators),
                        measure=m.code,
                    )
                    for index, m in enumerate(chosen, start=1)
                ]
                + [
                    DraftActivity(number=f"{number}.{index}", text=s.text)
                    for index, s in enumerate(added, start=len(chosen) + 1)
                ],
            )
        )
    return DraftRoadmap(title=title, sections=sections)


def suggestion_section(suggestion: Suggestion) -> str:
    """The library section a suggestion goes to (an unknown one: the last section)."""
    return suggestion.section if suggestion.section in SECTIONS else SECTIONS[-1]


def proposal_by_section(
    proposal: list[tuple[Measure, list[str]]], suggestions: Sequence[Suggestion]
) -> list[tuple[str, list[tuple[Measure, list[str]]], list[Suggestion]]]:
    """The constructor's table: per library section, its measures and its suggestions."""
    rows = []
    for section in SECTIONS:
        measures = [(m, r) for m, r in proposal if m.section == section]
        extra = [s for s in suggestions if suggestion_section(s) == section]
        if measures or extra:
            rows.append((section, measures, extra))
    return rows
