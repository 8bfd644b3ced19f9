"""Send the follow-up questionnaires that are due. The periodic scheduler (``manage
run_periodic``) queues this daily for the task worker; the command runs it at once (or
queues it, ``--enqueue``), e.g. from cron."""

from django.core.management.base import BaseCommand

from cryoneuro.followup.tasks import send_followups


class Command(BaseCommand):
    help = "E-mail every follow-up questionnaire due today or earlier (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for the worker instead"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = send_followups.enqueue()
            self.stdout.write(f"follow-up sends queued: task {result.id}")
            return
        sent = send_followups.call()
        self.stdout.write(f"{sent} questionnaire(s) sent.")
