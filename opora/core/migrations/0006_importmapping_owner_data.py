"""Saved column mappings get an owner organisation.

Until now every saved mapping was shared by every authority, so a mapping saved under a
preset's name overwrote the preset for everyone. From here on a saved mapping belongs to
one organisation and the presets (`preset` set) have none and are read-only.

Existing saved mappings are given the organisation of their author's import-capable
membership (regional coordinator, programme coordinator or analyst; with several, the one
deepest in the territory tree, whose mappings the most colleagues reach — its own territory
and everything above). A mapping whose author is gone or holds no import right anywhere is
left ownerless: giving it to some organisation would be a guess that could hand one
authority's mapping to another, so it is seen by superusers only, who may give it an owner
in the admin or delete it. Presets stay ownerless; each migrate reinstalls their columns
(`results.presets.presets_install`), which also undoes any earlier overwrite.
"""

from django.db import migrations

# The roles that hold the import right (`opora.core.access.ROLE_ACTIONS`), as they were.
IMPORT_ROLES = ("regional_coordinator", "programme_coordinator", "analyst")


def assign_owners(apps, schema_editor):
    ImportMapping = apps.get_model("core", "ImportMapping")
    Membership = apps.get_model("registry", "Membership")
    for mapping in ImportMapping.objects.filter(
        preset="", owner__isnull=True, created_by__isnull=False
    ):
        membership = (
            Membership.objects.filter(
                person__user_id=mapping.created_by_id, is_active=True, role__in=IMPORT_ROLES
            )
            .order_by("-organization__territory__depth", "pk")
            .first()
        )
        if membership is not None:
            mapping.owner_id = membership.organization_id
            mapping.save(update_fields=["owner"])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_importmapping_owner'),
        ('registry', '0001_initial'),
    ]

    operations = [migrations.RunPython(assign_owners, migrations.RunPython.noop)]
