# Each approved list's typed order number and date becomes a registered order of the
# authority of its territory (or the nearest one above it).

from django.db import migrations

from opora.registry.order_migration import link_orders, nearest_authority


def runs(apps, schema_editor):
    IdentificationRun = apps.get_model("identification", "IdentificationRun")
    authority = nearest_authority(apps)
    link_orders(
        apps,
        IdentificationRun.objects.exclude(order_number="").select_related("territory").order_by("pk"),
        kind="identification",
        issuer_id_of=lambda run: authority(run.territory.path),
        title_of=lambda run: (
            "Об утверждении перечня общеобразовательных организаций с низкими "
            f"образовательными результатами ({run.year} г.)"
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("identification", "0004_run_order"),
        ("registry", "0007_orders_from_numbers"),
    ]

    operations = [
        migrations.RunPython(runs, migrations.RunPython.noop),
    ]
