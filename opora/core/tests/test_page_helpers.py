"""The helpers a page of rows uses instead of per-row work: `url_per_pk` (one reverse for many
links, the same addresses) and `choice_labels` (the labels get_FOO_display gives)."""

from __future__ import annotations

from django.urls import reverse

from opora.core.web import choice_labels, url_per_pk


def test_url_per_pk_gives_what_reverse_gives() -> None:
    school_url = url_per_pk("registry:school")
    activity_url = url_per_pk("roadmaps:activity", 7)
    for pk in (1, 42, 987654321):
        assert school_url(pk) == reverse("registry:school", args=[pk])
        assert activity_url(pk) == reverse("roadmaps:activity", args=[7, pk])
        # Arguments after the pk: a tab of the school card.
        tab_url = url_per_pk("registry:school-tab", after=("diagnostics",))
        assert tab_url(pk) == reverse("registry:school-tab", args=[pk, "diagnostics"])


def test_choice_labels_are_what_get_display_gives() -> None:
    from django.utils import translation

    from opora.registry.choices import SchoolType
    from opora.registry.models import SchoolProfile

    with translation.override("ru"):
        labels = choice_labels(SchoolType)
        for value in SchoolType.values:
            assert labels[value] == SchoolProfile(school_type=value).get_school_type_display()
            assert isinstance(labels[value], str)
