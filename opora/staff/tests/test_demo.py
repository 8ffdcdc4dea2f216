"""The demo staff: registries of the listed schools, a diagnostic, plans; the accounts work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.core import dates
from opora.identification.models import SchoolIdentification
from opora.registry.demo import DEMO_PASSWORD, DEMO_TERRITORY_CODE
from opora.registry.models import Membership
from opora.staff.choices import ItemStatus
from opora.staff.models import (
    DevelopmentPlan,
    Diagnostic,
    DiagnosticAggregate,
    DiagnosticScore,
    PlanItem,
    Teacher,
)
from opora.staff.selectors import staff_indicator_counts

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_staff_covers_listed_schools_with_plausible_figures(demo: None) -> None:
    # The city's approved list (the staff demo covers the city; the region's other
    # municipalities have lists of their own).
    listed = set(
        SchoolIdentification.objects.filter(
            run__territory__code=DEMO_TERRITORY_CODE, run__status="approved", in_list=True
        ).values_list("school_id", flat=True)
    )
    home = Membership.objects.get(person__user__username="director").organization
    per_school = staff_indicator_counts(school_ids=listed | {home.pk}, on_date=timezone.localdate())
    assert set(per_school) == listed | {home.pk}
    for school_id in listed | {home.pk}:
        count = Teacher.objects.filter(school_id=school_id).count()
        assert 15 <= count <= 40
    totals = [f["teachers_under_35"][1] for f in per_school.values()]
    under = sum(f["teachers_under_35"][0] for f in per_school.values())
    trained = sum(f["teachers_trained_3y"][0] for f in per_school.values())
    assert 0.1 < under / sum(totals) < 0.45
    assert 0.2 < trained / sum(totals) < 0.95
    diagnostic = Diagnostic.objects.get(title="Диагностика профессиональных дефицитов педагогов")
    scores = DiagnosticScore.objects.filter(diagnostic=diagnostic)
    deficits = scores.filter(score__lt=diagnostic.threshold).count()
    assert 0.1 < deficits / scores.count() < 0.7
    assert DiagnosticAggregate.objects.exists()
    items = PlanItem.objects.all()
    today = timezone.localdate()
    assert items.filter(status=ItemStatus.DONE).exists()
    assert items.filter(status__in=["planned", "in-progress"], due_on__lt=today).exists()
    # The demo teacher's own record, with a plan.
    own = Teacher.objects.get(person__user__username="teacher")
    assert own.school == home
    plan = DevelopmentPlan.objects.get(teacher=own, start_year=dates.academic_year_of(today))
    statuses = {(i.status, i.due_on < today) for i in plan.items.all()}
    assert (ItemStatus.DONE, True) in statuses or (ItemStatus.DONE, False) in statuses
    assert (ItemStatus.PLANNED, True) in statuses  # overdue


def test_demo_accounts_see_what_their_role_allows(demo: None) -> None:
    own = Teacher.objects.get(person__user__username="teacher")
    colleague = Teacher.objects.filter(school=own.school).exclude(pk=own.pk).first()
    teacher = login("teacher")
    assert teacher.get(reverse("staff:me")).status_code == 302
    assert teacher.get(own.get_absolute_url()).status_code == 200
    assert teacher.get(colleague.get_absolute_url()).status_code == 404
    director = login("director")
    assert director.get(colleague.get_absolute_url()).status_code == 200
    page = director.get(reverse("staff:map"))
    assert page.status_code == 200 and page.context["school_map"].heat
    assert director.get(reverse("staff:plans")).status_code == 200
    analyst = login("analyst")
    page = analyst.get(reverse("staff:map"))
    assert len(page.context["territory_map"].rows) >= 10
    assert analyst.get(reverse("staff:overdue")).context["page"].paginator.count > 0
    coordinator = login("coordinator")
    assert coordinator.get(colleague.get_absolute_url()).status_code == 404
    assert coordinator.get(reverse("staff:map")).status_code == 200
    card = coordinator.get(reverse("registry:school-tab", args=[own.school_id, "diagnostics"]))
    assert "Педагогические кадры" in card.content.decode()
