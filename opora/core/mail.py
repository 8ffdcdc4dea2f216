"""E-mail sent when the surrounding transaction commits, so a rolled-back change writes nothing.

A letter about a change (a reminder recorded as sent, an invitation) must not leave if the
change itself is undone: a failed background job, a refused form. `mail_on_commit` queues the
letter with `transaction.on_commit`; outside a transaction it goes at once.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def mail_on_commit(*, subject: str, message: str, recipient_list: list[str]) -> None:
    """Send a plain-text letter once the current transaction commits."""
    transaction.on_commit(
        partial(
            _send,
            subject=subject,
            message=message,
            recipient_list=list(recipient_list),
        ),
        # The change is already committed: a mail server that is down is logged, it does
        # not undo the change or stop the letters that follow.
        robust=True,
    )


def _send(*, subject: str, message: str, recipient_list: list[str]) -> None:
    send_mail(
        subject=subject,
        message=message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipient_list,
    )
