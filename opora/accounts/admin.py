"""Django admin for superusers: invitations are read-only records."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opora.accounts.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "person", "organization", "role", "sent_at", "accepted_at"]
    list_select_related = ["person", "organization"]
    search_fields = ["email", "person__last_name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
