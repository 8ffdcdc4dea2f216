"""Reads of the import wizard, through `opora.core.access`: a user's uploads, and column
mappings — the shipped presets and the mappings organisations saved.

A saved mapping belongs to one organisation and is seen only within reach of it (for the
import right); the presets are seen by everyone who may import. Nothing else reads
`ImportMapping` for the wizard or the command line.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core.access import Action, UserLike, get_for_user, own_organizations, restrict
from opora.core.models import ImportMapping, ImportUpload, Job


def import_upload_get(user: UserLike, pk: int, action: Action = Action.VIEW) -> ImportUpload:
    """The upload if it is the user's (see core/scoping.py); 404 for missing and forbidden."""
    return get_for_user(ImportUpload.objects.select_related("job"), user, pk, action)


def import_upload_for_job(job: Job) -> ImportUpload:
    """The upload an import job reads and saves, with the rights of the one who started the
    job (its uploader: only they may see it)."""
    return get_for_user(
        ImportUpload.objects.select_related("uploaded_by", "job"),
        job.created_by or AnonymousUser(),
        job.params["upload_id"],
    )


def import_upload_list(user: UserLike, importer_key: str) -> QuerySet[ImportUpload]:
    """The user's uploads for one kind of import, newest first (the page shows them a page at
    a time)."""
    uploads: QuerySet[ImportUpload] = restrict(
        ImportUpload.objects.filter(importer=importer_key).select_related("job"), user
    )
    return uploads.order_by("-created_at", "-pk")


def import_mapping_list(user: UserLike, importer_key: str | None = None) -> QuerySet[ImportMapping]:
    """The presets and the mappings of organisations in the user's import reach."""
    qs = ImportMapping.objects.select_related("owner")
    if importer_key is not None:
        qs = qs.filter(importer=importer_key)
    # Presets first, then the saved ones by name.
    return restrict(qs, user, Action.IMPORT).order_by("-preset", "source_name", "pk")


def import_presets() -> QuerySet[ImportMapping]:
    """The shipped presets: reference data, the same for everyone."""
    return (
        ImportMapping.objects.exclude(preset="")
        .filter(owner__isnull=True)
        .order_by("importer", "source_name")
    )


def import_mappings_by_source(
    user: UserLike, importer_key: str, source_name: str
) -> list[ImportMapping]:
    """The saved (not shipped) mappings of that name the user may use, their own
    organisations' first: a source name is unique only within one organisation."""
    found = list(import_mapping_list(user, importer_key).filter(preset="", source_name=source_name))
    own = {o.pk for o in own_organizations(user, Action.IMPORT)}
    found.sort(key=lambda m: (m.owner_id not in own, m.pk))
    return found
