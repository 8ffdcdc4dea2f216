"""Filters of the registry lists (django-filter); choices are limited to what the user sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core.access import UserLike, restrict
from opora.core.selects import LongSelect
from opora.registry.choices import Locality, OrderKind, OrderStatus, Ownership, SchoolType
from opora.registry.models import Order, Organization, Programme, Territory
from opora.registry.selectors import ORDER_ISSUER_KINDS, order_years, school_search


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Название или номер"), method="filter_q")
    # The territories and programmes in reach grow with the region, and the form is drawn on
    # every view of the list: each select writes its options in Python (LongSelect).
    territory = django_filters.ModelChoiceFilter(
        label=_("Территория"),
        queryset=Territory.objects.none(),
        method="filter_territory",
        empty_label=_("Все"),
        widget=LongSelect,
    )
    school_type = django_filters.ChoiceFilter(
        label=_("Вид ОО"),
        field_name="school__school_type",
        choices=SchoolType.choices,
        empty_label=_("Все"),
        widget=LongSelect,
    )
    locality = django_filters.ChoiceFilter(
        label=_("Местность"),
        field_name="school__locality",
        choices=Locality.choices,
        empty_label=_("Все"),
        widget=LongSelect,
    )
    ownership = django_filters.ChoiceFilter(
        label=_("Собственность"),
        choices=Ownership.choices,
        empty_label=_("Все"),
        widget=LongSelect,
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Программа"),
        queryset=Programme.objects.none(),
        field_name="programmes",
        empty_label=_("Все"),
        widget=LongSelect,
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each option is a name; the chosen territory is filtered by its path. The rest of the
        # rows (a programme's goals and tasks) would be read for every option on every page.
        territories = restrict(Territory.objects.all(), user).filter(depth__gte=2)
        self.filters["territory"].queryset = territories.only("pk", "name", "path")
        self.filters["programme"].queryset = restrict(Programme.objects.all(), user).only(
            "pk", "name"
        )

    def filter_q(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return school_search(qs, value) if value.strip() else qs

    def filter_territory(
        self, qs: QuerySet[Organization], name: str, value: Territory | None
    ) -> QuerySet[Organization]:
        if value is None:
            return qs
        return qs.filter(Q(territory__path__startswith=value.path))


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Номер или заголовок"), method="filter_q")
    issuer = django_filters.ModelChoiceFilter(
        label=_("Кто издал"), queryset=Organization.objects.none(), empty_label=_("Все")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Что утверждает"), choices=OrderKind.choices, empty_label=_("Все")
    )
    status = django_filters.ChoiceFilter(
        label=_("Состояние"), choices=OrderStatus.choices, empty_label=_("Все")
    )
    year = django_filters.ChoiceFilter(
        label=_("Год"), choices=[], empty_label=_("Все"), method="filter_year"
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["issuer"].queryset = restrict(
            Organization.objects.filter(kind__in=ORDER_ISSUER_KINDS), user
        ).order_by("short_name")
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in order_years(user)]

    def filter_year(self, qs: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        return qs.filter(year=int(value)) if str(value).isdigit() else qs

    def filter_q(self, qs: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        text = value.strip()
        if not text:
            return qs
        return qs.filter(Q(number__icontains=text) | Q(title__icontains=text))
