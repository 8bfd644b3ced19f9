"""The clinic's appointment types, with default durations and preparation instructions."""

from django.db import migrations

from cryoneuro.scheduling.defaults import TYPES, type_defaults


def seed(apps, schema_editor):
    AppointmentType = apps.get_model("scheduling", "AppointmentType")
    for row in TYPES:
        AppointmentType.objects.update_or_create(code=row[0], defaults=type_defaults(row[0]))


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_no_overlap")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
