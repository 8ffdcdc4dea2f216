# The order numbers and dates typed into forms live on as registered orders (0007).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_orders_from_numbers'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='curatorassignment',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='curatorassignment',
            name='order_number',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='order_date',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='order_number',
        ),
    ]
