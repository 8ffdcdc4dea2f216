"""Governance of the programme (DESIGN.md step 11): bodies (a coordinating council, a working
group, a directors' council, an expert council, a teacher association) with compositions
approved by orders, meetings with agendas, attendance and minutes (протокол), and the
decisions of the minutes tracked to their execution.

A composition is never edited: a change is a new `Composition` approved by a new order, so
the history shows who was a member when. The order itself (`registry.Order`) knows nothing
of governance; the composition points to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opora.core.uploads import dated_path
from opora.governance.choices import BodyKind, DecisionStatus, MeetingStatus, MemberRole
from opora.registry.models import Order, Organization, Person, Programme
from opora.roadmaps.models import Activity


def regulation_path(instance: models.Model, filename: str) -> str:
    return dated_path("governance/regulations", filename)


def decision_evidence_path(instance: models.Model, filename: str) -> str:
    return dated_path("governance/decisions", filename)


class Body(models.Model):
    """A body (коллегиальный орган) of an authority, or of a school for a school association."""

    owner = models.ForeignKey(
        Organization,
        verbose_name=_("при ком создан"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    kind = models.CharField(_("вид"), max_length=32, choices=BodyKind.choices)
    name = models.CharField(_("название"), max_length=500)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("программа"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bodies",
    )
    regulation = models.FileField(_("положение"), upload_to=regulation_path, blank=True)
    regulation_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    # From the regulation: «не реже 1 раза в полугодие» is 6; empty when it sets no rhythm.
    rhythm_months = models.PositiveSmallIntegerField(
        _("периодичность заседаний, месяцев"), null=True, blank=True
    )
    # A meeting is competent when more than this share of the members attend (percent).
    quorum_percent = models.PositiveSmallIntegerField(_("кворум: более, % состава"), default=50)
    is_active = models.BooleanField(_("действует"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("коллегиальный орган")
        verbose_name_plural = _("коллегиальные органы")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body", args=[self.pk])

    def quorum_needed(self, members: int) -> int:
        """The least number present for a quorum: more than `quorum_percent` of `members`."""
        return members * self.quorum_percent // 100 + 1


class Composition(models.Model):
    """A version of a body's composition, approved by an order and in force from `since`
    until the next version.

    A version is first proposed (`approved` false: «проект состава», linked to the draft order
    Opora prepares for it, or to none yet); it counts for nothing — not the composition on a
    date, not the quorum, not a member's seat — until a registered order approves it."""

    body = models.ForeignKey(
        Body, verbose_name=_("орган"), on_delete=models.CASCADE, related_name="compositions"
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("приказ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compositions",
    )
    approved = models.BooleanField(_("утверждён"), default=False)
    # Empty in a proposal: the approving order's date then.
    since = models.DateField(_("действует с"), null=True, blank=True)
    note = models.TextField(_("примечание"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("состав органа")
        verbose_name_plural = _("составы органов")
        ordering = ["-since", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved=False)
                | models.Q(order__isnull=False, since__isnull=False),
                name="composition_approved_has_order_and_since",
            )
        ]

    def __str__(self) -> str:
        if not self.approved or self.since is None:
            return f"{self.body} — {_('проект состава')}"
        return f"{self.body} — {_('состав с')} {self.since:%d.%m.%Y}"


class Member(models.Model):
    """A person in a composition; people outside the authority are people records too."""

    composition = models.ForeignKey(
        Composition, verbose_name=_("состав"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("человек"), on_delete=models.PROTECT, related_name="body_seats"
    )
    role = models.CharField(_("роль"), max_length=16, choices=MemberRole.choices)
    position = models.CharField(_("должность, место работы"), max_length=500, blank=True)
    position_number = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("член органа")
        verbose_name_plural = _("члены органа")
        ordering = ["position_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["composition", "person"], name="member_once_per_composition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"


class Meeting(models.Model):
    """A meeting (заседание): planned with its agenda, then held (attendance, minutes) or
    marked as not held."""

    body = models.ForeignKey(
        Body, verbose_name=_("орган"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("дата"))
    time = models.TimeField(_("время"), null=True, blank=True)
    place = models.CharField(_("место"), max_length=500, blank=True)
    online_url = models.URLField(_("ссылка на трансляцию"), blank=True)
    status = models.CharField(
        _("состояние"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    failed_reason = models.TextField(_("почему не состоялось"), blank=True)
    # The composition in force on the day; attendance and the quorum are counted against it.
    composition = models.ForeignKey(
        Composition,
        verbose_name=_("состав"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    present = models.ManyToManyField(
        Person, verbose_name=_("присутствовали"), related_name="meetings_attended", blank=True
    )
    guests = models.TextField(_("приглашённые"), blank=True)
    minutes_number = models.CharField(_("номер протокола"), max_length=32, blank=True)
    chair = models.ForeignKey(
        Person,
        verbose_name=_("председательствующий"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("секретарь"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Roadmap activities this meeting carried out («заседание рабочей группы»).
    activities = models.ManyToManyField(
        Activity, verbose_name=_("мероприятия дорожной карты"), related_name="meetings", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("заседание")
        verbose_name_plural = _("заседания")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["body", "status", "date"])]

    def __str__(self) -> str:
        return f"{_('Заседание')} {self.date:%d.%m.%Y} — {self.body}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])


class AgendaItem(models.Model):
    """A question of the agenda and, once held, its part of the minutes: СЛУШАЛИ — ВЫСТУПИЛИ —
    РЕШИЛИ, with the votes where a vote was taken."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("№"))
    title = models.TextField(_("вопрос"))
    speaker = models.CharField(_("докладчик"), max_length=500, blank=True)
    heard = models.TextField(_("слушали"), blank=True)
    spoke = models.TextField(_("выступили"), blank=True)
    decided = models.TextField(_("решили"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("за"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("против"), null=True, blank=True)
    votes_abstained = models.PositiveSmallIntegerField(_("воздержались"), null=True, blank=True)

    class Meta:
        verbose_name = _("вопрос повестки")
        verbose_name_plural = _("повестка")
        ordering = ["number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    @property
    def voted(self) -> bool:
        return self.votes_for is not None


class Decision(models.Model):
    """A decision of the minutes with its responsible (a person or an organisation) and due
    date, tracked like a roadmap activity: due soon, overdue, done with evidence, cancelled."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("вопрос"), on_delete=models.CASCADE, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("решение"))
    responsible_person = models.ForeignKey(
        Person,
        verbose_name=_("ответственный"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    responsible_organization = models.ForeignKey(
        Organization,
        verbose_name=_("ответственная организация"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    due_on = models.DateField(_("срок"))
    status = models.CharField(
        _("состояние"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    done_on = models.DateField(_("исполнено"), null=True, blank=True)
    report = models.TextField(_("отчёт об исполнении"), blank=True)
    evidence = models.FileField(_("подтверждение"), upload_to=decision_evidence_path, blank=True)
    evidence_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    cancel_reason = models.TextField(_("почему снято с контроля"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("решение")
        verbose_name_plural = _("решения")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(responsible_person__isnull=False)
                | models.Q(responsible_organization__isnull=False),
                name="decision_has_responsible",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("governance:decision", args=[self.pk])

    @property
    def responsible(self) -> str:
        parts = []
        if self.responsible_person is not None:
            parts.append(self.responsible_person.full_name)
        if self.responsible_organization is not None:
            parts.append(self.responsible_organization.short_name)
        return ", ".join(parts)
