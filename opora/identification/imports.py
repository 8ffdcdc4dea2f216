"""The import of an official list of schools (a ministry order, the federal «500+» list) as an
external list for a year, beside the list computed here.

The file holds the schools (a code column, optionally their names for the preview); the
list's own data — territory, year, title, issuer, the order's number and date — are values
for the whole file, entered by the user on the column step (the framework's per-file values)
or, on the command line, with `--value`. All or nothing: an unknown code, a school twice, an
empty file, a missing order number or date, or a list already loaded with the same order is
refused with row-level Russian messages, and nothing is saved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

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
from opora.core.imports.cells import CellError
from opora.core.imports.limits import number_ru
from opora.identification.models import ExternalList
from opora.registry.choices import OrganizationKind
from opora.registry.models import Organization, Territory

EXTERNAL_LIST_IMPORTER = "identification.external_list"
# The list's own data: one value for the whole file.
LIST_FIELDS = ("territory", "year", "title", "issuer", "order_number", "order_date")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_order_date(text: str) -> datetime.date:
    """«20.08.2024» (or ISO, as a spreadsheet date cell reads): the order's date."""
    cleaned = text.strip().split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise CellError(_("«%(value)s» — не дата (ДД.ММ.ГГГГ)") % {"value": text.strip()})


@dataclass
class ListHeader:
    """The list's own data, checked: what `ExternalList` is made of besides its schools."""

    territory: Territory
    year: int
    title: str
    issuer: str
    order_number: str
    order_date: datetime.date


@dataclass
class ExternalListValidation(Validation):
    """The checked file: the list's header and (school id, row) of every school."""

    header: ListHeader | None = None
    upload_id: int | None = None
    school_rows: list[tuple[int, int]] = field(default_factory=list)


def _list_territories(user: UserLike) -> Any:
    # Late import: the selectors module imports this one's neighbours at start-up.
    from opora.identification.selectors import run_territories

    return run_territories(user)


def _single_value(rows: list[MappedRow], key: str, label: str, errors: list[RowError]) -> str:
    """The one value of a list field: the same in every row, or from the whole-file value."""
    first: MappedRow | None = None
    for row in rows:
        value = row.get(key)
        if not value:
            continue
        if first is None:
            first = row
        elif value != first.get(key):
            errors.append(
                row.error(
                    key,
                    _(
                        "«%(value)s» отличается от «%(first)s» в строке %(row)s: у списка "
                        "одно значение поля «%(label)s»"
                    )
                    % {
                        "value": value,
                        "first": first.get(key),
                        "row": first.number,
                        "label": label,
                    },
                )
            )
            return ""
    return first.get(key) if first is not None else ""


def _missing(label: str) -> RowError:
    return RowError(
        0,
        "",
        _("Не указано поле «%(label)s»: введите его в «Значения для всего файла».")
        % {"label": label},
    )


@register_importer
class ExternalListImporter(Importer):
    """Official list of schools (ШНОР/ШНСУ): its schools by registry code, its order by hand."""

    key = EXTERNAL_LIST_IMPORTER
    title = _("Официальный список школ (ШНОР/ШНСУ)")
    record_label = _("Школы официального списка")
    columns = (
        ImportColumn(
            "school_code",
            _("Код школы"),
            required=True,
            aliases=("код", "код оо", "код организации", "код школы в реестре", "code"),
            help_text=_("Код школы в реестре Опоры."),
        ),
        ImportColumn(
            "school_name",
            _("Наименование школы"),
            aliases=("наименование", "школа", "наименование оо", "name"),
            help_text=_("Только для проверки: школу находят по коду."),
        ),
        ImportColumn(
            "territory",
            _("Территория списка"),
            help_text=_("Код или название территории, для которой выдан список."),
        ),
        ImportColumn("year", _("Год списка"), help_text=_("Например, 2024.")),
        ImportColumn("title", _("Название списка")),
        ImportColumn("issuer", _("Кем утверждён")),
        ImportColumn("order_number", _("Номер приказа")),
        ImportColumn(
            "order_date",
            _("Дата приказа"),
            help_text=_("ДД.ММ.ГГГГ"),
        ),
    )
    defaultable = LIST_FIELDS

    def may_import(self, user: UserLike) -> bool:
        """Territory roles who may run identification somewhere."""
        return bool(user.is_authenticated) and _list_territories(user).exists()

    def _header(
        self, rows: list[MappedRow], user: UserLike, errors: list[RowError]
    ) -> ListHeader | None:
        labels = {c.key: str(c.label) for c in self.columns}
        values = {key: _single_value(rows, key, labels[key], errors) for key in LIST_FIELDS}
        if errors:
            return None
        for key in ("territory", "year", "title", "order_number", "order_date"):
            if not values[key]:
                errors.append(_missing(labels[key]))
        if errors:
            return None
        territory = self._territory(values["territory"], user, errors)
        year = self._year(values["year"], errors)
        try:
            order_date = parse_order_date(values["order_date"])
        except CellError as exc:
            errors.append(RowError(0, "", f"{labels['order_date']}: {exc}"))
            return None
        if territory is None or year is None:
            return None
        if len(values["title"]) > 500 or len(values["order_number"]) > 100:
            errors.append(RowError(0, "", _("Название списка или номер приказа слишком длинные.")))
            return None
        return ListHeader(
            territory=territory,
            year=year,
            title=values["title"],
            issuer=values["issuer"][:500],
            order_number=values["order_number"],
            order_date=order_date,
        )

    def _territory(self, text: str, user: UserLike, errors: list[RowError]) -> Territory | None:
        territories = _list_territories(user)
        found = territories.filter(code=text).first() or territories.filter(name=text).first()
        if found is None:
            errors.append(
                RowError(
                    0,
                    "",
                    _(
                        "Территории «%(value)s» нет среди тех, для которых вы можете выявлять "
                        "школы; укажите её код или точное название."
                    )
                    % {"value": text},
                )
            )
        return found

    def _year(self, text: str, errors: list[RowError]) -> int | None:
        from opora.results.imports import parse_year

        try:
            return parse_year(text)
        except CellError as exc:
            errors.append(RowError(0, "", _("Год списка: %(error)s") % {"error": exc}))
            return None

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        """Check the list's data and every row; never writes."""
        validation = ExternalListValidation(
            upload_id=options.upload_id if options is not None else None
        )
        errors = validation.errors
        header = self._header(rows, user, errors)
        if not rows:
            errors.append(RowError(0, "", _("В файле нет ни одной школы.")))
        if header is None:
            return validation
        if ExternalList.objects.filter(
            territory=header.territory, year=header.year, order_number=header.order_number
        ).exists():
            errors.append(
                RowError(
                    0,
                    "",
                    _(
                        "Список территории «%(territory)s» за %(year)s год по приказу "
                        "№ %(number)s уже загружен; удалите его, чтобы загрузить заново."
                    )
                    % {
                        "territory": header.territory.name,
                        "year": header.year,
                        "number": header.order_number,
                    },
                )
            )
            return validation
        validation.header = header
        codes = {row.get("school_code") for row in rows}
        schools = {
            o.code: o
            for o in Organization.objects.filter(
                code__in=codes,
                kind=OrganizationKind.SCHOOL,
                territory__path__startswith=header.territory.path,
            ).only("pk", "code", "short_name")
        }
        seen: dict[int, int] = {}
        for index, row in enumerate(rows):
            if progress is not None and index % 1000 == 0:
                progress(index / len(rows), _("Проверка строк"))
            code = row.get("school_code")
            if not code:
                errors.append(row.error("school_code", _("не указан код школы")))
                continue
            school = schools.get(code)
            if school is None:
                errors.append(
                    row.error(
                        "school_code",
                        _("школы с кодом «%(code)s» нет в реестре территории «%(territory)s»")
                        % {"code": code, "territory": header.territory.name},
                    )
                )
                continue
            if school.pk in seen:
                errors.append(
                    row.error(
                        "school_code",
                        _("школа «%(name)s» уже указана в строке %(row)s")
                        % {"name": school.short_name, "row": seen[school.pk]},
                    )
                )
                continue
            seen[school.pk] = row.number
            validation.school_rows.append((school.pk, row.number))
        if not errors:
            validation.created = len(validation.school_rows)
            validation.notes.append(
                _("Список «%(title)s», %(territory)s, %(year)s год, %(order)s.")
                % {
                    "title": header.title,
                    "territory": header.territory.name,
                    "year": header.year,
                    "order": order_label(header.order_number, header.order_date),
                }
            )
        return validation

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        """One ExternalList and its schools (the caller's transaction covers it)."""
        from opora.identification.services import external_list_create

        assert isinstance(validation, ExternalListValidation) and validation.header is not None
        header = validation.header
        external = external_list_create(
            territory=header.territory,
            year=header.year,
            title=header.title,
            issuer=header.issuer,
            order_number=header.order_number,
            order_date=header.order_date,
            school_rows=validation.school_rows,
            user=user,
            upload_id=validation.upload_id,
        )
        return {"external_list": external.pk}

    def summary(self, validation: Validation, *, done: bool) -> list[str]:
        n = number_ru(validation.created)
        if done:
            return [_("Официальный список сохранён: школ — %(n)s.") % {"n": n}]
        return [_("Официальный список будет сохранён: школ — %(n)s.") % {"n": n}]


def order_label(number: str, day: datetime.date) -> str:
    """«приказ от 2 сентября 2024 г. № 45»."""
    from opora.core.dates import date_ru_long

    return _("приказ от %(date)s № %(number)s") % {"date": date_ru_long(day), "number": number}
