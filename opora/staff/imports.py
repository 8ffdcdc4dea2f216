"""Imports of the staff app through the import framework:

- `staff.teachers`: a school's teacher registry, one row per teacher (upsert by the
  teacher's code or full name within the school);
- `staff.diagnostics`: a professional-deficit diagnostic's results per teacher, either one
  row per teacher × subject × area («Область», «Результат») or one row per teacher × subject
  with a column per area; re-importing the same diagnostic updates, never duplicates;
- `staff.diagnostics_aggregate`: the same diagnostic as aggregates per school × subject ×
  area, for authorities that only have those.

The diagnostic (title and date, optionally provider and threshold) comes from the file's
columns or from one value for the whole file; it is created when new.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.access import Action, can, has_any
from opora.core.choices import Role
from opora.core.imports.base import (
    ImportColumn,
    Importer,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    RowError,
    UserLike,
    Validation,
    register_importer,
)
from opora.core.imports.cells import (
    NO_WORDS,
    YES_WORDS,
    CellError,
    parse_number,
    parse_yes_no,
)
from opora.registry.choices import OrganizationKind
from opora.registry.models import Membership, Organization
from opora.registry.services import name_key as subject_key
from opora.results.models import Subject
from opora.staff.choices import (
    AgeBand,
    Category,
    CompetencyArea,
    parse_area,
)
from opora.staff.models import (
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    Teacher,
    name_key,
)
from opora.staff.selectors import has_teacher_reach, may_import_diagnostics, may_manage_teachers
from opora.staff.services import diagnostic_get_or_create, teacher_save


def parse_percent(text: str, what: str) -> float | None:
    value = parse_number(text)
    if value is not None and not 0 <= value <= 100:
        raise CellError(
            _("%(what)s %(value)s вне диапазона 0–100 %%") % {"what": what, "value": text.strip()}
        )
    return value


def parse_int(text: str, low: int, high: int) -> int | None:
    value = parse_number(text)
    if value is None:
        return None
    if value != int(value) or not low <= value <= high:
        raise CellError(
            _("«%(value)s» — не целое число от %(low)s до %(high)s")
            % {"value": text.strip(), "low": low, "high": high}
        )
    return int(value)


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_date(text: str) -> datetime.date:
    cleaned = text.strip().split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise CellError(_("«%(value)s» — не дата (ДД.ММ.ГГГГ)") % {"value": text.strip()})


AGE_BAND_WORDS: dict[str, AgeBand] = {
    "до 25": AgeBand.UNDER_25,
    "моложе 25": AgeBand.UNDER_25,
    "младше 25": AgeBand.UNDER_25,
    "25-29": AgeBand.FROM_25,
    "30-34": AgeBand.FROM_30,
    "35-44": AgeBand.FROM_35,
    "45-54": AgeBand.FROM_45,
    "55 и старше": AgeBand.FROM_55,
    "55+": AgeBand.FROM_55,
    "старше 55": AgeBand.FROM_55,
    "55 и более": AgeBand.FROM_55,
}


def band_for_age(age: int) -> AgeBand:
    if age < 25:
        return AgeBand.UNDER_25
    if age < 30:
        return AgeBand.FROM_25
    if age < 35:
        return AgeBand.FROM_30
    if age < 45:
        return AgeBand.FROM_35
    if age < 55:
        return AgeBand.FROM_45
    return AgeBand.FROM_55


def parse_age_band(text: str) -> AgeBand:
    """A band as written («30–34», «до 25 лет», «55 и старше») or an age in years."""
    key = re.sub(r"\s*[–—-]\s*", "-", text.lower().strip())
    key = re.sub(r"\s*(лет|года|год)\.?$", "", key).strip()
    for band in AgeBand:
        if key in (band.value, re.sub(r"\s*[–—-]\s*", "-", str(band.label).lower())):
            return band
    if key in AGE_BAND_WORDS:
        return AGE_BAND_WORDS[key]
    if key.isdigit() and 16 <= int(key) <= 90:
        return band_for_age(int(key))
    raise CellError(
        _("возраст «%(value)s» не распознан; допустимо: %(allowed)s или число лет")
        % {"value": text.strip(), "allowed": ", ".join(str(b.label) for b in AgeBand)}
    )


CATEGORY_WORDS: dict[str, Category] = {
    "": Category.NONE,
    "нет": Category.NONE,
    "без категории": Category.NONE,
    "б/к": Category.NONE,
    "соответствие": Category.POSITION,
    "соответствие занимаемой должности": Category.POSITION,
    "сзд": Category.POSITION,
    "первая": Category.FIRST,
    "1": Category.FIRST,
    "первая категория": Category.FIRST,
    "высшая": Category.HIGHEST,
    "высшая категория": Category.HIGHEST,
}


def parse_category(text: str) -> Category:
    key = " ".join(text.lower().replace("ё", "е").split()).strip(" .")
    found = CATEGORY_WORDS.get(key)
    if found is None:
        raise CellError(
            _("категория «%(value)s» не распознана; допустимо: %(allowed)s")
            % {"value": text.strip(), "allowed": ", ".join(str(c.label) for c in Category)}
        )
    return found


# «Работает»: a registry file may answer in words of its own.
ACTIVE_WORDS = YES_WORDS | {"работает"}
LEFT_WORDS = NO_WORDS | {"уволен", "уволена", "не работает"}


def parse_flag(text: str) -> bool:
    """Whether the teacher works at the school; a blank cell means yes."""
    answer = parse_yes_no(text, yes=ACTIVE_WORDS, no=LEFT_WORDS)
    return True if answer is None else answer


def split_name(text: str) -> tuple[str, str, str]:
    parts = text.split()
    if len(parts) < 2:
        raise CellError(
            _("«%(value)s» — укажите фамилию и имя (и отчество)") % {"value": text.strip()}
        )
    return parts[0], parts[1], " ".join(parts[2:])


class SubjectIndex:
    """Subjects by code, name or another spelling (as the results imports find them)."""

    def __init__(self) -> None:
        self.index: dict[str, Subject] = {}
        for subject in Subject.objects.all():
            for text in (subject.code, subject.name, *subject.aliases):
                self.index.setdefault(subject_key(str(text)), subject)

    def find(self, text: str) -> Subject | None:
        return self.index.get(subject_key(text))

    def known(self) -> str:
        return ", ".join(sorted({s.name for s in self.index.values()}))


class SchoolIndex:
    """Schools of the file by code, with the check that the user may write for them."""

    def __init__(self, codes: Iterable[str], allowed: Any) -> None:
        self.schools = {
            o.code: o
            for o in Organization.objects.filter(code__in=set(codes)).select_related("territory")
        }
        self.allowed = allowed

    def find(self, row: MappedRow, key: str, errors: list[RowError]) -> Organization | None:
        code = row.get(key)
        if not code:
            errors.append(row.error(key, _("не указан код школы")))
            return None
        school = self.schools.get(code)
        if school is None or school.kind != OrganizationKind.SCHOOL:
            errors.append(
                row.error(
                    key,
                    _("школы с кодом «%(code)s» нет в реестре; сначала загрузите реестр школ")
                    % {"code": code},
                )
            )
            return None
        if not self.allowed(school):
            errors.append(
                row.error(
                    key,
                    _("школа «%(name)s» (код %(code)s) вне вашей зоны ответственности")
                    % {"name": school.short_name, "code": code},
                )
            )
            return None
        return school


SCHOOL_COLUMN = ImportColumn(
    "school",
    _("Код ОО"),
    True,
    ("код", "код школы", "код организации", "код оо"),
    _("Код школы из реестра; для файла одной школы — одно значение для всего файла."),
)


# --- The teacher registry -------------------------------------------------------------------


@dataclass
class TeacherRecord:
    school: Organization
    teacher: Teacher | None
    values: dict[str, Any]
    # None: the file has no subjects column, the stored subjects stay.
    subjects: list[Subject] | None


# Teacher fields and the column each comes from, for updates by files without the column.
KEPT_UNLESS_MAPPED = (
    ("code", "code"),
    ("category", "category"),
    ("experience_years", "experience"),
    ("last_course_year", "last_course_year"),
    ("subjects_other", "subjects"),
    ("is_active", "is_active"),
)


@register_importer
class TeachersImporter(Importer):
    """A school's teachers, matched by their code or full name within the school."""

    key = "staff.teachers"
    title = _("Реестр педагогов")
    record_label = _("Педагоги")
    defaultable = ("school",)
    columns = (
        SCHOOL_COLUMN,
        ImportColumn(
            "full_name",
            _("ФИО"),
            False,
            ("фио педагога", "фио учителя", "педагог", "учитель", "фамилия имя отчество"),
            _("Или три отдельных столбца: фамилия, имя, отчество."),
        ),
        ImportColumn("last_name", _("Фамилия"), False, ()),
        ImportColumn("first_name", _("Имя"), False, ()),
        ImportColumn("middle_name", _("Отчество"), False, ()),
        ImportColumn("code", _("Табельный номер"), False, ("таб. номер", "код педагога", "снилс")),
        ImportColumn(
            "subjects",
            _("Предметы"),
            False,
            ("преподаваемые предметы", "предмет", "дисциплины"),
            _("Через запятую; предметы вне справочника сохраняются текстом."),
        ),
        ImportColumn(
            "age_band",
            _("Возраст"),
            True,
            ("возрастная группа", "возраст, лет", "полных лет"),
            _("До 25, 25–29, 30–34, 35–44, 45–54, 55 и старше — или число лет."),
        ),
        ImportColumn(
            "category",
            _("Квалификационная категория"),
            False,
            ("категория", "кв. категория"),
            _("Без категории, соответствие занимаемой должности, первая, высшая."),
        ),
        ImportColumn(
            "experience",
            _("Педагогический стаж, лет"),
            False,
            ("стаж", "педстаж", "педагогический стаж"),
        ),
        ImportColumn(
            "last_course_year",
            _("Год последних курсов ПК"),
            False,
            ("год курсов", "курсы пк", "год прохождения курсов", "последние курсы"),
        ),
        ImportColumn(
            "is_active",
            _("Работает"),
            False,
            ("работает в школе", "активен"),
            _("«да» или «нет»; пусто — да."),
        ),
    )

    def may_import(self, user: UserLike) -> bool:
        return has_teacher_reach(user, Action.CHANGE)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = Validation()
        schools = SchoolIndex(
            (r.get("school") for r in rows), lambda s: may_manage_teachers(user, s)
        )
        subjects = SubjectIndex()
        school_ids = [s.pk for s in schools.schools.values()]
        existing = list(Teacher.objects.filter(school_id__in=school_ids))
        by_code = {(t.school_id, t.code): t for t in existing if t.code}
        by_name: dict[tuple[int, str], list[Teacher]] = {}
        for t in existing:
            by_name.setdefault((t.school_id, t.name_key), []).append(t)
        seen: dict[tuple[int, str], int] = {}
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            errors: list[RowError] = []
            school = schools.find(row, "school", errors)
            names = self._names(row, errors)
            values: dict[str, Any] = {}
            for key, parse in (
                ("age_band", parse_age_band),
                ("category", parse_category),
                ("experience", lambda t: parse_int(t, 0, 70)),
                ("last_course_year", lambda t: parse_int(t, 1980, dates.today().year)),
                ("is_active", parse_flag),
            ):
                if key == "age_band" and not row.get(key):
                    errors.append(row.error(key, _("не указан возраст")))
                    continue
                try:
                    values[key] = parse(row.get(key))
                except CellError as exc:
                    errors.append(row.error(key, str(exc)))
            known, other = [], []
            for text in re.split(r"[,;/]", row.get("subjects")):
                if not text.strip():
                    continue
                found = subjects.find(text)
                if found is None:
                    other.append(text.strip())
                elif found not in known:
                    known.append(found)
            if school is None or names is None or errors:
                outcome.errors.extend(errors)
                continue
            code = row.get("code")
            key = name_key(*names)
            identity = (school.pk, code or key)
            if identity in seen:
                outcome.errors.append(
                    row.error(
                        "code" if code else "full_name",
                        _("этот педагог этой школы уже был в строке %(row)s")
                        % {"row": seen[identity]},
                    )
                )
                continue
            seen[identity] = row.number
            teacher = by_code.get((school.pk, code)) if code else None
            if teacher is None:
                same = [t for t in by_name.get((school.pk, key), []) if not code or not t.code]
                if len(same) > 1:
                    outcome.errors.append(
                        row.error(
                            "code",
                            _("в школе несколько педагогов «%(n)s»; укажите табельный номер")
                            % {"n": " ".join(names)},
                        )
                    )
                    continue
                teacher = same[0] if same else None
            record_values = {
                "last_name": names[0],
                "first_name": names[1],
                "middle_name": names[2],
                "code": code,
                "age_band": values["age_band"],
                "category": values["category"],
                "experience_years": values["experience"],
                "last_course_year": values["last_course_year"],
                "subjects_other": ", ".join(other)[:255],
                "is_active": values["is_active"],
            }
            subjects_kept: list[Subject] | None = known
            if teacher is not None:
                # On update, columns the file does not have leave the stored values alone.
                for field_name, column in KEPT_UNLESS_MAPPED:
                    if column not in row.headers:
                        record_values[field_name] = getattr(teacher, field_name)
                if "subjects" not in row.headers:
                    subjects_kept = None
            if teacher is None:
                outcome.created += 1
            elif self._differs(teacher, record_values, subjects_kept):
                outcome.updated += 1
            else:
                outcome.unchanged += 1
                continue
            outcome.records.append(TeacherRecord(school, teacher, record_values, subjects_kept))
        if outcome.errors:
            outcome.records = []
        return outcome

    @staticmethod
    def _names(row: MappedRow, errors: list[RowError]) -> tuple[str, str, str] | None:
        if row.get("full_name"):
            try:
                return split_name(row.get("full_name"))
            except CellError as exc:
                errors.append(row.error("full_name", str(exc)))
                return None
        if row.get("last_name") and row.get("first_name"):
            return row.get("last_name"), row.get("first_name"), row.get("middle_name")
        errors.append(row.error("full_name", _("не указаны фамилия и имя педагога")))
        return None

    @staticmethod
    def _differs(teacher: Teacher, values: dict[str, Any], subjects: list[Subject] | None) -> bool:
        if any(getattr(teacher, k) != v for k, v in values.items()):
            return True
        if subjects is None:
            return False
        return set(teacher.subjects.values_list("pk", flat=True)) != {s.pk for s in subjects}

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        for record in validation.records:
            teacher_save(
                school=record.school,
                teacher=record.teacher,
                values=record.values,
                subjects=record.subjects,
            )
        return {}


# --- Diagnostics ----------------------------------------------------------------------------

DIAGNOSTIC_COLUMNS = (
    ImportColumn(
        "diagnostic",
        _("Диагностика"),
        True,
        ("название диагностики", "диагностика профессиональных дефицитов"),
        _("Название диагностики; обычно одно значение для всего файла."),
    ),
    ImportColumn(
        "held_on",
        _("Дата проведения"),
        True,
        ("дата", "дата диагностики"),
        _("ДД.ММ.ГГГГ. Диагностика с тем же названием и датой дополняется и обновляется."),
    ),
    ImportColumn("provider", _("Кто проводил"), False, ("оператор", "организатор", "провайдер")),
    ImportColumn(
        "threshold",
        _("Порог дефицита, %"),
        False,
        ("порог", "порог, %"),
        _("Результат ниже порога — дефицит; по умолчанию 50 %."),
    ),
)
AREA_SCORE_COLUMNS = tuple(
    ImportColumn(
        f"area_{area.value}",
        _("%(area)s, %%") % {"area": str(area.label).capitalize()},
        False,
        (str(area.label), f"{area.label} компетенции", f"{area.label} компетентность"),
        _("Результат в этой области, если области — столбцами."),
    )
    for area in CompetencyArea
)


@dataclass
class DiagnosticKey:
    title: str
    held_on: datetime.date
    provider: str
    threshold: float | None


@dataclass
class DiagnosticsValidation(Validation):
    """Records grouped by the diagnostic they belong to (title, date)."""

    diagnostics: dict[tuple[str, datetime.date], DiagnosticKey] = field(default_factory=dict)
    organizer_id: int | None = None


def read_diagnostic(
    row: MappedRow, errors: list[RowError], validation: DiagnosticsValidation
) -> tuple[str, datetime.date] | None:
    title = row.get("diagnostic")
    if not title:
        errors.append(row.error("diagnostic", _("не указано название диагностики")))
    held_on = None
    if not row.get("held_on"):
        errors.append(row.error("held_on", _("не указана дата проведения")))
    else:
        try:
            held_on = parse_date(row.get("held_on"))
        except CellError as exc:
            errors.append(row.error("held_on", str(exc)))
        else:
            if held_on > dates.today():
                errors.append(row.error("held_on", _("дата проведения ещё не наступила")))
                held_on = None
    threshold = None
    try:
        threshold = parse_percent(row.get("threshold"), _("порог"))
    except CellError as exc:
        errors.append(row.error("threshold", str(exc)))
    if not title or held_on is None:
        return None
    key = (title[:255], held_on)
    known = validation.diagnostics.get(key)
    if known is None:
        validation.diagnostics[key] = DiagnosticKey(
            title[:255], held_on, row.get("provider")[:255], threshold
        )
    elif threshold is not None and known.threshold is None:
        known.threshold = threshold
    elif threshold is not None and known.threshold != threshold:
        errors.append(
            row.error("threshold", _("порог отличается от указанного выше для этой диагностики"))
        )
    return key


def organizer_for(user: UserLike) -> int | None:
    """The methodical centre of an analyst who loads a diagnostic: its organiser."""
    if not isinstance(user, User):
        return None
    membership = (
        Membership.objects.filter(person__user=user, is_active=True, role=Role.ANALYST)
        .order_by("pk")
        .first()
    )
    return membership.organization_id if membership else None


def existing_diagnostics(validation: DiagnosticsValidation) -> dict[tuple[str, datetime.date], int]:
    """The stored diagnostics the file names; a changed threshold is noted for the user."""
    titles = {k[0] for k in validation.diagnostics}
    found = [
        d
        for d in Diagnostic.objects.filter(title__in=titles)
        if (d.title, d.held_on) in validation.diagnostics
    ]
    for d in found:
        threshold = validation.diagnostics[(d.title, d.held_on)].threshold
        if threshold is not None and threshold != d.threshold:
            validation.notes.append(
                _("Порог дефицита диагностики «%(t)s» изменится: %(old)s %% → %(new)s %%.")
                % {"t": d.title, "old": d.threshold, "new": threshold}
            )
    return {(d.title, d.held_on): d.pk for d in found}


def save_diagnostics(
    validation: DiagnosticsValidation, user: UserLike
) -> dict[tuple[str, datetime.date], Diagnostic]:
    organizer = (
        Organization.objects.get(pk=validation.organizer_id) if validation.organizer_id else None
    )
    result = {}
    for key, item in validation.diagnostics.items():
        result[key], _created = diagnostic_get_or_create(
            title=item.title,
            held_on=item.held_on,
            provider=item.provider,
            threshold=item.threshold,
            organizer=organizer,
            user=user if isinstance(user, User) else None,
        )
    return result


@dataclass
class ScoreRecord:
    diagnostic: tuple[str, datetime.date]
    teacher: Teacher
    subject: Subject | None
    area: str
    score: float
    row: int


@register_importer
class DiagnosticsImporter(Importer):
    """Teachers' results per subject and competency area; all rows or none."""

    key = "staff.diagnostics"
    title = _("Диагностика профессиональных дефицитов педагогов")
    record_label = _("Результаты педагогов")
    defaultable = ("diagnostic", "held_on", "provider", "threshold", "school", "subject")
    columns = (
        *DIAGNOSTIC_COLUMNS,
        SCHOOL_COLUMN,
        ImportColumn(
            "teacher",
            _("ФИО педагога"),
            True,
            ("фио", "педагог", "учитель", "фио учителя"),
            _("Как в реестре педагогов школы."),
        ),
        ImportColumn("teacher_code", _("Табельный номер"), False, ("таб. номер", "код педагога")),
        ImportColumn(
            "subject",
            _("Предмет"),
            False,
            ("учебный предмет",),
            _("Пусто — результат без предмета (например, психолого-педагогическая область)."),
        ),
        ImportColumn(
            "area",
            _("Область компетенций"),
            False,
            ("область", "компетенция", "вид дефицита", "блок"),
            _("Предметная, методическая, психолого-педагогическая, функциональная грамотность…"),
        ),
        ImportColumn(
            "score",
            _("Результат, %"),
            False,
            ("результат", "процент выполнения", "балл, %", "% выполнения"),
        ),
        *AREA_SCORE_COLUMNS,
    )

    def may_import(self, user: UserLike) -> bool:
        return may_import_diagnostics(user)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = DiagnosticsValidation(organizer_id=organizer_for(user))
        schools = SchoolIndex(
            (r.get("school") for r in rows), lambda s: may_manage_teachers(user, s)
        )
        subjects = SubjectIndex()
        teachers: dict[tuple[int, str], list[Teacher]] = {}
        by_code: dict[tuple[int, str], Teacher] = {}
        for t in Teacher.objects.filter(school_id__in=[s.pk for s in schools.schools.values()]):
            teachers.setdefault((t.school_id, t.name_key), []).append(t)
            if t.code:
                by_code[(t.school_id, t.code)] = t
        seen: dict[tuple[Any, ...], int] = {}
        records: list[ScoreRecord] = []
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            errors: list[RowError] = []
            diagnostic = read_diagnostic(row, errors, outcome)
            school = schools.find(row, "school", errors)
            teacher = self._teacher(row, school, teachers, by_code, errors)
            subject = None
            if row.get("subject"):
                subject = subjects.find(row.get("subject"))
                if subject is None:
                    errors.append(
                        row.error(
                            "subject",
                            _("предмет «%(value)s» не найден в справочнике; есть: %(known)s")
                            % {"value": row.get("subject"), "known": subjects.known()},
                        )
                    )
            pairs = self._scores(row, errors)
            if errors or diagnostic is None or teacher is None:
                outcome.errors.extend(errors)
                continue
            for area, score, column in pairs:
                key = (diagnostic, teacher.pk, subject.pk if subject else None, area)
                if key in seen:
                    outcome.errors.append(
                        row.error(
                            column,
                            _(
                                "результат этого педагога по этому предмету и области уже был в "
                                "строке %(row)s"
                            )
                            % {"row": seen[key]},
                        )
                    )
                    continue
                seen[key] = row.number
                records.append(ScoreRecord(diagnostic, teacher, subject, area, score, row.number))
        if progress:
            progress(1, _("Проверка завершена"))
        if outcome.errors:
            return outcome
        stored = self._stored(outcome, records)
        for record in records:
            key = (
                record.diagnostic,
                record.teacher.pk,
                record.subject.pk if record.subject else None,
                record.area,
            )
            previous = stored.get(key)
            if previous is None:
                outcome.created += 1
            elif previous.score != record.score:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
                continue
            outcome.records.append((record, previous))
        return outcome

    @staticmethod
    def _teacher(
        row: MappedRow,
        school: Organization | None,
        teachers: dict[tuple[int, str], list[Teacher]],
        by_code: dict[tuple[int, str], Teacher],
        errors: list[RowError],
    ) -> Teacher | None:
        text = row.get("teacher")
        code = row.get("teacher_code")
        if not text and not code:
            errors.append(row.error("teacher", _("не указан педагог")))
            return None
        if school is None:
            return None
        if code:
            found = by_code.get((school.pk, code))
            if found is not None:
                return found
        candidates = teachers.get((school.pk, name_key(text)), []) if text else []
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            errors.append(
                row.error(
                    "teacher",
                    _(
                        "в реестре школы «%(school)s» несколько педагогов «%(name)s»; укажите "
                        "табельный номер"
                    )
                    % {"school": school.short_name, "name": text},
                )
            )
            return None
        errors.append(
            row.error(
                "teacher" if text else "teacher_code",
                _(
                    "учитель «%(name)s» не найден в реестре школы «%(school)s» (код %(code)s); "
                    "сначала добавьте его в реестр педагогов"
                )
                % {"name": text or code, "school": school.short_name, "code": school.code},
            )
        )
        return None

    @staticmethod
    def _scores(row: MappedRow, errors: list[RowError]) -> list[tuple[str, float, str]]:
        """(area, score, column) of the row: the «area + score» pair and the area columns."""
        pairs = []
        area_text = row.get("area")
        if area_text or row.get("score"):
            area = parse_area(area_text) if area_text else None
            if not area_text:
                errors.append(row.error("area", _("не указана область компетенций")))
            elif area is None:
                errors.append(
                    row.error(
                        "area",
                        _("неизвестная область «%(value)s»; допустимо: %(allowed)s")
                        % {
                            "value": area_text,
                            "allowed": ", ".join(str(a.label) for a in CompetencyArea),
                        },
                    )
                )
            score = None
            if not row.get("score"):
                errors.append(row.error("score", _("не указан результат")))
            else:
                try:
                    score = parse_percent(row.get("score"), _("результат"))
                except CellError as exc:
                    errors.append(row.error("score", str(exc)))
            if area is not None and score is not None:
                pairs.append((str(area), score, "score"))
        for area in CompetencyArea:
            key = f"area_{area.value}"
            if not row.get(key):
                continue
            try:
                value = parse_percent(row.get(key), _("результат"))
            except CellError as exc:
                errors.append(row.error(key, str(exc)))
                continue
            if value is not None:
                pairs.append((str(area), value, key))
        if not pairs and not errors:
            errors.append(
                row.error(
                    "score",
                    _(
                        "нет ни одного результата: ни области с результатом, ни "
                        "столбцов по областям"
                    ),
                )
            )
        return pairs

    @staticmethod
    def _stored(
        validation: DiagnosticsValidation, records: list[ScoreRecord]
    ) -> dict[tuple[Any, ...], DiagnosticScore]:
        ids = existing_diagnostics(validation)
        if not ids:
            return {}
        keys = {pk: key for key, pk in ids.items()}
        rows = DiagnosticScore.objects.filter(
            diagnostic_id__in=list(ids.values()),
            teacher_id__in={r.teacher.pk for r in records},
        )
        return {(keys[s.diagnostic_id], s.teacher_id, s.subject_id, s.area): s for s in rows}

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, DiagnosticsValidation)
        diagnostics = save_diagnostics(validation, user)
        new, changed = [], []
        for record, previous in validation.records:
            if previous is not None:
                previous.score = record.score
                changed.append(previous)
                continue
            new.append(
                DiagnosticScore(
                    diagnostic=diagnostics[record.diagnostic],
                    teacher=record.teacher,
                    school_id=record.teacher.school_id,
                    subject=record.subject,
                    area=record.area,
                    score=record.score,
                )
            )
        DiagnosticScore.objects.bulk_create(new, batch_size=2000)
        DiagnosticScore.objects.bulk_update(changed, ["score"], batch_size=2000)
        return {"diagnostics": [d.pk for d in diagnostics.values()]}


@dataclass
class AggregateRecord:
    diagnostic: tuple[str, datetime.date]
    school: Organization
    subject: Subject | None
    area: str
    values: dict[str, Any]


@register_importer
class DiagnosticsAggregateImporter(Importer):
    """A diagnostic's results per school × subject × area (number tested, mean, share with a
    deficit) for authorities that have no teacher-level rows."""

    key = "staff.diagnostics_aggregate"
    title = _("Диагностика профессиональных дефицитов: сводные данные по школам")
    record_label = _("Сводные результаты школ")
    defaultable = ("diagnostic", "held_on", "provider", "threshold", "subject", "area")
    columns = (
        *DIAGNOSTIC_COLUMNS,
        SCHOOL_COLUMN,
        ImportColumn("subject", _("Предмет"), False, ("учебный предмет",)),
        ImportColumn("area", _("Область компетенций"), True, ("область", "компетенция")),
        ImportColumn(
            "tested",
            _("Прошли диагностику"),
            True,
            ("число педагогов", "количество педагогов", "участников", "тестировано"),
        ),
        ImportColumn("mean_score", _("Средний результат, %"), False, ("средний", "средний %")),
        ImportColumn(
            "deficit_share",
            _("Доля с дефицитом, %"),
            False,
            ("доля дефицита", "% с дефицитом", "доля педагогов с дефицитом"),
        ),
        ImportColumn(
            "deficit_count",
            _("Число педагогов с дефицитом"),
            False,
            ("с дефицитом", "количество с дефицитом"),
        ),
    )

    def may_import(self, user: UserLike) -> bool:
        return has_any(user, Action.IMPORT) or may_import_diagnostics(user)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = DiagnosticsValidation(organizer_id=organizer_for(user))
        schools = SchoolIndex(
            (r.get("school") for r in rows),
            lambda s: can(user, Action.IMPORT, s) or may_manage_teachers(user, s),
        )
        subjects = SubjectIndex()
        seen: dict[tuple[Any, ...], int] = {}
        records: list[AggregateRecord] = []
        for row in rows:
            errors: list[RowError] = []
            diagnostic = read_diagnostic(row, errors, outcome)
            school = schools.find(row, "school", errors)
            subject = None
            if row.get("subject"):
                subject = subjects.find(row.get("subject"))
                if subject is None:
                    errors.append(
                        row.error(
                            "subject",
                            _("предмет «%(value)s» не найден в справочнике; есть: %(known)s")
                            % {"value": row.get("subject"), "known": subjects.known()},
                        )
                    )
            area = parse_area(row.get("area")) if row.get("area") else None
            if area is None:
                errors.append(
                    row.error(
                        "area",
                        _("неизвестная область «%(value)s»; допустимо: %(allowed)s")
                        % {
                            "value": row.get("area"),
                            "allowed": ", ".join(str(a.label) for a in CompetencyArea),
                        },
                    )
                )
            values = self._values(row, errors)
            if errors or diagnostic is None or school is None or area is None or values is None:
                outcome.errors.extend(errors)
                continue
            key = (diagnostic, school.pk, subject.pk if subject else None, str(area))
            if key in seen:
                outcome.errors.append(
                    row.error(
                        "area",
                        _("эта школа, предмет и область уже были в строке %(row)s")
                        % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = row.number
            records.append(AggregateRecord(diagnostic, school, subject, str(area), values))
        if outcome.errors:
            return outcome
        ids = existing_diagnostics(outcome)
        names = {pk: key for key, pk in ids.items()}
        stored = {
            (names[a.diagnostic_id], a.school_id, a.subject_id, a.area): a
            for a in DiagnosticAggregate.objects.filter(diagnostic_id__in=list(ids.values()))
        }
        for record in records:
            previous = stored.get(
                (
                    record.diagnostic,
                    record.school.pk,
                    record.subject.pk if record.subject else None,
                    record.area,
                )
            )
            if previous is None:
                outcome.created += 1
            elif any(getattr(previous, k) != v for k, v in record.values.items()):
                outcome.updated += 1
            else:
                outcome.unchanged += 1
                continue
            outcome.records.append((record, previous))
        return outcome

    @staticmethod
    def _values(row: MappedRow, errors: list[RowError]) -> dict[str, Any] | None:
        before = len(errors)
        tested = None
        try:
            tested = parse_int(row.get("tested"), 1, 100000)
        except CellError as exc:
            errors.append(row.error("tested", str(exc)))
        if tested is None and len(errors) == before:
            errors.append(row.error("tested", _("не указано число прошедших диагностику")))
        mean = share = None
        try:
            mean = parse_percent(row.get("mean_score"), _("средний результат"))
        except CellError as exc:
            errors.append(row.error("mean_score", str(exc)))
        try:
            share = parse_percent(row.get("deficit_share"), _("доля"))
        except CellError as exc:
            errors.append(row.error("deficit_share", str(exc)))
        if share is None and row.get("deficit_count") and tested:
            try:
                count = parse_int(row.get("deficit_count"), 0, tested)
            except CellError as exc:
                errors.append(row.error("deficit_count", str(exc)))
            else:
                share = round(100 * (count or 0) / tested, 1)
        if len(errors) > before:
            return None
        if mean is None and share is None:
            errors.append(
                row.error("mean_score", _("нет ни среднего результата, ни доли с дефицитом"))
            )
            return None
        return {"tested": tested, "mean_score": mean, "deficit_share": share}

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, DiagnosticsValidation)
        diagnostics = save_diagnostics(validation, user)
        new, changed = [], []
        for record, previous in validation.records:
            if previous is not None:
                for key, value in record.values.items():
                    setattr(previous, key, value)
                changed.append(previous)
                continue
            new.append(
                DiagnosticAggregate(
                    diagnostic=diagnostics[record.diagnostic],
                    school=record.school,
                    subject=record.subject,
                    area=record.area,
                    **record.values,
                )
            )
        DiagnosticAggregate.objects.bulk_create(new, batch_size=2000)
        DiagnosticAggregate.objects.bulk_update(
            changed, ["tested", "mean_score", "deficit_share"], batch_size=2000
        )
        return {"diagnostics": [d.pk for d in diagnostics.values()]}
