from django.core.management.base import BaseCommand, CommandError

from cryoneuro.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at entry #{report.first_broken_seq}: {report.reason} "
                f"({report.checked} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries."))
