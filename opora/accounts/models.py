"""User administration keeps one record of its own: the invitation letters sent."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.choices import Role
from opora.registry.models import Organization, Person


def invitation_lifetime() -> datetime.timedelta:
    """How long an invitation link may be used (OPORA_INVITATION_DAYS)."""
    return datetime.timedelta(days=int(getattr(settings, "OPORA_INVITATION_DAYS", 7)))


class Invitation(models.Model):
    """An invitation (приглашение): a letter with a one-time link to set a password.

    The link's token is not stored: it is computed from the account (see `tokens.py`), so a
    new letter, a password set or a changed e-mail makes every earlier link useless.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("человек"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("учётная запись"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("адрес"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("организация"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("отправил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("отправлено"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("принято"), null=True, blank=True)

    class Meta:
        verbose_name = _("приглашение")
        verbose_name_plural = _("приглашения")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} ({self.sent_at:%d.%m.%Y})"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.sent_at + invitation_lifetime()
