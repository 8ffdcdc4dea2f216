"""Evidence with a very long Cyrillic file name is stored, and shown under that name."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opora.roadmaps.models import Evidence
from opora.roadmaps.tests.test_execution import report_url, roadmap  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LONG = "Протокол заседания педагогического совета по итогам ВПР " * 6 + ".pdf"


def test_a_300_character_cyrillic_name_is_stored_not_a_server_error(world, roadmap):  # noqa: F811
    _activity, url = report_url(roadmap, "1")
    response = world.client("director_a").post(
        url,
        {
            "outcome": "in_progress",
            "text": "Протокол приложен",
            "kind": "minutes",
            "evidence": [SimpleUploadedFile(LONG, b"%PDF-1.4 x", content_type="application/pdf")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get()
    assert len(evidence.original_name) == 255 and evidence.original_name.endswith(".pdf")
    assert len(PurePosixPath(evidence.file.name).name.encode()) < 255
    page = world.client("director_a").get(roadmap.get_absolute_url()).content.decode()
    assert evidence.original_name[:40] in page
