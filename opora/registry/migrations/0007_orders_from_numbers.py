# Each programme's and curator assignment's typed order number and date becomes a registered
# order of its owner (the programme's) or of the school's authority (the assignment's).

from django.db import migrations

from opora.registry.order_migration import link_orders, nearest_authority


def programmes_and_curators(apps, schema_editor):
    Programme = apps.get_model("registry", "Programme")
    CuratorAssignment = apps.get_model("registry", "CuratorAssignment")
    link_orders(
        apps,
        Programme.objects.exclude(order_number="").order_by("pk"),
        kind="programme",
        issuer_id_of=lambda p: p.owner_id,
        title_of=lambda p: f"Об утверждении программы «{p.name}»",
    )
    authority = nearest_authority(apps)
    link_orders(
        apps,
        CuratorAssignment.objects.exclude(order_number="")
        .select_related("school__territory")
        .order_by("pk"),
        kind="curators",
        issuer_id_of=lambda a: authority(a.school.territory.path),
        title_of=lambda a: "О закреплении кураторов за общеобразовательными организациями",
    )


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_order_links'),
    ]

    operations = [
        migrations.RunPython(programmes_and_curators, migrations.RunPython.noop),
    ]
