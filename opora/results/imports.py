"""Imports of assessment results and context data through the foundation's import framework.

Four importers share one way of finding schools and years:
- `results.table`: one row per school × assessment × subject × grade (a Russian results
  table; the Moscow ЕГЭ open data with its preset);
- `results.students`: anonymised student rows, aggregated per school on import;
- `results.context`: one row per school × year, one column per catalogue indicator;
- `results.simce`: the Chilean SIMCE files, one row per school with its subjects side by side.

A code the registry does not know is an error, skipped or created, as the user chooses.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import Action, can, has_any, reach, restrict
from opora.core.dates import academic_year_label
from opora.core.imports.base import (
    ImportColumn,
    Importer,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    RowError,
    UnknownSchools,
    UserLike,
    Validation,
    register_importer,
)
from opora.core.imports.cells import CellError, parse_number
from opora.core.imports.limits import number_ru
from opora.registry.choices import Locality, OrganizationKind, Ownership, TerritoryKind
from opora.registry.models import AcademicYear, Organization, Territory
from opora.registry.services import (
    NewSchool,
    name_key,
    schools_bulk_create,
    territory_child_get_or_create,
)
from opora.results.models import (
    Assessment,
    ContextIndicator,
    ContextValue,
    SchoolResult,
    StudentResult,
    Subject,
)

RESULT_MEASURES = (
    "participants",
    "mean_score",
    "share_fail",
    "share_good",
    "share_below_min",
    "share_confirm",
    "share_lower",
    "share_raise",
)
SHARE_MEASURES = RESULT_MEASURES[2:]
EARLIEST_YEAR = 1990

OWNERSHIP_WORDS: tuple[tuple[str, str], ...] = (
    ("муниципальн", Ownership.MUNICIPAL),
    ("государствен", Ownership.STATE),
    ("частн", Ownership.PRIVATE),
    ("негосударствен", Ownership.PRIVATE),
    ("municipal", Ownership.MUNICIPAL),
    ("state", Ownership.STATE),
    ("private", Ownership.PRIVATE),
)


# --- Cell parsing ---------------------------------------------------------------------------


def parse_count(text: str) -> int | None:
    number = parse_number(text)
    if number is None:
        return None
    if number < 0 or number != int(number):
        raise CellError(_("«%(value)s» — не целое неотрицательное число") % {"value": text.strip()})
    return int(number)


def parse_share(text: str) -> float | None:
    number = parse_number(text)
    if number is None:
        return None
    if number < 0:
        raise CellError(_("доля %(value)s %% меньше нуля") % {"value": text.strip()})
    if number > 100:
        raise CellError(_("доля %(value)s %% больше 100 %%") % {"value": text.strip()})
    return number


YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})$")


def parse_year(text: str) -> int:
    """The calendar year of an assessment: «2024», or the end of «2023/24», «2015-2016»."""
    cleaned = text.strip()
    match = YEAR_RANGE_RE.match(cleaned)
    if match:
        start, end = match.groups()
        end_year = int(end) if len(end) == 4 else int(start[:2] + end)
        if end_year != int(start) + 1:
            raise CellError(_("«%(value)s» — не учебный год") % {"value": cleaned})
        return end_year
    number = parse_number(cleaned)
    if number is None:
        raise CellError(_("не указан год"))
    if number != int(number):
        raise CellError(_("«%(value)s» — не год") % {"value": cleaned})
    year = int(number)
    if not EARLIEST_YEAR <= year <= dates.today().year + 1:
        raise CellError(_("год %(year)s вне допустимого диапазона") % {"year": year})
    return year


def guess_ownership(text: str) -> str | None:
    lowered = text.lower()
    for word, value in OWNERSHIP_WORDS:
        if word in lowered:
            return value
    return None


# --- Schools and years shared by every results importer -------------------------------------


@dataclass
class ResultsValidation(Validation):
    """A validation that may also create schools, territories and academic years on save."""

    new_schools: dict[str, NewSchoolDraft] = field(default_factory=dict)
    new_years: set[int] = field(default_factory=set)
    # The territory under which new schools (and the territories the file names) go.
    base_territory_id: int | None = None
    base_territory_name: str = ""
    upload_id: int | None = None
    # Context values a results file carries besides its results (SIMCE's group).
    context_records: list[ContextRecord] = field(default_factory=list)


# A territory a file names: (name, kind, code or None).
Place = tuple[str, str, str | None]


@dataclass
class NewSchoolDraft:
    """A school to create: its name and where under the chosen territory it goes."""

    code: str
    name: str
    # Territories below the base territory, outermost first.
    places: tuple[Place, ...]
    ownership: str
    locality: str
    first_row: int


class SchoolFinder:
    """Finds the school of each row by code and checks the user may import for it.

    Unknown codes are errors, skipped or become new schools, per the user's choice.
    """

    def __init__(
        self,
        user: UserLike,
        options: ImportOptions,
        codes: Iterable[str],
        root_place: Place | None = None,
    ) -> None:
        self.user = user
        self.options = options
        # A file of a whole country (SIMCE) may create its own top territory when the user
        # may import anywhere and names no territory.
        self.root_place: Place | None = None
        self.existing = {
            o.code: o
            for o in Organization.objects.filter(code__in=set(codes)).select_related("territory")
        }
        self.skipped_codes: dict[str, int] = {}
        self.base_territory: Territory | None = None
        self.base_error = ""
        if options.unknown_schools == UnknownSchools.CREATE:
            if root_place and not options.territory_id and reach(user, Action.IMPORT).everything:
                self.root_place = root_place
            else:
                self.base_territory, self.base_error = self._base_territory()

    def _base_territory(self) -> tuple[Territory | None, str]:
        territories = restrict(Territory.objects.all(), self.user, Action.IMPORT)
        if self.options.territory_id:
            found = territories.filter(pk=self.options.territory_id).first()
            if found is None:
                return None, _("территория для новых школ не найдена или вне вашей зоны")
            return found, ""
        roots = [
            t
            for t in territories
            if not any(t.path.startswith(o.path) and t != o for o in territories)
        ]
        if len(roots) == 1:
            return roots[0], ""
        return None, _("укажите территорию, в которую добавлять новые школы")

    def find(
        self,
        row: MappedRow,
        errors: list[RowError],
        validation: ResultsValidation,
        *,
        describe: Callable[[], NewSchoolDraft],
    ) -> str | None:
        """The code of the row's school if the row is to be saved; None when it is skipped
        or has an error (added to `errors`)."""
        code = row.get("code")
        if not code:
            errors.append(row.error("code", _("не указан код школы")))
            return None
        organization = self.existing.get(code)
        if organization is not None:
            if organization.kind != OrganizationKind.SCHOOL:
                errors.append(
                    row.error(
                        "code",
                        _("код «%(code)s» принадлежит не школе, а «%(name)s»")
                        % {"code": code, "name": organization.short_name},
                    )
                )
                return None
            if not can(self.user, Action.IMPORT, organization):
                errors.append(
                    row.error(
                        "code",
                        _("школа с кодом «%(code)s» вне вашей зоны ответственности")
                        % {"code": code},
                    )
                )
                return None
            return code
        choice = self.options.unknown_schools
        if choice == UnknownSchools.SKIP:
            self.skipped_codes.setdefault(code, row.number)
            validation.skipped += 1
            return None
        if choice == UnknownSchools.CREATE:
            if self.base_territory is None and self.root_place is None:
                errors.append(row.error("code", self.base_error))
                return None
            if code not in validation.new_schools:
                draft = describe()
                base = self.base_territory
                # A file that names the chosen territory itself (its city, its region)
                # does not get a copy of it inside itself.
                while (
                    base is not None
                    and draft.places
                    and name_key(draft.places[0][0]) == name_key(base.name)
                ):
                    draft.places = draft.places[1:]
                if self.root_place is not None:
                    draft.places = (self.root_place, *draft.places)
                if not draft.name:
                    errors.append(
                        row.error(
                            "name",
                            _("для новой школы «%(code)s» нужно наименование") % {"code": code},
                        )
                    )
                    return None
                validation.new_schools[code] = draft
            return code
        errors.append(
            row.error(
                "code",
                _(
                    "школы с кодом «%(code)s» нет в реестре; выберите «создать школу» или "
                    "«пропустить» либо сначала загрузите реестр"
                )
                % {"code": code},
            )
        )
        return None

    def notes(self) -> list[str]:
        if not self.skipped_codes:
            return []
        listed = ", ".join(
            f"{code} (строка {row})" for code, row in list(self.skipped_codes.items())[:50]
        )
        more = len(self.skipped_codes) - 50
        tail = _(" и ещё %(n)s") % {"n": more} if more > 0 else ""
        return [
            _("Пропущены строки школ, которых нет в реестре (%(n)s): %(list)s%(tail)s")
            % {"n": len(self.skipped_codes), "list": listed, "tail": tail}
        ]


class YearChecker:
    """A results year must fall within an academic year of the registry (or be created)."""

    def __init__(self, create: bool) -> None:
        self.create = create
        self.known = set(AcademicYear.objects.values_list("start_year", flat=True))

    def check(self, row: MappedRow, key: str, validation: ResultsValidation) -> int | None:
        try:
            year = parse_year(row.get(key))
        except CellError as exc:
            validation.errors.append(row.error(key, str(exc)))
            return None
        if year in self.known or year - 1 in self.known:
            return year
        if self.create:
            validation.new_years.add(year - 1)
            return year
        if self.known:
            span = f"{academic_year_label(min(self.known))} – "
            span += academic_year_label(max(self.known))
        else:
            span = _("учебные годы не заведены")
        validation.errors.append(
            row.error(
                key,
                _("год %(year)s вне учебных лет реестра (%(span)s)") % {"year": year, "span": span},
            )
        )
        return None


class Catalogue:
    """Finds assessments and subjects by code, name or another spelling, case-insensitively."""

    def __init__(self) -> None:
        self.assessments = self._index(Assessment.objects.all(), ("code", "name"))
        self.subjects = self._index(Subject.objects.all(), ("code", "name"))

    @staticmethod
    def _index(objects: Iterable[Any], attrs: tuple[str, ...]) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for obj in objects:
            for text in [getattr(obj, a) for a in attrs] + list(getattr(obj, "aliases", [])):
                index.setdefault(name_key(str(text)), obj)
        return index

    def assessment(self, row: MappedRow, key: str, errors: list[RowError]) -> Assessment | None:
        return self._find(row, key, self.assessments, errors, _("оценочная процедура"))

    def subject(self, row: MappedRow, key: str, errors: list[RowError]) -> Subject | None:
        return self._find(row, key, self.subjects, errors, _("предмет"))

    @staticmethod
    def _find(
        row: MappedRow, key: str, index: dict[str, Any], errors: list[RowError], what: str
    ) -> Any:
        text = row.get(key)
        if not text:
            errors.append(row.error(key, _("не указано: %(what)s") % {"what": what}))
            return None
        found = index.get(name_key(text))
        if found is None:
            known = sorted({str(o) for o in index.values()})
            errors.append(
                row.error(
                    key,
                    _("%(what)s «%(value)s» не найдена в справочнике; есть: %(known)s")
                    % {"what": what, "value": text, "known": ", ".join(known)},
                )
            )
        return found


def parse_grade(row: MappedRow, key: str, errors: list[RowError]) -> int | None:
    text = row.get(key)
    if not text:
        return 0
    try:
        grade = parse_count(text)
    except CellError as exc:
        errors.append(row.error(key, str(exc)))
        return None
    if grade is None or not 1 <= grade <= 12:
        errors.append(row.error(key, _("класс «%(value)s» не от 1 до 12") % {"value": text}))
        return None
    return grade


# --- Records and saving ---------------------------------------------------------------------

ResultKey = tuple[str, int, int, int, int]  # code, year, assessment id, subject id, grade


@dataclass
class ResultRecord:
    key: ResultKey
    values: dict[str, float | int | None]
    row: int
    students: list[StudentResult] = field(default_factory=list)


@dataclass
class ContextRecord:
    key: tuple[str, int, int]  # code, year, indicator id
    value: float
    row: int


def check_duplicate(
    seen: dict[Any, int], key: Any, row: MappedRow, column: str, errors: list[RowError]
) -> bool:
    """Whether `key` was first seen in this row; an error naming the earlier row otherwise."""
    if key in seen:
        errors.append(
            row.error(
                column,
                _("та же школа, год и показатель уже были в строке %(row)s") % {"row": seen[key]},
            )
        )
        return False
    seen[key] = row.number
    return True


def count_changes(validation: ResultsValidation, existing: dict[Any, dict[str, Any]]) -> None:
    """Split the records into created, updated and unchanged against what is stored."""
    kept = []
    for record in validation.records:
        stored = existing.get(record.key)
        if stored is None:
            validation.created += 1
            kept.append(record)
        elif stored != comparable(record):
            validation.updated += 1
            kept.append(record)
        else:
            validation.unchanged += 1
    validation.records = kept


def comparable(record: ResultRecord | ContextRecord) -> dict[str, Any]:
    if isinstance(record, ContextRecord):
        return {"value": record.value}
    return dict(record.values)


def existing_results(records: list[ResultRecord]) -> dict[ResultKey, dict[str, Any]]:
    if not records:
        return {}
    codes = {r.key[0] for r in records}
    years = {r.key[1] for r in records}
    assessments = {r.key[2] for r in records}
    rows = SchoolResult.objects.filter(
        school__code__in=codes, year__in=years, assessment_id__in=assessments
    ).values("school__code", "year", "assessment_id", "subject_id", "grade", *RESULT_MEASURES)
    return {
        (r["school__code"], r["year"], r["assessment_id"], r["subject_id"], r["grade"]): {
            m: r[m] for m in RESULT_MEASURES
        }
        for r in rows
    }


def existing_context(records: list[ContextRecord]) -> dict[tuple[str, int, int], dict[str, Any]]:
    if not records:
        return {}
    rows = ContextValue.objects.filter(
        school__code__in={r.key[0] for r in records}, year__in={r.key[1] for r in records}
    ).values_list("school__code", "year", "indicator_id", "value")
    return {(code, year, ind): {"value": value} for code, year, ind, value in rows}


def save_schools_and_years(validation: ResultsValidation) -> dict[str, int]:
    """Create the academic years and schools the file needs; the ids of every school by code."""

    if validation.new_years:
        AcademicYear.objects.bulk_create(
            [AcademicYear(start_year=y) for y in sorted(validation.new_years)],
            ignore_conflicts=True,
        )
    if validation.new_schools:
        # Territories found or made once per file, not once per school: a national file names
        # thousands of schools in a few hundred places.
        base = (
            Territory.objects.get(pk=validation.base_territory_id)
            if validation.base_territory_id is not None
            else None
        )
        roots: dict[Place, Territory] = {}
        chains: list[tuple[NewSchoolDraft, Territory, tuple[Place, ...]]] = []
        for draft in validation.new_schools.values():
            if base is not None:
                chains.append((draft, base, draft.places))
                continue
            root = draft.places[0]
            if root not in roots:
                roots[root] = root_get_or_create(*root)
            chains.append((draft, roots[root], draft.places[1:]))
        # Made level by level in name order: the tree keeps siblings sorted by name, and a
        # child added after all its siblings moves none of them (in file order, each new
        # commune of a region would renumber the ones after it).
        wanted = {
            (top.path, *below[:depth])
            for _draft, top, below in chains
            for depth in range(1, len(below) + 1)
        }
        tops = {top.path: top for _draft, top, _below in chains}
        places: dict[tuple[Any, ...], Territory] = {}
        for path in sorted(wanted, key=lambda p: (len(p), [place[0] for place in p[1:]])):
            parent = tops[path[0]] if len(path) == 2 else places[path[:-1]]
            name, kind, code = path[-1]
            places[path] = territory_child_get_or_create(parent, name, kind, code)
        new = [
            NewSchool(
                code=draft.code,
                name=draft.name,
                territory=places[(top.path, *below)] if below else top,
                ownership=draft.ownership,
                locality=draft.locality,
            )
            for draft, top, below in chains
        ]
        schools_bulk_create(new)
    codes = {r.key[0] for r in validation.records} | {r.key[0] for r in validation.context_records}
    return dict(Organization.objects.filter(code__in=codes).values_list("code", "pk"))


def root_get_or_create(name: str, kind: str, code: str | None) -> Territory:
    found = Territory.objects.filter(code=code).first() if code else None
    if found is None:
        found = Territory.objects.get_root_nodes().filter(name=name).first()
    return found or Territory.objects.add_root({"name": name, "kind": kind, "code": code})


def save_results(validation: ResultsValidation, school_ids: dict[str, int]) -> None:
    objects = [
        SchoolResult(
            school_id=school_ids[r.key[0]],
            year=r.key[1],
            assessment_id=r.key[2],
            subject_id=r.key[3],
            grade=r.key[4],
            upload_id=validation.upload_id,
            **r.values,
        )
        for r in validation.records
    ]
    SchoolResult.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["school", "year", "assessment", "subject", "grade"],
        update_fields=[*RESULT_MEASURES, "upload"],
    )


def save_context(
    records: list[ContextRecord], school_ids: dict[str, int], upload_id: int | None
) -> None:
    ContextValue.objects.bulk_create(
        [
            ContextValue(
                school_id=school_ids[r.key[0]],
                year=r.key[1],
                indicator_id=r.key[2],
                value=r.value,
                upload_id=upload_id,
            )
            for r in records
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["school", "year", "indicator"],
        update_fields=["value", "upload"],
    )


class ResultsImporterBase(Importer):
    """What the results importers share: who may use them, schools, years, and saving."""

    handles_unknown_schools = True
    record_label = _("Результаты школ")
    # The top territory for new schools when nothing else is given (see SchoolFinder).
    root_place: Place | None = None

    def may_import(self, user: UserLike) -> bool:
        return has_any(user, Action.IMPORT)

    def start(
        self, rows: list[MappedRow], user: UserLike, options: ImportOptions | None
    ) -> tuple[ResultsValidation, SchoolFinder, YearChecker, ImportOptions]:
        options = options or ImportOptions()
        validation = ResultsValidation(upload_id=options.upload_id)
        finder = SchoolFinder(
            user, options, (row.get("code") for row in rows), root_place=self.root_place
        )
        if finder.base_territory is not None:
            validation.base_territory_id = finder.base_territory.pk
            validation.base_territory_name = finder.base_territory.name
        years = YearChecker(create=options.unknown_schools == UnknownSchools.CREATE)
        return validation, finder, years, options

    @staticmethod
    def finish(validation: ResultsValidation, finder: SchoolFinder) -> ResultsValidation:
        skipped = finder.notes()
        validation.notes.extend(skipped)
        if validation.new_schools:
            listed = ", ".join(
                f"{d.code} «{d.name}»" for d in list(validation.new_schools.values())[:30]
            ) + (" …" if len(validation.new_schools) > 30 else "")
            n = number_ru(len(validation.new_schools))
            validation.notes.append(
                _("Будут созданы школы (%(n)s): %(list)s") % {"n": n, "list": listed}
            )
            validation.done_notes = [
                *skipped,
                _("Созданы школы (%(n)s): %(list)s") % {"n": n, "list": listed},
            ]
        if validation.errors:
            validation.records = []
        return validation

    def summary(self, validation: Validation, *, done: bool) -> list[str]:
        """Besides the results: the schools, academic years and territories created, and
        where the new schools go."""
        lines = super().summary(validation, done=done)
        if not isinstance(validation, ResultsValidation):
            return lines
        created = _("создано: %(n)s") if done else _("будет создано: %(n)s")
        if validation.context_records:
            lines.append(
                _("Значения показателей контекста — %(what)s.")
                % {
                    "what": (_("записано: %(n)s") if done else _("будет записано: %(n)s"))
                    % {"n": number_ru(len(validation.context_records))}
                }
            )
        if validation.new_schools:
            lines.append(
                _("Школы в реестре — %(what)s.")
                % {"what": created % {"n": number_ru(len(validation.new_schools))}}
            )
            places = sorted(
                {
                    " › ".join(p[0] for p in d.places)
                    for d in validation.new_schools.values()
                    if d.places
                }
            )
            where = validation.base_territory_name
            if where:
                text = (
                    _("Новые школы добавлены в территорию «%(t)s»")
                    if done
                    else _("Новые школы будут добавлены в территорию «%(t)s»")
                )
                line = text % {"t": where}
                if places:
                    line += _(
                        "; названные в файле территории найдены или созданы внутри неё "
                        "(%(n)s): %(list)s"
                    ) % {
                        "n": number_ru(len(places)),
                        "list": ", ".join(f"«{p}»" for p in places[:20])
                        + (" …" if len(places) > 20 else ""),
                    }
                lines.append(line + ".")
        if validation.new_years:
            lines.append(
                _("Учебные годы — %(what)s (%(years)s).")
                % {
                    "what": created % {"n": number_ru(len(validation.new_years))},
                    "years": ", ".join(
                        academic_year_label(y) for y in sorted(validation.new_years)
                    ),
                }
            )
        return lines

    @staticmethod
    def draft_for(
        row: MappedRow, places: tuple[tuple[str, str, str | None], ...] = ()
    ) -> NewSchoolDraft:
        name = row.get("name")
        ownership_text = row.get("ownership")
        return NewSchoolDraft(
            code=row.get("code"),
            name=name,
            places=places,
            ownership=guess_ownership(ownership_text)
            or guess_ownership(name)
            or Ownership.MUNICIPAL,
            locality=Locality.URBAN,
            first_row=row.number,
        )


def score_bounds(
    assessment: Assessment | None, subject: Subject | None
) -> tuple[float, float | None]:
    """The lowest and highest score a work allows: never below 0, the assessment's scale
    where the catalogue gives it (a sum of three subjects: three times its maximum)."""
    if assessment is None:
        return 0.0, None
    low = max(0.0, assessment.score_min or 0.0)
    high = assessment.score_max
    if high is not None and subject is not None and subject.code == "sum3":
        high *= 3
    return low, high


def check_score(
    row: MappedRow,
    key: str,
    value: float | None,
    bounds: tuple[float, float | None],
    errors: list[RowError],
) -> bool:
    """Whether a score is possible for the work; an error naming the bound otherwise."""
    if value is None:
        return True
    low, high = bounds
    if value < low:
        message = (
            _("балл %(v)s меньше нуля")
            if value < 0
            else _("балл %(v)s ниже наименьшего балла шкалы (%(lo)s)")
        )
    elif high is not None and value > high:
        message = _("балл %(v)s больше наибольшего балла работы (%(hi)s)")
    else:
        return True
    errors.append(
        row.error(
            key, message % {"v": row.get(key) or _fmt(value), "lo": _fmt(low), "hi": _fmt(high)}
        )
    )
    return False


def read_measures(
    row: MappedRow,
    errors: list[RowError],
    assessment: Assessment | None = None,
    subject: Subject | None = None,
) -> dict[str, float | int | None] | None:
    """The result figures of a row (shares from counts when the file gives counts), each
    checked to be possible: shares within 0–100 %, counts within participants, scores within
    the work's scale."""
    values: dict[str, float | int | None] = dict.fromkeys(RESULT_MEASURES)
    before = len(errors)
    try:
        values["participants"] = parse_count(row.get("participants"))
    except CellError as exc:
        errors.append(row.error("participants", str(exc)))
    participants = values["participants"]
    if participants == 0:
        errors.append(
            row.error(
                "participants",
                _("участников 0: результат без участников не учитывается; удалите строку"),
            )
        )
    try:
        values["mean_score"] = parse_number(row.get("mean_score"))
    except CellError as exc:
        errors.append(row.error("mean_score", str(exc)))
    else:
        mean = values["mean_score"]
        if not check_score(row, "mean_score", mean, score_bounds(assessment, subject), errors):
            values["mean_score"] = None
    for key in SHARE_MEASURES:
        try:
            values[key] = parse_share(row.get(key))
        except CellError as exc:
            errors.append(row.error(key, str(exc)))
    for count_key, share_key, invert in (
        ("count_fail", "share_fail", False),
        ("count_good", "share_good", False),
        ("count_passed", "share_below_min", True),
    ):
        if not row.get(count_key) or values[share_key] is not None:
            continue
        try:
            count = parse_count(row.get(count_key))
        except CellError as exc:
            errors.append(row.error(count_key, str(exc)))
            continue
        if count is None:
            continue
        if not participants:
            errors.append(row.error(count_key, _("число дано, а число участников — нет")))
            continue
        if count > participants:
            errors.append(
                row.error(
                    count_key,
                    _("%(count)s больше числа участников (%(n)s)")
                    % {"count": count, "n": participants},
                )
            )
            continue
        share = 100 * count / participants
        values[share_key] = round(100 - share if invert else share, 2)
    fail, good = values["share_fail"], values["share_good"]
    if fail is not None and good is not None and fail + good > 100.5:
        errors.append(
            row.error(
                "share_good",
                _("доля «2» (%(f)s %%) и доля «4» и «5» (%(g)s %%) в сумме больше 100 %%")
                % {"f": _fmt(fail), "g": _fmt(good)},
            )
        )
    marks = [values[k] for k in ("share_confirm", "share_lower", "share_raise")]
    if all(m is not None for m in marks) and sum(marks) > 100.5:  # type: ignore[arg-type]
        errors.append(
            row.error(
                "share_confirm",
                _("подтвердили, понизили и повысили отметку в сумме больше 100 %"),
            )
        )
    if len(errors) > before:
        return None
    if all(values[k] is None for k in RESULT_MEASURES if k != "participants"):
        errors.append(
            row.error("mean_score", _("нет ни одного показателя: ни среднего балла, ни долей"))
        )
        return None
    for key in ("mean_score", *SHARE_MEASURES):
        if isinstance(values[key], float):
            values[key] = round(values[key], 2)  # type: ignore[arg-type]
    return values


SCHOOL_COLUMNS = (
    ImportColumn(
        "code",
        _("Код ОО"),
        True,
        ("код", "код школы", "код организации", "огрн", "ogrn", "rbd", "идентификатор"),
    ),
    ImportColumn(
        "name",
        _("Наименование ОО"),
        False,
        ("наименование", "школа", "название", "edu_name", "nom_rbd"),
        _("Нужно, только если новые школы создаются из файла."),
    ),
)
YEAR_COLUMN = ImportColumn(
    "year",
    _("Год"),
    True,
    ("год проведения", "учебный год", "year", "agno"),
    _("Год проведения (2024) или учебный год (2023/24 — это 2024)."),
)


@register_importer
class ResultsTableImporter(ResultsImporterBase):
    """One row per school × assessment × subject × grade: the usual Russian results table."""

    key = "results.table"
    title = _("Результаты оценочных процедур")
    defaultable = ("year", "assessment", "subject", "grade", "ownership")
    columns = (
        *SCHOOL_COLUMNS,
        ImportColumn(
            "territory",
            _("Территория (для новых школ)"),
            False,
            ("муниципалитет", "округ", "admarea", "административный округ"),
        ),
        ImportColumn("subterritory", _("Район (для новых школ)"), False, ("район", "district")),
        ImportColumn("ownership", _("Форма собственности (для новых школ)"), False, ()),
        YEAR_COLUMN,
        ImportColumn(
            "assessment",
            _("Оценочная процедура"),
            True,
            ("процедура", "вид оценки", "оценка"),
            _("ВПР, ОГЭ, ЕГЭ, КДР… — из справочника."),
        ),
        ImportColumn("subject", _("Предмет"), True, ("учебный предмет",)),
        ImportColumn("grade", _("Класс"), False, ("параллель",)),
        ImportColumn(
            "participants",
            _("Число участников"),
            False,
            ("участников", "количество участников", "писали", "участники"),
        ),
        ImportColumn("mean_score", _("Средний балл"), False, ("средний", "ср. балл")),
        ImportColumn(
            "share_fail",
            _("Доля «2», %"),
            False,
            ("доля 2", "% 2", "доля двоек", "доля неудовлетворительных"),
        ),
        ImportColumn("count_fail", _("Число «2»"), False, ("число двоек", "кол-во 2")),
        ImportColumn(
            "share_good", _("Доля «4» и «5», %"), False, ("доля 4 и 5", "качество", "% 4 и 5")
        ),
        ImportColumn(
            "count_good",
            _("Число «4» и «5» (высоких результатов)"),
            False,
            ("число 4 и 5", "высокие результаты"),
        ),
        ImportColumn(
            "share_below_min",
            _("Доля ниже минимального балла, %"),
            False,
            ("не преодолели порог, %", "ниже минимума, %"),
        ),
        ImportColumn(
            "count_passed",
            _("Число преодолевших минимальный балл"),
            False,
            ("преодолели порог", "выше порога"),
        ),
        ImportColumn(
            "share_confirm", _("Подтвердили отметку, %"), False, ("подтвердили", "подтвердили, %")
        ),
        ImportColumn("share_lower", _("Понизили отметку, %"), False, ("понизили", "понизили, %")),
        ImportColumn("share_raise", _("Повысили отметку, %"), False, ("повысили", "повысили, %")),
    )

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        validation, finder, years, options = self.start(rows, user, options)
        catalogue = Catalogue()
        seen: dict[Any, int] = {}
        errors = validation.errors
        for index, row in enumerate(rows):
            if progress and index % 2000 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            before = len(errors)
            places = tuple(
                (row.get(k), kind, None)
                for k, kind in (
                    ("territory", TerritoryKind.MUNICIPALITY),
                    ("subterritory", TerritoryKind.CITY_DISTRICT),
                )
                if row.get(k)
            )
            code = finder.find(
                row, errors, validation, describe=partial(self.draft_for, row, places)
            )
            year = years.check(row, "year", validation)
            assessment = catalogue.assessment(row, "assessment", errors)
            subject = catalogue.subject(row, "subject", errors)
            grade = parse_grade(row, "grade", errors)
            values = read_measures(row, errors, assessment, subject)
            if len(errors) > before or code is None or values is None:
                continue
            assert year is not None and assessment and subject and grade is not None
            key = (code, year, assessment.pk, subject.pk, grade)
            if check_duplicate(seen, key, row, "code", errors):
                validation.records.append(ResultRecord(key, values, row.number))
        if not errors:
            count_changes(validation, existing_results(validation.records))
        return self.finish(validation, finder)

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, ResultsValidation)
        school_ids = save_schools_and_years(validation)
        save_results(validation, school_ids)
        return {"schools_created": len(validation.new_schools)}


@register_importer
class StudentResultsImporter(ResultsImporterBase):
    """Anonymised student rows; the school's aggregate is computed and stored, the rows are
    kept only when OPORA_KEEP_STUDENT_ROWS is on."""

    key = "results.students"
    title = _("Результаты обучающихся (обезличенные)")
    defaultable = ("year", "assessment", "subject", "grade")
    columns = (
        SCHOOL_COLUMNS[0],
        YEAR_COLUMN,
        ImportColumn("assessment", _("Оценочная процедура"), True, ("процедура",)),
        ImportColumn("subject", _("Предмет"), True, ()),
        ImportColumn("grade", _("Класс"), False, ("параллель",)),
        ImportColumn(
            "student",
            _("Код участника"),
            True,
            ("код ученика", "id участника", "обезличенный код", "идентификатор участника"),
            _("Обезличенный код; имена не загружаются."),
        ),
        ImportColumn("score", _("Первичный балл"), False, ("балл", "сумма баллов")),
        ImportColumn("mark", _("Отметка"), False, ("отметка за работу", "оценка за работу")),
        ImportColumn(
            "annual_mark",
            _("Отметка по журналу"),
            False,
            ("отметка за четверть", "отметка за год", "годовая отметка"),
        ),
    )

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        validation, finder, years, options = self.start(rows, user, options)
        catalogue = Catalogue()
        errors = validation.errors
        groups: dict[ResultKey, list[StudentResult]] = defaultdict(list)
        first_rows: dict[ResultKey, int] = {}
        seen: dict[Any, int] = {}
        for index, row in enumerate(rows):
            if progress and index % 5000 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            before = len(errors)
            code = finder.find(row, errors, validation, describe=partial(self.draft_for, row))
            year = years.check(row, "year", validation)
            assessment = catalogue.assessment(row, "assessment", errors)
            subject = catalogue.subject(row, "subject", errors)
            grade = parse_grade(row, "grade", errors)
            student = row.get("student")
            if not student:
                errors.append(row.error("student", _("не указан код участника")))
            marks: dict[str, int | None] = {}
            for mark_key in ("mark", "annual_mark"):
                try:
                    mark = parse_count(row.get(mark_key))
                except CellError as exc:
                    errors.append(row.error(mark_key, str(exc)))
                    continue
                marks[mark_key] = mark
                if mark is not None and not 2 <= mark <= 5:
                    errors.append(
                        row.error(mark_key, _("отметка %(m)s не от 2 до 5") % {"m": mark})
                    )
            try:
                score = parse_number(row.get("score"))
            except CellError as exc:
                errors.append(row.error("score", str(exc)))
                score = None
            else:
                # A negative or impossible score would be averaged into the school's result.
                if not check_score(row, "score", score, score_bounds(assessment, subject), errors):
                    score = None
            if score is None and marks.get("mark") is None and len(errors) == before:
                errors.append(row.error("score", _("нет ни балла, ни отметки")))
            if len(errors) > before or code is None:
                continue
            assert year is not None and assessment and subject and grade is not None
            key = (code, year, assessment.pk, subject.pk, grade)
            if not check_duplicate(seen, (*key, student), row, "student", errors):
                continue
            first_rows.setdefault(key, row.number)
            groups[key].append(
                StudentResult(
                    year=year,
                    assessment=assessment,
                    subject=subject,
                    grade=grade,
                    # Hashed so that even a file's own ids are not stored as given.
                    student_key=hashlib.sha256(f"{code}:{student}".encode()).hexdigest()[:32],
                    score=score,
                    mark=marks.get("mark"),
                    annual_mark=marks.get("annual_mark"),
                )
            )
        minimums = dict(Assessment.objects.values_list("pk", "minimum_score"))
        for key, students in groups.items():
            validation.records.append(
                ResultRecord(
                    key,
                    aggregate_students(students, minimums.get(key[2])),
                    first_rows[key],
                    students,
                )
            )
        if not errors:
            count_changes(validation, existing_results(validation.records))
        return self.finish(validation, finder)

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, ResultsValidation)
        school_ids = save_schools_and_years(validation)
        save_results(validation, school_ids)
        kept = 0
        if settings.OPORA_KEEP_STUDENT_ROWS:
            for record in validation.records:
                StudentResult.objects.filter(
                    school_id=school_ids[record.key[0]],
                    year=record.key[1],
                    assessment_id=record.key[2],
                    subject_id=record.key[3],
                    grade=record.key[4],
                ).delete()
                for student in record.students:
                    student.school_id = school_ids[record.key[0]]
                StudentResult.objects.bulk_create(record.students, batch_size=2000)
                kept += len(record.students)
        return {"student_rows_kept": kept}


def aggregate_students(
    students: list[StudentResult], minimum_score: float | None
) -> dict[str, float | int | None]:
    """A school's figures from its students' rows: mean score, shares of marks, and how the
    work's mark compares with the mark in the register (confirmed, lowered, raised)."""

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    scores = [s.score for s in students if s.score is not None]
    marks = [s.mark for s in students if s.mark is not None]
    pairs = [(s.mark, s.annual_mark) for s in students if s.mark and s.annual_mark]
    return {
        "participants": len(students),
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        "share_fail": share(sum(1 for m in marks if m == 2), len(marks)),
        "share_good": share(sum(1 for m in marks if m >= 4), len(marks)),
        "share_below_min": (
            share(sum(1 for s in scores if s < minimum_score), len(scores))
            if minimum_score is not None
            else None
        ),
        "share_confirm": share(sum(1 for m, a in pairs if m == a), len(pairs)),
        "share_lower": share(sum(1 for m, a in pairs if m < a), len(pairs)),
        "share_raise": share(sum(1 for m, a in pairs if m > a), len(pairs)),
    }


@register_importer
class ContextTableImporter(ResultsImporterBase):
    """One row per school × year, one column per indicator of the catalogue."""

    key = "results.context"
    title = _("Показатели социального контекста и условий")
    record_label = _("Значения показателей контекста")
    defaultable = ("year",)

    @property
    def columns(self) -> tuple[ImportColumn, ...]:  # type: ignore[override]
        # The catalogue is data: a new indicator gets its column without a code change.
        indicator_columns = tuple(
            ImportColumn(
                f"indicator:{indicator.code}",
                indicator.name,
                False,
                (indicator.code, *indicator.aliases),
                f"{indicator.get_direction_display()}"
                + (f", {indicator.unit}" if indicator.unit else ""),
            )
            for indicator in ContextIndicator.objects.all()
        )
        return (*SCHOOL_COLUMNS, YEAR_COLUMN, *indicator_columns)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        validation, finder, years, options = self.start(rows, user, options)
        indicators = {f"indicator:{i.code}": i for i in ContextIndicator.objects.all()}
        mapped = [k for k in indicators if rows and k in rows[0].headers]
        errors = validation.errors
        if rows and not mapped:
            errors.append(RowError(0, "", _("Не выбран ни один столбец с показателем.")))
        seen: dict[Any, int] = {}
        for row in rows:
            before = len(errors)
            code = finder.find(row, errors, validation, describe=partial(self.draft_for, row))
            year = years.check(row, "year", validation)
            values = read_indicator_values(row, mapped, indicators, errors)
            if len(errors) > before or code is None or year is None:
                continue
            if not check_duplicate(seen, (code, year), row, "code", errors):
                continue
            validation.records.extend(
                ContextRecord((code, year, indicators[k].pk), v, row.number)
                for k, v in values.items()
            )
        if not errors:
            count_changes(validation, existing_context(validation.records))
        return self.finish(validation, finder)

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, ResultsValidation)
        school_ids = save_schools_and_years(validation)
        save_context(validation.records, school_ids, validation.upload_id)
        return {}


def read_indicator_values(
    row: MappedRow,
    keys: list[str],
    indicators: dict[str, ContextIndicator],
    errors: list[RowError],
) -> dict[str, float]:
    """The row's indicator values in their allowed ranges; a blank cell is no value, not 0."""
    values = {}
    for key in keys:
        indicator = indicators[key]
        try:
            value = parse_number(row.get(key))
        except CellError as exc:
            errors.append(row.error(key, str(exc)))
            continue
        if value is None:
            continue
        low, high = indicator.value_min, indicator.value_max
        if (low is not None and value < low) or (high is not None and value > high):
            errors.append(
                row.error(
                    key,
                    _("значение %(v)s вне допустимого диапазона %(lo)s–%(hi)s")
                    % {"v": row.get(key), "lo": _fmt(low), "hi": _fmt(high)},
                )
            )
            continue
        values[key] = value
    return values


def _fmt(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:g}"
