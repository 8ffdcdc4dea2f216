"""Tables of the registry lists (django-tables2): sorting by column, pagination."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from opora.core.access import Reach
from opora.core.web import choice_labels
from opora.registry.choices import Locality, SchoolType
from opora.registry.models import Order, Organization


class SchoolTable(tables.Table):
    short_name = tables.Column(
        verbose_name=_("Школа"), linkify=lambda record: record.get_absolute_url()
    )
    number = tables.Column(
        verbose_name=_("№"), accessor="school__number", order_by=("school__number",)
    )
    # The codes come annotated (selectors.school_list): read through `school__…`, a field with
    # choices, django-tables2 would call get_FOO_display() for every cell, which hashes every
    # (lazy) label of the field per call — the dearest part of a row.
    school_type = tables.Column(
        verbose_name=_("Вид"), accessor="school_type_code", order_by=("school__school_type",)
    )
    territory = tables.Column(
        verbose_name=_("Территория"), accessor="territory__name", order_by=("territory__name",)
    )
    locality = tables.Column(
        verbose_name=_("Местность"), accessor="locality_code", order_by=("school__locality",)
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
    curators = tables.Column(
        verbose_name=_("Куратор"), accessor="pk", orderable=False, empty_values=()
    )
    mentors = tables.Column(
        verbose_name=_("Школа-наставник"), accessor="pk", orderable=False, empty_values=()
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
            "curators",
            "mentors",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Школ не найдено. Измените условия отбора.")
        order_by = ("short_name",)

    def render_enrolment(self, value: int) -> str:
        return f"{value:,}".replace(",", "\u202f")

    def render_school_type(self, value: str) -> str:
        return self.type_labels.get(value, value)

    def render_locality(self, value: str) -> str:
        return self.locality_labels.get(value, value)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set by the view for the page shown: whose names the user may read, and each
        # school's current mentors as (name, link or "").
        self.people_reach: Reach | None = None
        self.mentor_links: dict[int, list[tuple[str, str]]] = {}
        # Labels in the request's language, translated once per table.
        self.type_labels = choice_labels(SchoolType)
        self.locality_labels = choice_labels(Locality)

    def cell_values(self, record: Organization) -> dict[str, Any]:
        """The row's cells as django-tables2 gives them (an empty value is the column's
        default, `render_FOO`, the school's link), for `table_rows`: the library's lookups
        per cell were a third of the list's CPU (issue 17). A test compares the two."""
        school = getattr(record, "school", None)
        territory = record.territory

        def cell(name: str, value: Any, render: Any = None) -> Any:
            if value is None or value == "":
                return self.columns[name].default
            return render(value) if render is not None else value

        return {
            "short_name": cell(
                "short_name",
                record.short_name,
                lambda name: format_html('<a href="{}">{}</a>', record.get_absolute_url(), name),
            ),
            "number": cell("number", school.number if school else None),
            # Annotated by selectors.school_list.
            "school_type": cell(
                "school_type", getattr(record, "school_type_code", None), self.render_school_type
            ),
            "territory": cell("territory", territory.name if territory else None),
            "locality": cell(
                "locality", getattr(record, "locality_code", None), self.render_locality
            ),
            "enrolment": cell(
                "enrolment", school.enrolment if school else None, self.render_enrolment
            ),
            "director": cell("director", school.director_name if school else None),
            "curators": self.render_curators(record),
            "mentors": self.render_mentors(record),
        }

    def render_curators(self, record: Organization) -> str:
        assignments = getattr(record, "current_curators", [])
        if not assignments:
            return "—"
        if self.people_reach is None or not self.people_reach.covers(record):
            return str(_("назначен"))
        return ", ".join(a.curator.short_name for a in assignments)

    def render_mentors(self, record: Organization) -> str:
        found = self.mentor_links.get(record.pk)
        if not found:
            return "—"
        return format_html_join(
            ", ",
            "{}",
            (
                (format_html('<a href="{}">{}</a>', url, name) if url else name,)
                for name, url in found
            ),
        )


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


class OrderTable(tables.Table):
    number = tables.Column(verbose_name=_("Номер"), empty_values=(), order_by=("number",))
    date = tables.DateColumn(verbose_name=_("Дата"), format="d.m.Y", empty_values=())
    title = tables.Column(
        verbose_name=_("Заголовок"), linkify=lambda record: record.get_absolute_url()
    )
    kind = tables.Column(verbose_name=_("Что утверждает"))
    issuer = tables.Column(
        verbose_name=_("Кто издал"), accessor="issuer__short_name", order_by=("issuer__short_name",)
    )
    status = tables.Column(verbose_name=_("Состояние"))

    class Meta:
        model = Order
        fields = ("number", "date", "title", "kind", "issuer", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("Приказов не найдено.")
        order_by = ("-date",)

    def render_number(self, record: Order) -> str:
        return record.number or "—"

    def render_date(self, record: Order) -> str:
        return f"{record.date:%d.%m.%Y}" if record.date else "—"
