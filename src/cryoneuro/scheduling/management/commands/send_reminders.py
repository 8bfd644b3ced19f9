"""Send the appointment reminders that are due. The periodic scheduler (``manage
run_periodic``, docs/operations/tasks.md) queues this every 10 minutes for the task
worker; the command runs it at once (or queues it, ``--enqueue``), e.g. from cron:

    */10 * * * * cd /srv/cryoneuro && .venv/bin/python -m cryoneuro.manage send_reminders

Safe to run as often as wanted, and concurrently: a reminder is never sent twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cryoneuro.scheduling.tasks import send_reminders


class Command(BaseCommand):
    help = "Send the appointment reminder e-mails that are due (or queue them: --enqueue)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"reminders queued: task {result.id}")
            return
        counts = send_reminders.call()
        self.stdout.write(f"reminders sent: {counts['sent']}, skipped: {counts['skipped']}")
