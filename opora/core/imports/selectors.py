"""Reads of the import wizard: a user's uploads, through `opora.core.access`."""

from __future__ import annotations

from django.db.models import QuerySet

from opora.core.access import Action, get_for_user, restrict
from opora.core.imports.base import UserLike
from opora.core.models import ImportUpload


def import_upload_get(user: UserLike, pk: int, action: Action = Action.VIEW) -> ImportUpload:
    """The upload if it is the user's (see core/scoping.py); 404 for missing and forbidden."""
    return get_for_user(ImportUpload.objects.select_related("job"), user, pk, action)


def import_upload_list(user: UserLike, importer_key: str, limit: int = 10) -> list[ImportUpload]:
    """The user's latest uploads for one kind of import, newest first."""
    uploads: QuerySet[ImportUpload] = restrict(
        ImportUpload.objects.filter(importer=importer_key).select_related("job"), user
    )
    return list(uploads.order_by("-created_at", "-pk")[:limit])
