"""Methodologies get an owner organisation.

Until now any analyst could add versions to any territory's methodology and every role
could read its title. From here on a methodology belongs to one organisation; the built-in
«Базовая методика» has none, is read-only and is copied.

Existing methodologies other than the built-in one are given the organisation of their
author's membership in a territory role that changes data (regional coordinator, programme
coordinator or analyst — the roles that could make a copy; with several, the one deepest in
the territory tree, which the most colleagues reach). A methodology whose author is gone or
holds no such role is left ownerless: it is then seen only by superusers and by whoever sees
a run that used it, so lists already made by it keep showing it; giving it to an
organisation would be a guess. A superuser may give it an owner in the admin.
"""

from django.db import migrations

# The territory roles that change data (`opora.core.access`), as they were.
OWNER_ROLES = ("regional_coordinator", "programme_coordinator", "analyst")


def assign_owners(apps, schema_editor):
    Methodology = apps.get_model("identification", "Methodology")
    Membership = apps.get_model("registry", "Membership")
    for methodology in Methodology.objects.filter(
        is_builtin=False, owner__isnull=True, created_by__isnull=False
    ):
        membership = (
            Membership.objects.filter(
                person__user_id=methodology.created_by_id, is_active=True, role__in=OWNER_ROLES
            )
            .order_by("-organization__territory__depth", "pk")
            .first()
        )
        if membership is not None:
            methodology.owner_id = membership.organization_id
            methodology.save(update_fields=["owner"])


class Migration(migrations.Migration):

    dependencies = [
        ('identification', '0002_methodology_owner'),
        ('registry', '0001_initial'),
    ]

    operations = [migrations.RunPython(assign_owners, migrations.RunPython.noop)]
