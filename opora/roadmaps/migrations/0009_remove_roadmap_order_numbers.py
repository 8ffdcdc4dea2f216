from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("roadmaps", "0008_roadmap_orders_from_numbers"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='roadmap',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='roadmap',
            name='order_number',
        ),
        migrations.RemoveField(
            model_name='roadmapversion',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='roadmapversion',
            name='order_number',
        ),
    ]
