"""The periodic jobs, queued for the task worker in place of cron lines
(docs/operations/tasks.md): ``manage run_periodic`` calls :func:`enqueue_due` every
few seconds.

Each job has slots: every N minutes (aligned on the clock), or once a day at a time of
the clinic's zone. The slot that began most recently is queued once, whatever the number
of schedulers running: a (job, slot) row with a unique constraint is written in the same
transaction as the task (database backend), so a second scheduler's insert fails and it
queues nothing. A scheduler that was stopped queues, when it starts again, only the
latest slot it missed (the jobs catch up by themselves: reminders and questionnaires due
earlier are still due). The jobs are idempotent besides: a reminder or a questionnaire is
never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cryoneuro.audit.tasks import audit_verify
from cryoneuro.followup.tasks import send_followups
from cryoneuro.scheduling.tasks import send_reminders

from .models import PeriodicRun
from .taskqueue import prune_task_results

logger = logging.getLogger(__name__)
KEEP_RUNS = dt.timedelta(days=30)


@dataclass(frozen=True)
class Job:
    name: str
    task: Any  # a django_tasks Task
    every: Callable[[], dt.timedelta] | None = None
    daily_at: Callable[[], str] | None = None  # "HH:MM" in TIME_ZONE
    kwargs: dict[str, Any] = field(default_factory=dict)

    def latest_slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the slot that began most recently, at or before ``now``."""
        if self.every is not None:
            step = self.every().total_seconds()
            epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            n = int((now - epoch).total_seconds() // step)
            return epoch + dt.timedelta(seconds=n * step)
        assert self.daily_at is not None
        hours, minutes = (int(part) for part in self.daily_at().split(":"))
        local = timezone.localtime(now)
        at = timezone.make_aware(
            dt.datetime.combine(local.date(), dt.time(hours, minutes)),
            timezone.get_current_timezone(),
        )
        if at > now:
            at = timezone.make_aware(
                dt.datetime.combine(local.date() - dt.timedelta(days=1), dt.time(hours, minutes)),
                timezone.get_current_timezone(),
            )
        return at


JOBS = [
    Job(
        "send_reminders",
        send_reminders,
        every=lambda: dt.timedelta(minutes=settings.PERIODIC_REMINDERS_EVERY_MINUTES),
    ),
    Job("followup_send", send_followups, daily_at=lambda: settings.PERIODIC_FOLLOWUP_AT),
    Job(
        "audit_verify",
        audit_verify,
        daily_at=lambda: settings.PERIODIC_AUDIT_VERIFY_AT,
        kwargs={"mail": True},
    ),
    Job(
        "prune_task_results", prune_task_results, daily_at=lambda: settings.PERIODIC_PRUNE_TASKS_AT
    ),
]


def enqueue_due(now: dt.datetime | None = None, jobs: list[Job] | None = None) -> list[str]:
    """Queue every job whose latest slot is not queued yet; the names of those queued."""
    now = now or timezone.now()
    queued = []
    for job in JOBS if jobs is None else jobs:
        slot = job.latest_slot(now)
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, slot=slot)
                result = job.task.enqueue(**job.kwargs)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler queued this slot
        logger.info("periodic: queued %s for %s (task %s)", job.name, slot.isoformat(), result.id)
        queued.append(job.name)
    PeriodicRun.objects.filter(slot__lt=now - KEEP_RUNS).delete()
    return queued
