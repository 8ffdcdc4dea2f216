"""Filters of the support network's lists (django-filter); choices are limited to what the
user sees."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.support import selectors
from opora.support.choices import (
    Addressee,
    ConsultationStatus,
    RecommendationStatus,
    VisitKind,
    VisitStatus,
)
from opora.support.models import Consultation, Recommendation, Visit

# --- engagement ---

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Состояние"), choices=ConsultationStatus.choices, empty_label=_("Все")
    )
    # A text search, not a select: a territory has thousands of schools.
    school_text = django_filters.CharFilter(
        label=_("Школа"),
        method="filter_school_text",
        widget=forms.TextInput(attrs={"placeholder": _("название или номер")}),
    )
    # One school by id, from its card's link «Все консультации».
    school = django_filters.NumberFilter(field_name="school", widget=forms.HiddenInput)
    methodist = django_filters.ModelChoiceFilter(
        label=_("Методист"), queryset=None, empty_label=_("Все")
    )
    since = django_filters.DateFilter(
        label=_("Запрошена с"), method="filter_since", widget=DATE_INPUT
    )
    until = django_filters.DateFilter(label=_("по"), method="filter_until", widget=DATE_INPUT)

    class Meta:
        model = Consultation
        fields: list[str] = []

    def __init__(self, *args: Any, queryset: QuerySet[Consultation], **kwargs: Any) -> None:
        super().__init__(*args, queryset=queryset, **kwargs)
        # Only the methodists of the consultations the user sees.
        self.filters["methodist"].queryset = selectors.consultation_filter_methodists(queryset)

    @property
    def has_period(self) -> bool:
        return bool(self.data.get("since") or self.data.get("until")) if self.data else False

    def filter_school_text(
        self, qs: QuerySet[Consultation], name: str, value: str
    ) -> QuerySet[Consultation]:
        return selectors.consultation_school_search(qs, value) if value.strip() else qs

    def filter_since(
        self, qs: QuerySet[Consultation], name: str, value: datetime.date | None
    ) -> QuerySet[Consultation]:
        return qs.filter(requested_at__date__gte=value) if value else qs

    def filter_until(
        self, qs: QuerySet[Consultation], name: str, value: datetime.date | None
    ) -> QuerySet[Consultation]:
        return qs.filter(requested_at__date__lte=value) if value else qs


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
