"""Searching 100 k patients by any part of a name or identifier (issue 13 section 6).

The search is ``search_name LIKE '%term%' OR UPPER(identifier) LIKE UPPER('%term%')``
(patients.selectors.patient_search): no B-tree index serves a pattern that starts with a
wildcard, so each search read the whole table. PostgreSQL: trigram GIN indexes (pg_trgm,
shipped with PostgreSQL's contrib like btree_gist, and a trusted extension) serve both
patterns. SQLite (the single-machine default): nothing; its tables stay small.
"""

from django.db import migrations

INDEXES = {
    "patients_search_name_trgm": "search_name gin_trgm_ops",
    "patients_identifier_trgm": "(UPPER(identifier::text)) gin_trgm_ops",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient USING gin ({expression})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0004_country_identifiers")]
    operations = [migrations.RunPython(forwards, backwards)]
