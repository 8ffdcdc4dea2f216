"""What an authority and its schools choose to show without a login (DESIGN.md step 10).

Nothing is public by default: a programme's pages are switched on by its coordinator (and
the names of its supported schools separately, off by default); a school publishes its own
programme (roadmap) itself. Open events (`events.Event.is_public`) and published practices
(`practices.Practice`, state «published») are public by their own state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opora.registry.models import Programme
from opora.roadmaps.models import Roadmap


class ProgrammePublication(models.Model):
    """A programme's public pages: on or off, with or without the supported schools' names."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="publication"
    )
    is_public = models.BooleanField(_("публичные страницы включены"), default=False)
    show_school_names = models.BooleanField(
        _("показывать названия школ, получающих поддержку"), default=False
    )
    intro = models.TextField(_("вступительный текст"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("публикация программы")
        verbose_name_plural = _("публикации программ")

    def __str__(self) -> str:
        return str(self.programme)


class RoadmapPublication(models.Model):
    """A school's programme (its roadmap) published by the school on the public site."""

    roadmap = models.OneToOneField(Roadmap, on_delete=models.CASCADE, related_name="publication")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("публикация программы школы")
        verbose_name_plural = _("публикации программ школ")

    def __str__(self) -> str:
        return str(self.roadmap)


class PublicVersion(models.Model):
    """The version of everything public, one row: part of every public page's cache key.

    Bumped in the transaction of each publication switch and on saves of what the public
    pages show (`opora.public.cache`), so that a page switched off is gone at once from every
    process's cache, not after the cache timeout."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("версия публичных страниц")
        verbose_name_plural = _("версии публичных страниц")

    def __str__(self) -> str:
        return str(self.number)
