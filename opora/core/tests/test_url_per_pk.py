"""`core.web.url_per_pk`: one reverse for a page's many links, the same addresses as reverse."""

from __future__ import annotations

from django.urls import reverse

from opora.core.web import url_per_pk


def test_url_per_pk_gives_what_reverse_gives() -> None:
    school_url = url_per_pk("registry:school")
    activity_url = url_per_pk("roadmaps:activity", 7)
    for pk in (1, 42, 987654321):
        assert school_url(pk) == reverse("registry:school", args=[pk])
        assert activity_url(pk) == reverse("roadmaps:activity", args=[7, pk])
