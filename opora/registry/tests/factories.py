"""factory_boy factories for the registry."""

from __future__ import annotations

import datetime
from typing import Any, cast

import factory
from django.contrib.auth.models import User

from opora.core.choices import Role
from opora.registry.choices import (
    OrderKind,
    OrderStatus,
    OrganizationKind,
    SchoolType,
    TerritoryKind,
)
from opora.registry.models import (
    CuratorAssignment,
    Membership,
    Order,
    Organization,
    Person,
    Programme,
    SchoolProfile,
    Territory,
)

PASSWORD = "test-password-123"


class TerritoryFactory(factory.django.DjangoModelFactory[Territory]):
    """Territories are tree nodes: pass `parent=` to add a child, none to add a root."""

    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Территория {n}")
    kind = TerritoryKind.MUNICIPALITY
    code = factory.Sequence(lambda n: f"T{n:05d}")

    @classmethod
    def _create(cls, model_class: type[Territory], *args: Any, **kwargs: Any) -> Territory:
        parent = kwargs.pop("parent", None)
        if parent is None:
            return model_class.objects.add_root(kwargs)
        return model_class.objects.add_child(parent, kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    kind = OrganizationKind.EDUCATION_AUTHORITY
    code = factory.Sequence(lambda n: f"ORG{n:06d}")
    name = factory.Sequence(lambda n: f"Организация {n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    territory = factory.SubFactory(TerritoryFactory)


class SchoolFactory(OrganizationFactory):
    """A school with its profile."""

    class Meta:
        skip_postgeneration_save = True

    kind = OrganizationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Муниципальное общеобразовательное учреждение СОШ № {n}")
    short_name = factory.Sequence(lambda n: f"СОШ № {n}")
    profile = factory.RelatedFactory(
        "opora.registry.tests.factories.SchoolProfileFactory", factory_related_name="organization"
    )


class SchoolProfileFactory(factory.django.DjangoModelFactory[SchoolProfile]):
    class Meta:
        model = SchoolProfile

    school_type = SchoolType.SOSH
    number = factory.Sequence(lambda n: str(n))
    enrolment = 500
    director_name = "Иванова Мария Петровна"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Петров{n}")
    first_name = "Иван"
    middle_name = "Сергеевич"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.SCHOOL_STAFF


class CuratorAssignmentFactory(factory.django.DjangoModelFactory[CuratorAssignment]):
    class Meta:
        model = CuratorAssignment

    curator = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Программа поддержки ШНОР {n}")
    owner = factory.SubFactory(OrganizationFactory)
    starts_on = datetime.date(2024, 9, 1)
    ends_on = factory.LazyAttribute(lambda p: p.starts_on.replace(year=p.starts_on.year + 3))


class OrderFactory(factory.django.DjangoModelFactory[Order]):
    """A registered order (pass `status=OrderStatus.DRAFT` and no number for a draft)."""

    class Meta:
        model = Order

    kind = OrderKind.OTHER
    status = OrderStatus.REGISTERED
    title = factory.Sequence(lambda n: f"Об утверждении документа {n}")
    number = factory.Sequence(lambda n: f"{n + 1}-од")
    date = datetime.date(2024, 9, 2)
    year = factory.LazyAttribute(lambda o: o.date.year if o.date else None)
    signatory = "Начальник департамента И. О. Петрова"


def registered_order(issuer: Organization, kind: str, number: str = "", **values: Any) -> Order:
    """A registered order of `issuer` approving `kind` (what approval steps refer to)."""
    if number:
        values["number"] = number
    return cast(Order, OrderFactory(issuer=issuer, kind=kind, **values))
