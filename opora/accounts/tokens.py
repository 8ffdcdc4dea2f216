"""The one-time link of an invitation: Django's password-reset token with its own salt and
lifetime. It is bound to the account's password hash, last login and e-mail, so it stops
working once the password is set, when a newer invitation replaces the unusable password, or
when the address changes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from opora.accounts.models import invitation_lifetime


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "opora.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        """Django's check, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= invitation_lifetime().total_seconds()


invitation_token_generator = InvitationTokenGenerator()
