"""Methodologies get an owner organisation: the schema (owners of existing rows:
0003_methodology_owner_data)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identification', '0001_initial'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='methodology',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.organization', verbose_name='организация'),
        ),
        migrations.AlterField(
            model_name='methodology',
            name='name',
            field=models.CharField(max_length=255, verbose_name='название'),
        ),
        migrations.AddConstraint(
            model_name='methodology',
            constraint=models.UniqueConstraint(fields=('owner', 'name'), name='unique_methodology_per_owner'),
        ),
        migrations.AddConstraint(
            model_name='methodology',
            constraint=models.UniqueConstraint(condition=models.Q(('owner__isnull', True)), fields=('name',), name='unique_ownerless_methodology'),
        ),
        migrations.AddConstraint(
            model_name='methodology',
            constraint=models.CheckConstraint(condition=models.Q(('is_builtin', False), ('owner__isnull', True), _connector='OR'), name='builtin_methodology_has_no_owner'),
        ),
    ]
