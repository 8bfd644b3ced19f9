"""Appointment reminders as a background task (docs/operations/tasks.md): enqueued every
10 minutes by the periodic scheduler (``manage run_periodic``), run by the task worker."""

from __future__ import annotations

from django_tasks import task

from .notifications import reminders_send_due


@task()
def send_reminders() -> dict[str, int]:
    """Send every reminder that is due. Safe to run as often as wanted, and concurrently:
    a reminder is never sent twice (SentReminder is claimed before the mail goes)."""
    sent, skipped = reminders_send_due()
    return {"sent": sent, "skipped": skipped}
