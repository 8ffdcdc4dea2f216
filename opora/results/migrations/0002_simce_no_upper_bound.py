"""SIMCE has no hard upper bound: real school means pass 400 (2m 2018 mathematics: 402).

Databases made before the importers checked scores against the scale keep the catalogue's
old 400; scores above it would now be refused, so the bound is removed where it is still
the shipped one.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Assessment = apps.get_model("results", "Assessment")
    Assessment.objects.filter(code="simce", score_max=400).update(score_max=None)


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
