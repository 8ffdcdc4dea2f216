"""Django admin for superusers: jobs and saved import mappings."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from opora.core.models import ImportMapping, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "kind", "status", "progress", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["log", "result", "params", "error"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["source_name", "importer", "owner", "preset", "updated_at"]
    list_filter = ["importer"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = ["preset", "importer", "created_by"]

    # Shipped presets are installed on migrate and read-only here too: a change would alter
    # how every authority's files are read. Saved mappings are made in the import wizard.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.preset)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.preset)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The bulk action asks no per-object permission: presets are left out here.
        super().delete_queryset(request, queryset.filter(preset=""))
