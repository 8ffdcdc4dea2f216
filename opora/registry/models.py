"""The registry: territories, organisations, schools, people, roles, academic years, programmes."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from opora.core import dates
from opora.core.choices import Role
from opora.core.uploads import dated_path
from opora.registry.choices import (
    Locality,
    OrderKind,
    OrderStatus,
    OrganizationKind,
    Ownership,
    PartnerKind,
    SchoolType,
    TerritoryKind,
)


class Territory(MP_Node):
    """A territory (территория) of any depth: country → region → municipality → city district.

    The materialised path (`path`) lets access scoping select a whole subtree in one query.
    """

    name = models.CharField(_("название"), max_length=255)
    kind = models.CharField(_("вид"), max_length=32, choices=TerritoryKind.choices)
    code = models.CharField(
        _("код (ОКТМО или свой)"), max_length=32, unique=True, null=True, blank=True
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("территория")
        verbose_name_plural = _("территории")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:territory", args=[self.pk])


class Organization(models.Model):
    """An organisation (организация): education authority, methodical centre, school or partner."""

    kind = models.CharField(_("тип"), max_length=32, choices=OrganizationKind.choices)
    code = models.CharField(
        _("код"),
        max_length=64,
        unique=True,
        help_text=_("Код организации в реестре (ИНН, код ОО или свой); по нему ищутся повторы."),
    )
    name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=255)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("территория"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("вышестоящая организация"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    partner_kind = models.CharField(
        _("сфера партнёра"), max_length=32, choices=PartnerKind.choices, blank=True
    )
    ownership = models.CharField(
        _("форма собственности"),
        max_length=16,
        choices=Ownership.choices,
        default=Ownership.MUNICIPAL,
    )
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    phone = models.CharField(_("телефон"), max_length=64, blank=True)
    email = models.EmailField(_("эл. почта"), blank=True)
    website = models.URLField(_("сайт"), blank=True)
    is_active = models.BooleanField(_("действует"), default=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        ordering = ["short_name"]
        indexes = [models.Index(fields=["kind", "short_name"])]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        if self.kind == OrganizationKind.SCHOOL:
            return reverse("registry:school", args=[self.pk])
        return reverse("registry:organization", args=[self.pk])

    def get_tab_url(self, tab: str) -> str:
        """The address of a tab of the school card (`core.cards.SCHOOL_TABS`); the first tab,
        «Общие сведения», is the card's own address."""
        if tab == "overview":
            return reverse("registry:school", args=[self.pk])
        return reverse("registry:school-tab", args=[self.pk, tab])

    @property
    def is_school(self) -> bool:
        return self.kind == OrganizationKind.SCHOOL

    def clean(self) -> None:
        # The sphere (culture, sport…) describes partners only.
        if self.kind != OrganizationKind.PARTNER:
            self.partner_kind = ""
        elif not self.partner_kind:
            raise ValidationError(
                {"partner_kind": _("Укажите сферу организации-партнёра (культура, спорт…).")}
            )


class SchoolProfile(models.Model):
    """School attributes (сведения об ОО) kept beside its organisation record."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="school", primary_key=True
    )
    school_type = models.CharField(_("вид ОО"), max_length=16, choices=SchoolType.choices)
    number = models.CharField(_("номер"), max_length=16, blank=True, db_index=True)
    locality = models.CharField(
        _("местность"), max_length=8, choices=Locality.choices, default=Locality.URBAN
    )
    enrolment = models.PositiveIntegerField(_("численность обучающихся"), null=True, blank=True)
    director_name = models.CharField(_("директор"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("сведения о школе")
        verbose_name_plural = _("сведения о школах")

    def __str__(self) -> str:
        return str(self.organization)


def full_name(last_name: str, first_name: str, middle_name: str) -> str:
    """A person's name as pages show it: «Фамилия Имя Отчество», the missing parts left out
    (`Person.full_name`, and rows read as values)."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p)


class Person(models.Model):
    """A person (сотрудник, участник программы); may have a user account."""

    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    middle_name = models.CharField(_("отчество"), max_length=100, blank=True)
    email = models.EmailField(_("эл. почта"), blank=True)
    phone = models.CharField(_("телефон"), max_length=64, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("учётная запись"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    class Meta:
        verbose_name = _("человек")
        verbose_name_plural = _("люди")
        ordering = ["last_name", "first_name", "middle_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()


class Membership(models.Model):
    """A person's role in an organisation (членство); several per person are allowed."""

    person = models.ForeignKey(
        Person, verbose_name=_("человек"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("организация"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices)
    position = models.CharField(_("должность"), max_length=255, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)
    # The period of the role. A role taken away keeps its row (and history) with `until` set;
    # granted again, the same row runs from a new `since`.
    since = models.DateField(_("с"), null=True, blank=True)
    until = models.DateField(_("по"), null=True, blank=True)

    class Meta:
        verbose_name = _("роль в организации")
        verbose_name_plural = _("роли в организациях")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organization}"


class ApprovedByOrder:
    """For models with an `order` FK to `Order`: the approving order's number and date, read
    from the order (the one source of truth; a draft or cancelled order gives none)."""

    order: Any
    order_id: int | None

    @property
    def approving_order(self) -> Order | None:
        if self.order_id is None:
            return None
        order = self.order
        return order if order.status == OrderStatus.REGISTERED else None

    @property
    def order_number(self) -> str:
        order = self.approving_order
        return order.number if order else ""

    @property
    def order_date(self) -> datetime.date | None:
        order = self.approving_order
        return order.date if order else None


class CuratorAssignment(ApprovedByOrder, models.Model):
    """A curator assigned to a school (закрепление куратора); gives the curator its reach."""

    curator = models.ForeignKey(
        Person,
        verbose_name=_("куратор"),
        on_delete=models.CASCADE,
        related_name="curated_schools",
    )
    school = models.ForeignKey(
        Organization,
        verbose_name=_("школа"),
        on_delete=models.CASCADE,
        related_name="curator_assignments",
        limit_choices_to={"kind": OrganizationKind.SCHOOL},
    )
    since = models.DateField(_("с"), default=dates.today)
    until = models.DateField(_("по"), null=True, blank=True)
    # The order (приказ) that assigned the curator: a registered document of the registry.
    order = models.ForeignKey(
        "Order",
        verbose_name=_("приказ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="curator_assignments",
    )
    # Overlapping periods of one curator at one school are refused by the service that saves
    # them (`support.services.curator_assign`); a curator may come back after a break.

    class Meta:
        verbose_name = _("закрепление куратора")
        verbose_name_plural = _("закрепления кураторов")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return f"{self.curator} → {self.school}"


class AcademicYear(models.Model):
    """An academic year (учебный год), 1 September – 31 August, named "2024/25"."""

    start_year = models.PositiveSmallIntegerField(_("год начала"), unique=True)

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return dates.academic_year_label(self.start_year)

    @property
    def starts_on(self) -> datetime.date:
        return dates.academic_year_bounds(self.start_year)[0]

    @property
    def ends_on(self) -> datetime.date:
        return dates.academic_year_bounds(self.start_year)[1]


class Programme(ApprovedByOrder, models.Model):
    """A support programme (программа поддержки ШНОР/ШНСУ) owned by an education authority."""

    name = models.CharField(_("название"), max_length=500)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("орган-владелец"),
        on_delete=models.PROTECT,
        related_name="owned_programmes",
    )
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    goal = models.TextField(_("цель"), blank=True)
    tasks = models.TextField(_("задачи"), blank=True, help_text=_("По одной задаче в строке."))
    # The order approving the programme (a registered document); a draft is linked while the
    # order is prepared, and the programme counts as approved once that order is registered.
    order = models.ForeignKey(
        "Order",
        verbose_name=_("приказ об утверждении"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    schools = models.ManyToManyField(
        Organization,
        verbose_name=_("школы-участники"),
        through="ProgrammeSchool",
        related_name="programmes",
        blank=True,
    )

    class Meta:
        verbose_name = _("программа")
        verbose_name_plural = _("программы")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:programme", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Окончание программы раньше её начала.")})

    @property
    def period(self) -> str:
        return f"{self.starts_on.year}–{self.ends_on.year}"

    @property
    def task_list(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


class ProgrammeSchool(models.Model):
    """A school's participation in a programme (участие школы в программе)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE)
    school = models.ForeignKey(Organization, on_delete=models.CASCADE)
    joined_on = models.DateField(_("включена"), null=True, blank=True)
    left_on = models.DateField(_("исключена"), null=True, blank=True)

    class Meta:
        verbose_name = _("школа в программе")
        verbose_name_plural = _("школы в программе")
        constraints = [
            models.UniqueConstraint(fields=["programme", "school"], name="unique_programme_school")
        ]

    def __str__(self) -> str:
        return f"{self.school} в {self.programme}"


def order_path(instance: models.Model, filename: str) -> str:
    return dated_path("registry/orders", filename)


class Order(models.Model):
    """An order (приказ) of an authority: drafted by Opora from the data it approves, signed
    outside, uploaded back and registered with its number and date. What it approves points
    to it (an identification list, a programme, a roadmap version, a body's composition,
    curator assignments), so the order itself knows nothing of the apps above the registry.

    A registered order's number is unique for its issuer within the calendar year of its
    date (`year` is kept from `date` by the service that registers it)."""

    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("кто издал"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    kind = models.CharField(_("что утверждает"), max_length=20, choices=OrderKind.choices)
    status = models.CharField(
        _("состояние"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    title = models.CharField(_("заголовок"), max_length=1000)
    number = models.CharField(_("номер"), max_length=64, blank=True)
    date = models.DateField(_("дата"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("год"), null=True, blank=True, editable=False)
    signatory = models.CharField(
        _("подписал"),
        max_length=255,
        blank=True,
        help_text=_("Должность и фамилия, например: «Начальник управления И. О. Петрова»."),
    )
    file = models.FileField(_("подписанный приказ"), upload_to=order_path, blank=True)
    file_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    note = models.TextField(_("примечание"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    registered_at = models.DateTimeField(_("зарегистрирован"), null=True, blank=True)
    # A registered order is never changed: it is cancelled, and the reason stays with it.
    cancel_reason = models.TextField(_("причина отмены"), blank=True)
    cancelled_at = models.DateTimeField(_("отменён"), null=True, blank=True)

    class Meta:
        verbose_name = _("приказ")
        verbose_name_plural = _("приказы")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=models.Q(status=OrderStatus.REGISTERED),
                name="order_number_once_a_year_per_issuer",
            )
        ]
        indexes = [models.Index(fields=["issuer", "status", "date"])]

    def __str__(self) -> str:
        if self.status == OrderStatus.REGISTERED and self.number and self.date:
            return f"{_('Приказ')} № {self.number} {_('от')} {self.date:%d.%m.%Y}"
        return f"{_('Проект приказа')} «{self.title[:80]}»"

    def get_absolute_url(self) -> str:
        return reverse("registry:order", args=[self.pk])

    @property
    def is_registered(self) -> bool:
        return self.status == OrderStatus.REGISTERED

    @property
    def reference(self) -> str:
        """«№ 01-05/214 от 12.02.2024» for a registered order, "" for a draft."""
        if self.number and self.date:
            return f"№ {self.number} от {self.date:%d.%m.%Y}"
        return ""
