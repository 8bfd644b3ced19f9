"""cryoneuro.core.db.retry_transaction: SQLite transient locks, PostgreSQL deadlocks and
serialization failures; the whole transaction again, only at the outermost level."""

import threading

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction

from cryoneuro.core.db import TRANSIENT_RETRIES, is_transient, retry_transaction


def test_it_retries_a_write_that_sqlite_reports_locked():
    calls = []

    @retry_transaction
    def write():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database table is locked")
        return "done"

    if connection.vendor == "sqlite":
        assert write() == "done" and len(calls) == 3
    else:  # PostgreSQL never reports this; nothing is retried there
        with pytest.raises(OperationalError):
            write()
        assert len(calls) == 1


def test_it_gives_up_and_never_hides_other_errors():
    calls = []

    @retry_transaction
    def broken():
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError, match="no such table"):
        broken()
    assert len(calls) == 1

    @retry_transaction
    def always_locked():
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError, match="locked"):
        always_locked()
    expected = TRANSIENT_RETRIES if connection.vendor == "sqlite" else 1
    assert len(calls) == 1 + expected


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(sqlstate: str) -> OperationalError:
    error = OperationalError(f"psycopg said {sqlstate}")
    error.__cause__ = _PgError(sqlstate)
    return error


def test_it_knows_which_errors_are_worth_a_second_try():
    assert is_transient(OperationalError("database is locked"), "sqlite")
    assert not is_transient(OperationalError("no such table: x"), "sqlite")
    assert is_transient(_wrapped("40P01"), "postgresql")  # deadlock detected
    assert is_transient(_wrapped("40001"), "postgresql")  # serialization failure
    assert not is_transient(_wrapped("23505"), "postgresql")  # a unique violation is an answer
    assert not is_transient(OperationalError("database is locked"), "postgresql")
    assert not is_transient(ValueError("locked"), "sqlite")


def test_it_never_retries_inside_an_outer_transaction(db):
    calls = []

    @retry_transaction
    def inner():
        calls.append(1)
        raise (
            OperationalError("database is locked")
            if connection.vendor == "sqlite"
            else _wrapped("40P01")
        )

    with pytest.raises(DatabaseError), transaction.atomic():
        inner()
    assert len(calls) == 1


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_it_retries_a_real_postgresql_deadlock_to_success():
    """Two threads lock two rows in opposite orders: PostgreSQL kills one transaction with
    "deadlock detected" (40P01); the decorator runs it again, and both commit."""
    assert connection.vendor == "postgresql"
    from cryoneuro.scheduling.models import Resource, ResourceKind

    first = Resource.objects.create(kind=ResourceKind.PROCEDURE_ROOM, name="Room A")
    second = Resource.objects.create(kind=ResourceKind.PROCEDURE_ROOM, name="Room B")
    both_hold_one = threading.Barrier(2)
    attempts = {"ab": 0, "ba": 0}
    outcome: dict[str, object] = {}

    @retry_transaction
    def rename(key: str, order: list[int]) -> str:
        attempts[key] += 1
        with transaction.atomic():
            Resource.objects.select_for_update().get(pk=order[0])
            if attempts[key] == 1:
                both_hold_one.wait(timeout=10)
            Resource.objects.select_for_update().get(pk=order[1])
            Resource.objects.filter(pk__in=order).update(name=f"renamed by {key}")
        return key

    def run(key, order):
        try:
            outcome[key] = rename(key, order)
        except Exception as error:  # pragma: no cover - the failure shown by the assert
            outcome[key] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("ab", [first.pk, second.pk])),
        threading.Thread(target=run, args=("ba", [second.pk, first.pk])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcome == {"ab": "ab", "ba": "ba"}
    assert sorted(attempts.values()) == [1, 2]  # one deadlock victim, run once more
    assert Resource.objects.filter(name__startswith="renamed by").count() == 2


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_retries_a_real_sqlite_lock_to_success(tmp_path):
    """A second connection holds SQLite's write lock past our busy timeout; once it lets
    go, the retried transaction commits."""
    assert connection.vendor == "sqlite"
    import sqlite3

    from cryoneuro.scheduling.models import Resource, ResourceKind

    name = connection.settings_dict["NAME"]
    # the test settings use an on-disk database (a second connection must see the lock)
    assert not str(name).startswith(("file:memorydb", ":memory:")), name
    assert "mode=memory" not in str(name), name
    other = sqlite3.connect(name, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the write lock
    release = threading.Timer(0.3, other.rollback)
    calls = []
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout")

    @retry_transaction
    def create():
        calls.append(1)
        with transaction.atomic():
            return Resource.objects.create(kind=ResourceKind.CONSOLE, name="Console")

    connection.close()
    connection.settings_dict.setdefault("OPTIONS", {})["timeout"] = 0.05
    try:
        release.start()
        created = create()
    finally:
        release.join()
        other.close()
        connection.close()
        if timeout is None:
            connection.settings_dict["OPTIONS"].pop("timeout", None)
        else:
            connection.settings_dict["OPTIONS"]["timeout"] = timeout
    assert created.pk and len(calls) >= 2
