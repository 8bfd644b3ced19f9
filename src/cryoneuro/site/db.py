"""Database helpers shared by the clinic apps."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.db import OperationalError, connection

T = TypeVar("T")

SQLITE_LOCK_RETRIES = 8


def retry_when_sqlite_locked(func: Callable[..., T]) -> Callable[..., T]:
    """Retry a whole write when the embedded SQLite database reports a transient lock.

    SQLite serialises writers; under heavy concurrency a connection can still be told
    "database is locked" / "database table is locked" after its busy timeout, and
    SQLite's documentation says the cure is to retry the transaction. Only the outermost
    call retries (never inside an open transaction), and PostgreSQL never needs it.
    """

    @wraps(func)
    def wrapper(*args, **kwargs) -> T:
        for attempt in range(SQLITE_LOCK_RETRIES):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                transient = connection.vendor == "sqlite" and "locked" in str(error)
                if (
                    not transient
                    or connection.in_atomic_block
                    or attempt + 1 == SQLITE_LOCK_RETRIES
                ):
                    raise
                # Start again on a fresh connection: a "table is locked" answer can stick
                # to the connection that received it.
                connection.close()
                time.sleep(0.02 * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    return wrapper
