"""Database triggers that refuse UPDATE and DELETE on audit entries, so that even code
going around the ORM (or a person with a SQL prompt and the application's rights)
cannot rewrite history. Altering the trail then needs dropping a trigger first, which
the hash chain still detects afterwards."""

from django.db import migrations

from cryoneuro.audit.triggers import POSTGRES_DOWN, POSTGRES_UP, SQLITE_DOWN, SQLITE_UP


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
