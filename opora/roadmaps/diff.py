"""Differences between two texts of a roadmap (two versions, or a version and the draft).

Activities are matched by section and number, the way people refer to them («пункт 2.15»);
an activity whose number changed but whose text did not is matched by its text instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from opora.roadmaps.drafts import DraftActivity, DraftRoadmap

FIELDS = {
    "number": _("номер"),
    "text": _("мероприятие"),
    "schedule": _("сроки"),
    "responsible": _("ответственные"),
    "result": _("результат"),
    "document": _("документ"),
    "year_results": _("результаты по годам"),
    "levels": _("уровень"),
}


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class ActivityChange:
    kind: str  # "added", "removed", "changed"
    section: str
    number: str
    text: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RoadmapDiff:
    changes: list[ActivityChange]
    sections_added: list[str]
    sections_removed: list[str]

    @property
    def is_empty(self) -> bool:
        return not (self.changes or self.sections_added or self.sections_removed)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def count_added(self) -> int:
        return self.count("added")

    @property
    def count_removed(self) -> int:
        return self.count("removed")

    @property
    def count_changed(self) -> int:
        return self.count("changed")


def _keyed(draft: DraftRoadmap) -> dict[tuple[str, str], tuple[str, DraftActivity]]:
    keyed: dict[tuple[str, str], tuple[str, DraftActivity]] = {}
    for section in draft.sections:
        label = f"{section.number} {section.title}".strip()
        for index, activity in enumerate(section.activities, start=1):
            key = (section.number or section.title, activity.number or f"#{index}")
            while key in keyed:  # the same number twice in one section (seed 001: 4.1, 4.1)
                key = (key[0], key[1] + "'")
            keyed[key] = (label, activity)
    return keyed


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def roadmap_diff(old: DraftRoadmap, new: DraftRoadmap) -> RoadmapDiff:
    """What was added, removed and changed going from `old` to `new`."""
    before = _keyed(old)
    after = _keyed(new)
    removed = {k: v for k, v in before.items() if k not in after}
    added = {k: v for k, v in after.items() if k not in before}
    # Renumbered activities: same text, new number.
    by_text = {v[1].text: k for k, v in removed.items()}
    pairs = [(k, k) for k in before if k in after]
    for key, (_label, activity) in list(added.items()):
        old_key = by_text.pop(activity.text, None)
        if old_key is not None:
            pairs.append((old_key, key))
            del added[key]
            del removed[old_key]
    changes: list[ActivityChange] = []
    for old_key, new_key in pairs:
        label, was = before[old_key]
        _label_new, now = after[new_key]
        fields = [
            FieldChange(name, str(title), _show(getattr(was, name)), _show(getattr(now, name)))
            for name, title in FIELDS.items()
            if getattr(was, name) != getattr(now, name)
        ]
        if fields:
            changes.append(ActivityChange("changed", label, now.number, now.text, fields))
    changes += [ActivityChange("removed", label, a.number, a.text) for label, a in removed.values()]
    changes += [ActivityChange("added", label, a.number, a.text) for label, a in added.values()]
    old_sections = {f"{s.number} {s.title}".strip() for s in old.sections}
    new_sections = {f"{s.number} {s.title}".strip() for s in new.sections}
    return RoadmapDiff(
        changes=changes,
        sections_added=sorted(new_sections - old_sections),
        sections_removed=sorted(old_sections - new_sections),
    )
