from django.core.management.base import BaseCommand, CommandError

from cryoneuro.audit.tasks import AuditChainBroken, audit_verify, verify_and_anchor


class Command(BaseCommand):
    help = (
        "Verify the audit trail's sealed chain against the anchors kept outside the "
        "database, name the first broken entry, and anchor the verified head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-anchor",
            action="store_true",
            help="verify only; do not append the verified head to the anchor file",
        )
        parser.add_argument(
            "--mail-admins",
            action="store_true",
            help="also send the verified head (or the failure) to settings.ADMINS",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the check for the task worker instead of running it here "
            "(it then anchors and mails the head to ADMINS)",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = audit_verify.enqueue(mail=True)
            self.stdout.write(f"audit check queued: task {result.id}")
            return
        try:
            summary = verify_and_anchor(
                anchor=not options["no_anchor"], mail=options["mail_admins"]
            )
        except AuditChainBroken as broken:
            raise CommandError(str(broken)) from None
        self.stdout.write(self.style.SUCCESS(summary))
