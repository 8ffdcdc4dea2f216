"""Filters of the support network's lists (django-filter); choices limited to what the user
sees."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core.access import UserLike
from opora.registry.models import Organization
from opora.support import selectors
from opora.support.choices import Addressee, RecommendationStatus, VisitKind, VisitStatus
from opora.support.models import Recommendation, Visit

# --- visits ---

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("Школа"), queryset=Organization.objects.none(), empty_label=_("Все")
    )
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

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = selectors.visit_filter_schools(user)


OVERDUE_CHOICES = [("yes", _("Только просроченные")), ("no", _("Без просроченных"))]


class RecommendationFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("Школа"), queryset=Organization.objects.none(), empty_label=_("Все")
    )
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

    def __init__(self, *args: Any, user: UserLike, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = selectors.visit_filter_schools(user)

    def filter_overdue(
        self, qs: QuerySet[Recommendation], name: str, value: str
    ) -> QuerySet[Recommendation]:
        if value == "yes":
            return qs.filter(**{"is_overdue": True})
        if value == "no":
            return qs.filter(**{"is_overdue": False})
        return qs
