"""SQL of the append-only triggers on the audit table (used by migration 0002).

Only a test that must empty the database between runs (a transactional test's flush)
lifts them, through :func:`suspended_triggers`; the application never does.
"""

from __future__ import annotations

from contextlib import contextmanager

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER audit_entry_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
    """CREATE OR REPLACE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update_delete ON audit_auditentry;",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_append_only();",
]


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(
            connection.vendor, []
        ):
            cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(
            connection.vendor, []
        ):
            cursor.execute(statement)


@contextmanager
def suspended_triggers(connection):
    remove(connection)
    try:
        yield
    finally:
        install(connection)
