"""Saved column mappings get an owner organisation: the schema (owners of existing rows:
0006_importmapping_owner_data)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_alter_timelineevent_verb'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='importmapping',
            name='unique_mapping_per_source',
        ),
        migrations.AddField(
            model_name='importmapping',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.organization', verbose_name='организация'),
        ),
        migrations.AddConstraint(
            model_name='importmapping',
            constraint=models.UniqueConstraint(fields=('importer', 'owner', 'source_name'), name='unique_mapping_per_owner'),
        ),
        migrations.AddConstraint(
            model_name='importmapping',
            constraint=models.UniqueConstraint(condition=models.Q(('preset', ''), _negated=True), fields=('preset',), name='unique_preset_slug'),
        ),
        migrations.AddConstraint(
            model_name='importmapping',
            constraint=models.CheckConstraint(condition=models.Q(('preset', ''), ('owner__isnull', True), _connector='OR'), name='preset_has_no_owner'),
        ),
    ]
