from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("identification", "0005_run_orders_from_numbers"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='identificationrun',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='identificationrun',
            name='order_number',
        ),
    ]
