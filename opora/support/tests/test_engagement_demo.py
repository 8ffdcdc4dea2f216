"""The demo's consultations and escalations: every state, waiting times, who sees what."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.tests.russian import not_russian
from opora.registry.demo import DEMO_PASSWORD
from opora.support.choices import ConsultationStatus
from opora.support.models import Consultation, Escalation

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_demo_consultations_and_escalations(demo: None) -> None:
    assert set(Consultation.objects.values_list("status", flat=True)) == set(
        ConsultationStatus.values
    )
    answered = Consultation.objects.filter(status=ConsultationStatus.ANSWERED)
    assert all(c.answered_at and c.answered_at > c.requested_at for c in answered)
    assert Escalation.objects.count() == 2
    assert Escalation.objects.filter(resolved_at__isnull=False).count() == 1

    register = login("analyst").get(reverse("support:consultations")).content.decode()
    assert "Время ожидания по месяцам запроса" in register
    assert not_russian(register) == []
    engagement = login("coordinator").get(reverse("support:engagement"))
    assert engagement.status_code == 200
    page = engagement.content.decode()
    assert not_russian(page) == []
    # Schools whose last roadmap report is old; the answered escalation went to one of them.
    assert "Нет отчётов по дорожной карте" in page
    answered_school = Escalation.objects.get(resolved_at__isnull=False).school
    assert answered_school.short_name in page

    # The demo director sees the open escalation on the school card and the school's
    # consultations; the teacher sees neither.
    open_one = Escalation.objects.get(resolved_at__isnull=True)
    card_url = open_one.school.get_tab_url("support")
    card = login("director").get(card_url).content.decode()
    assert "Обращение к директору от" in card and "ответить до" in card
    assert "Попросить консультацию" in card
    teacher_card = login("teacher").get(card_url).content.decode()
    assert "Обращение к директору" not in teacher_card
    assert login("teacher").get(reverse("support:consultations")).status_code == 404
