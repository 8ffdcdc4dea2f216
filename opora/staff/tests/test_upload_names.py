"""A certificate with a very long Cyrillic file name is stored under a safe name."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opora.staff.choices import ItemStatus
from opora.staff.tests.conftest import Staff
from opora.staff.tests.factories import ItemFactory, PlanFactory

pytestmark = pytest.mark.django_db

LONG = "Удостоверение о повышении квалификации по программе " * 6 + ".pdf"


def test_a_300_character_cyrillic_name_is_stored_not_a_server_error(staff: Staff) -> None:
    item = ItemFactory(plan=PlanFactory(teacher=staff.own))
    response = staff.world.client("director_a").post(
        reverse("staff:item-complete", args=[item.pk]),
        {
            "completed_on": timezone.localdate().isoformat(),
            "certificate": SimpleUploadedFile(LONG, b"%PDF-1.4 certificate"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert len(item.certificate_name) == 255 and item.certificate_name.endswith(".pdf")
    assert len(PurePosixPath(item.certificate.name).name.encode()) < 255
    download = staff.world.client("teacher").get(reverse("staff:certificate", args=[item.pk]))
    assert download.status_code == 200
