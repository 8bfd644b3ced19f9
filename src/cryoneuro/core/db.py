"""Retrying a whole transaction when the database says "try again"."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, overload

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

P = ParamSpec("P")
T = TypeVar("T")

TRANSIENT_RETRIES = 8
# PostgreSQL's SQLSTATEs that mean "this transaction lost a race, run it again":
# 40P01 deadlock_detected, 40001 serialization_failure (psycopg.errors.DeadlockDetected,
# psycopg.errors.SerializationFailure; Django wraps them as OperationalError with the
# psycopg error as __cause__).
POSTGRES_RETRY_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(error: BaseException, vendor: str) -> bool:
    """Whether ``error`` is one the database documents as cured by retrying the
    transaction: SQLite "database is locked" / "database table is locked", PostgreSQL
    deadlock detected (40P01) and serialization failure (40001)."""
    if not isinstance(error, DatabaseError):
        return False
    if vendor == "sqlite":
        return "locked" in str(error)
    if vendor == "postgresql":
        cause = error.__cause__
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        return sqlstate in POSTGRES_RETRY_SQLSTATES
    return False


def _backoff(attempt: int) -> float:
    """Jittered exponential backoff: 20 ms, 40 ms, 80 ms, ... each times 1-2."""
    return 0.02 * 2**attempt * (1 + random.random())


@overload
def retry_transaction(func: Callable[P, T]) -> Callable[P, T]: ...
@overload
def retry_transaction(
    *, attempts: int = TRANSIENT_RETRIES, using: str = DEFAULT_DB_ALIAS
) -> Callable[[Callable[P, T]], Callable[P, T]]: ...


def retry_transaction(
    func: Callable[P, T] | None = None,
    *,
    attempts: int = TRANSIENT_RETRIES,
    using: str = DEFAULT_DB_ALIAS,
):
    """Run ``func`` again (a bounded number of times, with jittered backoff) when its
    transaction fails with a transient error (:func:`is_transient`).

    ``func`` must be a whole unit of work: it opens its own ``transaction.atomic()`` (or
    is decorated with it, below this decorator) and has no side effect outside the
    database before it commits (e-mails go through ``transaction.on_commit``). Only the
    outermost call retries: inside an open transaction the error goes up unchanged, for
    the outer block to fail as a whole (a savepoint cannot undo a PostgreSQL deadlock
    victim's aborted transaction, nor release SQLite's lock)."""

    def decorate(inner: Callable[P, T]) -> Callable[P, T]:
        @wraps(inner)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            connection = connections[using]
            for attempt in range(attempts):
                try:
                    return inner(*args, **kwargs)
                except DatabaseError as error:
                    if (
                        not is_transient(error, connection.vendor)
                        or connection.in_atomic_block
                        or attempt + 1 == attempts
                    ):
                        raise
                    if connection.vendor == "sqlite":
                        # Start again on a fresh connection: a "table is locked" answer can
                        # stick to the connection that received it.
                        connection.close()
                    time.sleep(_backoff(attempt))
            raise AssertionError("unreachable")

        return wrapper

    if func is not None:
        return decorate(func)
    return decorate
