"""Django admin for superusers: jobs and saved import mappings."""

from django.contrib import admin

from opora.core.models import ImportMapping, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "kind", "status", "progress", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["log", "result", "params", "error"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["source_name", "importer", "updated_at"]
