"""The Chilean SIMCE files (Agencia de Calidad de la Educación): one row per school, the
subjects side by side, the socio-economic group of the school's families beside them.

What the real files do that this importer undoes:
- a suppressed score of a small school is written as 0, and suppressed shares as 0.0 in all
  three standards: both become "no data", never a zero result;
- the socio-economic group is text up to 2016 («Medio bajo») and a number 1–5 from 2017;
- ownership and urban / rural are text up to 2017 and numeric codes from 2018;
- the set of columns changes between years (sciences in some, `agno` at the end in 2023+,
  `4b` columns in one 2018 file's dictionary): each subject block is optional and the grade
  comes from `grado` or from the columns' own names; the year from `agno` or the file name.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from opora.core.imports.base import (
    ImportColumn,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    RowError,
    UserLike,
    Validation,
    register_importer,
)
from opora.registry.choices import Locality, Ownership, TerritoryKind
from opora.results.imports import (
    CellError,
    ContextRecord,
    NewSchoolDraft,
    ResultRecord,
    ResultsImporterBase,
    ResultsValidation,
    check_duplicate,
    check_score,
    count_changes,
    existing_context,
    existing_results,
    parse_count,
    parse_number,
    parse_share,
    save_context,
    save_results,
    save_schools_and_years,
    score_bounds,
)
from opora.results.models import Assessment, ContextIndicator, Subject

# SIMCE subject codes in column names → Opora's subject codes.
SUBJECTS = {
    "lect": ("reading", _("Lectura (чтение)")),
    "mate": ("math", _("Matemática")),
    "nat": ("science", _("Ciencias Naturales")),
    "soc": ("social-science", _("Ciencias Sociales / Historia")),
}
SUBJECT_FIELDS = ("participants", "mean", "insufficient", "elementary", "adequate")
GRADES = {"4b": 4, "2m": 10}
SES_GROUPS = {"bajo": 1, "medio bajo": 2, "medio": 3, "medio alto": 4, "alto": 5}
OWNERSHIP = {
    "municipal": Ownership.MUNICIPAL,
    "particular subvencionado": Ownership.PRIVATE,
    "part. subvencionado": Ownership.PRIVATE,
    "particular pagado": Ownership.PRIVATE,
    "part. pagado": Ownership.PRIVATE,
    "slep": Ownership.STATE,
    "servicio local de educacion": Ownership.STATE,
    "servicio local de educación": Ownership.STATE,
    # Numeric codes from 2018 (dictionary, table 2).
    "1": Ownership.MUNICIPAL,
    "2": Ownership.PRIVATE,
    "3": Ownership.PRIVATE,
    "4": Ownership.STATE,
}
RURAL = {
    "urbano": Locality.URBAN,
    "rural": Locality.RURAL,
    "1": Locality.URBAN,
    "2": Locality.RURAL,
}
SES_INDICATOR = "ses-group"
YEAR_IN_NAME = re.compile(r"(20\d\d)")


def _subject_columns() -> tuple[ImportColumn, ...]:
    columns = []
    labels = {
        "participants": (_("участников"), "nalu_{s}{g}_rbd"),
        "mean": (_("средний балл"), "prom_{s}{g}_rbd"),
        "insufficient": (_("доля на недостаточном уровне, %"), "palu_eda_ins_{s}{g}_rbd"),
        "elementary": (_("доля на элементарном уровне, %"), "palu_eda_ele_{s}{g}_rbd"),
        "adequate": (_("доля на достаточном уровне, %"), "palu_eda_ade_{s}{g}_rbd"),
    }
    for code, (_subject, title) in SUBJECTS.items():
        for field_name in SUBJECT_FIELDS:
            label, pattern = labels[field_name]
            columns.append(
                ImportColumn(
                    f"{code}_{field_name}",
                    f"{title}: {label}",
                    False,
                    tuple(pattern.format(s=code, g=g) for g in GRADES),
                )
            )
    return tuple(columns)


def ses_group(text: str) -> int | None:
    """The socio-economic group 1–5 from «Medio bajo» (to 2016) or «2» / «2.0» (from 2017)."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        return None
    if cleaned in SES_GROUPS:
        return SES_GROUPS[cleaned]
    try:
        number = parse_number(cleaned)
    except CellError:
        number = None
    if number is not None and number == int(number) and 1 <= number <= 5:
        return int(number)
    raise CellError(
        _("«%(value)s» — не социально-экономическая группа (Bajo … Alto или 1–5)")
        % {"value": text.strip()}
    )


def _code(text: str) -> str:
    """Codes like 15 or 15.0 (numbers in Excel) written the same way in every file."""
    cleaned = text.strip()
    return cleaned[:-2] if cleaned.endswith(".0") else cleaned


@register_importer
class SimceImporter(ResultsImporterBase):
    """SIMCE results of both grades and every year, with the socio-economic group."""

    key = "results.simce"
    title = _("SIMCE (Чили): результаты школ и социально-экономическая группа")
    defaultable = ("year", "grade")
    root_place = (_("Чили"), TerritoryKind.COUNTRY, "CL")
    columns = (
        ImportColumn("code", _("RBD (код школы)"), True, ("rbd",)),
        ImportColumn("name", _("Наименование"), False, ("nom_rbd",)),
        ImportColumn("region_code", _("Код региона"), False, ("cod_reg_rbd",)),
        ImportColumn("region", _("Регион"), False, ("nom_reg_rbd",)),
        ImportColumn("commune", _("Коммуна (муниципалитет)"), False, ("nom_com_rbd",)),
        ImportColumn("ownership", _("Зависимость (собственность)"), False, ("cod_depe2",)),
        ImportColumn("locality", _("Город / село"), False, ("cod_rural_rbd",)),
        ImportColumn(
            "year", _("Год"), False, ("agno",), _("Если столбца нет — год из имени файла.")
        ),
        ImportColumn("grade", _("Класс (4b / 2m)"), False, ("grado",)),
        ImportColumn("ses_group", _("Социально-экономическая группа"), False, ("cod_grupo",)),
        *_subject_columns(),
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
        errors = validation.errors
        assessment = Assessment.objects.get(code="simce")
        subjects = {
            s.code: s for s in Subject.objects.filter(code__in=[v[0] for v in SUBJECTS.values()])
        }
        indicator = ContextIndicator.objects.get(code=SES_INDICATOR)
        file_year = YEAR_IN_NAME.search(options.file_name or "")
        blocks = [
            code
            for code in SUBJECTS
            if rows and any(f"{code}_{f}" in rows[0].headers for f in ("participants", "mean"))
        ]
        if rows and not blocks:
            errors.append(
                RowError(0, "", _("Не выбран ни один столбец результатов (nalu_…, prom_…)."))
            )
        context_records: list[ContextRecord] = []
        seen: dict[Any, int] = {}
        for index, row in enumerate(rows):
            if progress and index % 2000 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            before = len(errors)
            if not row.get("year") and file_year:
                row.values["year"] = file_year.group(1)
                row.headers.setdefault("year", _("год из имени файла"))
            code = _code(row.get("code"))
            row.values["code"] = code
            school = finder.find(row, errors, validation, describe=partial(self._draft, row))
            year = years.check(row, "year", validation)
            grade = self._grade(row, errors)
            try:
                group = ses_group(row.get("ses_group"))
            except CellError as exc:
                errors.append(row.error("ses_group", str(exc)))
                group = None
            results = []
            for block in blocks:
                values = self._block(row, block, errors, score_bounds(assessment, None))
                if values is not None:
                    results.append((subjects[SUBJECTS[block][0]].pk, values))
            if len(errors) > before or school is None or year is None or grade is None:
                continue
            if not check_duplicate(seen, (school, year, grade), row, "code", errors):
                continue
            for subject_id, values in results:
                validation.records.append(
                    ResultRecord(
                        (school, year, assessment.pk, subject_id, grade), values, row.number
                    )
                )
            if group is not None:
                context_records.append(
                    ContextRecord((school, year, indicator.pk), group, row.number)
                )
        if not errors:
            count_changes(validation, existing_results(validation.records))
            context = ResultsValidation(records=context_records)
            count_changes(context, existing_context(context_records))
            validation.context_records = context.records
        return self.finish(validation, finder)

    def _grade(self, row: MappedRow, errors: list[RowError]) -> int | None:
        text = row.get("grade").lower()
        if text in GRADES:
            return GRADES[text]
        if text:
            errors.append(
                row.error("grade", _("«%(value)s» — не класс SIMCE (4b или 2m)") % {"value": text})
            )
            return None
        for header in row.headers.values():
            for marker, grade in GRADES.items():
                if marker in header:
                    return grade
        errors.append(row.error("grade", _("класс не указан и не виден из имён столбцов")))
        return None

    @staticmethod
    def _block(
        row: MappedRow, block: str, errors: list[RowError], bounds: tuple[float, float | None]
    ) -> dict[str, Any] | None:
        """One subject's figures; None when the school has no result in it."""
        before = len(errors)
        values: dict[str, Any] = {}

        def read(field_name: str, parse: Any) -> Any:
            key = f"{block}_{field_name}"
            try:
                return parse(row.get(key))
            except CellError as exc:
                errors.append(row.error(key, str(exc)))
                return None

        participants = read("participants", parse_count)
        mean = read("mean", parse_number)
        if mean:  # 0 is a suppressed figure (see below), not a score
            check_score(row, f"{block}_mean", mean, bounds, errors)
        levels = [read(level, parse_share) for level in ("insufficient", "elementary", "adequate")]
        if len(errors) > before:
            return None
        if not participants:
            return None
        # Suppressed figures are written as 0: no school scores 0 on SIMCE's scale, and three
        # standards that add up to 0 % describe nobody.
        values["participants"] = participants
        values["mean_score"] = mean if mean else None
        if any(levels) and None not in levels:
            values["share_fail"] = levels[0]
            values["share_good"] = levels[2]
        else:
            values["share_fail"] = values["share_good"] = None
        for key in ("share_below_min", "share_confirm", "share_lower", "share_raise"):
            values[key] = None
        return values

    @staticmethod
    def _draft(row: MappedRow) -> NewSchoolDraft:
        region = " ".join(row.get("region").split()).title() or _("Регион не указан")
        region_code = _code(row.get("region_code"))
        commune = " ".join(row.get("commune").split()).title()
        places: list[tuple[str, str, str | None]] = [
            (region, TerritoryKind.REGION, f"CL-{region_code}" if region_code else None)
        ]
        if commune:
            places.append((commune, TerritoryKind.MUNICIPALITY, None))
        ownership_text = " ".join(_code(row.get("ownership")).lower().split())
        rural_text = _code(row.get("locality")).lower()
        return NewSchoolDraft(
            code=row.get("code"),
            name=" ".join(row.get("name").split()),
            places=tuple(places),
            ownership=OWNERSHIP.get(
                ownership_text,
                Ownership.PRIVATE if "particular" in ownership_text else Ownership.MUNICIPAL,
            ),
            locality=RURAL.get(rural_text, Locality.URBAN),
            first_row=row.number,
        )

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        assert isinstance(validation, ResultsValidation)
        school_ids = save_schools_and_years(validation)
        save_results(validation, school_ids)
        save_context(validation.context_records, school_ids, validation.upload_id)
        return {
            "schools_created": len(validation.new_schools),
            "context_values": len(validation.context_records),
        }
