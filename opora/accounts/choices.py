"""Choices of user administration: account states and which roles fit which organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from opora.core.choices import Role
from opora.registry.choices import OrganizationKind


class AccountState(models.TextChoices):
    """Where a person's account stands (derived from the Django user, never stored)."""

    NONE = "none", _("Нет учётной записи")
    INVITED = "invited", _("Приглашён, пароль не задан")
    ACTIVE = "active", _("Действует")
    DEACTIVATED = "deactivated", _("Отключена")


class RoleStatus(models.TextChoices):
    ACTIVE = "active", _("Действующие роли")
    ENDED = "ended", _("Снятые роли")


# The roles that make sense in each kind of organisation: a teacher of a department of
# education, or a coordinator of a school, is a typing mistake. A school may hold a curator
# (a mentor school's staff curate other schools).
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganizationKind.SCHOOL: (
        Role.SCHOOL_DIRECTOR,
        Role.SCHOOL_STAFF,
        Role.TEACHER,
        Role.CURATOR,
    ),
    OrganizationKind.EDUCATION_AUTHORITY: (
        Role.REGIONAL_COORDINATOR,
        Role.PROGRAMME_COORDINATOR,
        Role.ANALYST,
        Role.CURATOR,
        Role.COUNCIL_MEMBER,
    ),
    OrganizationKind.METHODICAL_CENTRE: (
        Role.REGIONAL_COORDINATOR,
        Role.PROGRAMME_COORDINATOR,
        Role.ANALYST,
        Role.CURATOR,
        Role.COUNCIL_MEMBER,
    ),
    OrganizationKind.PARTNER: (Role.CURATOR, Role.COUNCIL_MEMBER),
}


def parse_role(text: str) -> Role | None:
    """A role as a file writes it: its label («Учитель»), its code, or a common short form."""
    key = " ".join(text.lower().replace("ё", "е").split())
    for role in Role:
        if key in (role.value, str(role.label).lower().replace("ё", "е")):
            return role
    return ROLE_WORDS.get(key)


ROLE_WORDS: dict[str, Role] = {
    "директор": Role.SCHOOL_DIRECTOR,
    "руководитель": Role.SCHOOL_DIRECTOR,
    "сотрудник": Role.SCHOOL_STAFF,
    "заместитель директора": Role.SCHOOL_STAFF,
    "завуч": Role.SCHOOL_STAFF,
    "педагог": Role.TEACHER,
    "аналитик": Role.ANALYST,
    "методист": Role.ANALYST,
    "координатор": Role.PROGRAMME_COORDINATOR,
    "муниципальный координатор": Role.PROGRAMME_COORDINATOR,
    "член совета": Role.COUNCIL_MEMBER,
    "член рабочей группы": Role.COUNCIL_MEMBER,
}
