"""Access scoping of invitations: personal data, seen by those who see the person's roles."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from opora.accounts.models import Invitation
from opora.core.access import Reach, UserLike, scoped
from opora.registry.models import Membership


@scoped(Invitation, personal=True)
def scope_invitations(qs: QuerySet[Any], r: Reach, user: UserLike) -> QuerySet[Any]:
    """Invitations of people who hold a role in an organisation in reach, and one's own."""
    memberships = Membership.objects.filter(person=OuterRef("person")).filter(
        r.organization_q("organization__")
    )
    return qs.filter(Exists(memberships) | Q(user=user))
