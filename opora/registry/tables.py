"""Tables of the registry lists (django-tables2): sorting by column, pagination."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opora.registry.models import Organization


class SchoolTable(tables.Table):
    short_name = tables.Column(
        verbose_name=_("Школа"), linkify=lambda record: record.get_absolute_url()
    )
    number = tables.Column(
        verbose_name=_("№"), accessor="school__number", order_by=("school__number",)
    )
    school_type = tables.Column(
        verbose_name=_("Вид"), accessor="school__school_type", order_by=("school__school_type",)
    )
    territory = tables.Column(
        verbose_name=_("Территория"), accessor="territory__name", order_by=("territory__name",)
    )
    locality = tables.Column(
        verbose_name=_("Местность"), accessor="school__locality", order_by=("school__locality",)
    )
    enrolment = tables.Column(
        verbose_name=_("Обучающихся"),
        accessor="school__enrolment",
        order_by=("school__enrolment",),
        attrs={"td": {"class": "text-end"}},
    )
    director = tables.Column(
        verbose_name=_("Директор"),
        accessor="school__director_name",
        order_by=("school__director_name",),
    )

    class Meta:
        model = Organization
        fields = (
            "short_name",
            "number",
            "school_type",
            "territory",
            "locality",
            "enrolment",
            "director",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Школ не найдено. Измените условия отбора.")
        order_by = ("short_name",)

    def render_enrolment(self, value: int) -> str:
        return f"{value:,}".replace(",", "\u202f")

    def render_school_type(self, record: Organization) -> str:
        return str(record.school.get_school_type_display())

    def render_locality(self, record: Organization) -> str:
        return str(record.school.get_locality_display())


class OrganizationTable(tables.Table):
    short_name = tables.Column(
        verbose_name=_("Организация"), linkify=lambda record: record.get_absolute_url()
    )
    kind = tables.Column(verbose_name=_("Тип"))
    territory = tables.Column(
        verbose_name=_("Территория"), accessor="territory__name", order_by=("territory__name",)
    )
    address = tables.Column(verbose_name=_("Адрес"))

    class Meta:
        model = Organization
        fields = ("short_name", "kind", "territory", "address")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Организаций не найдено.")
        order_by = ("short_name",)
