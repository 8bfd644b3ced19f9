"""Send the appointment reminders that are due. Meant for cron, e.g. every 10 minutes:

    */10 * * * * cd /srv/cryoneuro && .venv/bin/python -m cryoneuro.manage send_reminders

Safe to run as often as wanted, and concurrently: a reminder is never sent twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cryoneuro.scheduling.notifications import reminders_send_due


class Command(BaseCommand):
    help = "Send the appointment reminder e-mails that are due (run it from cron)."

    def handle(self, *args, **options):
        sent, skipped = reminders_send_due()
        self.stdout.write(f"reminders sent: {sent}, skipped: {skipped}")
