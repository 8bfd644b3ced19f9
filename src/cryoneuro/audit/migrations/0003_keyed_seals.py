"""Entries name the key that sealed them; existing entries stay unkeyed SHA-256.

SQLite adds a column by rebuilding the table, which drops its append-only triggers:
lift them around the change and put them back (a no-op pair on PostgreSQL, where the
column is added without touching any row).
"""

from django.db import migrations, models

from cryoneuro.audit import triggers


def _remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        triggers.remove(schema_editor.connection)


def _install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(_remove, _install),
        migrations.AddField(
            model_name="auditentry",
            name="mac_key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(_install, _remove),
    ]
