"""`support.curators`: curator assignments from an Excel / CSV file (a list attached to an
order: the curator, the school, the period, the order).

Every row is checked as `services.curator_assign` would check it — the curator among the
people the uploader may assign, the school in their coordinator territory, a curator not
working at the school, periods of the same curator at the same school that do not meet
(in the registry or in the file) — and nothing is saved unless every row is good. Saving
goes through the service, which checks again. A row that repeats an assignment already
recorded (same curator, school and start) is left as it is, so a file may be loaded twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from opora.core import dates
from opora.core.imports.base import (
    ImportColumn,
    Importer,
    ImportOptions,
    MappedRow,
    ProgressCallback,
    UserLike,
    Validation,
    register_importer,
)
from opora.core.imports.cells import CellError
from opora.registry import selectors as registry_selectors
from opora.registry.choices import OrderKind
from opora.registry.models import CuratorAssignment, Membership, Order, Organization, Person
from opora.registry.services import name_key
from opora.staff.imports import parse_date
from opora.support import selectors

# --- network ---


@dataclass
class AssignmentRecord:
    """One valid row: who, where, when, by which order; `unchanged` rows are not saved."""

    row: int
    curator: Person
    school: Organization
    since: datetime.date
    until: datetime.date | None
    order: Order
    unchanged: bool


def _meets(
    a_since: datetime.date,
    a_until: datetime.date | None,
    b_since: datetime.date,
    b_until: datetime.date | None,
) -> bool:
    return (a_until is None or a_until >= b_since) and (b_until is None or b_until >= a_since)


@register_importer
class CuratorAssignmentImporter(Importer):
    """Curators assigned to schools by an order."""

    key = "support.curators"
    title = _("Закрепление кураторов за школами")
    record_label = _("Закрепления кураторов")
    columns = (
        ImportColumn(
            "curator",
            _("Куратор"),
            True,
            ("фио куратора", "куратор (фио)", "e-mail куратора", "эл. почта куратора", "фио"),
            _("ФИО куратора полностью или его эл. почта, как в Опоре."),
        ),
        ImportColumn(
            "school",
            _("Школа"),
            True,
            ("код школы", "код оо", "код", "школа (код)", "название школы", "оо"),
            _("Код школы в реестре или её краткое наименование, как в карточке школы."),
        ),
        ImportColumn(
            "since",
            _("С"),
            True,
            ("дата начала", "с даты", "начало", "закреплён с"),
            _("Дата начала закрепления: ДД.ММ.ГГГГ."),
        ),
        ImportColumn(
            "until",
            _("По"),
            False,
            ("дата окончания", "по дату", "окончание", "закреплён по"),
            _("Пусто — без срока окончания."),
        ),
        ImportColumn(
            "order_number",
            _("Номер приказа"),
            True,
            ("приказ", "№ приказа", "приказ №"),
        ),
        ImportColumn(
            "order_date",
            _("Дата приказа"),
            True,
            ("приказ от", "дата приказа о закреплении"),
        ),
    )
    defaultable = ("order_number", "order_date", "since")

    def may_import(self, user: UserLike) -> bool:
        return selectors.network_may_manage(user)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = Validation()
        curators = list(selectors.curator_candidates(user))
        by_email: dict[str, list[Person]] = {}
        by_name: dict[str, list[Person]] = {}
        for person in curators:
            if person.email:
                by_email.setdefault(person.email.casefold(), []).append(person)
            by_name.setdefault(name_key(person.full_name), []).append(person)
        schools = list(selectors.curator_school_choices(user))
        by_code = {s.code.casefold(): s for s in schools}
        by_school_name: dict[str, list[Organization]] = {}
        for one in schools:
            for name in {one.short_name, one.name}:
                by_school_name.setdefault(name_key(name), []).append(one)
        works_at = set(
            Membership.objects.filter(person__in=curators, is_active=True).values_list(
                "person_id", "organization_id"
            )
        )
        existing: dict[tuple[int, int], list[CuratorAssignment]] = {}
        for found in CuratorAssignment.objects.filter(curator__in=curators, school__in=schools):
            existing.setdefault((found.curator_id, found.school_id), []).append(found)
        in_file: dict[tuple[int, int], list[AssignmentRecord]] = {}
        orders: dict[tuple[str, datetime.date], Order | None] = {}
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            before = len(outcome.errors)
            curator = self._curator(row, by_email, by_name, outcome)
            school = self._school(row, by_code, by_school_name, outcome)
            since = self._date(row, "since", outcome, required=True)
            until = self._date(row, "until", outcome, required=False)
            order_date = self._date(row, "order_date", outcome, required=True)
            order_number = row.get("order_number")
            order = None
            if not order_number:
                outcome.errors.append(row.error("order_number", _("не указан номер приказа")))
            elif order_date is not None:
                # The file names the order by its number and date; it must be registered.
                key_order = (" ".join(str(order_number).split()), order_date)
                if key_order not in orders:
                    orders[key_order] = registry_selectors.order_find(
                        user, OrderKind.CURATORS, key_order[0], order_date
                    )
                order = orders[key_order]
                if order is None:
                    outcome.errors.append(
                        row.error(
                            "order_number",
                            _(
                                "приказ № %(n)s от %(d)s о закреплении кураторов не "
                                "зарегистрирован в реестре приказов — зарегистрируйте его "
                                "и загрузите файл снова"
                            )
                            % {"n": key_order[0], "d": dates.date_ru(order_date)},
                        )
                    )
            if since is not None and until is not None and until < since:
                outcome.errors.append(
                    row.error(
                        "until",
                        _("дата окончания %(until)s раньше даты начала %(since)s")
                        % {"until": dates.date_ru(until), "since": dates.date_ru(since)},
                    )
                )
            if len(outcome.errors) > before:
                continue
            assert curator is not None and school is not None and since is not None
            assert order is not None
            if (curator.pk, school.pk) in works_at:
                outcome.errors.append(
                    row.error(
                        "school",
                        _("%(name)s работает в школе «%(school)s» — курировать её нельзя")
                        % {"name": curator.full_name, "school": school},
                    )
                )
                continue
            key = (curator.pk, school.pk)
            same = [a for a in existing.get(key, []) if a.since == since and a.until == until]
            if same:
                unchanged = True
            else:
                unchanged = False
                clash = next(
                    (a for a in existing.get(key, []) if _meets(a.since, a.until, since, until)),
                    None,
                )
                if clash is not None:
                    outcome.errors.append(
                        row.error(
                            "since",
                            _(
                                "%(name)s уже закреплён(а) за школой «%(school)s» с %(since)s"
                                " — периоды пересекаются"
                            )
                            % {
                                "name": curator.full_name,
                                "school": school,
                                "since": dates.date_ru(clash.since),
                            },
                        )
                    )
                    continue
            twin = next(
                (r for r in in_file.get(key, []) if _meets(r.since, r.until, since, until)), None
            )
            if twin is not None:
                outcome.errors.append(
                    row.error(
                        "since",
                        _("то же закрепление с пересекающимся периодом уже есть в строке %(row)s")
                        % {"row": twin.row},
                    )
                )
                continue
            record = AssignmentRecord(
                row=row.number,
                curator=curator,
                school=school,
                since=since,
                until=until,
                order=order,
                unchanged=unchanged,
            )
            in_file.setdefault(key, []).append(record)
            outcome.records.append(record)
            if unchanged:
                outcome.unchanged += 1
            else:
                outcome.created += 1
        if progress:
            progress(1, _("Проверка завершена"))
        if outcome.errors:
            outcome.records = []
        return outcome

    @staticmethod
    def _curator(
        row: MappedRow,
        by_email: dict[str, list[Person]],
        by_name: dict[str, list[Person]],
        outcome: Validation,
    ) -> Person | None:
        text = row.get("curator")
        if not text:
            outcome.errors.append(row.error("curator", _("не указан куратор")))
            return None
        found = by_email.get(text.casefold()) or by_name.get(name_key(text)) or []
        if len(found) > 1:
            outcome.errors.append(
                row.error(
                    "curator",
                    _("кураторов «%(value)s» несколько — укажите эл. почту") % {"value": text},
                )
            )
            return None
        if not found:
            # One message for unknown and out of reach: the file must not reveal who exists.
            outcome.errors.append(
                row.error(
                    "curator",
                    _(
                        "«%(value)s» нет среди кураторов, которых вы можете закреплять "
                        "(нужна роль «Куратор» в организации вашей территории)"
                    )
                    % {"value": text},
                )
            )
            return None
        return found[0]

    @staticmethod
    def _school(
        row: MappedRow,
        by_code: dict[str, Organization],
        by_name: dict[str, list[Organization]],
        outcome: Validation,
    ) -> Organization | None:
        text = row.get("school")
        if not text:
            outcome.errors.append(row.error("school", _("не указана школа")))
            return None
        school = by_code.get(text.casefold())
        if school is not None:
            return school
        found = by_name.get(name_key(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            outcome.errors.append(
                row.error(
                    "school",
                    _("школ «%(value)s» несколько — укажите код школы") % {"value": text},
                )
            )
            return None
        outcome.errors.append(
            row.error(
                "school",
                _("школа «%(value)s» не найдена в реестре или вне вашей зоны ответственности")
                % {"value": text},
            )
        )
        return None

    @staticmethod
    def _date(
        row: MappedRow, key: str, outcome: Validation, *, required: bool
    ) -> datetime.date | None:
        text = row.get(key)
        if not text:
            if required:
                outcome.errors.append(row.error(key, _("не указана дата")))
            return None
        try:
            return parse_date(text)
        except CellError as exc:
            outcome.errors.append(row.error(key, str(exc)))
            return None

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        from opora.support.services import curator_assign

        total = len(validation.records)
        made = 0
        for index, record in enumerate(validation.records):
            if record.unchanged:
                continue
            made += len(
                curator_assign(
                    user=user,
                    curator=record.curator,
                    schools=[record.school],
                    since=record.since,
                    until=record.until,
                    order=record.order,
                )
            )
            if progress and index % 200 == 0:
                progress(index / max(total, 1), _("Сохранение"))
        return {"assignments": made}
