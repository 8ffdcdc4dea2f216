"""What Opora's management commands share."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import CommandError


def command_user(username: str | None) -> User:
    """The account a command acts for: `--user`, else the first active superuser."""
    users = get_user_model().objects
    if username:
        user = users.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Пользователь «{username}» не найден.")
        return user
    user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("Нет суперпользователя; укажите --user.")
    return user
