"""A confirmation with a very long Cyrillic file name is stored, shown and downloaded."""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opora.monitoring import services
from opora.monitoring.choices import CheckpointKind
from opora.monitoring.models import Confirmation, Indicator, Submission
from opora.registry.models import Programme, ProgrammeSchool

pytestmark = pytest.mark.django_db

LONG = "Приказ об участии школы в конкурсе инновационных проектов " * 6 + ".pdf"


def test_a_300_character_cyrillic_name_is_stored_not_a_server_error(world):
    services.catalogue_install()
    programme = Programme.objects.create(
        name="Программа",
        owner=world.department,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 8, 31),
    )
    ProgrammeSchool.objects.create(programme=programme, school=world.school_a)
    item = services.programme_indicator_add(
        programme=programme, indicator=Indicator.objects.get(code="nsk-innovation"), number="22"
    )
    checkpoint = services.checkpoint_open(
        programme=programme,
        name="Входной мониторинг",
        kind=CheckpointKind.ENTRY,
        held_on=datetime.date(2024, 9, 15),
        due_on=datetime.date(2024, 9, 30),
        user=None,
    )
    form = Submission.objects.get(checkpoint=checkpoint, school=world.school_a)
    assert len(LONG) >= 300
    response = world.client("director_a").post(
        form.get_absolute_url(),
        {
            f"v{item.pk}": "1",
            f"f{item.pk}": SimpleUploadedFile(LONG, b"%PDF-1.4 x", content_type="application/pdf"),
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmation = Confirmation.objects.get()
    assert len(confirmation.original_name) == 255
    assert confirmation.original_name.startswith("Приказ об участии")
    assert confirmation.original_name.endswith(".pdf")
    stored = PurePosixPath(confirmation.file.name).name
    assert len(stored.encode()) < 255 and stored.endswith(".pdf")
    download = world.client("director_a").get(
        reverse("monitoring:confirmation", args=[confirmation.pk])
    )
    assert download.status_code == 200
    assert quote(confirmation.original_name) in download["Content-Disposition"]
