"""Filters of the support network's lists (django-filter); choices limited to what the user
sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.support import selectors
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit

# --- visits ---

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _SchoolFilters(django_filters.FilterSet):
    """A school by name or number (a select of every school in reach would be thousands of
    options), or by id from a school card's link."""

    q = django_filters.CharFilter(label=_("Школа: название или номер"), method="filter_q")
    school = django_filters.NumberFilter(field_name="school_id", widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, data: Any = None, queryset: Any = None, **kwargs: Any) -> None:
        # No choices to limit: the queryset comes from a selector and the school is searched
        # by name within it.
        super().__init__(data, queryset, **kwargs)

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return selectors.visit_school_search(qs, value) if value.strip() else qs


class VisitFilter(_SchoolFilters):
    kind = django_filters.ChoiceFilter(
        label=_("Вид выезда"), choices=VisitKind.choices, empty_label=_("Все")
    )
    status = django_filters.ChoiceFilter(
        label=_("Состояние"), choices=VisitStatus.choices, empty_label=_("Все")
    )
    since = django_filters.DateFilter(
        label=_("С"), field_name="planned_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    until = django_filters.DateFilter(
        label=_("По"), field_name="planned_on", lookup_expr="lte", widget=DATE_WIDGET
    )

    class Meta:
        model = Visit
        fields: list[str] = []


OVERDUE_CHOICES = [("yes", _("Только просроченные")), ("no", _("Без просроченных"))]


class RecommendationFilter(_SchoolFilters):
    addressee = django_filters.ChoiceFilter(
        label=_("Кому"), choices=Addressee.choices, empty_label=_("Все")
    )
    status = django_filters.ChoiceFilter(
        label=_("Состояние"), choices=RecommendationStatus.choices, empty_label=_("Все")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Срок"), choices=OVERDUE_CHOICES, empty_label=_("Все"), method="filter_overdue"
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_overdue(
        self, qs: QuerySet[Recommendation], name: str, value: str
    ) -> QuerySet[Recommendation]:
        if value == "yes":
            return qs.filter(**{"is_overdue": True})
        if value == "no":
            return qs.filter(**{"is_overdue": False})
        return qs
