"""Filters of the registry lists (django-filter); choices are limited to what the user sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core.access import UserLike, restrict
from opora.registry.choices import Locality, Ownership, SchoolType
from opora.registry.models import Organization, Programme, Territory
from opora.registry.selectors import school_search


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Название или номер"), method="filter_q")
    territory = django_filters.ModelChoiceFilter(
        label=_("Территория"),
        queryset=Territory.objects.none(),
        method="filter_territory",
        empty_label=_("Все"),
    )
    school_type = django_filters.ChoiceFilter(
        label=_("Вид ОО"),
        field_name="school__school_type",
        choices=SchoolType.choices,
        empty_label=_("Все"),
    )
    locality = django_filters.ChoiceFilter(
        label=_("Местность"),
        field_name="school__locality",
        choices=Locality.choices,
        empty_label=_("Все"),
    )
    ownership = django_filters.ChoiceFilter(
        label=_("Собственность"),
        choices=Ownership.choices,
        empty_label=_("Все"),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Программа"),
        queryset=Programme.objects.none(),
        field_name="programmes",
        empty_label=_("Все"),
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territories = restrict(Territory.objects.all(), user).filter(depth__gte=2)
        self.filters["territory"].queryset = territories
        self.filters["programme"].queryset = restrict(Programme.objects.all(), user)

    def filter_q(self, qs: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return school_search(qs, value) if value.strip() else qs

    def filter_territory(
        self, qs: QuerySet[Organization], name: str, value: Territory | None
    ) -> QuerySet[Organization]:
        if value is None:
            return qs
        return qs.filter(Q(territory__path__startswith=value.path))
