"""`accounts.people`: staff from an Excel / CSV file — people, their roles and invitations.

Every row is checked against the uploader's rights (the organisation in their reach, a role
they may grant there and that fits it), the address and repeats within the file; nothing is
saved unless every row is good. Saving goes through `services.person_invite`, which checks
the rights again; letters leave after the import's transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from opora.accounts import selectors
from opora.accounts.choices import parse_role
from opora.core.access import Action, has_any
from opora.core.choices import Role
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
from opora.core.imports.cells import CellError, parse_yes_no
from opora.registry.models import Membership, Organization, Person


@dataclass
class StaffRecord:
    """One valid row: the person's name and contacts, the role to grant, whether to invite."""

    row: int
    last_name: str
    first_name: str
    middle_name: str
    email: str
    phone: str
    organization: Organization
    role: str
    position: str
    invite: bool
    unchanged: bool


def split_full_name(text: str) -> tuple[str, str, str]:
    """«Иванова Мария Петровна» → (last, first, middle); a double patronymic stays whole."""
    parts = text.split()
    if len(parts) < 2:
        return (parts[0] if parts else "", "", "")
    return parts[0], parts[1], " ".join(parts[2:])


@register_importer
class StaffImporter(Importer):
    """People with their roles; an address already known adds the role to that person."""

    key = "accounts.people"
    title = _("Сотрудники и их роли")
    # Created: new people invited; updated: people already known who get a role.
    record_label = _("Сотрудники")
    columns = (
        ImportColumn(
            "full_name",
            _("ФИО"),
            False,
            ("фамилия имя отчество", "ф.и.о.", "сотрудник", "работник"),
            _("Фамилия, имя и отчество в одной ячейке; или отдельные столбцы ниже."),
        ),
        ImportColumn("last_name", _("Фамилия"), False, ()),
        ImportColumn("first_name", _("Имя"), False, ()),
        ImportColumn("middle_name", _("Отчество"), False, ()),
        ImportColumn(
            "email",
            _("Эл. почта"),
            True,
            ("email", "e-mail", "электронная почта", "адрес эл. почты", "почта"),
            _("На неё придёт приглашение; она же станет именем пользователя."),
        ),
        ImportColumn("phone", _("Телефон"), False, ("телефон", "тел.", "мобильный")),
        ImportColumn(
            "organization",
            _("Код организации"),
            True,
            ("код ОО", "код школы", "код", "организация (код)"),
            _("Код организации в реестре Opora (как в карточке школы)."),
        ),
        ImportColumn(
            "role",
            _("Роль"),
            True,
            ("роль в системе",),
            _("Учитель, сотрудник школы, директор школы, куратор, аналитик / методист и т. д."),
        ),
        ImportColumn("position", _("Должность"), False, ()),
        ImportColumn(
            "invite",
            _("Отправить приглашение"),
            False,
            ("приглашение", "пригласить"),
            _(
                "«да» или «нет»; если столбца нет — как указано для всего файла "
                "(по умолчанию «да»)."
            ),
        ),
    )
    defaultable = ("invite",)

    def may_import(self, user: UserLike) -> bool:
        return has_any(user, Action.MANAGE_PEOPLE)

    def validate(
        self,
        rows: list[MappedRow],
        *,
        user: UserLike,
        options: ImportOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> Validation:
        outcome = Validation()
        codes = {row.get("organization") for row in rows if row.get("organization")}
        organizations = {
            o.code: o
            for o in Organization.objects.filter(code__in=codes).select_related("territory")
        }
        emails = {row.get("email").lower() for row in rows if row.get("email")}
        people: dict[str, Person] = {}
        # The same person `services.person_invite` will pick: one with an account first.
        for known in (
            Person.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .order_by(F("user").asc(nulls_last=True), "pk")
        ):
            people.setdefault(known.email_lower, known)
        held = {
            (m["person_id"], m["organization_id"], m["role"])
            for m in Membership.objects.filter(
                person__in=list(people.values()), is_active=True
            ).values("person_id", "organization_id", "role")
        }
        first_row: dict[tuple[str, str, str], int] = {}
        name_of_email: dict[str, tuple[str, int]] = {}
        invited: set[str] = set()
        for index, row in enumerate(rows):
            if progress and index % 500 == 0:
                progress(index / max(len(rows), 1), _("Проверка строк"))
            errors_before = len(outcome.errors)
            last, first, middle = self._name(row, outcome)
            email = self._email(row, outcome)
            organization = self._organization(row, organizations, user, outcome)
            role = self._role(row, organization, user, outcome)
            invite = True
            try:
                invite = parse_yes_no(row.get("invite")) is not False
            except CellError as exc:
                outcome.errors.append(row.error("invite", str(exc)))
            if email and last:
                full = " ".join(p for p in (last, first, middle) if p)
                seen = name_of_email.setdefault(email, (full, row.number))
                if seen[0].lower() != full.lower():
                    outcome.errors.append(
                        row.error(
                            "email",
                            _("адрес %(email)s уже указан в строке %(row)s у «%(name)s»")
                            % {"email": email, "row": seen[1], "name": seen[0]},
                        )
                    )
            if email and organization is not None and role:
                key = (email, organization.code, role)
                if key in first_row:
                    outcome.errors.append(
                        row.error(
                            "email",
                            _("эта роль этого человека уже есть в строке %(row)s")
                            % {"row": first_row[key]},
                        )
                    )
                else:
                    first_row[key] = row.number
            if len(outcome.errors) > errors_before:
                continue
            assert organization is not None
            person = people.get(email)
            refusal = (
                selectors.known_person_refusal(user, person, last, first)
                if person is not None
                else None
            )
            if refusal is not None:
                outcome.errors.append(row.error("email", refusal[:1].lower() + refusal[1:-1]))
                continue
            unchanged = person is not None and (person.pk, organization.pk, role) in held
            outcome.records.append(
                StaffRecord(
                    row=row.number,
                    last_name=last,
                    first_name=first,
                    middle_name=middle,
                    email=email,
                    phone=row.get("phone")[:64],
                    organization=organization,
                    role=role,
                    position=row.get("position")[:255],
                    invite=invite,
                    unchanged=unchanged,
                )
            )
            if unchanged:
                outcome.unchanged += 1
            elif person is None and email not in invited:
                outcome.created += 1
            else:
                outcome.updated += 1
            if person is None:
                invited.add(email)
            elif not unchanged:
                outcome.notes.append(
                    _(
                        "Строка %(row)s: %(email)s уже есть в системе (%(name)s) — роль будет "
                        "добавлена этому человеку."
                    )
                    % {"row": row.number, "email": email, "name": person.full_name}
                )
        if progress:
            progress(1, _("Проверка завершена"))
        letters = len({r.email for r in outcome.records if r.invite and not r.unchanged})
        if outcome.errors:
            outcome.records = []
        elif outcome.records:
            outcome.notes.append(
                _("Писем с приглашением: не больше %(n)s (только тем, кто ещё не задал пароль).")
                % {"n": letters}
            )
        return outcome

    @staticmethod
    def _name(row: MappedRow, outcome: Validation) -> tuple[str, str, str]:
        if row.get("full_name"):
            last, first, middle = split_full_name(row.get("full_name"))
            if not first:
                outcome.errors.append(
                    row.error("full_name", _("нужны хотя бы фамилия и имя через пробел"))
                )
            return last, first, middle
        last, first = row.get("last_name"), row.get("first_name")
        if not last or not first:
            key = "last_name" if not last else "first_name"
            if key not in row.headers:
                key = "full_name"
            outcome.errors.append(row.error(key, _("не указаны фамилия и имя")))
        return last, first, row.get("middle_name")

    @staticmethod
    def _email(row: MappedRow, outcome: Validation) -> str:
        email = row.get("email").lower()
        if not email:
            outcome.errors.append(row.error("email", _("не указана эл. почта")))
            return ""
        try:
            validate_email(email)
        except ValidationError:
            outcome.errors.append(
                row.error("email", _("«%(value)s» — не адрес эл. почты") % {"value": email})
            )
            return ""
        return email

    @staticmethod
    def _organization(
        row: MappedRow, organizations: dict[str, Organization], user: UserLike, outcome: Validation
    ) -> Organization | None:
        code = row.get("organization")
        if not code:
            outcome.errors.append(row.error("organization", _("не указан код организации")))
            return None
        organization = organizations.get(code)
        # One message for missing and out of reach: the file must not reveal what exists.
        if organization is None or not selectors.role_choices(user, organization):
            outcome.errors.append(
                row.error(
                    "organization",
                    _(
                        "организация с кодом «%(code)s» не найдена в реестре или вне вашей "
                        "зоны ответственности"
                    )
                    % {"code": code},
                )
            )
            return None
        return organization

    @staticmethod
    def _role(
        row: MappedRow, organization: Organization | None, user: UserLike, outcome: Validation
    ) -> str:
        text = row.get("role")
        if not text:
            outcome.errors.append(row.error("role", _("не указана роль")))
            return ""
        role = parse_role(text)
        if role is None:
            allowed = ", ".join(str(r.label).lower() for r in Role)
            outcome.errors.append(
                row.error(
                    "role",
                    _("неизвестная роль «%(value)s»; допустимо: %(allowed)s")
                    % {"value": text, "allowed": allowed},
                )
            )
            return ""
        if organization is not None:
            refusal = selectors.role_refusal(user, organization, role)
            if refusal is not None:
                outcome.errors.append(row.error("role", refusal.rstrip(".")))
                return ""
        return role

    def save(
        self, validation: Validation, *, user: UserLike, progress: ProgressCallback | None = None
    ) -> dict[str, Any]:
        from opora.accounts.services import person_invite

        actor = cast(User, user)
        letters: set[str] = set()
        total = len(validation.records)
        for index, record in enumerate(validation.records):
            if record.unchanged:
                continue
            outcome = person_invite(
                actor=actor,
                last_name=record.last_name,
                first_name=record.first_name,
                middle_name=record.middle_name,
                email=record.email,
                phone=record.phone,
                organization=record.organization,
                role=record.role,
                position=record.position,
                # One letter per person, however many roles the file gives them.
                send=record.invite and record.email not in letters,
            )
            if outcome.invitation is not None:
                letters.add(record.email)
            if progress and index % 200 == 0:
                progress(index / max(total, 1), _("Сохранение"))
        return {"invitations": len(letters)}
