"""Django admin for superusers: methodologies' owners (versions are made in the app)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opora.identification.models import Methodology


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_builtin", "created_at"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["is_builtin", "created_by"]

    # New methodologies are copies made in the app; the built-in one is never changed.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_builtin)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
