"""Send the follow-up questionnaires that are due (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from cryoneuro.followup.services import followup_send_due


class Command(BaseCommand):
    help = "E-mail every follow-up questionnaire due today or earlier (idempotent)."

    def handle(self, *args, **options):
        sent = followup_send_due()
        self.stdout.write(f"{sent} questionnaire(s) sent.")
