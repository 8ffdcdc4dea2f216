"""The school registry import (реестр ОО) from XLSX / CSV, keyed by the organisation code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from opora.core.access import Action, can, has_any, restrict
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
from opora.registry.choices import (
    Locality,
    OrganizationKind,
    Ownership,
    SchoolType,
    parse_school_type,
)
from opora.registry.models import Organization, Territory

LOCALITY_WORDS = {
    "городская": Locality.URBAN,
    "город": Locality.URBAN,
    "городская местность": Locality.URBAN,
    "г": Locality.URBAN,
    "urban": Locality.URBAN,
    "сельская": Locality.RURAL,
    "село": Locality.RURAL,
    "сельская местность": Locality.RURAL,
    "с": Locality.RURAL,
    "rural": Locality.RURAL,
}
OWNERSHIP_WORDS = {
    "муниципальная": Ownership.MUNICIPAL,
    "муниципальное": Ownership.MUNICIPAL,
    "государственная": Ownership.STATE,
    "государственное": Ownership.STATE,
    "региональная": Ownership.STATE,
    "частная": Ownership.PRIVATE,
    "частное": Ownership.PRIVATE,
}

ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "territory_id",
    "ownership",
    "address",
    "phone",
    "email",
    "website",
)
SCHOOL_FIELDS = ("school_type", "number", "locality", "enrolment", "director_name")


@dataclass
class SchoolRecord:
    """One valid row, ready to be written: existing organisation (or None) and new values."""

    code: str
    organization: Organization | None
    organization_values: dict[str, Any]
    school_values: dict[str, Any]
    changed: bool


@register_importer
class SchoolRegistryImporter(Importer):
    """Creates and updates schools by their code; re-importing the same file changes nothing."""

    key = "registry.schools"
    title = _("Реестр школ")
    record_label = _("Школы")
    columns = (
        ImportColumn(
            "code",
            _("Код ОО"),
            True,
            ("код", "код организации", "код школы", "идентификатор", "id", "rbd"),
        ),
        ImportColumn(
            "name",
            _("Полное наименование"),
            True,
            ("наименование", "название", "наименование ОО", "полное название"),
        ),
        ImportColumn(
            "short_name",
            _("Краткое наименование"),
            False,
            ("краткое название", "сокращённое наименование"),
        ),
        ImportColumn(
            "school_type",
            _("Вид ОО"),
            False,
            ("вид", "тип", "тип ОО"),
            _(
                "СОШ, ООШ, НОШ, гимназия, лицей, В(С)ОШ, школа-интернат; если пусто — "
                "по наименованию."
            ),
        ),
        ImportColumn("number", _("Номер"), False, ("№", "номер школы", "№ школы")),
        ImportColumn(
            "territory",
            _("Территория"),
            True,
            (
                "район",
                "район города",
                "муниципалитет",
                "муниципальное образование",
                "код территории",
            ),
            _("Название или код территории из реестра «Опоры»."),
        ),
        ImportColumn(
            "locality", _("Местность"), False, ("город/село", "тип местности", "городская/сельская")
        ),
        ImportColumn("ownership", _("Форма собственности"), False, ("собственность",)),
        ImportColumn("address", _("Адрес"), False, ("юридический адрес", "фактический адрес")),
        ImportColumn(
            "director", _("Директор"), False, ("руководитель", "фио директора", "фио руководителя")
        ),
        ImportColumn(
            "enrolment",
            _("Численность обучающихся"),
            False,
            ("контингент", "число обучающихся", "количество обучающихся", "численность"),
        ),
        ImportColumn("phone", _("Телефон"), False, ()),
        ImportColumn("email", _("Эл. почта"), False, ("email", "e-mail", "электронная почта")),
        ImportColumn("website", _("Сайт"), False, ("веб-сайт", "адрес сайта")),
    )

    def may_import(self, user: UserLike) -> bool:
        return has_any(user, Action.IMPORT)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = Validation()
        territories = self._territories(user)
        codes = [row.get("code") for row in rows if row.get("code")]
        existing = {
            o.code: o
            for o in Organization.objects.filter(code__in=codes).select_related(
                "territory", "school"
            )
        }
        first_row_of_code: dict[str, int] = {}
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            errors_before = len(outcome.errors)
            code = row.get("code")
            if not code:
                outcome.errors.append(row.error("code", _("не указан код организации")))
            elif code in first_row_of_code:
                outcome.errors.append(
                    row.error(
                        "code",
                        _("код «%(code)s» уже встречался в строке %(row)s")
                        % {"code": code, "row": first_row_of_code[code]},
                    )
                )
            else:
                first_row_of_code[code] = row.number
            organization = existing.get(code)
            if organization is not None:
                if organization.kind != OrganizationKind.SCHOOL:
                    outcome.errors.append(
                        row.error(
                            "code",
                            _("код «%(code)s» уже занят организацией другого типа: %(org)s")
                            % {"code": code, "org": organization.short_name},
                        )
                    )
                elif not can(user, Action.IMPORT, organization):
                    outcome.errors.append(
                        row.error(
                            "code",
                            _(
                                "школа с кодом «%(code)s» есть в реестре, но вне вашей "
                                "зоны ответственности"
                            )
                            % {"code": code},
                        )
                    )
            record = self._record(row, code, organization, territories, outcome.errors)
            if len(outcome.errors) == errors_before and record is not None:
                outcome.records.append(record)
                if record.organization is None:
                    outcome.created += 1
                elif record.changed:
                    outcome.updated += 1
                else:
                    outcome.unchanged += 1
        if progress:
            progress(1, _("Проверка завершена"))
        if outcome.errors:
            outcome.records = []
        return outcome

    def _territories(self, user: UserLike) -> dict[str, list[Territory]]:
        """Territories the user may import into, by lower-cased name and by code."""
        qs = restrict(Territory.objects.all(), user, Action.IMPORT)
        index: dict[str, list[Territory]] = {}
        for territory in qs:
            index.setdefault(territory.name.lower().replace("ё", "е"), []).append(territory)
            if territory.code:
                index.setdefault(territory.code.lower(), []).append(territory)
        return index

    def _record(
        self,
        row: MappedRow,
        code: str,
        organization: Organization | None,
        territories: dict[str, list[Territory]],
        errors: list[RowError],
    ) -> SchoolRecord | None:
        name = row.get("name")
        if not name:
            errors.append(row.error("name", _("не указано наименование")))
        territory_text = row.get("territory")
        territory = None
        if not territory_text:
            errors.append(row.error("territory", _("не указана территория")))
        else:
            found = territories.get(territory_text.lower().replace("ё", "е"), [])
            if not found:
                errors.append(
                    row.error(
                        "territory",
                        _(
                            "территория «%(name)s» не найдена в реестре (или вне вашей "
                            "зоны ответственности)"
                        )
                        % {"name": territory_text},
                    )
                )
            elif len(found) > 1:
                errors.append(
                    row.error(
                        "territory",
                        _("территорий с названием «%(name)s» несколько; укажите код")
                        % {"name": territory_text},
                    )
                )
            else:
                territory = found[0]
        type_text = row.get("school_type")
        school_type = parse_school_type(type_text or name)
        if school_type is None:
            if type_text:
                errors.append(
                    row.error(
                        "school_type",
                        _("неизвестный вид ОО «%(value)s»; допустимо: %(allowed)s")
                        % {
                            "value": type_text,
                            "allowed": ", ".join(str(t.label) for t in SchoolType),
                        },
                    )
                )
            elif organization is not None and hasattr(organization, "school"):
                school_type = SchoolType(organization.school.school_type)
            else:
                school_type = SchoolType.SOSH
        locality = self._choice(row, "locality", LOCALITY_WORDS, errors)
        ownership = self._choice(row, "ownership", OWNERSHIP_WORDS, errors)
        enrolment = None
        if row.get("enrolment"):
            text = row.get("enrolment").replace(" ", "").replace("\xa0", "")
            if not text.isdigit():
                errors.append(
                    row.error(
                        "enrolment",
                        _("«%(value)s» — не целое неотрицательное число")
                        % {"value": row.get("enrolment")},
                    )
                )
            else:
                enrolment = int(text)
        email = row.get("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    row.error("email", _("«%(value)s» — не адрес эл. почты") % {"value": email})
                )
        website = row.get("website")
        if website:
            if "://" not in website:
                website = f"https://{website}"
            try:
                URLValidator()(website)
            except ValidationError:
                errors.append(
                    row.error(
                        "website", _("«%(value)s» — не адрес сайта") % {"value": row.get("website")}
                    )
                )
        if territory is None or not name:
            return None
        organization_values: dict[str, Any] = {
            "name": name[:500],
            "short_name": (row.get("short_name") or name)[:255],
            "territory_id": territory.pk,
            "address": row.get("address")[:500],
            "phone": row.get("phone")[:64],
            "email": email,
            "website": website,
        }
        if ownership is not None:
            organization_values["ownership"] = ownership
        school_values: dict[str, Any] = {
            "school_type": school_type,
            "number": row.get("number")[:16],
            "director_name": row.get("director")[:255],
            "enrolment": enrolment,
        }
        if locality is not None:
            school_values["locality"] = locality
        if organization is not None:
            # On update, columns absent from the mapping leave the stored values alone.
            organization_values = {
                k: v for k, v in organization_values.items() if self._mapped(row, k)
            }
            school_values = {k: v for k, v in school_values.items() if self._mapped(row, k)}
        changed = organization is None or self._differs(
            organization, organization_values, school_values
        )
        return SchoolRecord(code, organization, organization_values, school_values, changed)

    @staticmethod
    def _mapped(row: MappedRow, field: str) -> bool:
        source = {"territory_id": "territory", "director_name": "director"}.get(field, field)
        return source in row.headers

    @staticmethod
    def _choice(row: MappedRow, key: str, words: dict[str, Any], errors: list[RowError]) -> Any:
        text = row.get(key)
        if not text:
            return None
        value = words.get(text.lower().strip(" ."))
        if value is None:
            allowed = sorted({str(v.label).lower() for v in words.values()})
            errors.append(
                row.error(
                    key,
                    _("«%(value)s» — неизвестное значение; допустимо: %(allowed)s")
                    % {"value": text, "allowed": ", ".join(allowed)},
                )
            )
        return value

    @staticmethod
    def _differs(
        organization: Organization, org_values: dict[str, Any], school_values: dict[str, Any]
    ) -> bool:
        if any(getattr(organization, k) != v for k, v in org_values.items()):
            return True
        school = getattr(organization, "school", None)
        if school is None:
            return True
        return any(getattr(school, k) != v for k, v in school_values.items())

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        from opora.registry.services import school_save

        total = len(validation.records)
        for index, record in enumerate(validation.records):
            if not record.changed:
                continue
            school_save(
                code=record.code,
                organization=record.organization,
                organization_values=record.organization_values,
                school_values=record.school_values,
                prevalidated=True,
            )
            if progress and index % 500 == 0:
                progress(index / max(total, 1), _("Сохранение"))
        return {}
