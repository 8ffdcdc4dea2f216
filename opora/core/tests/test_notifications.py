"""The bell: a user's own notices, opening one, marking all read, the purge of old ones."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opora.core.models import Job, Notification
from opora.core.notifications import (
    NOTIFICATION_KEEP_DAYS,
    notifications_purge,
    notify,
)
from opora.core.periodic import periodic_jobs

pytestmark = pytest.mark.django_db


def test_notify_writes_one_notice_per_active_recipient(world):
    director = world.user("director_a")
    gone = world.user("director_b")
    gone.is_active = False
    gone.save()
    count = notify(recipients=[director, director, gone, None], text="Текст", url="/x/")
    assert count == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "director_a"
    ]


def test_bell_shows_the_unread_count_to_screen_readers(world):
    director = world.user("director_a")
    notify(recipients=[director], text="Первое")
    notify(recipients=[director], text="Второе")
    notify(recipients=[world.user("director_b")], text="Чужое")
    page = world.client("director_a").get(reverse("core:home")).content.decode()
    assert 'aria-label="Уведомления: 2 непрочитанных"' in page
    page = world.client("teacher").get(reverse("core:home")).content.decode()
    assert 'aria-label="Уведомления: нет непрочитанных"' in page


def test_bell_costs_one_query(world):
    """The count is one query whatever the number of notices (asserted through the page's
    total staying the same with many more notices)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    director = world.user("director_a")
    client = world.client("director_a")
    notify(recipients=[director], text="Одно")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:notifications"))
    for i in range(40):
        notify(recipients=[director], text=f"Ещё {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("core:notifications"))
    assert len(many) == len(few)
    bell_queries = [q for q in many.captured_queries if "core_notification" in q["sql"]]
    assert len(bell_queries) == 3  # the bell's count, the page's count and its rows


def test_list_shows_only_own_notices_and_another_users_notice_is_404(world):
    notify(recipients=[world.user("director_a")], text="Рекомендация школе № 1", url="/a/")
    notify(recipients=[world.user("director_b")], text="Рекомендация гимназии", url="/b/")
    page = world.client("director_a").get(reverse("core:notifications")).content.decode()
    assert "Рекомендация школе № 1" in page and "Рекомендация гимназии" not in page
    others = Notification.objects.get(recipient=world.user("director_b"))
    url = reverse("core:notification", args=[others.pk])
    for persona in ("director_a", "coordinator", "outsider", "superuser"):
        assert world.client(persona).get(url).status_code == 404, persona
    assert world.client("anonymous").get(url).status_code == 302  # to the sign-in page
    others.refresh_from_db()
    assert others.read_at is None


def test_opening_marks_read_and_goes_to_its_page(world):
    notify(recipients=[world.user("director_a")], text="Карта утверждена", url="/roadmaps/1/")
    notice = Notification.objects.get()
    response = world.client("director_a").get(reverse("core:notification", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/roadmaps/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_notice_pointing_elsewhere_stays_on_the_site(world):
    notify(recipients=[world.user("director_a")], text="Странная", url="https://evil.example/")
    notice = Notification.objects.get()
    response = world.client("director_a").get(reverse("core:notification", args=[notice.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_read_all_marks_only_own_and_needs_post(world):
    notify(recipients=[world.user("director_a")], text="Одно")
    notify(recipients=[world.user("director_a")], text="Другое")
    notify(recipients=[world.user("director_b")], text="Чужое")
    client = world.client("director_a")
    assert client.get(reverse("core:notifications-read")).status_code == 405
    response = client.post(reverse("core:notifications-read"), follow=True)
    assert "Все уведомления отмечены прочитанными" in response.content.decode()
    assert not Notification.objects.filter(
        recipient=world.user("director_a"), read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient=world.user("director_b"), read_at__isnull=True
    ).exists()
    assert 'aria-label="Уведомления: нет непрочитанных"' in response.content.decode()


def test_purge_deletes_old_read_notices_only(world):
    director = world.user("director_a")
    now = timezone.now()
    old = now - datetime.timedelta(days=NOTIFICATION_KEEP_DAYS + 1)
    notify(recipients=[director], text="Старое прочитанное")
    notify(recipients=[director], text="Старое непрочитанное")
    notify(recipients=[director], text="Свежее прочитанное")
    Notification.objects.filter(text="Старое прочитанное").update(read_at=old)
    Notification.objects.filter(text="Свежее прочитанное").update(read_at=now)
    assert notifications_purge(now=now) == 1
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "Старое непрочитанное",
        "Свежее прочитанное",
    }
    assert "core.notifications_purge" in {job.kind for job in periodic_jobs()}
    assert not Job.objects.exists()
