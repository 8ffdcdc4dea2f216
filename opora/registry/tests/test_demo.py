"""The demo territory: counts, type mix, accounts that log in, reach, idempotent --if-empty."""

from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.test import Client

from opora.core.access import restrict
from opora.registry.choices import OrderStatus
from opora.registry.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from opora.registry.models import (
    Membership,
    Order,
    Organization,
    Person,
    Programme,
    Territory,
)
from opora.roadmaps.choices import RoadmapKind

pytestmark = pytest.mark.django_db


def test_demo_territory_has_the_promised_shape(demo: None) -> None:
    city = Territory.objects.get(code="DEMO")
    schools = Organization.objects.filter(
        kind="school", territory__path__startswith=city.path
    ).select_related("school")
    assert 140 <= schools.count() <= 160
    types = Counter(s.school.school_type for s in schools)
    assert types["sosh"] > 100 and types["oosh"] >= 5 and 2 <= types["nosh"] <= 3
    assert types["gymnasium"] >= 8 and types["lyceum"] >= 5
    assert types["evening"] == 1 and types["boarding"] == 1
    rural = [s for s in schools if s.school.locality == "rural"]
    assert 3 <= len(rural) <= 15
    assert all(s.territory.kind == "settlement" for s in rural)
    assert len({s.school.number for s in schools}) == schools.count()
    assert Territory.objects.filter(kind="city_district").count() == 5
    centres = Organization.objects.filter(kind="methodical_centre")
    assert centres.filter(territory__path__startswith=city.path).count() == 2
    assert Organization.objects.filter(kind="partner").count() >= 5
    assert Person.objects.count() >= 200
    assert all(
        Membership.objects.filter(organization=s, role="school_director").exists()
        for s in schools[:10]
    )
    # The city's support programme (with the programme's own roadmap; the placebo
    # «Читающая школа» has none).
    programme = Programme.objects.get(owner__code="DEMO-DO", roadmaps__kind=RoadmapKind.MUNICIPAL)
    # 15 from the registry, joined by the schools of the approved 2024 list (roadmaps demo).
    assert programme.schools.count() >= 15 and len(programme.task_list) >= 3


def test_every_demo_account_logs_in_and_sees_its_reach(demo: None) -> None:
    for username, _role, _description in DEMO_ACCOUNTS:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_superuser

    def seen_by(username: str) -> set[Organization]:
        return set(restrict(schools, User.objects.get(username=username)))

    schools = Organization.objects.filter(kind="school")
    everything = set(schools)
    city = set(schools.filter(territory__path__startswith=Territory.objects.get(code="DEMO").path))
    assert seen_by("regional") == everything and len(everything) > len(city)
    assert seen_by("coordinator") == seen_by("council") == seen_by("analyst") == city
    (director_school,) = seen_by("director")
    assert director_school.programmes.exists()
    assert seen_by("staff") == seen_by("teacher") == {director_school}
    curated = seen_by("curator")
    assert 2 <= len(curated) <= 4 and director_school in curated
    assert sum(1 for s in curated if s.programmes.exists()) >= 2


def test_support_network_demo(demo: None) -> None:
    """Curators by order for every school of the approved list, mentor pairs chosen by the
    recommender within its rules, agreements with partners (opora.support's demo step)."""
    from django.db.models import Count

    from opora.core import dates
    from opora.identification.models import SchoolIdentification
    from opora.registry.models import CuratorAssignment
    from opora.support.models import MentorPair, NetworkAgreement
    from opora.support.selectors import current_q

    today = dates.today()
    listed = set(
        SchoolIdentification.objects.filter(run__status="approved", in_list=True).values_list(
            "school_id", flat=True
        )
    )
    current = CuratorAssignment.objects.filter(current_q(today))
    assert listed <= set(current.values_list("school_id", flat=True))
    # Every assignment refers to a registered order (the demo's orders, drafted and registered).
    assert not current.exclude(order__status=OrderStatus.REGISTERED).exists()
    numbers = set(
        Order.objects.filter(status=OrderStatus.REGISTERED).values_list("number", flat=True)
    )
    assert {"112-од", "01-05/214", "01-05/215", "47-од", "118-од"} <= numbers
    pairs = MentorPair.objects.filter(current_q(today))
    assert 10 <= pairs.count() <= len(listed)
    assert set(pairs.values_list("school_id", flat=True)) <= listed
    assert not pairs.filter(mentor_id__in=listed).exists()
    loads = pairs.values("mentor").annotate(n=Count("pk")).values_list("n", flat=True)
    assert max(loads) <= 3
    partners = NetworkAgreement.objects.filter(parties__kind="partner").distinct()
    assert 3 <= partners.count() <= 4
    assert partners.exclude(file="").exists()
    assert NetworkAgreement.objects.filter(mentor_pairs__isnull=False).exists()


def test_demo_region_has_three_municipalities_that_do_not_see_each_other(demo: None) -> None:
    """Демо-область: the city (the biggest) and two municipalities with their own authority,
    centre, programme, approved list and running roadmaps; their coordinators see only their
    own, the regional coordinator everything."""
    from opora.identification.models import IdentificationRun
    from opora.roadmaps.models import Roadmap

    region = Territory.objects.get(code="DEMO-R")
    children = Territory.objects.filter(path__startswith=region.path, depth=region.depth + 1)
    by_code = {m.code: m for m in children}
    assert set(by_code) == {"DEMO", "DEMO-OZR", "DEMO-LSG"}
    municipalities = [by_code[code] for code in ("DEMO", "DEMO-OZR", "DEMO-LSG")]
    sizes = {
        m.code: Organization.objects.filter(
            kind="school", territory__path__startswith=m.path
        ).count()
        for m in municipalities
    }
    assert sizes["DEMO"] > sizes["DEMO-OZR"] > sizes["DEMO-LSG"] >= 20
    regional = User.objects.get(username="regional")
    for municipality in municipalities[1:]:
        inside = {"territory__path__startswith": municipality.path}
        assert Organization.objects.filter(kind="authority", **inside).count() == 1
        assert Organization.objects.filter(kind="methodical_centre", **inside).count() == 1
        programme = Programme.objects.get(owner__territory=municipality)
        assert programme.order is not None and programme.schools.count() >= 3
        assert IdentificationRun.objects.filter(territory=municipality, status="approved").exists()
        assert Roadmap.objects.filter(programme=programme, status="execution").count() >= 2
        assert set(restrict(Programme.objects.all(), regional)) >= {programme}
    ozerny = User.objects.get(username="coordinator_ozerny")
    seen = set(restrict(Organization.objects.filter(kind="school"), ozerny))
    assert len(seen) == sizes["DEMO-OZR"]
    assert all(s.territory.path.startswith(municipalities[1].path) for s in seen)


def test_demo_municipalities_are_404_to_each_other_and_open_to_the_region(demo: None) -> None:
    """coordinator_ozerny opens its own school, programme, list, roadmap and report pages;
    the city's are 404 to it and open to the regional coordinator; the regional page shows
    the three municipalities to the region and only its own to the district."""
    from django.urls import reverse

    from opora.identification.models import IdentificationRun
    from opora.roadmaps.models import Roadmap

    def pages(code: str) -> list[str]:
        territory = Territory.objects.get(code=code)
        inside = {"territory__path__startswith": territory.path}
        school = Organization.objects.filter(kind="school", **inside).order_by("pk").first()
        # The support programme (with its own roadmap): the city also runs the placebo one.
        programme = Programme.objects.get(
            owner__territory=territory, roadmaps__kind=RoadmapKind.MUNICIPAL
        )
        run = IdentificationRun.objects.filter(territory=territory, status="approved").get()
        roadmap = Roadmap.objects.filter(programme=programme, school__isnull=False).first()
        assert school is not None and roadmap is not None
        return [
            reverse("registry:school", args=[school.pk]),
            reverse("registry:programme", args=[programme.pk]),
            reverse("identification:run", args=[run.pk]),
            reverse("roadmaps:roadmap", args=[roadmap.pk]),
            reverse("reports:region-territory", args=[territory.pk]),
        ]

    ozerny, regional = Client(), Client()
    ozerny.login(username="coordinator_ozerny", password=DEMO_PASSWORD)
    regional.login(username="regional", password=DEMO_PASSWORD)
    for url in pages("DEMO-OZR"):
        assert ozerny.get(url).status_code == 200, url
        assert regional.get(url).status_code == 200, url
    for url in pages("DEMO") + pages("DEMO-LSG"):
        assert ozerny.get(url).status_code == 404, url
        assert regional.get(url).status_code == 200, url
    region = reverse("reports:region")
    html = regional.get(region).content.decode()
    assert all(name in html for name in ("Демо-город", "Приозёрный", "Лесногорский"))
    html = ozerny.get(region).content.decode()
    assert "Приозёрный" in html and "Демо-город" not in html and "Лесногорский" not in html
