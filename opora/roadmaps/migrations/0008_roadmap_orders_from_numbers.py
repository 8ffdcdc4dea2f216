# Each roadmap's (and approved version's) typed order number and date becomes a registered
# order of the authority owning its programme.

from django.db import migrations

from opora.registry.order_migration import link_orders


def roadmaps(apps, schema_editor):
    Roadmap = apps.get_model("roadmaps", "Roadmap")
    RoadmapVersion = apps.get_model("roadmaps", "RoadmapVersion")
    link_orders(
        apps,
        Roadmap.objects.exclude(order_number="").select_related("programme").order_by("pk"),
        kind="roadmap",
        issuer_id_of=lambda r: r.programme.owner_id,
        title_of=lambda r: f"Об утверждении дорожной карты «{r.title[:300]}»",
    )
    link_orders(
        apps,
        RoadmapVersion.objects.exclude(order_number="")
        .select_related("roadmap__programme")
        .order_by("pk"),
        kind="roadmap",
        issuer_id_of=lambda v: v.roadmap.programme.owner_id,
        title_of=lambda v: f"Об утверждении дорожной карты «{v.roadmap.title[:300]}»",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("roadmaps", "0007_roadmap_order"),
        ("registry", "0007_orders_from_numbers"),
    ]

    operations = [
        migrations.RunPython(roadmaps, migrations.RunPython.noop),
    ]
