"""Non-school organisations created and edited in the browser, within the user's territory."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from opora.registry.choices import OrganizationKind, PartnerKind
from opora.registry.models import Organization

pytestmark = pytest.mark.django_db

CREATE = reverse("registry:organization-create")


def data(world, **overrides):
    values = {
        "kind": OrganizationKind.PARTNER,
        "code": "P-MUSEUM",
        "name": "Краеведческий музей Города N",
        "short_name": "Краеведческий музей",
        "territory": world.north.pk,
        "parent": "",
        "partner_kind": PartnerKind.CULTURE,
        "ownership": "municipal",
        "address": "",
        "phone": "",
        "email": "",
        "website": "",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("regional", 200),
        ("analyst", 200),
        ("superuser", 200),
        ("director_a", 404),
        ("curator", 404),
        ("teacher", 404),
        ("council", 404),
    ],
)
def test_create_page_access(world, persona, status):
    assert world.client(persona).get(CREATE).status_code == status


def test_coordinator_adds_a_partner_in_own_city(world):
    response = world.client("coordinator").post(CREATE, data(world))
    organization = Organization.objects.get(code="P-MUSEUM")
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert organization.kind == OrganizationKind.PARTNER
    assert organization.partner_kind == PartnerKind.CULTURE
    assert LogEntry.objects.get_for_object(organization).get().actor == world.user("coordinator")


def test_coordinator_adds_a_methodical_centre_under_the_department(world):
    response = world.client("coordinator").post(
        CREATE,
        data(
            world,
            kind=OrganizationKind.METHODICAL_CENTRE,
            code="IMC-1",
            partner_kind=PartnerKind.CULTURE,  # ignored: not a partner
            parent=world.department.pk,
            territory=world.city.pk,
        ),
    )
    assert response.status_code == 302
    centre = Organization.objects.get(code="IMC-1")
    assert centre.parent == world.department and centre.partner_kind == ""


@pytest.mark.parametrize(
    ("persona", "overrides", "field"),
    [
        ("coordinator", {"territory": "other_city"}, "territory"),
        ("outsider", {}, "territory"),
        ("coordinator", {"kind": OrganizationKind.SCHOOL}, "kind"),
        ("coordinator", {"partner_kind": ""}, "partner_kind"),
        ("coordinator", {"code": "SCH-A"}, "code"),
        ("coordinator", {"parent": "other_department"}, "parent"),
    ],
)
def test_create_is_refused_with_a_message(world, persona, overrides, field):
    for key in ("territory", "parent"):
        if isinstance(overrides.get(key), str):
            overrides[key] = getattr(world, overrides[key]).pk
    before = Organization.objects.count()
    response = world.client(persona).post(CREATE, data(world, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Organization.objects.count() == before
    html = response.content.decode()
    assert "Краеведческий музей Города N" in html  # what was typed stays
    assert "---------" not in html


def test_edit_keeps_parent_and_territory_and_changes_the_sphere(world):
    world.methodical_centre.parent = world.ministry  # outside the coordinator's reach
    world.methodical_centre.save()
    url = reverse("registry:organization-edit", args=[world.methodical_centre.pk])
    client = world.client("coordinator")
    form = client.get(url).context["form"]
    assert "partner_kind" not in form.fields
    values = {name: form[name].value() or "" for name in form.fields}
    values["phone"] = "+7 383 000-00-00"
    response = client.post(url, values)
    assert response.status_code == 302, response.context["form"].errors
    world.methodical_centre.refresh_from_db()
    assert world.methodical_centre.parent == world.ministry
    assert world.methodical_centre.phone == "+7 383 000-00-00"


def test_edit_outside_reach_is_404(world):
    url = reverse("registry:organization-edit", args=[world.other_department.pk])
    assert world.client("coordinator").get(url).status_code == 404
    assert world.client("director_a").get(url).status_code == 404


def test_organisation_list_offers_the_button_only_to_those_who_may(world):
    url = reverse("registry:organizations")
    assert CREATE in world.client("coordinator").get(url).content.decode()
    assert CREATE not in world.client("director_a").get(url).content.decode()
