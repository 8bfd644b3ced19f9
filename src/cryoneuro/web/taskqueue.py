"""The task queue as the operator sees it (docs/operations/tasks.md): how many tasks wait,
how long the oldest has waited (/healthz, /metrics), and the daily pruning of old results.

Read from the database backend's table (django_tasks_db) or from RQ's queue in Redis
(django_tasks_rq); with the immediate backend nothing ever waits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.management import call_command
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends


@dataclass(frozen=True)
class QueueState:
    ready: int  # waiting to run (due now)
    running: int
    oldest_ready_age_seconds: float  # 0 when none waits
    results: dict[str, int] = field(default_factory=dict)  # stored results by status


def uses_database() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def uses_rq() -> bool:
    return type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__ == "RQBackend"


def _rq_state() -> QueueState:
    import django_rq
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue("default")
    first = queue.get_jobs(0, 1)
    enqueued = first[0].enqueued_at if first else None
    if enqueued is not None and enqueued.tzinfo is None:
        enqueued = enqueued.replace(tzinfo=dt.UTC)
    ready = queue.count
    running = StartedJobRegistry(queue=queue).count
    return QueueState(
        ready=ready,
        running=running,
        oldest_ready_age_seconds=(
            max(0.0, (timezone.now() - enqueued).total_seconds()) if enqueued else 0.0
        ),
        results={
            "READY": ready,
            "RUNNING": running,
            "SUCCESSFUL": FinishedJobRegistry(queue=queue).count,
            "FAILED": FailedJobRegistry(queue=queue).count,
        },
    )


def queue_state() -> QueueState | None:
    """The default queue's state, or None for a backend that keeps no queue (immediate)."""
    if uses_rq():
        return _rq_state()
    if not uses_database():
        return None
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    alias = DEFAULT_TASK_BACKEND_ALIAS
    rows = DBTaskResult.objects.filter(backend_name=alias)
    ready = rows.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    by_status = dict(
        rows.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return QueueState(
        ready=ready.count(),
        running=by_status.get("RUNNING", 0),
        oldest_ready_age_seconds=(
            max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
        ),
        results=by_status,
    )


@task()
def prune_task_results() -> str:
    """Delete the results of finished tasks: successful ones after 14 days, failed ones
    after 30 (they say what went wrong). Nothing to do outside the database backend."""
    if not uses_database():
        return "no stored results"
    call_command("prune_db_task_results", min_age_days=14, failed_min_age_days=30, verbosity=0)
    return "pruned"
