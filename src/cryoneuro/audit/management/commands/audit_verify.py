from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError

from cryoneuro.audit.anchors import anchor_file, append_anchor
from cryoneuro.audit.services import audit_verify_chain


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

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            where = f" at entry #{report.first_broken_seq}" if report.first_broken_seq else ""
            message = (
                f"Audit chain BROKEN{where}: {report.reason} "
                f"({report.checked} entries verified before it)."
            )
            if options["mail_admins"]:
                mail_admins("Audit chain BROKEN", message)
            raise CommandError(message)
        summary = (
            f"Audit chain intact: {report.checked} entries, "
            f"{report.anchors_checked} earlier anchors hold."
        )
        if not options["no_anchor"]:
            anchor = append_anchor(report.head_seq, report.head_hash)
            summary += f" Anchored #{anchor.seq} {anchor.hash} in {anchor_file()}."
            if options["mail_admins"]:
                mail_admins(
                    "Audit chain anchor",
                    f"{summary}\nKeep this line: seq={anchor.seq} seal={anchor.hash} "
                    f"at={anchor.at} key={anchor.key_id}",
                )
        self.stdout.write(self.style.SUCCESS(summary))
