"""Django admin for superusers (the only ones who can reach /admin/)."""

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from opora.registry.models import (
    AcademicYear,
    CuratorAssignment,
    Membership,
    Organization,
    Person,
    Programme,
    ProgrammeSchool,
    SchoolProfile,
    Territory,
)


@admin.register(Territory)
class TerritoryAdmin(TreeAdmin):
    form = movenodeform_factory(Territory)
    list_display = ["name", "kind", "code"]
    search_fields = ["name", "code"]


class SchoolProfileInline(admin.StackedInline):
    model = SchoolProfile


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "code", "territory", "is_active"]
    list_filter = ["kind", "ownership", "is_active"]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["territory"]
    raw_id_fields = ["territory", "parent"]
    inlines = [SchoolProfileInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["organization"]
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "middle_name", "user"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["user"]
    inlines = [MembershipInline]


@admin.register(CuratorAssignment)
class CuratorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["curator", "school", "since", "until"]
    raw_id_fields = ["curator", "school"]


class ProgrammeSchoolInline(admin.TabularInline):
    model = ProgrammeSchool
    raw_id_fields = ["school"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "starts_on", "ends_on", "order_number"]
    raw_id_fields = ["owner"]
    inlines = [ProgrammeSchoolInline]


admin.site.register(AcademicYear)
admin.site.site_header = "Опора — администрирование"
