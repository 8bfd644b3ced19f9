import pytest
from django.db import OperationalError, connection

from cryoneuro.site.db import SQLITE_LOCK_RETRIES, retry_when_sqlite_locked


def test_it_retries_a_write_that_sqlite_reports_locked():
    calls = []

    @retry_when_sqlite_locked
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

    @retry_when_sqlite_locked
    def broken():
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError, match="no such table"):
        broken()
    assert len(calls) == 1

    @retry_when_sqlite_locked
    def always_locked():
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError, match="locked"):
        always_locked()
    expected = SQLITE_LOCK_RETRIES if connection.vendor == "sqlite" else 1
    assert len(calls) == 1 + expected
