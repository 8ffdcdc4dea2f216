"""Django admin for superusers (the only ones who can reach /admin/): the catalogue and the
diagnostics; teachers' own data is managed in the app's pages."""

from django.contrib import admin

from opora.staff.models import Course, Diagnostic


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = ["title", "provider", "hours", "format", "is_active", "code"]
    list_filter = ["format", "is_active"]
    search_fields = ["title", "provider"]


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin[Diagnostic]):
    list_display = ["title", "provider", "held_on", "start_year", "threshold"]
    search_fields = ["title", "provider"]
