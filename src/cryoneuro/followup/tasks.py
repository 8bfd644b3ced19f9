"""Follow-up questionnaire e-mails as a background task (docs/operations/tasks.md):
enqueued daily by the periodic scheduler (``manage run_periodic``), run by the worker."""

from __future__ import annotations

from django_tasks import task

from .services import followup_send_due


@task()
def send_followups() -> int:
    """E-mail every questionnaire due today or earlier; idempotent (an item is marked sent
    with its e-mail, so a second run sends nothing)."""
    return followup_send_due()
