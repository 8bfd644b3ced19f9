"""The database refuses two overlapping active bookings of one resource.

PostgreSQL: an exclusion constraint (btree_gist) over the resource (=) and the
tstzrange [start, end) (&&), for active rows only.
SQLite: triggers that abort (SQLITE_CONSTRAINT, an IntegrityError in Django) any insert or
update that would make an active row overlap another active row of the same resource.
Datetimes are stored by Django as fixed-format UTC text, so text comparison is time order.
The same migration applies on both: it branches on the connection's vendor.
"""

from django.db import migrations

TABLE = "scheduling_resourcebooking"
CONSTRAINT = "scheduling_booking_no_overlap"

_OVERLAP = (
    f'NEW.active AND EXISTS (SELECT 1 FROM {TABLE} b WHERE b.resource_id = NEW.resource_id '
    f'AND b.active AND b.id <> NEW.id AND b.start < NEW."end" AND NEW.start < b."end")'
)
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {CONSTRAINT}_insert BEFORE INSERT ON {TABLE}
        WHEN {_OVERLAP.replace("b.id <> NEW.id AND ", "")}
        BEGIN SELECT RAISE(ABORT, '{CONSTRAINT}: resource already booked'); END""",
    f"""CREATE TRIGGER {CONSTRAINT}_update BEFORE UPDATE OF resource_id, start, "end", active
        ON {TABLE} WHEN {_OVERLAP}
        BEGIN SELECT RAISE(ABORT, '{CONSTRAINT}: resource already booked'); END""",
]


def _constraint():
    # Lazy on purpose (no import cycle): django.contrib.postgres needs psycopg, which an
    # SQLite-only installation may not have; this runs only on PostgreSQL.
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
    from django.db.models import Func, Q

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name=CONSTRAINT,
        expressions=[
            ("resource", RangeOperators.EQUAL),
            (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
        ],
        condition=Q(active=True),
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.add_constraint(apps.get_model("scheduling", "ResourceBooking"), _constraint())
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    else:  # pragma: no cover - settings allow only these two
        raise RuntimeError(f"no overlap guarantee for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {CONSTRAINT}_insert")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {CONSTRAINT}_update")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
