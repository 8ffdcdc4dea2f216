"""The people list (django-tables2): sorting by column, pagination."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from opora.accounts.choices import AccountState
from opora.accounts.selectors import account_state
from opora.core.dates import datetime_ru
from opora.registry.models import Person

STATE_BADGES = {
    AccountState.NONE: "text-bg-light",
    AccountState.INVITED: "text-bg-warning",
    AccountState.ACTIVE: "text-bg-success",
    AccountState.DEACTIVATED: "text-bg-secondary",
}


class PersonTable(tables.Table):
    name = tables.Column(
        verbose_name=_("ФИО"),
        accessor="last_name",
        order_by=("last_name", "first_name", "middle_name"),
        linkify=("accounts:person", {"pk": tables.A("pk")}),
    )
    email = tables.Column(verbose_name=_("Эл. почта"))
    roles = tables.Column(verbose_name=_("Роли"), accessor="pk", orderable=False)
    account = tables.Column(verbose_name=_("Учётная запись"), accessor="pk", orderable=False)
    last_login = tables.Column(
        verbose_name=_("Последний вход"),
        accessor="user__last_login",
        order_by=("user__last_login",),
        default="—",
    )

    class Meta:
        model = Person
        fields = ("name", "email", "roles", "account", "last_login")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "people-table"}
        empty_text = _("Никого не найдено. Измените условия отбора.")
        order_by = ("name",)

    def render_name(self, record: Person) -> str:
        return record.full_name

    def render_roles(self, record: Person) -> SafeString:
        memberships: list[Any] = getattr(record, "visible_memberships", [])
        return format_html_join(
            "",
            '<div class="{}">{} — {}{}</div>',
            (
                (
                    "" if m.is_active else "text-muted",
                    m.get_role_display(),
                    m.organization.short_name,
                    "" if m.is_active else " (роль снята)",
                )
                for m in memberships
            ),
        )

    def render_account(self, record: Person) -> SafeString:
        state = account_state(record.user)
        return format_html('<span class="badge {}">{}</span>', STATE_BADGES[state], state.label)

    def render_last_login(self, value: Any) -> str:
        return datetime_ru(value) if value else "—"
